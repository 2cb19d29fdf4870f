"""A center's life as a guarded state machine (issue 9): declared transitions only, procedures that fit the
state, and a revocation that ends the center's other procedures."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.processes.support import FILE, GOOD_REPORT, act, events, instance, rewind_clock, start, task
from tests.support import deploy_probes


@pytest.fixture
def probes(app: Flask) -> None:
    with app.app_context():
        deploy_probes("two_step_probe", "effects_probe")


def _center(people: dict[str, Any], status: str, name: str = "生命周期测试中心", **dates: str) -> int:
    orgs = people["authority"].get(f"/api/v1/centers/{people['centers']['a']}").get_json()["organisations"]
    created = people["authority"].post("/api/v1/centers", json={
        "name": name, "policy": "nmg2025", "status": status, "organisations": orgs, **dates})
    assert created.status_code == 201, created.get_json()
    return int(created.get_json()["id"])


def test_a_step_asking_for_an_undeclared_transition_fails_naming_center_states_and_article(
        probes: None, people: dict[str, Any]) -> None:
    center_id = _center(people, "proposed")  # the probe asks for 整改 (rectifying) of a center not yet approved
    response = people["supervisor"].post("/api/v1/instances", json={
        "process_key": "nmg2025_effects_probe", "center_id": center_id,
        "data": {"notice_start": "2025-09-29", "new_name": "不应改名"}})
    assert response.status_code == 422
    message = response.get_json()["message"]
    assert "生命周期测试中心" in message and "proposed" in message and "rectifying" in message and "第三十四条" in message
    center = people["supervisor"].get(f"/api/v1/centers/{center_id}").get_json()
    assert (center["status"], center["name"]) == ("proposed", "生命周期测试中心")  # nothing of the step was kept


@pytest.mark.parametrize("status,process_key", [
    ("approved_for_preparation", "nmg2025_evaluation"),  # 第三十二条 evaluates established centers, not 筹建期
    ("revoked", "nmg2025_annual_report"),
    ("revoked", "nmg2025_major_change"),
    ("revoked", "nmg2025_revocation"),
    ("established", "nmg2025_preparation"),
    ("established", "nmg2025_establishment"),
    ("revoked", "nmg2025_two_step_probe"),  # a procedure the lifecycle does not list: never for a revoked center
])
def test_procedures_start_only_in_the_states_their_policy_allows(probes: None, app: Flask, people: dict[str, Any],
                                                                  status: str, process_key: str) -> None:
    rewind_clock(app, "2027-03-01T09:00:00+08:00")
    center_id = _center(people, status, approved_at="2025-09-10")
    response = people["supervisor"].post("/api/v1/instances", json={
        "process_key": process_key, "center_id": center_id, "data": {"report_year": 2026}})
    assert response.status_code == 409, response.get_json()
    assert "不能" in response.get_json()["message"]


def test_no_second_revocation_while_one_runs(app: Flask, people: dict[str, Any]) -> None:
    rewind_clock(app, "2028-05-01T09:00:00+08:00")
    start(people["supervisor"], "nmg2025_revocation", people["centers"]["a"], {"ground": "第三十一条(三)"})
    again = people["supervisor"].post("/api/v1/instances", json={
        "process_key": "nmg2025_revocation", "center_id": people["centers"]["a"], "data": {"ground": "第三十一条(四)"}})
    assert again.status_code == 409 and "撤销程序已在进行中" in again.get_json()["message"]


def test_no_second_establishment_while_one_runs_and_none_offered(app: Flask, people: dict[str, Any]) -> None:
    """A second copy could not finish: once the first ends, the state it would move the center from is gone."""
    from sqlalchemy import select

    rewind_clock(app, "2026-03-01T09:00:00+08:00")
    center_id = _center(people, "proposed")
    sponsor = people["sponsor"]
    first = sponsor.post("/api/v1/instances", json={"process_key": "nmg2025_establishment", "center_id": center_id})
    assert first.status_code == 201, first.get_json()
    again = sponsor.post("/api/v1/instances", json={"process_key": "nmg2025_establishment", "center_id": center_id})
    assert again.status_code == 409 and "建设申报程序已在进行中" in again.get_json()["message"]
    assert str(first.get_json()["id"]) in again.get_json()["message"]
    with app.app_context():
        from app.extensions import db
        from app.models import Center, User
        from app.services.centers.starts import startable

        user = db.session.scalar(select(User).where(User.username == sponsor.username))
        center = db.session.get(Center, center_id)
        assert user is not None and center is not None
        assert "nmg2025_establishment" not in [s.process_key for s in startable(user, center)]


def test_revocation_ends_the_centers_other_procedures_and_empties_their_inboxes(
        app: Flask, people: dict[str, Any]) -> None:
    supervisor, authority, applicant = people["supervisor"], people["authority"], people["applicant"]
    rewind_clock(app, "2027-01-10T09:00:00+08:00")
    report = start(supervisor, "nmg2025_annual_report", people["centers"]["a"], {"report_year": 2026})
    change = start(applicant, "nmg2025_major_change", people["centers"]["a"], {})
    assert task(applicant, report["id"], "submit_report")
    revocation = start(supervisor, "nmg2025_revocation", people["centers"]["a"], {"ground": "第三十一条(三)"})
    act(supervisor, revocation["id"], "verify_grounds",
        {"ground": "第三十一条(三)", "facts": "经核实，情形属实。", "evidence": FILE})
    act(authority, revocation["id"], "authority_revocation_decision",
        {"decision": "approve", "decision_document_number": "内科发〔2027〕3号"})
    assert people["supervisor"].get(f"/api/v1/centers/{people['centers']['a']}").get_json()["status"] == "revoked"
    for other in (report["id"], change["id"]):
        assert instance(supervisor, other)["status"] == "terminated"
        [ended] = [e for e in events(supervisor, other) if e["kind"] == "instance_terminated"]
        assert ended["payload"]["revoked_by_instance"] == revocation["id"] and ended["article"] == "第三十一条(三)"
        assert "中心已撤销" in ended["payload"]["reason"]
    inbox = applicant.get("/api/v1/tasks").get_json()
    assert not [t for t in inbox if t["instance_id"] in (report["id"], change["id"])]
    assert instance(supervisor, revocation["id"])["status"] == "completed"  # the revocation itself runs to its end
    late = applicant.post(f"/api/v1/tasks/{report['ready_tasks'][0]['id']}/complete", json={"data": GOOD_REPORT})
    assert late.status_code == 409


def test_a_task_whose_lane_has_no_organisation_on_the_center_is_flagged(app: Flask, people: dict[str, Any]) -> None:
    supervisor = people["supervisor"]
    orgs = people["authority"].get(f"/api/v1/centers/{people['centers']['a']}").get_json()["organisations"]
    orgs.pop("local_authority")  # a center registered before 第二十九条's reviewer had its own role
    center_id = people["authority"].post("/api/v1/centers", json={
        "name": "缺少地方科技管理部门的中心", "policy": "nmg2025", "status": "established",
        "approved_at": "2025-01-01", "established_at": "2025-01-01", "organisations": orgs}).get_json()["id"]
    rewind_clock(app, "2027-01-10T09:00:00+08:00")
    report = start(supervisor, "nmg2025_annual_report", center_id, {"report_year": 2026})
    act(people["applicant"], report["id"], "submit_report", GOOD_REPORT)
    [flag] = [e for e in events(supervisor, report["id"]) if e["kind"] == "warning"
              and e["payload"].get("code") == "lane_without_organisation"]
    assert flag["payload"]["lane"] == "local_authority" and flag["element_id"] == "sponsor_review"
