"""Web sessions end at logout (server-side), and failed logins are counted in the database per account and
per client address — the same count for every worker process."""
from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.extensions import db
from app.models import User
from tests.web.conftest import PASSWORD, csrf_token, logged_in


def _attempt(client: FlaskClient, username: str, password: str, address: str = "10.0.0.1") -> int:
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                           environ_base={"REMOTE_ADDR": address})
    return int(response.status_code)


def _cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _copy(app: Flask, value: str) -> FlaskClient:
    thief = app.test_client()
    thief.set_cookie("session", value)
    return thief


def test_logout_ends_the_session_for_a_copied_cookie(app: Flask, staff: dict[str, Any]) -> None:
    client = logged_in(app, staff["applicant"])
    other_login = logged_in(app, staff["applicant"])
    stolen = _copy(app, _cookie(client))
    assert stolen.get("/").status_code == 200
    token = csrf_token(client.get("/").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    refused = stolen.get("/")
    assert refused.status_code == 302 and "/login" in refused.headers["Location"]
    assert other_login.get("/").status_code == 200  # only that session ended


def test_a_deactivated_user_is_logged_out(app: Flask, staff: dict[str, Any]) -> None:
    client = logged_in(app, staff["applicant"])
    with app.app_context():
        user = db.session.get(User, staff["applicant"].id)
        assert user is not None
        user.active = False
        db.session.commit()
    assert client.get("/").status_code == 302


def test_failed_logins_are_counted_per_account_across_workers(app: Flask, staff: dict[str, Any]) -> None:
    # a second process on the same database: an in-memory limiter would give it a fresh count
    worker = create_app({**{k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "TIC_CLOCK", "TESTING")}})
    victim = staff["applicant"].username
    statuses = []
    for i in range(10):
        statuses.append(_attempt((app if i % 2 else worker).test_client(), victim, "wrong", f"10.0.0.{i}"))
    assert statuses == [401] * 10
    for where in (app, worker):  # locked for the account, from any address, even with the right password
        assert _attempt(where.test_client(), victim, PASSWORD, "10.9.9.9") == 429
    assert _attempt(app.test_client(), staff["sponsor"].username, PASSWORD, "10.0.0.1") == 302  # others log in
    with worker.app_context():
        db.engine.dispose()


def test_failed_logins_are_counted_per_address(app: Flask, staff: dict[str, Any]) -> None:
    app.config["TIC_LOGIN_ADDRESS_LIMIT"] = "3/minute"
    for key in ("applicant", "sponsor", "council"):
        assert _attempt(app.test_client(), staff[key].username, "wrong", "10.1.1.1") == 401
    assert _attempt(app.test_client(), staff["expert"].username, PASSWORD, "10.1.1.1") == 429
    assert _attempt(app.test_client(), staff["expert"].username, PASSWORD, "10.2.2.2") == 302
