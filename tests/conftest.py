"""Fixtures: an app per test on SQLite (and PostgreSQL when TIC_TEST_POSTGRES_URL is set), seeded users."""
from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.extensions import db
from app.models import ClockState
from app.services.infrastructure.definitions import forget_definitions
from tests.support import seed_people

PG_URL = os.environ.get("TIC_TEST_POSTGRES_URL")
SIMULATION_START = datetime(2024, 1, 1, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent
BACKENDS = ["sqlite", "postgres"]


def _upgrade(url: str) -> None:
    """Migrate a fresh database and deploy the repository's processes into it (tests then copy it)."""
    from flask_migrate import upgrade

    from app.services.infrastructure.deploy import deploy_directory

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TIC_CLOCK": "simulated"})
    with app.app_context():
        upgrade()
        # a fixed start for the simulated clock: tests move it to fixed dates and it never goes backwards,
        # so starting from the real date would break them once that date is past
        db.session.add(ClockState(id=1, now=SIMULATION_START))
        db.session.commit()
        deploy_directory(ROOT / "processes")
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    _upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    if not PG_URL:
        pytest.skip("TIC_TEST_POSTGRES_URL not set")
    name = f"tic_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.engine.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    _upgrade(url)
    yield url
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def drop_designer_deploys(app: Flask, database_url: str) -> None:
    """After a test that deployed versions as a designer: on PostgreSQL definitions survive truncation, so empty the
    tables and drop the versions a person deployed (the repository's stay)."""
    if not database_url.startswith("postgresql"):
        return
    with app.app_context():
        db.session.remove()
    _truncate_all(database_url)
    engine = sa.create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM process_definition WHERE deployed_by IS NOT NULL"))
    engine.dispose()


def _truncate_all(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        # deployed definitions are immutable and content-addressed: keep them between tests
        tables = [r[0] for r in conn.exec_driver_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname='public' "
            "AND tablename NOT IN ('alembic_version', 'process_definition')"
        )]
        conn.exec_driver_sql("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
        conn.execute(sa.insert(ClockState.__table__).values(id=1, now=SIMULATION_START))
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database file per session, overwritten from the template before each test (apps are reused)."""
    return tmp_path_factory.mktemp("db") / "tic.db"


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> str:
    if request.param == "sqlite":
        path: Path = request.getfixturevalue("sqlite_path")
        for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            leftover.unlink(missing_ok=True)
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        forget_definitions()  # ids repeat across test databases
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("postgres_url")
    _truncate_all(url)
    forget_definitions()  # ids repeat across test databases
    return url


_APPS: dict[str, tuple[Flask, dict[str, Any]]] = {}


def make_app(database_url: str, **config: Any) -> Flask:
    """A test app on `database_url` with the simulated clock and the repository's processes deployed.

    Building an app costs ~0.2 s (flask-smorest documents every view), so one app per database URL is
    reused: its config is restored to the first build's before `config` is applied. The database itself is
    fresh for every test (see `database_url`).
    """
    cached = _APPS.get(database_url)
    if cached is None:
        app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TIC_CLOCK": "simulated", "TESTING": True,
                          "TIC_PASSWORD_HASH": "pbkdf2:sha256:1000",  # tests only: fast to hash
                          "TIC_WORKFLOW_CACHE_CHECK": True})  # every kept workflow proven equal to its state
        _APPS[database_url] = cached = (app, dict(app.config))
    app, baseline = cached
    app.config.clear()
    app.config.update(baseline)
    app.config.update(config)
    # the repository's processes are deployed once per database (the SQLite template, the PostgreSQL database,
    # whose process_definition rows survive truncation): redeploying here cost ~45 ms per test
    return app


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = make_app(database_url)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@dataclass
class Actor:
    """A seeded user and a way to call the API as that user."""

    client: FlaskClient
    token: str
    username: str
    role: str

    def headers(self, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **extra}

    def get(self, path: str, **kw: Any) -> Any:
        return self.client.get(path, headers=self.headers(**kw.pop("headers", {})), **kw)

    def post(self, path: str, json: Any = None, **kw: Any) -> Any:
        return self.client.post(path, json=json, headers=self.headers(**kw.pop("headers", {})), **kw)


@pytest.fixture
def people(app: Flask, client: FlaskClient) -> dict[str, Any]:
    """Two nmg2025 centers (A and B) with their own units, and one user per role and center."""
    with app.app_context():
        seeded = seed_people()
    return {
        "centers": seeded["centers"],
        **{key: Actor(client, token, username, role) for key, (username, role, token) in seeded["users"].items()},
    }
