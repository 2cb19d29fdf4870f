"""nmg2020 operation period after 认定 (三(二) filings; 三(六)2 first evaluation after three full years).

The text has no 筹建期 and no acceptance step: 批复认定 (三(四)5) makes the center established at once.
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.processes.support import (
    complete,
    events,
    nmg2020_people,
    set_clock,
)
from tests.processes.support import instance as view
from tests.processes.support import ready_tasks as ready

COMMITTEE = [{"name": f"外部专家{i}", "from_lead_or_cobuilder": False, "is_chair": i == 0} for i in range(4)] + [
    {"name": "牵头单位专家", "from_lead_or_cobuilder": True, "is_chair": False}]
DIRECTOR = {"name": "李华", "fulltime": True, "months_at_center_per_year": 9}  # exactly 9: passes
SETUP: dict[str, Any] = {
    "legal_entity_name": "内蒙古稀土新材料创新有限公司",
    "independent_legal_entity": True,
    "council_members": [{"name": "王强", "unit": "包头稀土研究院", "position": "理事长"}],
    "profile": {"technical_committee": COMMITTEE, "director": DIRECTOR},
    "director_appointment": [{"name": "主任聘用决定.pdf", "file_id": "f-1"}],
}


@pytest.fixture
def nmg(app: Flask, client: FlaskClient) -> dict[str, Any]:
    return nmg2020_people(app, client, datetime(2024, 6, 20, 1, 0, tzinfo=UTC))


@pytest.fixture
def started(nmg: dict[str, Any]) -> dict[str, Any]:
    """A center recognised on 2024-06-15 and its operation period started by 科技厅."""
    orgs = nmg["authority"].get(f"/api/v1/centers/{nmg['centers']['a']}").get_json()["organisations"]
    center = nmg["authority"].post("/api/v1/centers", json={
        "name": "内蒙古自治区稀土新材料技术创新中心", "policy": "nmg2020", "status": "established",
        "approved_at": "2024-06-15", "established_at": "2024-06-15", "organisations": orgs,
    }).get_json()
    response = nmg["authority"].post("/api/v1/instances", json={"process_key": "nmg2020_preparation", "center_id": center["id"]})
    assert response.status_code == 201, response.get_json()
    return {**response.get_json(), "center": center["id"]}


def test_timer_from_recognition_date_and_filing(nmg: dict[str, Any], started: dict[str, Any]) -> None:
    iid, authority = started["id"], nmg["authority"]
    [timer] = started["timers"]
    assert (timer["element_id"], timer["article"]) == ("timer_three_years", "三(六)2")
    assert timer["due_at"].startswith("2027-06-15T15:59:59")  # end of 2027-06-15, China time
    [task] = started["ready_tasks"]
    assert (task["element_id"], task["lane"], task["article"]) == ("file_operation_setup", "applicant", "三(二)")
    complete(nmg["applicant"], iid, "file_operation_setup", SETUP)
    [filing] = ready(nmg["sponsor"], iid, "sponsor_filing")
    checks = nmg["sponsor"].get(f"/api/v1/tasks/{filing['id']}").get_json()["data"]["checks"]
    assert checks["all_passed"] is True, checks
    complete(nmg["sponsor"], iid, "sponsor_filing", {"decision": "approve"})
    complete(authority, iid, "authority_filing", {"decision": "approve"})
    center = authority.get(f"/api/v1/centers/{started['center']}").get_json()
    assert center["profile"]["director"] == DIRECTOR and center["status"] == "established"
    [updated] = [e for e in events(authority, iid) if e["kind"] == "center_updated"]
    assert updated["article"] == "三(二)"
    assert view(authority, iid)["status"] == "running"  # still counting the three years


@pytest.mark.parametrize("reviewer,element", [("sponsor", "sponsor_filing"), ("authority", "authority_filing")])
def test_filing_returned_for_correction(nmg: dict[str, Any], started: dict[str, Any], reviewer: str, element: str) -> None:
    iid = started["id"]
    short = {**SETUP, "profile": {"technical_committee": COMMITTEE, "director": {**DIRECTOR, "months_at_center_per_year": 8}}}
    complete(nmg["applicant"], iid, "file_operation_setup", short)
    [filing] = ready(nmg["sponsor"], iid, "sponsor_filing")
    checks = nmg["sponsor"].get(f"/api/v1/tasks/{filing['id']}").get_json()["data"]["checks"]
    assert checks["failed_rules"] == ["director_months_at_center"]
    if element == "authority_filing":
        complete(nmg["sponsor"], iid, "sponsor_filing", {"decision": "approve"})
    complete(nmg[reviewer], iid, element, {"decision": "return", "comment": "中心主任每年在中心工作时间不足9个月"})
    complete(nmg["applicant"], iid, "revise_operation_setup", SETUP)
    [filing] = ready(nmg["sponsor"], iid, "sponsor_filing")
    assert nmg["sponsor"].get(f"/api/v1/tasks/{filing['id']}").get_json()["data"]["checks"]["all_passed"] is True
    complete(nmg["sponsor"], iid, "sponsor_filing", {"decision": "approve"})
    complete(nmg["authority"], iid, "authority_filing", {"decision": "approve"})
    assert not ready(nmg["applicant"], iid, "revise_operation_setup")


def test_filing_has_no_rejection(nmg: dict[str, Any], started: dict[str, Any]) -> None:
    complete(nmg["applicant"], started["id"], "file_operation_setup", SETUP)
    body = complete(nmg["sponsor"], started["id"], "sponsor_filing", {"decision": "reject", "comment": "x"}, status=422)
    assert "decision" in body["errors"]


def test_first_evaluation_starts_after_three_full_years(nmg: dict[str, Any], started: dict[str, Any]) -> None:
    iid, supervisor = started["id"], nmg["supervisor"]
    complete(nmg["applicant"], iid, "file_operation_setup", SETUP)
    complete(nmg["sponsor"], iid, "sponsor_filing", {"decision": "approve"})
    complete(nmg["authority"], iid, "authority_filing", {"decision": "approve"})
    set_clock(supervisor, "2027-06-15T23:59:59+08:00")
    assert not [e for e in events(supervisor, iid) if e["kind"] == "procedure_started"]
    set_clock(supervisor, "2027-06-16T00:00:00+08:00")
    assert view(supervisor, iid)["status"] == "completed"
    [follow] = [e for e in events(supervisor, iid) if e["kind"] == "procedure_started"]
    assert follow["article"] == "三(六)2" and follow["payload"]["process_key"] == "nmg2020_evaluation"
    evaluation = view(supervisor, follow["payload"]["instance_id"])
    assert evaluation["data"]["cycle"] == 1
    assert [t["element_id"] for t in evaluation["ready_tasks"]] == ["organise_evaluation"]
    fired = [e for e in events(supervisor, iid) if e["kind"] == "timer_fired"]
    assert [(e["element_id"], e["article"]) for e in fired] == [("timer_three_years", "三(六)2")]


def test_refused_without_a_recognition_date(nmg: dict[str, Any]) -> None:
    orgs = nmg["authority"].get(f"/api/v1/centers/{nmg['centers']['a']}").get_json()["organisations"]
    center = nmg["authority"].post("/api/v1/centers", json={
        "name": "未认定的中心", "policy": "nmg2020", "status": "proposed", "organisations": orgs}).get_json()
    response = nmg["authority"].post("/api/v1/instances", json={"process_key": "nmg2020_preparation", "center_id": center["id"]})
    assert response.status_code == 409, response.get_json()  # not recognised (三(四)5): the lifecycle refuses
    assert "不能发起该程序" in response.get_json()["message"]
