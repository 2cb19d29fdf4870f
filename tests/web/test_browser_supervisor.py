"""A supervisor in real headless Chromium: finds the annual report, reads its diagram, moves the clock, exports."""
from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook

from app.extensions import db
from app.models import User
from app.services.tasks import actions
from app.services.time.tick import run_tick
from tests.web.conftest import (
    GOOD_REPORT,
    LiveServer,
    browser_login,
    ready_task_id,
    screenshot,
    set_clock,
    start_annual_report,
)


def submit_report(app: Flask, staff: dict[str, Any], center: str) -> None:
    """The applicant of `center` submits the annual report (through the service: the staff side has its own test)."""
    task_id = ready_task_id(app, "submit_report", staff["centers"][center])
    with app.app_context():
        applicant = db.session.get(User, staff["applicant" if center == "a" else "applicant_b"].id)
        assert applicant is not None
        data = {**GOOD_REPORT, "fulltime_researchers": 42, "annual_operating_funds": 800}
        actions.complete(applicant, task_id, data)


def marker_classes(page: Any, element_id: str) -> str:
    return str(page.get_attribute(f'#diagram g.djs-element[data-element-id="{element_id}"]', "class") or "")


@pytest.fixture
def scene(app: Flask, staff: dict[str, Any]) -> dict[str, int]:
    """A's report submitted (now with the local S&T department); B's not yet, its reminder sent, its deadline ahead."""
    set_clock(app, "2026-12-01T09:00:00+08:00")
    a = start_annual_report(app, staff, "a")
    b = start_annual_report(app, staff, "b")
    submit_report(app, staff, "a")
    set_clock(app, "2027-01-15T09:00:00+08:00")
    with app.app_context():
        run_tick()  # B's reminder (due 1 January) fires
    return {"a": a, "b": b}


def test_supervisor_finds_instance_sees_diagram_and_exports(
    page: Any, live_server: LiveServer, staff: dict[str, Any], scene: dict[str, int], tmp_path: Path,
) -> None:
    console_errors: list[str] = []
    page.on("console", lambda msg: console_errors.append(msg.text)
            if msg.type == "error" and not msg.text.startswith("Failed to load resource") else None)
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    browser_login(page, staff["supervisor"])

    # find center A's annual report through the filters
    page.goto("/monitor/instances")
    page.select_option("#center_id", str(staff["centers"]["a"]))
    page.select_option("#process_key", "nmg2025_annual_report")
    with page.expect_navigation():
        page.click("[data-testid=instance-filters] button[type=submit]")
    rows = page.locator("[data-testid=instance-list] tbody tr")
    assert rows.count() == 1
    screenshot(page, "supervisor-instances")
    rows.first.locator("a").first.click()
    page.wait_for_selector("#diagram[data-rendered=true]")
    assert page.url.endswith(f"/monitor/instances/{scene['a']}")
    assert "tic-completed" in marker_classes(page, "start_annual_report")
    assert "tic-completed" in marker_classes(page, "submit_report")
    assert "tic-active" in marker_classes(page, "sponsor_review")
    assert "tic-" not in marker_classes(page, "authority_review")
    assert page.locator(".tic-timer-due").count() == 0  # the submission cancelled both boundary timers
    trail = page.inner_text("[data-testid=audit-trail]")
    assert "流程启动" in trail and "instance_started" not in trail and "submit_report" not in trail
    screenshot(page, "supervisor-instance-a")

    # center B's report: still with the applicant; the reminder fired, the overdue timer waits with its due date
    page.goto(f"/monitor/instances/{scene['b']}")
    page.wait_for_selector("#diagram[data-rendered=true]")
    assert "tic-active" in marker_classes(page, "submit_report")
    assert "tic-completed" in marker_classes(page, "timer_reminder")
    assert "tic-waiting" in marker_classes(page, "timer_overdue")
    overlay = page.locator(".djs-overlays[data-container-id=timer_overdue] .tic-timer-due")
    assert overlay.inner_text().endswith("2027-01-31 23:59")
    screenshot(page, "supervisor-instance-b")
    page.locator("#diagram").screenshot(path=str(screenshot(page, "supervisor-diagram-b", full_page=False)))

    # a month later (the clock control): B's report is overdue and escalated to the supervisor
    page.click("[data-testid=clock-control] button[value=month]")
    page.wait_for_selector("#diagram[data-rendered=true]")
    assert "2027-02-15 09:00" in page.inner_text("[data-testid=clock-now]")
    assert "tic-completed" in marker_classes(page, "timer_overdue")
    assert "tic-active" in marker_classes(page, "escalate_overdue")

    # the overdue board and its Excel export
    page.goto("/monitor/deadlines")
    late = page.locator("[data-testid=late-list] tr[data-element-id=submit_report]")
    assert late.count() == 1 and "测试中心_b" in late.inner_text()
    screenshot(page, "supervisor-deadlines")
    with page.expect_download() as info:
        page.click("[data-testid=export-late]")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    target = tmp_path / download.suggested_filename
    download.save_as(str(target))
    book = load_workbook(BytesIO(target.read_bytes()))
    rows_xlsx = list(book["逾期事项"].iter_rows(values_only=True))
    assert rows_xlsx[0][:5] == ("政策", "单位", "技术创新中心", "类别", "事项")
    assert [(r[2], r[4]) for r in rows_xlsx[1:]] == [("测试中心_b", "填报年度报告")]

    # the dashboard draws its three charts and lists the reports by region, every label in words
    page.goto("/dashboard")
    page.wait_for_selector("#dashboard[data-loaded=true]")
    for chart in ("centers", "reports", "overdue"):
        assert page.locator(f"#chart-{chart} svg").count() >= 1
    assert page.locator("#chart-lag").count() == 0  # the timer lag is the operator's page
    assert "2026" in page.inner_text("#chart-reports")
    assert "年度报告" in page.inner_text("#chart-overdue") and "applicant_b" in page.inner_text("#chart-overdue")
    assert "已成立" in page.inner_text("#chart-centers")
    rows = page.locator("#reports-table tbody tr")
    assert rows.count() == 2 and "1（已过报送期限）" in rows.nth(1).inner_text()
    screenshot(page, "supervisor-dashboard")
    page.goto("/lang/en")
    page.goto("/dashboard")
    page.wait_for_selector("#dashboard[data-loaded=true]")
    assert "1 (past the deadline)" in page.locator("#reports-table tbody tr").nth(1).inner_text()
    page.goto("/lang/zh_CN")
    assert console_errors == [] and failed == []
