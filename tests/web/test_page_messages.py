"""The web pages' own form messages (WTForms) and filter choices in the user's language: a filter value that
does not parse is explained in Chinese on a Chinese page, in English on an English one; processes are offered by
name, not by key."""
from __future__ import annotations

import re
from typing import Any

from flask import Flask

from tests.web.conftest import logged_in, set_clock, start_annual_report

BAD_FILTERS = "/monitor/instances?started_from=bad&page=0&per_page=9999"


def errors_box(html: str) -> str:
    match = re.search(r'<div class="form-errors" role="alert">(.*?)</div>', html, re.S)
    assert match, "no error box"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def test_filter_messages_in_both_languages(app: Flask, staff: dict[str, Any]) -> None:
    set_clock(app, "2026-12-01T09:00:00+08:00")
    start_annual_report(app, staff, "a")
    supervisor = logged_in(app, staff["supervisor"])
    response = supervisor.get(BAD_FILTERS)
    assert response.status_code == 422
    box = errors_box(response.get_data(as_text=True))
    assert "日期格式无效（应为 YYYY-MM-DD）" in box and "不能小于 1" in box and "必须在 1 到 200 之间" in box
    assert not re.search(r"[A-Za-z]{4,}", box.replace("YYYY", "")), box
    html = supervisor.get("/monitor/instances").get_data(as_text=True)
    assert re.search(r'<option value="nmg2025_annual_report"\s*>内蒙古（2025版）·年度报告</option>', html)
    assert "（nmg2025_annual_report）" not in html
    supervisor.get("/lang/en")
    english = errors_box(supervisor.get(BAD_FILTERS).get_data(as_text=True))
    assert "Not a valid date (YYYY-MM-DD)" in english and "Must be at least 1" in english
    assert "Must be between 1 and 200" in english
