"""Article citations read Art. 31(1) on English pages and stay as the text numbers them on Chinese ones."""
from __future__ import annotations

import pytest
from flask import Flask

from app.articles import article_label, chinese_number, english_article


@pytest.mark.parametrize(("text", "number"), [("一", 1), ("十", 10), ("十七", 17), ("二十九", 29), ("三十四", 34),
                                              ("一百零二", 102)])
def test_chinese_numbers(text: str, number: int) -> None:
    assert chinese_number(text) == number


@pytest.mark.parametrize(("text", "english"), [
    ("第二十九条", "Art. 29"),
    ("第三十一条(一)", "Art. 31(1)"),
    ("第十条（一）（二）", "Art. 10(1)(2)"),
    ("第十七条5", "Art. 17.5"),
    ("三(六)3", "III(6)3"),
    ("第十五条、第十六条、第十七条、第十九条", "Art. 15, Art. 16, Art. 17, Art. 19"),
    ("第三十一条(二)至(七)", "Art. 31(2) to (7)"),
])
def test_english_citations(text: str, english: str) -> None:
    assert english_article(text) == english


def test_as_written_on_chinese_pages() -> None:
    app = Flask(__name__)
    from flask_babel import Babel

    Babel(app, locale_selector=lambda: "zh_CN")
    with app.test_request_context():
        assert article_label("第三十一条(一)") == "第三十一条(一)" and article_label(None) == ""
