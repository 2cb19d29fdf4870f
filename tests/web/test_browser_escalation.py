"""A supervisor in real headless Chromium completes an overdue-escalation task through its web form.

The escalation forms (nmg2025 annual report overdue, nmg2020 absence from evaluation) have a field named
`action`, the name of the page's own submit buttons: unescaped, the browser posted `action=<choice>` before
`action=complete`, the page said the draft was saved and the task stayed open for ever. The field is posted as
`_field.action` (app/web/form_decoding.py `input_name`); these tests fail if that escaping is removed.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import Event, HumanTask, ProcessInstance, User
from tests.support import seed_people
from tests.web.conftest import (
    FAST_HASH,
    LiveServer,
    WebUser,
    browser_login,
    screenshot,
    set_clock,
    start_annual_report,
)

EVALUATION_NOTICE = {"cycle": 1, "materials_due": "2029-07-31",
                     "requirements": "按创新能力、市场化创新服务能力报送定量数据和定性材料。"}


@dataclass
class Case:
    """One escalation: how to get one day before it fires, which task it is and what the supervisor chooses."""

    policy: str
    prepare: Callable[[Flask, dict[str, Any]], int]  # -> instance id, clock one day before the timer fires
    after: str  # the clock one day on, as the clock control shows it
    element: str
    choice: str  # the label of the `action` radio the supervisor clicks
    value: str  # the value it stands for
    note: str  # 督办说明
    then: tuple[str, ...]  # elements completed right after the escalation (the instance went on)


def nmg2025_overdue_report(app: Flask, people: dict[str, Any]) -> int:
    """Center A's 2026 annual report, due 2027-01-31 23:59; the clock on the last day."""
    set_clock(app, "2026-12-01T09:00:00+08:00")
    iid = start_annual_report(app, people)
    set_clock(app, "2027-01-31T09:00:00+08:00")
    return iid


def nmg2020_absent_from_evaluation(app: Flask, people: dict[str, Any]) -> int:
    """Center A's first nmg2020 evaluation, materials due 2029-07-31; the clock on the last day."""
    from app.services.running import instances
    from app.services.tasks import actions

    set_clock(app, "2029-06-20T09:00:00+08:00")
    with app.app_context():
        authority = db.session.get(User, people["authority"].id)
        assert authority is not None
        instance = instances.start_instance(authority, "nmg2020_evaluation", people["centers"]["a"], {"cycle": 1})
        iid = int(instance.id)
        [notice] = db.session.scalars(select(HumanTask.id).where(
            HumanTask.instance_id == iid, HumanTask.element_id == "organise_evaluation"))
        actions.complete(authority, notice, dict(EVALUATION_NOTICE))
    set_clock(app, "2029-07-31T09:00:00+08:00")
    return iid


CASES = [
    pytest.param(Case("nmg2025", nmg2025_overdue_report, "2027-02-01 09:00", "escalate_overdue",
                      "已记录延期说明", "extension_noted", "已电话督促中心主任；中心说明因年度审计延误，承诺2月15日前补报。",
                      ("end_overdue_escalated",)),
                 id="nmg2025-annual-report-overdue"),
    pytest.param(Case("nmg2020", nmg2020_absent_from_evaluation, "2029-08-01 09:00", "handle_absence",
                      "建议启动撤销程序", "revocation_proposed", "经两次书面督促仍未报送评估评价材料，且无正当理由。",
                      ("gateway_absence", "propose_revocation_absence", "end_absence_revocation_proposed")),
                 id="nmg2020-evaluation-absence"),
]


def seeded(app: Flask, policy: str) -> dict[str, Any]:
    """Centers A and B of `policy` and one WebUser per role (the `staff` fixture, for any policy)."""
    with app.app_context():
        seed = seed_people(policy)
        people: dict[str, Any] = {"centers": seed["centers"]}
        for key, (username, role, token) in seed["users"].items():
            user = db.session.scalar(select(User).where(User.username == username))
            assert user is not None
            user.password_hash = FAST_HASH
            people[key] = WebUser(key, user.id, username, role, token=token)
        db.session.commit()
    return people


@pytest.mark.parametrize("case", CASES)
def test_supervisor_completes_escalation_through_its_form(
    page: Any, live_server: LiveServer, request: pytest.FixtureRequest, case: Case,
) -> None:
    app = live_server.app
    people = request.getfixturevalue("staff") if case.policy == "nmg2025" else seeded(app, case.policy)
    supervisor: WebUser = people["supervisor"]
    iid = case.prepare(app, people)

    # the supervisor moves the simulated clock one day on: the deadline passes and the timer fires
    browser_login(page, supervisor)
    page.goto("/monitor/instances")
    with page.expect_navigation():
        page.click("[data-testid=clock-control] button[value=day]")
    assert case.after in page.inner_text("[data-testid=clock-now]")
    with app.app_context():
        [task_id] = db.session.scalars(select(HumanTask.id).where(
            HumanTask.instance_id == iid, HumanTask.element_id == case.element, HumanTask.state == "ready"))

    # the escalation is in the supervisor's inbox; open it and fill the form
    page.goto("/")
    row = page.locator(f"[data-testid=task-list] tr[data-task-id='{task_id}']")
    assert row.get_attribute("data-element") == case.element
    row.locator("a").first.click()
    page.wait_for_selector("[data-testid=task-form]")
    assert page.url.endswith(f"/tasks/{task_id}")
    page.locator("[data-field=action]").get_by_label(case.choice, exact=True).check()
    page.get_by_label("督办说明").fill(case.note)
    assert page.locator("[data-field=action] input:checked").get_attribute("value") == case.value
    screenshot(page, f"escalation-{case.policy}-form")
    with page.expect_navigation():
        page.click("[data-testid=complete]")

    # back in the inbox, submitted (with the field unescaped: "草稿已保存" and the task page again)
    flash = page.inner_text(".flash")
    assert "已提交" in flash, flash
    page.wait_for_selector("[data-testid=inbox]")
    assert page.url.rstrip("/") == live_server.url
    assert page.locator(f"tr[data-task-id='{task_id}']").count() == 0

    with app.app_context():
        task = db.session.get(HumanTask, task_id)
        assert task is not None
        assert (task.state, task.completed_by, task.draft) == ("completed", supervisor.username, None)
        assert task.data == {"action": case.value, "note": case.note}
        instance = db.session.get(ProcessInstance, iid)
        assert instance is not None and instance.status == "running"  # the report/materials task is still open
        trail = list(db.session.scalars(select(Event).where(Event.instance_id == iid).order_by(Event.id)))
        completed = [e for e in trail if e.kind == "element_completed"]
        at = [e.element_id for e in completed].index(case.element)
        assert completed[at].actor == supervisor.username
        assert tuple(e.element_id for e in completed[at + 1:at + 1 + len(case.then)]) == case.then
        if case.value == "revocation_proposed":  # 三(六)3: the proposal starts the revocation procedure
            [started] = [e for e in trail if e.kind == "procedure_started"]
            revocation = db.session.get(ProcessInstance, (started.payload or {})["instance_id"])
            assert revocation is not None and revocation.process_key == "nmg2020_revocation"
            assert (revocation.start_data or {}).get("ground") == "absent_from_evaluation"
