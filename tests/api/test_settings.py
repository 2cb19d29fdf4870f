"""Settings: declared once in app/config.py from TIC_* variables, overridden by create_app(config), applied."""
from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from app import create_app
from app.config import Settings, apply_derived, request_limit
from app.extensions import db
from tests.support import seed_people

ROOT = Path(__file__).resolve().parents[2]
CHINA = timezone(timedelta(hours=8))
ENVIRONMENT_READ = re.compile(r"os\.environ|getenv|from os import")


@pytest.fixture
def fresh_app(database_url: str) -> Iterator[Any]:
    """Build a new app (not the cached test app) with `config` on the test database."""
    built: list[Flask] = []

    def build(**config: Any) -> Flask:
        app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TIC_CLOCK": "simulated", "TESTING": True,
                          **config})
        built.append(app)
        return app

    yield build
    for app in built:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _flask_config(**overrides: Any) -> dict[str, Any]:
    config = Settings().to_flask()
    config.update(overrides)
    apply_derived(config, overrides)
    return config


def test_settings_come_from_tic_variables(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TIC_FILES_DIR", str(tmp_path / "files"))
    monkeypatch.setenv("TIC_MAX_UPLOAD_MB", "2")
    monkeypatch.setenv("TIC_LOGIN_LIMIT", "3/minute")
    monkeypatch.setenv("TIC_SECURE_COOKIES", "1")
    monkeypatch.setenv("TIC_CLOCK_START", "2024-01-01")
    config = _flask_config()
    assert config["TIC_FILES_DIR"] == str(tmp_path / "files")
    assert config["TIC_MAX_UPLOAD_MB"] == 2.0 and config["MAX_CONTENT_LENGTH"] == request_limit(2)
    assert config["TIC_LOGIN_LIMIT"] == "3/minute"
    assert config["SESSION_COOKIE_SECURE"] is True and config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["TIC_CLOCK_START"] == datetime(2024, 1, 1, tzinfo=CHINA)


def test_defaults_apply(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TIC_FILES_DIR", "TIC_MAX_UPLOAD_MB", "TIC_LOGIN_LIMIT", "TIC_SECURE_COOKIES", "TIC_CLOCK_START"):
        monkeypatch.delenv(name, raising=False)
    config = _flask_config()
    assert config["TIC_FILES_DIR"] == str(ROOT / "instance" / "files")
    assert config["MAX_CONTENT_LENGTH"] == request_limit(20)
    assert config["TIC_LOGIN_LIMIT"] == "10/minute"
    assert config["SESSION_COOKIE_SECURE"] is False and config["TIC_CLOCK_START"] is None


def test_create_app_config_overrides_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIC_MAX_UPLOAD_MB", "2")
    monkeypatch.setenv("TIC_SECURE_COOKIES", "0")
    config = _flask_config(TIC_MAX_UPLOAD_MB=1, TIC_SECURE_COOKIES=True, TIC_CLOCK_START="2023-05-01T08:00:00+08:00")
    assert config["MAX_CONTENT_LENGTH"] == request_limit(1)
    assert config["SESSION_COOKIE_SECURE"] is True and config["REMEMBER_COOKIE_SECURE"] is True
    assert config["TIC_CLOCK_START"] == datetime(2023, 5, 1, 8, tzinfo=CHINA)
    assert _flask_config(TIC_MAX_UPLOAD_MB=1, MAX_CONTENT_LENGTH=123)["MAX_CONTENT_LENGTH"] == 123


@pytest.mark.parametrize("value", ["2024-02-30", "tomorrow", "2024-01-01T09:00:00"])
def test_an_unusable_clock_start_stops_the_start(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("TIC_CLOCK_START", value)
    with pytest.raises(ValueError, match="TIC_CLOCK_START"):
        Settings()


def test_nothing_but_config_reads_the_environment() -> None:
    readers = [
        str(path.relative_to(ROOT)) for base in ("app", "handlers") for path in sorted((ROOT / base).rglob("*.py"))
        if path != ROOT / "app" / "config.py" and ENVIRONMENT_READ.search(path.read_text(encoding="utf-8"))
    ]
    assert readers == []


def test_a_request_over_the_limit_is_refused(fresh_app: Any) -> None:
    app = fresh_app(TIC_MAX_UPLOAD_MB=0.1)
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert limit == request_limit(0.1)
    with app.app_context():
        _, _, token = seed_people()["users"]["supervisor"]
    client = app.test_client()
    too_big = "x" * (limit + 1)
    api = client.post("/api/v1/instances", data=f'{{"process_key": "{too_big}"}}',
                      headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    assert api.status_code == 413
    page = client.post("/login", data={"username": too_big, "password": "x"})
    assert page.status_code == 413
    small = client.post("/login", data={"username": "x" * 1000, "password": "x"})
    assert small.status_code != 413


def _set_cookies(response: Any) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


@pytest.mark.parametrize("secure", [False, True])
def test_cookies_are_same_site_and_secure_when_asked(fresh_app: Any, secure: bool) -> None:
    app = fresh_app(TIC_SECURE_COOKIES=secure)
    response = app.test_client().get("/lang/en")
    cookies = _set_cookies(response)
    assert set(cookies) >= {app.config["SESSION_COOKIE_NAME"], "lang"}
    for header in cookies.values():
        assert "SameSite=Lax" in header and "HttpOnly" in header
        assert ("; Secure" in header) is secure


def test_the_readme_lists_every_setting() -> None:
    declared = set(re.findall(r'"(TIC_[A-Z_]+)"', (ROOT / "app" / "config.py").read_text(encoding="utf-8")))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    settings_table = readme[readme.index("## Settings"):readme.index("## The `tic` command")]
    assert declared - {"TIC_TIMEZONE"} <= set(re.findall(r"`(TIC_[A-Z_]+)`", settings_table))
