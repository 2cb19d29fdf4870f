"""Locale selection: zh-CN by default; a language chosen on the page wins, then Accept-Language."""
from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, cast

from flask import Flask, request, session
from flask_babel import lazy_gettext

from app.extensions import babel

LOCALES = ("zh_CN", "en")
LANG_COOKIE = "lang"  # set by /lang/<code> together with the session value


def lazy_text(text: str, **variables: Any) -> str:
    """`text` translated when it is rendered, typed as the `str` it stands in for (WTForms labels and messages)."""
    return cast(str, lazy_gettext(text, **variables))  # a LazyString: str() and formatting translate it


def normalise(code: str | None) -> str | None:
    """A supported locale for `code` (zh, zh-CN, zh_CN, en, en-US ...), or None."""
    if not code:
        return None
    code = code.replace("-", "_").lower()
    if code.startswith("en"):
        return "en"
    if code.startswith("zh"):
        return "zh_CN"
    return None


def select_locale() -> str:
    """The session's or cookie's chosen language, else the best match of Accept-Language."""
    try:
        chosen = normalise(session.get("lang")) or normalise(request.cookies.get(LANG_COOKIE))
        if chosen:
            return chosen
        best = request.accept_languages.best_match(["zh-CN", "zh", "en"])
    except RuntimeError:
        return "zh_CN"
    return "en" if best == "en" else "zh_CN"


def init_i18n(app: Flask) -> None:
    """Initialise Flask-Babel with the app's translations directory."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(Path(__file__).parent / "translations"))
    babel.init_app(app, locale_selector=select_locale)


# the elements whose names staff read as step or procedure names (flows, lanes and pools are not listed)
_NAMED = re.compile(r'<bpmn:(?!sequenceFlow\b|lane\b|laneSet\b|participant\b|collaboration\b|textAnnotation\b)'
                    r'\w+ id="[^"]+" name="([^"]+)"')


def extract_bpmn(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any) -> Iterator[tuple[int, None, str, list[str]]]:
    """Babel extractor (babel.cfg): the names of a BPMN file's process and flow nodes, translated when shown."""
    for lineno, line in enumerate(fileobj.read().decode("utf-8").splitlines(), start=1):
        for match in _NAMED.finditer(line):
            yield lineno, None, html.unescape(match.group(1)), []
