"""One door for starting a procedure: the API obeys the rule the browser offers by (starting.may_begin).

An applicant starts its own requests, a sponsor the proposals the model has it begin, the authority and supervisors
anything (the scheduled procedures early too); the scheduler's and the system's starts are not held to it.
"""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.labels import PROCEDURE_LABELS
from app.models import Center, User
from app.services.centers.starts import startable
from app.services.running.instances import start_instance
from app.vocabulary import ProcessKey
from tests.processes.support import set_clock


@pytest.fixture
def nmg(people: dict[str, Any]) -> dict[str, Any]:
    """nmg2025 centers A and B (established 2026-06-01) in December 2026, and a proposed center with A's units."""
    set_clock(people["supervisor"], "2026-12-01T09:00:00+08:00")
    orgs = people["authority"].get(f"/api/v1/centers/{people['centers']['a']}").get_json()["organisations"]
    proposed = people["authority"].post("/api/v1/centers", json={
        "name": "稀土新材料技术创新中心（拟建）", "policy": "nmg2025", "status": "proposed", "organisations": orgs})
    assert proposed.status_code == 201, proposed.get_json()
    return {**people, "proposed": proposed.get_json()["id"]}


def start(actor: Any, key: str, center_id: int, data: dict[str, Any] | None = None) -> Any:
    return actor.post("/api/v1/instances", json={"process_key": key, "center_id": center_id, "data": data or {}})


@pytest.mark.parametrize("role,key,data,starter", [
    ("applicant", "nmg2025_annual_report", {"report_year": 2026}, "系统"),
    ("applicant", "nmg2025_evaluation", {"cycle": 1}, "系统"),
    ("sponsor", "nmg2025_annual_report", {"report_year": 2026}, "系统"),
    ("sponsor", "nmg2025_major_change", {}, "建设单位"),
    ("expert", "nmg2025_major_change", {}, None),  # not a starter at all: the access rule refuses first
])
def test_a_role_cannot_start_what_another_begins(nmg: dict[str, Any], role: str, key: str, data: dict[str, Any],
                                                 starter: str | None) -> None:
    response = start(nmg[role], key, nmg["centers"]["a"], data)
    assert response.status_code == 403, response.get_json()
    if starter is not None:
        assert starter in response.get_json()["message"] and "不能发起" in response.get_json()["message"]
    listed = nmg["supervisor"].get(f"/api/v1/instances?center_id={nmg['centers']['a']}").get_json()
    assert [i for i in listed if i["process_key"] == key] == []  # nothing was written


def test_an_applicant_starts_its_change_request(nmg: dict[str, Any]) -> None:
    response = start(nmg["applicant"], "nmg2025_major_change", nmg["centers"]["a"])
    assert response.status_code == 201, response.get_json()
    [task] = response.get_json()["ready_tasks"]
    assert (task["element_id"], task["lane"]) == ("submit_change_request", "applicant")


def test_the_establishment_is_begun_by_the_lane_of_its_first_step(nmg: dict[str, Any]) -> None:
    """nmg2025 第九条: the 组织单位 (sponsor) proposes; the applicant of the same center may not start it."""
    refused = start(nmg["applicant"], "nmg2025_establishment", nmg["proposed"])
    assert refused.status_code == 403 and "推荐单位" in refused.get_json()["message"]
    response = start(nmg["sponsor"], "nmg2025_establishment", nmg["proposed"])
    assert response.status_code == 201, response.get_json()
    assert [t["lane"] for t in response.get_json()["ready_tasks"]] == ["sponsor"]


@pytest.mark.parametrize("role", ["authority", "supervisor", "admin"])
def test_oversight_starts_scheduled_procedures_early(nmg: dict[str, Any], role: str) -> None:
    response = start(nmg[role], "nmg2025_annual_report", nmg["centers"]["a"], {"report_year": 2026})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["started_by"] == nmg[role].username


def test_the_system_starts_are_not_held_to_the_rule(app: Flask, nmg: dict[str, Any]) -> None:
    with app.app_context():
        instance = start_instance(None, "nmg2025_annual_report", nmg["centers"]["b"], {"report_year": 2026})
        assert instance.started_by == "system"


def test_the_api_refuses_exactly_what_the_center_page_does_not_offer(app: Flask, nmg: dict[str, Any]) -> None:
    # the policy's procedures (a database shared with other tests may hold further deployed test processes)
    keys = [p["key"] for p in nmg["admin"].get("/api/v1/processes").get_json()
            if p["key"].startswith("nmg2025_") and ProcessKey.parse(p["key"]).procedure in PROCEDURE_LABELS]
    for role in ("applicant", "sponsor"):
        with app.app_context():
            user = db.session.scalar(select(User).where(User.username == nmg[role].username))
            center = db.session.get(Center, nmg["centers"]["a"])
            assert user is not None and center is not None
            offered = {s.process_key for s in startable(user, center)}
        refused = 0
        for key in keys:
            data = {"report_year": 2026} if key.endswith("annual_report") else {"cycle": 1}
            status = start(nmg[role], key, nmg["centers"]["a"], data).status_code
            if key in offered:
                assert status == 201, (role, key)
            else:
                assert status in (403, 409), (role, key, status)  # 409: the center's state allows it to nobody
                refused += status == 403
        assert refused >= 2, role  # the scheduled report and evaluation at least


def test_refusals_name_the_procedure_and_policy_in_words(nmg: dict[str, Any]) -> None:
    supervisor, center = nmg["supervisor"], nmg["centers"]["a"]
    assert start(supervisor, "nmg2025_annual_report", center, {"report_year": 2026}).status_code == 201
    again = start(supervisor, "nmg2025_annual_report", center, {"report_year": 2026})
    assert again.status_code == 409
    message = again.get_json()["message"]
    assert "2026年度的年度报告已发起" in message and "nmg2025" not in message, message
    english = supervisor.post("/api/v1/instances", headers={"Accept-Language": "en"}, json={
        "process_key": "nmg2025_annual_report", "center_id": center, "data": {"report_year": 2026}}).get_json()
    assert "Annual report" in english["message"] and "2026" in english["message"], english
    other = start(supervisor, "xpcc_major_change", center)
    assert other.status_code == 422, other.get_json()
    body = other.get_json()
    assert "兵团技术创新中心" in body["message"] and "内蒙古（2025版）" in body["message"], body
    assert "xpcc" not in body["message"] and "nmg2025" not in str(body["errors"]), body
