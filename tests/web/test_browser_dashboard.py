"""The operator's page in Chromium: the timer lag chart, drawn under the Content-Security-Policy, for an admin."""
from __future__ import annotations

from typing import Any

from flask import Flask

from app.extensions import db
from app.services.time.tick import run_tick
from tests.web.conftest import LiveServer, browser_login, screenshot, set_clock, start_annual_report


def test_admin_sees_how_late_timers_fired(page: Any, app: Flask, live_server: LiveServer,
                                          staff: dict[str, Any]) -> None:
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text)
            if msg.type == "error" and not msg.text.startswith("Failed to load resource") else None)
    set_clock(app, "2026-12-01T09:00:00+08:00")
    start_annual_report(app, staff, "b")
    set_clock(app, "2027-02-01T00:00:10+08:00")
    with app.app_context():
        run_tick()  # the reminder (due 1 January) and the overdue timer fire, late
        db.session.remove()
    browser_login(page, staff["admin"])
    page.click("nav.mainnav >> text=运行状况")
    page.wait_for_selector("#dashboard[data-loaded=true]")
    assert page.locator("#chart-lag svg").count() >= 1
    assert "定时事件触发延迟（天）" in page.inner_text("#chart-lag")  # a month late: shown in days
    assert page.inner_text("[data-testid=lag-recent]").startswith("最近 2 次触发")
    assert page.inner_text("#dashboard-now") == "2027-02-01 00:00"  # 截至 … (was empty)
    screenshot(page, "admin-operations")
    set_clock(app, "2027-03-15T09:00:00+08:00")  # the firings are now older than the chart's 30 days
    page.reload()
    page.wait_for_selector("#dashboard[data-loaded=true]")
    assert "最近 30 天没有定时事件触发" in page.inner_text("#chart-lag")
    assert page.inner_text("[data-testid=lag-recent]").startswith("最近 2 次触发")
    assert not violations, violations
