"""In the browser, the authority registers a center and the applicant unit starts its establishment application —
where the text has the applicant begin it (nmg2020 第十条: the applicant unit prepares the construction and operation
plan) — and an applicant starts a major-change request for its established center."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import ProcessInstance
from tests.web.conftest import LiveServer, browser_login, screenshot, set_clock, staff_of


def _started(live_server: LiveServer, key: str) -> ProcessInstance:
    with live_server.app.app_context():
        found = db.session.scalar(select(ProcessInstance).where(ProcessInstance.process_key == key))
        assert found is not None, key
        db.session.expunge(found)
        return found


def test_applicant_starts_the_establishment_of_a_center_the_authority_registered(
    page: Any, live_server: LiveServer
) -> None:
    people = staff_of(live_server.app, "nmg2020")
    set_clock(live_server.app, "2024-06-03T09:00:00+08:00")  # nmg2020 in force (until 2025-08-26)
    browser_login(page, people["authority"])
    page.goto("/centers/new")
    page.fill("#org_applicant", "nmg2020 applicant_a")
    page.fill("#org_sponsor", "nmg2020 sponsor_a")
    page.keyboard.press("Escape")
    page.fill("#name", "内蒙古自治区稀土新材料技术创新中心")
    page.select_option("#policy", "nmg2020")
    page.click("[data-testid=register-center]")
    page.wait_for_selector("[data-testid=center-name]")
    assert page.inner_text("[data-testid=center-status]") == "拟建"
    center_url = page.url
    page.click("form[action='/logout'] button")

    browser_login(page, people["applicant"])
    page.goto(center_url)
    offered = page.inner_text("[data-testid=start-procedures]")
    assert "建设申报" in offered, offered
    assert page.locator("[data-testid=start-nmg2020_annual_report]").count() == 0  # the scheduler's, not theirs
    screenshot(page, "centers-03-applicant-starts-establishment")
    page.click("[data-testid=start-nmg2020_establishment]")
    page.wait_for_selector(".flash")
    assert "已发起程序" in page.inner_text(".flash")
    started = _started(live_server, "nmg2020_establishment")
    assert started.started_by == people["applicant"].username
    page.goto("/")  # the first step is the applicant's own: it waits in the inbox
    assert page.locator("[data-testid=task-list] tbody tr").count() >= 1
    assert "编制建设与运行实施方案" in page.inner_text("[data-testid=task-list]")


def test_applicant_starts_a_major_change_request_for_its_center(page: Any, live_server: LiveServer) -> None:
    people = staff_of(live_server.app, "nmg2025")
    set_clock(live_server.app, "2026-12-01T09:00:00+08:00")
    browser_login(page, people["applicant"])
    page.goto(f"/centers/{people['centers']['a']}")
    page.wait_for_selector("[data-testid=start-procedures]")
    page.click("[data-testid=start-nmg2025_major_change]")
    page.wait_for_selector(".flash")
    assert "已发起程序" in page.inner_text(".flash")
    assert _started(live_server, "nmg2025_major_change").started_by == people["applicant"].username
