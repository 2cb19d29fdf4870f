"""Screenshots of the key pages in Chromium (tests/artifacts/key-*.png), each checked for what it must show: an
overdue annual report in the inbox and on its task page (Chinese), the same task page in English with no Chinese
in its form, the instance page in English, the notifications and the center page."""
from __future__ import annotations

import re
from typing import Any

from flask import Flask

from app.services.time.tick import run_tick
from tests.web.conftest import LiveServer, browser_login, ready_task_id, screenshot, set_clock, start_annual_report

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")


def test_key_pages(page: Any, app: Flask, live_server: LiveServer, staff: dict[str, Any]) -> None:
    set_clock(app, "2026-12-01T09:00:00+08:00")
    report = start_annual_report(app, staff, "a")
    set_clock(app, "2027-01-02T09:00:00+08:00")
    with app.app_context():
        run_tick()  # the reminder: the report is due by 31 January
    set_clock(app, "2027-02-03T09:00:00+08:00")
    with app.app_context():
        run_tick()  # the overdue timer fires: the report is overdue
    task_id = ready_task_id(app, "submit_report", staff["centers"]["a"])
    browser_login(page, staff["applicant"])

    # the inbox: the report year and the overdue mark
    row = page.locator("[data-testid=task-list] tbody tr").first
    assert "2026年度" in row.inner_text() and "已逾期" in row.inner_text()
    screenshot(page, "key-01-inbox-overdue")

    # the task page: its deadline, overdue by two days
    page.goto(f"/tasks/{task_id}")
    assert page.inner_text("[data-testid=task-due-state]") == "已逾期 2 天"
    assert "2027-01-31 23:59" in page.inner_text("[data-testid=task-due]")
    screenshot(page, "key-02-task-overdue")

    # the notifications (the reminder and the overdue notice)
    with page.expect_navigation():
        page.click("[data-testid=notification-bell]")
    assert page.locator("[data-testid=notification-list] li").count() >= 1
    screenshot(page, "key-03-notifications")

    # the center page
    page.goto(f"/centers/{staff['centers']['a']}")
    screenshot(page, "key-04-center")

    # in English: the task form speaks English only
    with page.expect_navigation():
        page.click(".lang-switch a")
    page.goto(f"/tasks/{task_id}")
    labels = page.locator("[data-testid=task-form] label, [data-testid=task-form] .help, [data-testid=task-form] .unit")
    texts = [t for t in labels.all_inner_texts() if t.strip()]
    assert "R&D floor area" in " ".join(texts)
    assert [t for t in texts if CJK.search(t)] == []
    assert page.inner_text("[data-testid=task-due-state]") == "2 days overdue"
    assert page.inner_text("[data-testid=task-article]") == "Art. 29"
    assert page.inner_text("[data-testid=task-title]") == "Annual report of an Inner Mongolia technology innovation center"
    screenshot(page, "key-05-task-english")

    # the supervisor's instance page in English
    with page.expect_navigation():
        page.click("form[action$='/logout'] button")
    browser_login(page, staff["supervisor"])
    page.goto(f"/monitor/instances/{report}")
    page.wait_for_selector("#diagram[data-rendered=true]")
    states = page.inner_text("[data-testid=element-states]")
    assert "Running" in states and "Completed" in states and "进行中" not in states and not re.search("[、：]", states)
    trail = page.inner_text("[data-testid=audit-trail]")
    assert "fired 2 d 9 h after it was due" in trail and "Delay" not in trail  # the overdue timer, ticked 2 days late
    screenshot(page, "key-06-instance-english")
