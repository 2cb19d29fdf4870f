"""Server messages on English pages are English: a refused submission (422), a stale one (409), a page that is
not there (404) and the flash messages after claiming and submitting name the step in English too."""
from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.web.conftest import GOOD_REPORT, csrf_token, logged_in, ready_task_id, set_clock, start_annual_report

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
DATA_NAMES = ("测试中心_a", "测试中心_b", "nmg2025 科技厅", ">中文<")  # fixture data names; the link to the Chinese page
REPORT = {**GOOD_REPORT, "summary": "Two pilot lines completed; twelve invention patents granted this year.",
          "achievements": "The catalyst life was doubled and applied in two companies.",
          "problems": "Few senior researchers; some large instruments are imported.",
          "next_year_plan": "Build the demonstration line and hire ten researchers."}  # typed data, in English
MAIN = re.compile(r"<main\b.*?</main>", re.S)


def chinese_lines(html: str) -> list[str]:
    """The lines of the page's main content (form values aside) that keep a Chinese character."""
    found = MAIN.search(html)
    text = re.sub(r"<textarea\b.*?</textarea>|value=\"[^\"]*\"", "", found.group(0) if found else html, flags=re.S)
    for name in DATA_NAMES:
        text = text.replace(name, "")
    return [line.strip() for line in text.splitlines() if CJK.search(line)]


@pytest.fixture
def english(app: Flask, staff: dict[str, Any]) -> tuple[FlaskClient, int]:
    set_clock(app, "2026-12-01T09:00:00+08:00")
    start_annual_report(app, staff)
    client = logged_in(app, staff["applicant"])
    client.get("/lang/en")
    return client, ready_task_id(app, "submit_report")


def _post(client: FlaskClient, path: str, data: dict[str, Any]) -> Any:
    token = csrf_token(client.get(path).get_data(as_text=True))
    return client.post(path, data={**data, "csrf_token": token})


def test_refused_stale_and_missing_pages_speak_english(english: tuple[FlaskClient, int]) -> None:
    client, task_id = english
    refused = _post(client, f"/tasks/{task_id}", {"action": "complete", "summary": "Too short."})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'data-error-for="achievements"' in html and chinese_lines(html) == []
    done = _post(client, f"/tasks/{task_id}", {**REPORT, "action": "complete"})
    assert done.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Submitted: Fill in annual report" in page and chinese_lines(page) == []
    stale = client.post(f"/tasks/{task_id}", data={**REPORT, "action": "complete",
                                                   "csrf_token": csrf_token(page)})
    assert stale.status_code == 409 and chinese_lines(stale.get_data(as_text=True)) == []
    missing = client.get("/tasks/999999")
    assert missing.status_code == 404 and chinese_lines(missing.get_data(as_text=True)) == []
    assert chinese_lines(client.get("/monitor/instances/999999").get_data(as_text=True)) == []


def test_the_chinese_page_keeps_the_chinese_messages(app: Flask, staff: dict[str, Any]) -> None:
    set_clock(app, "2026-12-01T09:00:00+08:00")
    start_annual_report(app, staff)
    client = logged_in(app, staff["applicant"])
    task_id = ready_task_id(app, "submit_report")
    assert _post(client, f"/tasks/{task_id}", {**GOOD_REPORT, "action": "complete"}).status_code == 302
    assert "已提交：填报年度报告" in client.get("/").get_data(as_text=True)
