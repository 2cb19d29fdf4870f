"""The authorization matrix: every endpoint and page × every kind of caller, checked and printed.

Callers: anonymous; admin; the nmg2025 oversight roles; the organisations center A gives roles to (own
organisation); center B's applicant (other organisation); an xpcc supervisor (other policy); a designer.
Each (rule, method) of the app's URL map has one row in ROWS naming who may use it (a set of caller keys)
and the request to send; a caller outside the set must be refused (401/403/404, or a page sending it to the
login form), a caller inside must get past authorization (any other answer: 200, 201, 302, 409, 422 ...).
The request bodies are valid in shape and refused by the services after the access check where possible, so
running the matrix changes little. The table is printed (pytest -s) and written to
tests/artifacts/authorization_matrix.txt.

A new endpoint without a row fails `test_every_endpoint_has_a_row`: add its row here — a rule string, the
method, the callers allowed (one of the sets below, or a new one) and the body.
"""
from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import HumanTask, Notification, User
from app.services.people.users import create_user, organisation
from tests.conftest import make_app
from tests.support import seed_people, set_stored_clock

PASSWORD = "Matrix-pa55"
CALLERS = ["anonymous", "admin", "supervisor", "authority", "sponsor", "applicant", "expert", "designer",
           "applicant_b", "supervisor_xpcc"]
EVERYONE = frozenset(CALLERS)
SIGNED_IN = EVERYONE - {"anonymous"}
SEES_CENTER_A = frozenset({"admin", "supervisor", "authority", "sponsor", "applicant", "expert"})
LANE = frozenset({"applicant"})  # the applicant lane of center A's annual report (submit_report)
OVERSIGHT = frozenset({"admin", "supervisor", "authority"})
OVERSIGHT_ANY_POLICY = OVERSIGHT | {"supervisor_xpcc"}
SUPERVISION = frozenset({"admin", "supervisor"})
SUPERVISION_ANY_POLICY = SUPERVISION | {"supervisor_xpcc"}
DESIGNERS = frozenset({"admin", "designer"})
RECIPIENT = frozenset({"applicant"})  # the notification belongs to center A's applicant
ADMIN = frozenset({"admin"})
NOBODY: frozenset[str] = frozenset()

BPMN = (Path(__file__).resolve().parents[2] / "processes" / "nmg2025" / "annual_report.bpmn")


@dataclass(frozen=True)
class Row:
    """Who may use one (rule, method), and what to send."""

    allowed: frozenset[str]
    path: str  # with {center}, {instance}, {task}, {notification}, {file} filled in
    json: Any = None
    form: dict[str, Any] | None = None
    data: bytes | None = None
    content_type: str | None = None
    note: str = ""
    files: bool = False
    refused_if: tuple[str, ...] = ()  # a page that redirects with a message: these messages mean "refused"


XML = "application/xml"
ROWS: dict[tuple[str, str], Row] = {
    # --- API: public and discovery
    ("/api/v1/health", "GET"): Row(EVERYONE, "/api/v1/health"),
    ("/api/v1/ready", "GET"): Row(EVERYONE, "/api/v1/ready"),
    ("/api/v1/openapi.json", "GET"): Row(EVERYONE, "/api/v1/openapi.json"),
    ("/api/v1/docs", "GET"): Row(EVERYONE, "/api/v1/docs"),
    ("/metrics", "GET"): Row(EVERYONE, "/metrics", note="TIC_METRICS_TOKEN unset; restricted at the proxy"),
    ("/static/<path:filename>", "GET"): Row(EVERYONE, "/static/js/form.js"),
    ("/login", "GET"): Row(EVERYONE, "/login"),
    ("/favicon.ico", "GET"): Row(EVERYONE, "/favicon.ico"),
    ("/login", "POST"): Row(EVERYONE, "/login", form={"username": "nobody", "password": ""},
                            note="the form itself: 400 for the empty password (a wrong one is 401 by design)"),
    ("/logout", "POST"): Row(EVERYONE, "/logout"),
    ("/lang/<code>", "GET"): Row(EVERYONE, "/lang/en"),
    # --- API: reading
    ("/api/v1/processes", "GET"): Row(SIGNED_IN, "/api/v1/processes"),
    ("/api/v1/centers", "GET"): Row(SIGNED_IN, "/api/v1/centers", note="lists only visible centers"),
    ("/api/v1/centers/<int:center_id>", "GET"): Row(SEES_CENTER_A, "/api/v1/centers/{center}"),
    ("/api/v1/centers/<int:center_id>/deadlines", "GET"): Row(SEES_CENTER_A, "/api/v1/centers/{center}/deadlines"),
    ("/api/v1/instances", "GET"): Row(SIGNED_IN, "/api/v1/instances"),
    ("/api/v1/instances/<int:instance_id>", "GET"): Row(SEES_CENTER_A, "/api/v1/instances/{instance}"),
    ("/api/v1/instances/<int:instance_id>/events", "GET"): Row(SEES_CENTER_A, "/api/v1/instances/{instance}/events"),
    ("/api/v1/tasks", "GET"): Row(SIGNED_IN, "/api/v1/tasks"),
    ("/api/v1/tasks/<int:task_id>", "GET"): Row(LANE, "/api/v1/tasks/{task}", note="others who see the center: 403"),
    ("/api/v1/notifications", "GET"): Row(SIGNED_IN, "/api/v1/notifications"),
    ("/api/v1/clock", "GET"): Row(SIGNED_IN, "/api/v1/clock"),
    ("/api/v1/calendar/working-period", "GET"): Row(SIGNED_IN, "/api/v1/calendar/working-period?start=2026-09-29&days=5"),
    ("/api/v1/calendar/years/<int:year>", "GET"): Row(SIGNED_IN, "/api/v1/calendar/years/2026"),
    # --- API: acting
    ("/api/v1/centers", "POST"): Row(OVERSIGHT, "/api/v1/centers", json={"name": "矩阵中心", "policy": "nmg2025",
                                                                          "status": "nonsense"}),
    ("/api/v1/instances", "POST"): Row(OVERSIGHT, "/api/v1/instances", json={
        "process_key": "nmg2025_annual_report", "center_id": "{center}", "data": {"report_year": 2026}},
        note="a second report of the year: 409 once access passes; the scheduler starts reports, oversight early"),
    ("/api/v1/tasks/<int:task_id>/claim", "POST"): Row(LANE, "/api/v1/tasks/{task}/claim"),
    ("/api/v1/tasks/<int:task_id>/unclaim", "POST"): Row(LANE, "/api/v1/tasks/{task}/unclaim"),
    ("/api/v1/tasks/<int:task_id>/draft", "PUT"): Row(LANE, "/api/v1/tasks/{task}/draft", json={"data": {}}),
    ("/api/v1/tasks/<int:task_id>/complete", "POST"): Row(LANE, "/api/v1/tasks/{task}/complete", json={"data": {}}),
    ("/api/v1/tasks/<int:task_id>/files", "POST"): Row(LANE, "/api/v1/tasks/{task}/files", files=True),
    ("/api/v1/notifications/<int:notification_id>/read", "POST"): Row(
        RECIPIENT, "/api/v1/notifications/{notification}/read"),
    ("/api/v1/clock", "POST"): Row(SUPERVISION_ANY_POLICY, "/api/v1/clock", json={"advance": "P0D"}),
    ("/api/v1/calendar/years/<int:year>", "PUT"): Row(ADMIN, "/api/v1/calendar/years/2026", json={"days": []}),
    ("/api/v1/checks/<string:policy>", "POST"): Row(SIGNED_IN, "/api/v1/checks/nmg2025", json={"data": {}}),
    # --- API: designing (issue 13)
    ("/api/v1/definitions/validate", "POST"): Row(DESIGNERS, "/api/v1/definitions/validate", data=b"<x/>",
                                                   content_type=XML),
    ("/api/v1/definitions", "POST"): Row(DESIGNERS, "/api/v1/definitions", json={"xml": "{bpmn}", "comment": "矩阵"},
                                         note="the deployed content again: refused as unchanged once access passes"),
    ("/api/v1/definitions/<process_key>/versions", "GET"): Row(
        DESIGNERS, "/api/v1/definitions/nmg2025_annual_report/versions"),
    ("/api/v1/definitions/<process_key>/versions/<int:version>", "GET"): Row(
        DESIGNERS, "/api/v1/definitions/nmg2025_annual_report/versions/1"),
    ("/api/v1/definitions/<process_key>/versions/<int:a>/diff/<int:b>", "GET"): Row(
        DESIGNERS, "/api/v1/definitions/nmg2025_annual_report/versions/1/diff/1"),
    ("/api/v1/definitions/drafts", "GET"): Row(DESIGNERS, "/api/v1/definitions/drafts"),
    ("/api/v1/definitions/drafts/<process_key>", "GET"): Row(DESIGNERS, "/api/v1/definitions/drafts/nmg2025_annual_report"),
    ("/api/v1/definitions/drafts/<process_key>", "PUT"): Row(
        DESIGNERS, "/api/v1/definitions/drafts/nmg2025_annual_report", json={"xml": "{bpmn}"}),
    ("/api/v1/definitions/drafts/<process_key>", "DELETE"): Row(
        DESIGNERS, "/api/v1/definitions/drafts/nmg2025_annual_report"),
    ("/api/v1/instances/migrate", "POST"): Row(DESIGNERS, "/api/v1/instances/migrate", json={
        "process_key": "nmg2025_annual_report", "to_version": 1, "instance_ids": [], "dry_run": True}),
    # --- pages: staff
    ("/", "GET"): Row(SIGNED_IN, "/"),
    ("/tasks/<int:task_id>", "GET"): Row(LANE, "/tasks/{task}", note="others who see the center: 403"),
    ("/tasks/<int:task_id>", "POST"): Row(LANE, "/tasks/{task}", form={"action": "save"}),
    ("/tasks/<int:task_id>/claim", "POST"): Row(LANE, "/tasks/{task}/claim"),
    ("/tasks/<int:task_id>/unclaim", "POST"): Row(LANE, "/tasks/{task}/unclaim"),
    ("/files/<file_id>", "GET"): Row(SEES_CENTER_A, "/files/{file}"),
    ("/notifications", "GET"): Row(SIGNED_IN, "/notifications"),
    ("/notifications/<int:notification_id>/open", "GET"): Row(RECIPIENT, "/notifications/{notification}/open"),
    ("/notifications/<int:notification_id>/read", "POST"): Row(RECIPIENT, "/notifications/{notification}/read"),
    ("/centers", "GET"): Row(SIGNED_IN, "/centers"),
    ("/centers/<int:center_id>", "GET"): Row(SEES_CENTER_A, "/centers/{center}"),
    ("/centers/<int:center_id>/start", "POST"): Row(
        OVERSIGHT, "/centers/{center}/start", form={"process_key": "nmg2025_annual_report"},
        refused_if=("您的角色无权发起该流程", "不能发起", "技术创新中心不存在"),
        note="the page reports a refusal in a message"),
    ("/centers/new", "GET"): Row(OVERSIGHT_ANY_POLICY, "/centers/new"),
    ("/centers/new", "POST"): Row(OVERSIGHT_ANY_POLICY, "/centers/new", form={"name": ""}),
    ("/centers/<int:center_id>/organisations", "GET"): Row(OVERSIGHT, "/centers/{center}/organisations"),
    ("/centers/<int:center_id>/organisations", "POST"): Row(OVERSIGHT, "/centers/{center}/organisations",
                                                            form={"org_applicant": "x"}),
    # --- pages: supervisors
    ("/monitor/instances", "GET"): Row(OVERSIGHT_ANY_POLICY, "/monitor/instances"),
    ("/monitor/instances/<int:instance_id>", "GET"): Row(OVERSIGHT, "/monitor/instances/{instance}"),
    ("/monitor/instances/<int:instance_id>/<action>", "POST"): Row(
        SUPERVISION, "/monitor/instances/{instance}/resume", form={"reason": "矩阵检查"}),
    ("/monitor/deadlines", "GET"): Row(OVERSIGHT_ANY_POLICY, "/monitor/deadlines"),
    ("/dashboard", "GET"): Row(OVERSIGHT_ANY_POLICY, "/dashboard"),
    ("/dashboard/data.json", "GET"): Row(OVERSIGHT_ANY_POLICY, "/dashboard/data.json"),
    ("/dashboard/operations", "GET"): Row(ADMIN, "/dashboard/operations"),
    ("/dashboard/operations.json", "GET"): Row(ADMIN, "/dashboard/operations.json"),
    ("/clock/advance", "POST"): Row(SUPERVISION_ANY_POLICY, "/clock/advance", form={"step": "day"}),
    # --- pages: designer (issue 13)
    ("/designer", "GET"): Row(DESIGNERS, "/designer"),
    ("/designer/forms/<path:form_key>", "GET"): Row(DESIGNERS, "/designer/forms/nmg2025/annual_report.json"),
    ("/designer/api/palette", "GET"): Row(DESIGNERS, "/designer/api/palette"),
    ("/designer/api/versions/<process_key>", "GET"): Row(DESIGNERS, "/designer/api/versions/nmg2025_annual_report"),
    ("/designer/api/versions/<process_key>/<int:version>", "GET"): Row(
        DESIGNERS, "/designer/api/versions/nmg2025_annual_report/1"),
    ("/designer/api/diff/<process_key>/<int:a>/<int:b>", "GET"): Row(
        DESIGNERS, "/designer/api/diff/nmg2025_annual_report/1/1"),
    ("/designer/api/validate", "POST"): Row(DESIGNERS, "/designer/api/validate", data=b"<x/>", content_type=XML),
    ("/designer/api/deploy", "POST"): Row(DESIGNERS, "/designer/api/deploy", json={"xml": "{bpmn}", "comment": "矩阵"}),
    ("/designer/api/drafts/<process_key>", "GET"): Row(DESIGNERS, "/designer/api/drafts/nmg2025_annual_report"),
    ("/designer/api/drafts/<process_key>", "PUT"): Row(DESIGNERS, "/designer/api/drafts/nmg2025_annual_report",
                                                       json={"xml": "{bpmn}"}),
    ("/designer/api/migrate", "POST"): Row(DESIGNERS, "/designer/api/migrate", json={
        "process_key": "nmg2025_annual_report", "to_version": 1, "instance_ids": [], "dry_run": True}),
}
DENIED = {401, 403, 404}


def _order(item: tuple[tuple[str, str], Row]) -> tuple[bool, str, str]:
    """Deleting rows last (the reads of the same thing run first), then by rule and method."""
    (rule, method), _row = item
    return method == "DELETE", rule, method


def _endpoints(app: Flask) -> Iterator[tuple[str, str]]:
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule.rule, method


def test_every_endpoint_has_a_row(app: Flask) -> None:
    missing = sorted(set(_endpoints(app)) - set(ROWS))
    assert not missing, f"endpoints without a row in the authorization matrix (add them to ROWS): {missing}"
    stale = sorted(set(ROWS) - set(_endpoints(app)))
    assert not stale, f"rows for endpoints that no longer exist: {stale}"


@pytest.fixture
def scene(database_url: str, tmp_path: Path) -> Iterator[tuple[Flask, dict[str, Any]]]:
    """Center A's annual report with the applicant's task, a notification, a file and designers' drafts."""
    app = make_app(database_url, WTF_CSRF_ENABLED=False, TIC_LOGIN_ADDRESS_LIMIT="1000/minute",
                   TIC_FILES_DIR=str(tmp_path / "files"))
    with app.app_context():
        set_stored_clock(datetime.fromisoformat("2026-12-01T09:00:00+08:00"))
        seeded = seed_people()
        xpcc = organisation("xpcc 兵团科技局", "authority", "xpcc")
        create_user("xpcc_supervisor", "supervisor", organisation_id=xpcc.id, policy="xpcc")
        create_user("nmg2025_designer", "designer", policy="nmg2025")
        names = {key: username for key, (username, _role, _token) in seeded["users"].items()}
        names.update(supervisor_xpcc="xpcc_supervisor", designer="nmg2025_designer")
        tokens = {key: token for key, (_u, _r, token) in seeded["users"].items()}
        fast = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        for user in db.session.scalars(select(User)):
            user.password_hash = fast
        db.session.commit()
        from app.services.people.users import token_digest

        for key in ("supervisor_xpcc", "designer"):
            user = db.session.scalar(select(User).where(User.username == names[key]))
            assert user is not None
            tokens[key] = f"matrix-{key}"
            user.token_hash = token_digest(tokens[key])
        db.session.commit()
    client = app.test_client()
    supervisor = {"Authorization": f"Bearer {tokens['supervisor']}"}
    center = seeded["centers"]["a"]
    started = client.post("/api/v1/instances", headers=supervisor, json={
        "process_key": "nmg2025_annual_report", "center_id": center, "data": {"report_year": 2026}})
    assert started.status_code == 201, started.get_json()
    instance = started.get_json()["id"]
    with app.app_context():
        task = db.session.scalar(select(HumanTask.id).where(HumanTask.instance_id == instance,
                                                           HumanTask.state == "ready"))
        applicant = db.session.scalar(select(User).where(User.username == names["applicant"]))
        assert task is not None and applicant is not None
        note = Notification(user_id=applicant.id, instance_id=instance, template="matrix", title="矩阵",
                            body="矩阵检查", created_at=datetime.fromisoformat("2026-12-01T09:00:00+08:00"))
        db.session.add(note)
        db.session.commit()
        notification = note.id
    uploaded = client.post(f"/api/v1/tasks/{task}/files", headers={"Authorization": f"Bearer {tokens['applicant']}"},
                           data={"file": (io.BytesIO(b"%PDF-1.4"), "a.pdf")}, content_type="multipart/form-data")
    assert uploaded.status_code == 201
    bpmn = BPMN.read_text(encoding="utf-8")
    for key in ("admin", "designer"):  # a draft of each designer, for the draft endpoints to find
        saved = client.put("/api/v1/definitions/drafts/nmg2025_annual_report", json={"xml": bpmn},
                           headers={"Authorization": f"Bearer {tokens[key]}"})
        assert saved.status_code == 200, saved.get_json()
    ids = {"center": center, "instance": instance, "task": task, "notification": notification,
           "file": uploaded.get_json()["file_id"], "bpmn": bpmn}
    yield app, {"ids": ids, "names": names, "tokens": tokens}
    with app.app_context():
        db.session.remove()
        db.engine.dispose()  # the next test's database file replaces this one: no pooled connection may outlive it


def _client(app: Flask, scene: dict[str, Any], caller: str, page: bool) -> tuple[FlaskClient, dict[str, str]]:
    client = app.test_client()
    if caller == "anonymous":
        return client, {}
    if page:
        response = client.post("/login", data={"username": scene["names"][caller], "password": PASSWORD})
        assert response.status_code == 302, (caller, response.status_code)
        return client, {}
    return client, {"Authorization": f"Bearer {scene['tokens'][caller]}"}


def _fill(value: Any, ids: dict[str, Any]) -> Any:
    if isinstance(value, str):
        for key, found in ids.items():
            if value == f"{{{key}}}":
                return found
            value = value.replace(f"{{{key}}}", str(found))
        return value
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


def _call(app: Flask, scene: dict[str, Any], rule: str, method: str, row: Row, caller: str) -> int:
    page = not rule.startswith("/api/")
    client, headers = _client(app, scene, caller, page)
    kwargs: dict[str, Any] = {"headers": headers}
    if row.json is not None:
        kwargs["json"] = _fill(row.json, scene["ids"])
    elif row.form is not None:
        kwargs["data"] = _fill(row.form, scene["ids"])
    elif row.data is not None:
        kwargs["data"] = row.data.replace(b"{bpmn}", scene["ids"]["bpmn"].encode())
        kwargs["content_type"] = row.content_type
    elif row.files:
        kwargs["data"] = {"file": (io.BytesIO(b"%PDF-1.4 matrix"), "m.pdf")}
        kwargs["content_type"] = "multipart/form-data"
    response = client.open(_fill(row.path, scene["ids"]), method=method, **kwargs)
    status = response.status_code
    response.close()
    if row.refused_if and status == 302:
        shown = client.get(response.headers["Location"]).get_data(as_text=True)
        if any(text in shown for text in row.refused_if):
            return 403
    if page and status == 302 and "/login" in response.headers.get("Location", "") and rule not in ("/logout",):
        return 401  # a page sends the anonymous caller to the login form
    return status


def test_authorization_matrix(scene: tuple[Flask, dict[str, Any]], capsys: pytest.CaptureFixture[str]) -> None:
    app, found = scene
    table: list[str] = []
    wrong: list[str] = []
    width = max(len(f"{m} {r}") for r, m in ROWS)
    table.append(" " * width + " | " + " ".join(f"{c[:10]:>10}" for c in CALLERS))
    for (rule, method), row in sorted(ROWS.items(), key=_order):
        statuses: dict[str, int] = {}
        # refused callers first: an allowed caller's action (a claim, a draft) must not hide a refusal
        for caller in sorted(CALLERS, key=lambda c: c in row.allowed):
            statuses[caller] = _call(app, found, rule, method, row, caller)
            refused = statuses[caller] in DENIED
            if refused == (caller in row.allowed):
                wrong.append(f"{method} {rule} as {caller}: {statuses[caller]} "
                             f"({'expected to pass authorization' if refused else 'expected to be refused'})")
        cells = [f"{('✓' if c in row.allowed else '✗')}{statuses[c]:>9}" for c in CALLERS]
        table.append(f"{f'{method} {rule}':<{width}} | " + " ".join(cells))
    text = "\n".join(table)
    artifacts = Path(__file__).resolve().parents[1] / "artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "authorization_matrix.txt").write_text(text + "\n", encoding="utf-8")
    with capsys.disabled():
        print("\nauthorization matrix (✓ may pass, ✗ must be refused; the status answered):\n" + text)
    assert not wrong, "\n".join(wrong)
