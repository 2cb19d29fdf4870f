"""nmg2020 annual report (三(六)1: by 31 March, 推荐部门 → 科技厅; after-June exemption; 三(六)3 escalation)."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import Actor
from tests.processes.support import (
    complete,
    events,
    nmg2020_people,
    set_clock,
)
from tests.processes.support import instance as view
from tests.processes.support import ready_tasks as ready

REPORT = {
    "development_plan": "理事会审定的年度发展计划已全部完成，新建中试线一条。",
    "major_projects": "承担自治区重大专项两项。",
    "budget": 3000, "expenditure": 2850,
    "academic_activities": "举办稀土材料学术年会。",
    "rd_directions": "按技术指导委员会意见增设永磁材料方向。",
    "governance_decisions": "理事会会议两次，审定预算和主任聘用。",
    "next_year_plan": "完成万吨级示范线建设。",
}


@pytest.fixture
def nmg(app: Flask, client: FlaskClient) -> dict[str, Any]:
    return nmg2020_people(app, client, datetime(2026, 1, 15, 1, 0, tzinfo=UTC))


def start(actor: Actor, center_id: int, year: int) -> Any:
    return actor.post("/api/v1/instances", json={
        "process_key": "nmg2020_annual_report", "center_id": center_id, "data": {"report_year": year}})


def reports(actor: Actor, center_id: int) -> dict[int, dict[str, Any]]:
    found = actor.get(f"/api/v1/instances?center_id={center_id}").get_json()
    return {i["data"]["report_year"]: i for i in found if i["process_key"] == "nmg2020_annual_report"}


@pytest.fixture
def started(nmg: dict[str, Any]) -> dict[str, Any]:
    set_clock(nmg["supervisor"], "2026-12-01T09:00:00+08:00")
    response = start(nmg["supervisor"], nmg["centers"]["a"], 2026)
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json())


def test_due_31_march_with_reminder(nmg: dict[str, Any], started: dict[str, Any]) -> None:
    assert started["data"]["due_at"] == "2027-03-31T23:59:59+08:00"
    assert started["data"]["remind_at"] == "2027-03-01T23:59:59+08:00"
    [task] = started["ready_tasks"]
    assert (task["element_id"], task["lane"], task["article"], task["form_key"]) == (
        "submit_report", "applicant", "三(六)1", "nmg2020/annual_report.json")
    assert task["due_at"].startswith("2027-03-31T15:59:59")
    timers = {t["element_id"]: (t["due_at"], t["article"]) for t in started["timers"]}
    assert timers["timer_overdue"][0].startswith("2027-03-31T15:59:59")
    assert timers["timer_reminder"][0].startswith("2027-03-01T15:59:59")


def test_recommending_department_then_authority_approve(nmg: dict[str, Any], started: dict[str, Any]) -> None:
    iid = started["id"]
    complete(nmg["applicant"], iid, "submit_report", REPORT)
    [review] = ready(nmg["sponsor"], iid, "sponsor_review")
    assert review["name"] == "推荐部门审核"
    complete(nmg["sponsor"], iid, "sponsor_review", {"decision": "approve"})
    complete(nmg["authority"], iid, "authority_review", {"decision": "approve", "comment": "同意"})
    assert view(nmg["supervisor"], iid)["status"] == "completed"
    trail = events(nmg["supervisor"], iid)
    assert trail[-1]["payload"]["result"]["report_status"] == "accepted"
    assert {e["article"] for e in trail if e["kind"] == "element_completed"} == {"三(六)1"}


@pytest.mark.parametrize("reviewer,element", [("sponsor", "sponsor_review"), ("authority", "authority_review")])
def test_return_and_resubmit(nmg: dict[str, Any], started: dict[str, Any], reviewer: str, element: str) -> None:
    iid = started["id"]
    complete(nmg["applicant"], iid, "submit_report", REPORT)
    if element == "authority_review":
        complete(nmg["sponsor"], iid, "sponsor_review", {"decision": "approve"})
    complete(nmg[reviewer], iid, element, {"decision": "return", "comment": "请补充经费决算说明"})
    [revise] = ready(nmg["applicant"], iid, "revise_report")
    assert revise["due_at"].startswith("2027-03-31T15:59:59")
    complete(nmg["applicant"], iid, "revise_report", {**REPORT, "budget_notes": "决算差额为设备采购延期。"})
    complete(nmg["sponsor"], iid, "sponsor_review", {"decision": "approve"})
    complete(nmg["authority"], iid, "authority_review", {"decision": "approve"})
    assert events(nmg["supervisor"], iid)[-1]["payload"]["result"]["report_status"] == "accepted"


@pytest.mark.parametrize("reviewer,element", [("sponsor", "sponsor_review"), ("authority", "authority_review")])
def test_rejected(nmg: dict[str, Any], started: dict[str, Any], reviewer: str, element: str) -> None:
    iid = started["id"]
    complete(nmg["applicant"], iid, "submit_report", REPORT)
    if element == "authority_review":
        complete(nmg["sponsor"], iid, "sponsor_review", {"decision": "approve"})
    complete(nmg[reviewer], iid, element, {"decision": "reject", "comment": "数据严重失实"})
    assert events(nmg["supervisor"], iid)[-1]["payload"]["result"]["report_status"] == "rejected"


@pytest.mark.parametrize("action", ["urged", "revocation_proposed"])
def test_reminder_then_overdue_escalation(nmg: dict[str, Any], started: dict[str, Any], action: str) -> None:
    iid, supervisor = started["id"], nmg["supervisor"]
    set_clock(supervisor, "2027-03-01T23:59:59+08:00")
    assert not [e for e in events(supervisor, iid) if e["kind"] == "timer_fired"]
    set_clock(supervisor, "2027-03-02T00:00:00+08:00")
    set_clock(supervisor, "2027-03-31T23:59:59+08:00")  # 3月底前: the last day still counts
    assert not ready(supervisor, iid, "escalate_overdue")
    set_clock(supervisor, "2027-04-01T00:00:00+08:00")
    [escalation] = ready(supervisor, iid, "escalate_overdue")
    assert (escalation["lane"], escalation["article"]) == ("supervisor", "三(六)1")
    assert ready(nmg["applicant"], iid, "submit_report")  # the report can still be filed
    trail = events(supervisor, iid)
    assert [(e["element_id"], e["article"]) for e in trail if e["kind"] == "timer_fired"] == [
        ("timer_reminder", "三(六)1"), ("timer_overdue", "三(六)1")]
    assert [n["payload"]["template"] for n in trail if n["kind"] == "notification"] == [
        "annual_report_reminder", "annual_report_overdue"]
    complete(supervisor, iid, "escalate_overdue", {"action": action, "note": "2026年度报告到期未提交"})
    follow = [e for e in events(supervisor, iid) if e["kind"] == "procedure_started"]
    if action == "urged":
        assert not follow
        return
    [proposed] = follow
    assert proposed["article"] == "三(六)3" and proposed["payload"]["process_key"] == "nmg2020_revocation"
    revocation = view(supervisor, proposed["payload"]["instance_id"])
    assert revocation["data"]["ground"] == "missing_annual_report" and revocation["data"]["report_year"] == 2026
    [case] = revocation["ready_tasks"]
    detail = supervisor.get(f"/api/v1/tasks/{case['id']}").get_json()
    assert detail["data"]["ground"] == "missing_annual_report"  # the ground is prefilled for the supervisor
    assert nmg["authority"].get(f"/api/v1/centers/{nmg['centers']['a']}").get_json()["status"] == "established"


def test_after_june_exemption(nmg: dict[str, Any]) -> None:
    """A center approved 2025-08-01 owes no 2025 report; its 2026 report is due 2027-03-31."""
    authority, supervisor = nmg["authority"], nmg["supervisor"]
    orgs = authority.get(f"/api/v1/centers/{nmg['centers']['a']}").get_json()["organisations"]
    center = authority.post("/api/v1/centers", json={
        "name": "内蒙古自治区现代煤化工技术创新中心", "policy": "nmg2020", "status": "established",
        "approved_at": "2025-08-01", "established_at": "2025-08-01", "organisations": orgs,
    }).get_json()["id"]
    refused = start(supervisor, center, 2025)
    assert refused.status_code == 422
    assert "三(六)1" in refused.get_json()["errors"]["data.report_year"][0]
    set_clock(supervisor, "2026-02-01T00:00:00+08:00")  # the scheduler's window for 2025 reports is open
    assert 2025 not in reports(supervisor, center)
    set_clock(supervisor, "2027-02-01T00:00:00+08:00")  # ... and the 2026 report starts by itself
    report = reports(supervisor, center)[2026]
    assert report["data"]["due_at"] == "2027-03-31T23:59:59+08:00"
    assert report["started_by"] == "system"


def test_approved_in_june_owes_the_report(nmg: dict[str, Any]) -> None:
    """6月后 means from July: a center approved 2025-06-30 reports on 2025 by 2026-03-31."""
    orgs = nmg["authority"].get(f"/api/v1/centers/{nmg['centers']['a']}").get_json()["organisations"]
    center = nmg["authority"].post("/api/v1/centers", json={
        "name": "内蒙古自治区乳业技术创新中心", "policy": "nmg2020", "status": "established",
        "approved_at": "2025-06-30", "organisations": orgs,
    }).get_json()["id"]
    response = start(nmg["supervisor"], center, 2025)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["data"]["due_at"] == "2026-03-31T23:59:59+08:00"
