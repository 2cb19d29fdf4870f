"""List endpoints filter visibility and page in SQL: `limit`/`offset` in, a JSON list and `X-Total-Count` out."""
from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import insert, select

from app import clock
from app.extensions import db
from app.models import Center, CenterOrganisation, Notification, ProcessDefinition, ProcessInstance, User
from app.services.people import access
from app.services.people.users import create_user, organisation


def _definition(policy: str) -> int:
    found = db.session.scalar(select(ProcessDefinition.id).where(ProcessDefinition.policy == policy).limit(1))
    assert found is not None, f"no deployed definition of {policy}"
    return found


def _center(name: str, policy: str, organisations: dict[str, int] | None = None) -> int:
    center = Center(name=name, policy=policy, category="field", status="established", approved_at=date(2026, 6, 1),
                    established_at=date(2026, 6, 1), profile={}, created_at=clock.now())
    center.organisations = [CenterOrganisation(role=r, organisation_id=o) for r, o in (organisations or {}).items()]
    db.session.add(center)
    db.session.flush()
    return center.id


def _instances(count: int, definition_id: int, center_id: int | None, key: str = "x") -> list[int]:
    """Bare instance rows (no engine state): what the lists read, fast to make by the hundred."""
    now = clock.now()
    rows = [{"definition_id": definition_id, "process_key": key, "center_id": center_id, "status": "running",
             "state": "{}", "version": 1, "started_at": now, "updated_at": now} for _ in range(count)]
    db.session.execute(insert(ProcessInstance), rows)
    db.session.flush()
    return list(db.session.scalars(
        select(ProcessInstance.id).where(ProcessInstance.process_key == key).order_by(ProcessInstance.id)
    ))


@pytest.fixture
def crowd(app: Flask, people: dict[str, Any]) -> dict[str, Any]:
    """600 instances of a nmg2020 center nobody of nmg2025 plays a role for; 3 of nmg2025 center A."""
    with app.app_context():
        hidden = _center("他政策中心", "nmg2020")
        _instances(600, _definition("nmg2020"), hidden, key="nmg2020_hidden")
        visible = _instances(3, _definition("nmg2025"), people["centers"]["a"], key="nmg2025_visible")
        db.session.commit()
    return {"visible": visible, "hidden_center": hidden}


def test_supervisor_sees_its_few_instances_among_many_invisible(people: dict[str, Any], crowd: dict[str, Any]) -> None:
    response = people["supervisor"].get("/api/v1/instances")
    assert response.status_code == 200
    assert [i["id"] for i in response.get_json()] == sorted(crowd["visible"], reverse=True)
    assert response.headers["X-Total-Count"] == "3"
    assert people["admin"].get("/api/v1/instances?limit=1").headers["X-Total-Count"] == "603"


@pytest.mark.parametrize("limit,offset,expected", [
    (2, 0, [2, 1]), (2, 2, [0]), (1, 1, [1]), (5, 3, []), (500, 0, [2, 1, 0]),
])
def test_limit_and_offset_page_through_newest_first(
    people: dict[str, Any], crowd: dict[str, Any], limit: int, offset: int, expected: list[int],
) -> None:
    response = people["supervisor"].get(f"/api/v1/instances?limit={limit}&offset={offset}")
    assert response.status_code == 200
    assert [i["id"] for i in response.get_json()] == [crowd["visible"][k] for k in expected]
    assert response.headers["X-Total-Count"] == "3"


def test_filters_combine_with_paging(people: dict[str, Any], crowd: dict[str, Any]) -> None:
    center_a = people["centers"]["a"]
    response = people["supervisor"].get(f"/api/v1/instances?center_id={center_a}&status=running&limit=1")
    assert len(response.get_json()) == 1 and response.headers["X-Total-Count"] == "3"
    hidden = people["supervisor"].get(f"/api/v1/instances?center_id={crowd['hidden_center']}")
    assert hidden.get_json() == [] and hidden.headers["X-Total-Count"] == "0"


@pytest.mark.parametrize("query,field", [
    ("limit=0", "limit"), ("limit=501", "limit"), ("limit=abc", "limit"), ("offset=-1", "offset"),
    ("offset=x", "offset"),
])
@pytest.mark.parametrize("path", ["/api/v1/instances", "/api/v1/centers", "/api/v1/notifications"])
def test_bad_paging_is_422_with_field_errors(people: dict[str, Any], path: str, query: str, field: str) -> None:
    response = people["supervisor"].get(f"{path}?{query}")
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == 422 and field in body["errors"] and body["message"]


def test_bad_paging_messages_in_both_languages(people: dict[str, Any]) -> None:
    zh = people["supervisor"].get("/api/v1/instances?limit=501").get_json()
    assert zh["errors"]["limit"] == ["必须在 1 到 500 之间"]
    en = people["supervisor"].get("/api/v1/instances?offset=-1", headers={"Accept-Language": "en"}).get_json()
    assert en["errors"]["offset"] == ["Must be at least 0"]


def test_centers_are_filtered_and_paged_in_sql(app: Flask, people: dict[str, Any], crowd: dict[str, Any]) -> None:
    with app.app_context():
        for n in range(5):
            _center(f"他政策中心{n}", "nmg2020")
        db.session.commit()
    supervisor = people["supervisor"]
    first = supervisor.get("/api/v1/centers?limit=1")
    assert first.headers["X-Total-Count"] == "2"
    assert [c["id"] for c in first.get_json()] == [people["centers"]["a"]]
    second = supervisor.get("/api/v1/centers?limit=1&offset=1").get_json()
    assert [c["id"] for c in second] == [people["centers"]["b"]] and second[0]["organisations"]
    applicant = people["applicant"].get("/api/v1/centers")
    assert [c["id"] for c in applicant.get_json()] == [people["centers"]["a"]]
    assert applicant.headers["X-Total-Count"] == "1"
    assert people["admin"].get("/api/v1/centers").headers["X-Total-Count"] == "8"


def test_notifications_are_paged_and_limited_to_visible_instances(
    app: Flask, people: dict[str, Any], crowd: dict[str, Any],
) -> None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == people["applicant"].username))
        assert user is not None
        hidden = db.session.scalar(select(ProcessInstance.id).where(ProcessInstance.center_id == crowd["hidden_center"]))
        now = clock.now()
        for instance_id in [*crowd["visible"], hidden, None]:
            db.session.add(Notification(user_id=user.id, instance_id=instance_id, template="generic", title="t",
                                        body="b", created_at=now))
        db.session.commit()
    applicant = people["applicant"]
    everything = applicant.get("/api/v1/notifications")
    assert everything.headers["X-Total-Count"] == "4"  # not the one about an instance the applicant cannot see
    assert None in [n["instance_id"] for n in everything.get_json()]
    page = applicant.get("/api/v1/notifications?limit=3&offset=3&unread=true")
    assert len(page.get_json()) == 1 and page.headers["X-Total-Count"] == "4"


def test_events_are_paged(people: dict[str, Any]) -> None:
    supervisor = people["supervisor"]
    started = supervisor.post("/api/v1/instances", json={
        "process_key": "nmg2025_annual_report", "center_id": people["centers"]["a"], "data": {"report_year": 2026},
    })
    assert started.status_code == 201, started.get_json()
    path = f"/api/v1/instances/{started.get_json()['id']}/events"
    every = supervisor.get(path)
    total = int(every.headers["X-Total-Count"])
    assert total == len(every.get_json()) >= 2
    second = supervisor.get(f"{path}?limit=1&offset=1").get_json()
    assert second == every.get_json()[1:2]
    assert supervisor.get(f"{path}?limit=0").status_code == 422


def test_sql_visibility_matches_the_python_rule(app: Flask, people: dict[str, Any]) -> None:
    """Every user sees in SQL exactly the centers and instances `may_see_center`/`may_see_instance` allow."""
    with app.app_context():
        authority = db.session.scalar(select(Center).where(Center.id == people["centers"]["a"]))
        assert authority is not None
        org_of = {o.role: o.organisation_id for o in authority.organisations}
        # a nmg2020 center where center A's sponsor also sponsors, and one where nobody of nmg2025 plays a role
        shared = _center("共建中心", "nmg2020", {"sponsor": org_of["sponsor"], "supervisor": org_of["supervisor"]})
        alone = _center("独立中心", "nmg2020", {"applicant": organisation("他单位", "applicant", "nmg2020").id})
        for n, center_id in enumerate([people["centers"]["a"], people["centers"]["b"], shared, alone, None]):
            _instances(2, _definition("nmg2020"), center_id, key=f"mix{n}")
        create_user("nmg2020_sup", "supervisor", organisation_id=org_of["supervisor"], policy="nmg2020")
        create_user("any_authority", "authority", organisation_id=None, policy=None)
        create_user("orphan_expert", "expert", organisation_id=None, policy="nmg2025")
        db.session.commit()
        centers = list(db.session.scalars(select(Center)))
        instances = list(db.session.scalars(select(ProcessInstance)))
        for user in db.session.scalars(select(User)):
            sql_centers = set(db.session.scalars(select(Center.id).where(access.visible_centers_clause(user))))
            assert sql_centers == {c.id for c in centers if access.may_see_center(user, c)}, user.username
            sql_instances = set(db.session.scalars(
                select(ProcessInstance.id).where(access.visible_instances_clause(user))
            ))
            python = {i.id for i in instances
                      if access.may_see_instance(user, i)}
            assert sql_instances == python, user.username


def test_list_answers_stay_plain_json_lists(people: dict[str, Any]) -> None:
    for path in ("/api/v1/instances", "/api/v1/centers", "/api/v1/notifications"):
        response = people["applicant"].get(path)
        assert response.status_code == 200 and isinstance(response.get_json(), list), path


def test_anonymous_list_is_401(client: Any, people: dict[str, Any]) -> None:
    assert client.get("/api/v1/instances?limit=1").status_code == 401
