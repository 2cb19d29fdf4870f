"""A Jinzhong host in real headless Chromium fills the establishment application and sees the automated checks."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from app.extensions import db
from tests.conftest import Actor
from tests.processes.jinzhong_support import create_center
from tests.processes.support import act, rewind_clock, start
from tests.support import seed_people
from tests.web.conftest import FAST_HASH, PASSWORD, LiveServer, WebUser, browser_login, screenshot


@pytest.fixture
def host(live_server: LiveServer) -> dict[str, Any]:
    """Jinzhong people (passwords set), a proposed center whose establishment waits for the host's application."""
    from sqlalchemy import select

    from app.models import User

    app: Flask = live_server.app
    with app.app_context():
        seeded = seed_people("jinzhong")
        for username, _role, _token in seeded["users"].values():
            user = db.session.scalar(select(User).where(User.username == username))
            assert user is not None
            user.password_hash = FAST_HASH
        db.session.commit()
        applicant = db.session.scalar(select(User).where(User.username == seeded["users"]["applicant"][0]))
        assert applicant is not None
        web_user = WebUser("applicant", applicant.id, applicant.username, "applicant", PASSWORD)
    rewind_clock(app, "2025-09-01T09:00:00+08:00")
    client = app.test_client()
    people = {"centers": seeded["centers"],
              **{key: Actor(client, token, name, role) for key, (name, role, token) in seeded["users"].items()}}
    center_id = create_center(people, status="proposed")
    inst = start(people["authority"], "jinzhong_establishment", center_id)["id"]
    act(people["authority"], inst, "publish_construction_notice",
        {"notice_title": "关于组织申报2025年度晋中市技术创新中心的通知", "priority_fields": "智能装备"})
    return {"user": web_user, "people": people, "instance": inst}


def test_host_fills_the_application_and_sees_the_check_results(page: Any, host: dict[str, Any]) -> None:
    browser_login(page, host["user"])
    row = page.locator("[data-testid=task-list] tr[data-element=prepare_application]")
    row.wait_for()
    assert "第七条(二)" in row.inner_text()
    row.locator("a").first.click()
    page.wait_for_selector("[data-testid=task-form]")
    assert "晋中市××技术创新中心" in page.inner_text("[data-testid=instructions]")
    page.fill("[name=research_field]", "智能装备")
    page.fill("[name=host_unit]", "山西晋中示范装备集团有限公司")
    page.set_input_files("input[name=application_documents]", files=[
        {"name": "建设申请书.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 application"}])
    page.fill("[name='profile.submission_date']", "2025-09-02")
    page.fill("[name='profile.agreement_end_date']", "2028-09-02")
    page.fill("[name='profile.units.0.name']", "山西晋中示范装备集团有限公司")
    page.select_option("[name='profile.units.0.role']", "lead")
    page.select_option("[name='profile.units.0.kind']", "enterprise")
    page.fill("[name='profile.units.1.name']", "太原理工大学")
    page.select_option("[name='profile.units.1.role']", "co_builder")
    page.fill("[name='profile.rd_floor_area']", "999")  # 第八条(二): 1000平方米以上
    page.fill("[name='profile.equipment_value']", "900")
    page.fill("[name='profile.cobuilder_equipment_value']", "300")
    page.fill("[name='profile.fulltime_researchers']", "30")
    page.fill("[name='profile.researchers_masters_or_senior']", "16")
    page.fill("[name='profile.researchers_young_middle_aged']", "12")
    screenshot(page, "jinzhong-01-application")
    page.click("[data-testid=complete]")

    # the host's next task shows the 第八条 / 第十一条 results before the application is submitted
    page.wait_for_selector("[data-testid=task-list] tr[data-element=submit_application]")
    page.locator("tr[data-element=submit_application] a").first.click()
    page.wait_for_selector("[data-testid=checks]")
    checks = page.inner_text("[data-testid=checks]")
    assert "第八条(二)" in checks and "999" in checks and "1000" in checks  # the failed lab-space condition
    assert "第八条(一)" in checks and "第十一条" in checks
    assert "缺少" in checks  # keys left empty are reported missing, never passed
    assert page.locator("[data-testid=checks] li.failed").count() >= 1
    assert page.locator("[data-testid=checks] li.passed").count() >= 1
    screenshot(page, "jinzhong-02-check-results")
    page.check("input[name=submission][value=submit]")
    page.click("[data-testid=complete]")
    page.wait_for_selector("[data-testid=inbox-empty]")
    people = host["people"]
    assert [t["element_id"] for t in people["supervisor"].get(f"/api/v1/instances/{host['instance']}").get_json()[
        "ready_tasks"]] == ["sponsor_review"]
