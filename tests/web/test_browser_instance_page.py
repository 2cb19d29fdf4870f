"""The instance page in Chromium: timer due-date badges that do not cover each other, element states by name."""
from __future__ import annotations

from typing import Any

from flask import Flask

from tests.web.conftest import LiveServer, browser_login, screenshot, set_clock, start_annual_report


def boxes_overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def test_timer_badges_apart_and_states_by_name(page: Any, app: Flask, live_server: LiveServer,
                                               staff: dict[str, Any]) -> None:
    set_clock(app, "2026-12-01T09:00:00+08:00")
    report = start_annual_report(app, staff, "a")
    browser_login(page, staff["supervisor"])
    page.goto(f"/monitor/instances/{report}")
    page.wait_for_selector("#diagram[data-rendered=true]")
    # the reminder and the overdue timer sit side by side on 填报年度报告: both badges readable, apart
    badges = page.locator(".tic-timer-due")
    assert badges.count() == 2
    page.wait_for_timeout(100)  # the badges are separated on the next animation frame after a viewbox change
    first, second = badges.nth(0).bounding_box(), badges.nth(1).bounding_box()
    assert not boxes_overlap(first, second), (first, second)
    texts = sorted(badges.all_inner_texts())
    assert texts == ["到期 2027-01-01 23:59", "到期 2027-01-31 23:59"]
    # the states by name, the legend in words, no element id in sight
    groups = page.locator("[data-testid=element-states] .element-state-group")
    words = {g.get_attribute("data-state"): g.inner_text() for g in groups.all()}
    assert words["active"].startswith("进行中") and "填报年度报告" in words["active"]
    assert words["waiting"].startswith("等待") and "（到期 2027-01-31 23:59）" in words["waiting"]
    assert words["completed"].startswith("已完成")
    legend = page.inner_text("[data-testid=diagram-legend]")
    assert "已完成" in legend and "进行中" in legend and "等待" in legend
    # the lanes by role in words, not the role keys the BPMN names them by
    lanes = page.eval_on_selector_all("#diagram text[data-role]", "els => els.map(e => e.textContent)")
    assert {"建设单位", "地方科技管理部门", "主管部门", "监督人员"} <= set(lanes)
    assert not {"applicant", "local_authority", "authority", "supervisor"} & set(lanes)
    body = page.inner_text("main")
    assert "submit_report" not in body and "timer_overdue" not in body and "nmg2025_annual_report" not in body
    assert "内蒙古（2025版）·年度报告" in body and "2026年度" in body
    screenshot(page, "supervisor-instance-timers")
