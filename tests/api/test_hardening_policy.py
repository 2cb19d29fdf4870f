"""A user acts only within their own policy (admin aside): registering centers, starting procedures."""
from __future__ import annotations

from typing import Any

from flask import Flask

from app.extensions import db
from app.models import Center
from app.services.people.users import create_user, organisation
from tests.conftest import Actor


def _xpcc(app: Flask, people: dict[str, Any], role: str) -> tuple[Actor, int]:
    """A user of `role` under xpcc with an xpcc organisation; returns the actor and the organisation id."""
    with app.app_context():
        org = organisation("xpcc 兵团科技局", "authority", "xpcc")
        _, token = create_user(f"xpcc_{role}", role, organisation_id=org.id, policy="xpcc")
        db.session.commit()
        org_id = org.id
    return Actor(people["authority"].client, token, f"xpcc_{role}", role), org_id


def _orgs(people: dict[str, Any]) -> dict[str, int]:
    found: dict[str, int] = people["authority"].get(f"/api/v1/centers/{people['centers']['a']}").get_json()["organisations"]
    return found


def test_oversight_of_one_policy_cannot_register_a_center_under_another(app: Flask, people: dict[str, Any]) -> None:
    for role in ("supervisor", "authority"):
        actor, _org = _xpcc(app, people, role)
        response = actor.post("/api/v1/centers", json={"name": "越权中心", "policy": "nmg2020", "category": "field"})
        assert response.status_code == 403, response.get_json()
    own = people["authority"].post("/api/v1/centers", json={
        "name": "本政策中心", "policy": "nmg2025", "category": "field", "organisations": _orgs(people)})
    assert own.status_code == 201, own.get_json()
    admin = people["admin"].post("/api/v1/centers", json={"name": "管理员登记", "policy": "nmg2020"})
    assert admin.status_code == 201, admin.get_json()


def test_organisations_of_a_center_belong_to_its_policy(app: Flask, people: dict[str, Any]) -> None:
    _actor, xpcc_org = _xpcc(app, people, "supervisor")
    response = people["authority"].post("/api/v1/centers", json={
        "name": "借用他政策单位", "policy": "nmg2025", "organisations": {**_orgs(people), "supervisor": xpcc_org}})
    assert response.status_code == 422
    assert "xpcc 兵团科技局" in str(response.get_json()["errors"]["organisations"])
    admin = people["admin"].post("/api/v1/centers", json={
        "name": "借用他政策单位", "policy": "nmg2025", "organisations": {"supervisor": xpcc_org}})
    assert admin.status_code == 422


def test_a_user_of_another_policy_cannot_start_procedures(app: Flask, people: dict[str, Any]) -> None:
    actor, xpcc_org = _xpcc(app, people, "supervisor")
    with app.app_context():  # a center registered before the rule, with the xpcc organisation on it
        center = db.session.get(Center, people["centers"]["a"])
        assert center is not None
        [council] = [o for o in center.organisations if o.role == "council"]
        council.organisation_id = xpcc_org
        db.session.commit()
    body = {"process_key": "nmg2025_annual_report", "center_id": people["centers"]["a"],
            "data": {"report_year": 2026}}
    response = actor.post("/api/v1/instances", json=body)
    assert response.status_code == 403, response.get_json()
    assert people["supervisor"].get("/api/v1/instances").get_json() == []
    assert people["supervisor"].post("/api/v1/instances", json=body).status_code == 201
