"""A lapsed policy is shown, not hidden: no new establishment under it; running centers keep their procedures."""
from __future__ import annotations

from typing import Any

from flask import Flask

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


def test_no_new_establishment_under_a_lapsed_policy(app: Flask, client: Any) -> None:
    with app.app_context():
        seeded = seed_people("nmg2020")
        db.session.get(ClockState, 1).now = db.session.get(ClockState, 1).now.replace(year=2027, day=10)
        db.session.commit()
    username, role, token = seeded["users"]["supervisor"]
    supervisor = Actor(client, token, username, role)
    refused = supervisor.post("/api/v1/instances", json={
        "process_key": "nmg2020_establishment", "center_id": seeded["centers"]["a"]})
    assert refused.status_code == 422
    assert "2025-08-26" in refused.get_json()["errors"]["process_key"][0]
    report = supervisor.post("/api/v1/instances", json={
        "process_key": "nmg2020_annual_report", "center_id": seeded["centers"]["a"], "data": {"report_year": 2026}})
    assert report.status_code == 201, report.get_json()
    events = supervisor.get(f"/api/v1/instances/{report.get_json()['id']}/events").get_json()
    assert any(e["kind"] == "warning" and e["payload"]["code"] == "policy_out_of_force" for e in events)
