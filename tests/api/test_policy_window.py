"""A lapsed policy is shown, not hidden: no new establishment under it; running centers keep their procedures."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask

from app.clock import CHINA
from app.extensions import db
from app.models import ClockState
from tests.conftest import Actor
from tests.support import seed_people


def test_processes_show_whether_their_policy_is_in_force(people: dict[str, Any]) -> None:
    people["supervisor"].post("/api/v1/clock", json={"now": "2026-03-01T09:00:00+08:00"})
    listed = {p["key"]: p for p in people["supervisor"].get("/api/v1/processes").get_json()}
    assert listed["nmg2025_annual_report"]["in_force"] is True
    lapsed = listed["nmg2020_establishment"]
    assert lapsed["in_force"] is False and lapsed["effective_to"] == "2025-08-26" and "nmg2025" in lapsed["note"]
    assert "已由《内蒙古自治区技术创新中心建设运行管理办法（试行）》（nmg2025）取代" in lapsed["note"]  # named for the reader


def test_a_configured_end_date_warns_and_records_but_does_not_refuse(app: Flask, client: Any) -> None:
    """nmg2020's end date (2025-08-26) is in neither text: a new establishment starts, with a warning event."""
    with app.app_context():
        seeded = seed_people("nmg2020")
        db.session.get(ClockState, 1).now = db.session.get(ClockState, 1).now.replace(year=2027, day=10)
        db.session.commit()
    username, role, token = seeded["users"]["supervisor"]
    supervisor = Actor(client, token, username, role)
    orgs = supervisor.get(f"/api/v1/centers/{seeded['centers']['a']}").get_json()["organisations"]
    proposed = supervisor.post("/api/v1/centers", json={
        "name": "内蒙古自治区乳业技术创新中心（拟建）", "policy": "nmg2020", "category": "field", "status": "proposed",
        "organisations": orgs}).get_json()["id"]
    started = supervisor.post("/api/v1/instances", json={"process_key": "nmg2020_establishment", "center_id": proposed})
    assert started.status_code == 201, started.get_json()
    [said] = started.get_json()["warnings"]  # the starter is told at once, not only the audit trail
    assert said["code"] == "policy_out_of_force" and "2025-08-26" in said["message"]
    [warning] = [e for e in supervisor.get(f"/api/v1/instances/{started.get_json()['id']}/events").get_json()
                 if e["kind"] == "warning"]
    assert warning["payload"]["code"] == "policy_out_of_force"
    assert "2025-08-26" in warning["payload"]["message"] and "未规定截止日期" in warning["payload"]["message"]
    listed = {p["key"]: p for p in supervisor.get("/api/v1/processes").get_json()}
    assert listed["nmg2020_establishment"]["in_force"] is False  # shown, not hidden
    report = supervisor.post("/api/v1/instances", json={
        "process_key": "nmg2020_annual_report", "center_id": seeded["centers"]["a"], "data": {"report_year": 2026}})
    assert report.status_code == 201, report.get_json()
    events = supervisor.get(f"/api/v1/instances/{report.get_json()['id']}/events").get_json()
    assert any(e["kind"] == "warning" and e["payload"]["code"] == "policy_out_of_force" for e in events)


def test_no_establishment_before_a_policy_takes_effect(app: Flask, people: dict[str, Any]) -> None:
    """nmg2025 第三十六条 自发布之日起施行 (2025-08-27, a date of the text): an establishment the day before is refused."""
    with app.app_context():
        db.session.get(ClockState, 1).now = datetime(2025, 8, 26, 9, tzinfo=CHINA)
        db.session.commit()
    authority = people["authority"]
    orgs = authority.get(f"/api/v1/centers/{people['centers']['a']}").get_json()["organisations"]
    proposed = authority.post("/api/v1/centers", json={
        "name": "内蒙古自治区稀土新材料技术创新中心（拟建）", "policy": "nmg2025", "category": "field",
        "status": "proposed", "organisations": orgs}).get_json()["id"]
    refused = authority.post("/api/v1/instances", json={"process_key": "nmg2025_establishment", "center_id": proposed})
    assert refused.status_code == 422
    assert "2025-08-27" in refused.get_json()["errors"]["process_key"][0]
