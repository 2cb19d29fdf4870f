"""The task page shows its deadline and whether it is overdue (issue 14), in both languages."""
from __future__ import annotations

import re
from typing import Any

from flask import Flask

from tests.web.conftest import logged_in, ready_task_id, set_clock, start_annual_report


def due_cell(html: str) -> str:
    match = re.search(r'data-testid="task-due">(.*?)</td>', html, re.S)
    assert match, "no deadline on the task page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def test_task_page_shows_deadline_and_overdue(app: Flask, staff: dict[str, Any]) -> None:
    set_clock(app, "2026-12-01T09:00:00+08:00")
    start_annual_report(app, staff, "a")
    task_id = ready_task_id(app, "submit_report", staff["centers"]["a"])
    applicant = logged_in(app, staff["applicant"])
    page = applicant.get(f"/tasks/{task_id}").get_data(as_text=True)
    # nmg2025 第二十九条: the report on 2026 is due by 31 January 2027
    assert due_cell(page) == "2027-01-31 23:59 剩余 61 天"
    assert 'data-testid="task-due-state"' not in page
    set_clock(app, "2027-01-28T09:00:00+08:00")
    page = applicant.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert due_cell(page) == "2027-01-31 23:59 剩余 3 天" and "即将到期</span>" in page
    set_clock(app, "2027-02-03T09:00:00+08:00")
    page = applicant.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert due_cell(page) == "2027-01-31 23:59 已逾期 2 天"
    assert re.search(r'data-testid="task-due-state">已逾期 2 天<', page)
    applicant.get("/lang/en")
    page = applicant.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert due_cell(page) == "2027-01-31 23:59 2 days overdue"
