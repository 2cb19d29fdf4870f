"""Every task action through every door answers alike: the access, claim and state rules live in one service.

Actors: the claimer, a colleague of the same organisation and role, a user of another center's organisation,
a user of another role of the same center, and an anonymous caller. Doors: the JSON API and the web pages.
A new route that acts on a task fails `test_every_task_route_is_a_known_door` until it is added here.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.models import User
from tests.web.conftest import GOOD_REPORT, PASSWORD, WebUser, csrf_token, logged_in, start_annual_report

ACTIONS = ("view", "claim", "unclaim", "draft", "complete")
API_REPORT = {**GOOD_REPORT, "fulltime_researchers": 42, "annual_operating_funds": 800}
EXPECTED = {
    "claimer": dict.fromkeys(ACTIONS, "ok"),
    "colleague": {"view": "ok", "claim": "conflict", "unclaim": "conflict", "draft": "conflict", "complete": "conflict"},
    "other_organisation": dict.fromkeys(ACTIONS, "not_found"),
    "other_role": dict.fromkeys(ACTIONS, "forbidden"),
    "anonymous": dict.fromkeys(ACTIONS, "unauthenticated"),
}
# (rule, method) of every route that acts on one task, by door
DOORS = {
    ("/api/v1/tasks/<int:task_id>", "GET"), ("/api/v1/tasks/<int:task_id>/claim", "POST"),
    ("/api/v1/tasks/<int:task_id>/unclaim", "POST"), ("/api/v1/tasks/<int:task_id>/draft", "PUT"),
    ("/api/v1/tasks/<int:task_id>/complete", "POST"), ("/api/v1/tasks/<int:task_id>/files", "POST"),
    ("/tasks/<int:task_id>", "GET"), ("/tasks/<int:task_id>", "POST"), ("/tasks/<int:task_id>/claim", "POST"),
    ("/tasks/<int:task_id>/unclaim", "POST"),
}


def outcome(response: Any) -> str:
    """The class of an answer, the same on both doors."""
    status = response.status_code
    if status == 302:
        return "unauthenticated" if "/login" in response.headers["Location"] else "ok"
    return {200: "ok", 201: "ok", 401: "unauthenticated", 403: "forbidden", 404: "not_found", 409: "conflict",
            422: "invalid"}.get(status, f"unexpected {status}")


def api_call(client: FlaskClient, token: str | None, action: str, task_id: int) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    base = f"/api/v1/tasks/{task_id}"
    calls: dict[str, Callable[[], Any]] = {
        "view": lambda: client.get(base, headers=headers),
        "claim": lambda: client.post(f"{base}/claim", headers=headers),
        "unclaim": lambda: client.post(f"{base}/unclaim", headers=headers),
        "draft": lambda: client.put(f"{base}/draft", json={"data": {"summary": "草稿"}}, headers=headers),
        "complete": lambda: client.post(f"{base}/complete", json={"data": API_REPORT}, headers=headers),
    }
    return calls[action]()


def web_call(client: FlaskClient, action: str, task_id: int, anonymous: bool) -> Any:
    token = csrf_token(client.get("/login" if anonymous else "/").get_data(as_text=True)) if action != "view" else ""
    base = f"/tasks/{task_id}"
    calls: dict[str, Callable[[], Any]] = {
        "view": lambda: client.get(base),
        "claim": lambda: client.post(f"{base}/claim", data={"csrf_token": token}),
        "unclaim": lambda: client.post(f"{base}/unclaim", data={"csrf_token": token}),
        "draft": lambda: client.post(base, data={"summary": "草稿", "action": "draft", "csrf_token": token}),
        "complete": lambda: client.post(base, data={**GOOD_REPORT, "action": "complete", "csrf_token": token}),
    }
    return calls[action]()


@pytest.fixture
def two_claimed_tasks(app: Flask, staff: dict[str, Any]) -> tuple[int, int]:
    """Two ready report tasks of center A (2026 for the API door, 2027 for the web), both claimed by the applicant."""
    from app.services.tasks import actions

    ids = []
    for year in (2026, 2027):
        instance = start_annual_report(app, staff, "a", year)
        with app.app_context():
            from sqlalchemy import select

            from app.models import HumanTask

            task_id = db.session.scalar(select(HumanTask.id).where(HumanTask.instance_id == instance,
                                                                   HumanTask.element_id == "submit_report"))
            actions.claim(db.session.get(User, staff["applicant"].id), int(task_id))  # type: ignore[arg-type]
            ids.append(int(task_id))  # type: ignore[arg-type]
    return ids[0], ids[1]


def _actor(app: Flask, staff: dict[str, Any], who: str) -> tuple[FlaskClient, str | None]:
    """A logged-in web client and the API token of `who`."""
    if who == "anonymous":
        return app.test_client(), None
    if who == "colleague":
        from werkzeug.security import generate_password_hash

        from app.services.people.users import create_user

        with app.app_context():
            org = db.session.get(User, staff["applicant"].id).organisation_id  # type: ignore[union-attr]
            user, token = create_user("colleague", "applicant", organisation_id=org, policy="nmg2025")
            user.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
            db.session.commit()
            user_id = user.id
        return logged_in(app, WebUser("colleague", user_id, "colleague", "applicant")), token
    key = {"claimer": "applicant", "other_organisation": "applicant_b", "other_role": "sponsor"}[who]
    return logged_in(app, staff[key]), staff[key].token


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("who", list(EXPECTED))
def test_same_outcome_on_both_doors(app: Flask, staff: dict[str, Any], two_claimed_tasks: tuple[int, int],
                                    who: str, action: str) -> None:
    api_task, web_task = two_claimed_tasks
    client, token = _actor(app, staff, who)
    via_api = outcome(api_call(app.test_client(), token, action, api_task))
    via_web = outcome(web_call(client, action, web_task, who == "anonymous"))
    assert (via_api, via_web) == (EXPECTED[who][action],) * 2


def test_a_colleague_is_told_who_holds_the_task(app: Flask, staff: dict[str, Any],
                                                two_claimed_tasks: tuple[int, int]) -> None:
    api_task, web_task = two_claimed_tasks
    client, token = _actor(app, staff, "colleague")
    answer = api_call(app.test_client(), token, "complete", api_task)
    assert answer.status_code == 409 and staff["applicant"].username in answer.get_json()["message"]
    page = web_call(client, "complete", web_task, False)
    assert page.status_code == 409 and staff["applicant"].username in page.get_data(as_text=True)


def test_every_task_route_is_a_known_door(app: Flask) -> None:
    routes = {(rule.rule, method) for rule in app.url_map.iter_rules() if "task_id" in rule.arguments
              for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}}
    assert routes == DOORS, "a new door acts on tasks: add it to DOORS and to the outcome table above"
