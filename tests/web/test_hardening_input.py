"""Hostile input on every door: out-of-range ids, pathological JSON, non-finite and over-long numbers, big forms.

Each answer is 404, 413 or 422 — never a 500 — and nothing is stored.
"""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.models import HumanTask
from tests.web.conftest import GOOD_REPORT, csrf_token, logged_in, ready_task_id, set_clock, start_annual_report

HUGE = "99999999999999999999"
HOSTILE_BODIES = {
    "nan": '{"data": {"annual_operating_funds": NaN}}',
    "infinity": '{"data": {"annual_operating_funds": Infinity}}',
    "minus_infinity": '{"data": {"annual_operating_funds": -Infinity}}',
    "overflowing_float": '{"data": {"annual_operating_funds": 1e999}}',
    "deep": '{"data": ' + "[" * 1000 + "]" * 1000 + "}",
    "digits_5000": '{"data": {"fulltime_researchers": ' + "9" * 5000 + "}}",
    "digits_25": '{"data": {"fulltime_researchers": 1234567890123456789012345}}',
}


def _bearer(staff: dict[str, Any], key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {staff[key].token}"}


@pytest.fixture
def task_id(app: Flask, staff: dict[str, Any]) -> int:
    set_clock(app, "2026-12-01T09:00:00+08:00")
    start_annual_report(app, staff)
    return ready_task_id(app, "submit_report", staff["centers"]["a"])


def _untouched(app: Flask, task_id: int) -> None:
    with app.app_context():
        task = db.session.get(HumanTask, task_id)
        assert task is not None and task.state == "ready" and task.draft is None and task.data is None


def test_every_integer_path_parameter_out_of_range_is_404(app: Flask, staff: dict[str, Any]) -> None:
    client = app.test_client()
    checked = []
    for rule in app.url_map.iter_rules():
        if "int" not in str(rule.rule) or not rule.rule.startswith("/api/"):
            continue
        path = rule.rule
        for name, converter in rule._converters.items():  # noqa: SLF001 - the rule's own parameters
            value = HUGE if type(converter).__name__.endswith("IntConverter") else "x"
            path = path.replace(f"<int:{name}>", value).replace(f"<{name}>", value)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method, headers=_bearer(staff, "admin"), json={})
            assert response.status_code == 404, (method, path, response.status_code, response.get_json())
            checked.append((method, path))
    assert len(checked) >= 10, checked
    logged = logged_in(app, staff["admin"])
    for path in (f"/tasks/{HUGE}", f"/monitor/instances/{HUGE}", f"/centers/{HUGE}"):
        assert logged.get(path).status_code == 404, path


@pytest.mark.parametrize("query", [f"offset={HUGE}", f"center_id={HUGE}", "center_id=2147483648", f"limit={HUGE}"])
def test_integer_query_parameters_out_of_range_are_422(app: Flask, staff: dict[str, Any], query: str) -> None:
    for path in ("/api/v1/instances", "/api/v1/tasks", "/api/v1/centers"):
        response = app.test_client().get(f"{path}?{query}", headers=_bearer(staff, "supervisor"))
        assert response.status_code == 422, (path, query, response.get_json())
        assert response.get_json()["errors"]


@pytest.mark.parametrize("kind", sorted(HOSTILE_BODIES))
def test_pathological_json_is_422_on_the_api(app: Flask, staff: dict[str, Any], task_id: int, kind: str) -> None:
    client = app.test_client()
    for method, path in (("POST", f"/api/v1/tasks/{task_id}/complete"), ("PUT", f"/api/v1/tasks/{task_id}/draft"),
                         ("POST", "/api/v1/instances"), ("POST", "/api/v1/centers")):
        key = "applicant" if "tasks" in path else "authority"
        response = client.open(path, method=method, data=HOSTILE_BODIES[kind], content_type="application/json",
                               headers=_bearer(staff, key))
        assert response.status_code == 422, (kind, path, response.status_code, response.get_data(as_text=True)[:300])
        assert response.get_json()["errors"]["json"]
    _untouched(app, task_id)


@pytest.mark.parametrize("value", ["NaN", "nan", "inf", "-Infinity", "1234567890123456789012345", "1e400"])
def test_non_finite_and_over_long_numbers_are_422_on_the_web_form(
        app: Flask, staff: dict[str, Any], task_id: int, value: str) -> None:
    client = logged_in(app, staff["applicant"])
    token = csrf_token(client.get(f"/tasks/{task_id}").get_data(as_text=True))
    for field in ("annual_operating_funds", "fulltime_researchers"):
        for action in ("complete", "save"):
            form = {**GOOD_REPORT, field: value, "action": action, "csrf_token": token}
            response = client.post(f"/tasks/{task_id}", data=form)
            assert response.status_code == 422, (field, action, value, response.status_code)
            assert f'name="{field}" value="{value}"' in response.get_data(as_text=True)  # as typed, never inf
    _untouched(app, task_id)


def test_a_large_integer_that_fits_is_kept_exactly(app: Flask, staff: dict[str, Any], task_id: int) -> None:
    client = logged_in(app, staff["applicant"])
    token = csrf_token(client.get(f"/tasks/{task_id}").get_data(as_text=True))
    form = {**GOOD_REPORT, "annual_operating_funds": "9007199254740991", "action": "save", "csrf_token": token}
    assert client.post(f"/tasks/{task_id}", data=form).status_code in (200, 302)
    with app.app_context():
        task = db.session.get(HumanTask, task_id)
        assert task is not None and task.draft is not None
        assert task.draft["annual_operating_funds"] == 9007199254740991


def test_url_encoded_forms_are_bounded(app: Flask, staff: dict[str, Any]) -> None:
    client: FlaskClient = app.test_client()
    many = client.post("/login", data={f"f{i}": "1" for i in range(app.config["MAX_FORM_PARTS"] + 1)})
    assert many.status_code == 413
    large = client.post("/login", data={"username": "x" * (app.config["MAX_FORM_MEMORY_SIZE"] + 1)})
    assert large.status_code == 413
    api = client.post("/api/v1/centers", data={f"f{i}": "1" for i in range(app.config["MAX_FORM_PARTS"] + 1)},
                      headers=_bearer(staff, "authority"))
    assert api.status_code in (413, 422)


@pytest.mark.parametrize("center_id", [2**31, 2**53 - 1])
def test_an_id_the_database_cannot_hold_is_422(app: Flask, staff: dict[str, Any], center_id: int) -> None:
    response = app.test_client().post("/api/v1/instances", headers=_bearer(staff, "supervisor"), json={
        "process_key": "nmg2025_annual_report", "center_id": center_id, "data": {"report_year": 2026}})
    assert response.status_code in (404, 422), response.get_data(as_text=True)[:300]
    again = app.test_client().get("/api/v1/centers", headers=_bearer(staff, "supervisor"))
    assert again.status_code == 200  # the session was rolled back: the next request works


def test_a_json_body_larger_than_any_form_is_413_before_it_is_parsed(app: Flask) -> None:
    body = '{"data": "' + "x" * (4 * 1024 * 1024) + '"}'
    response = app.test_client().post("/api/v1/instances", data=body, content_type="application/json")
    assert response.status_code == 413  # not even authenticated: refused without parsing 4 MB of JSON
