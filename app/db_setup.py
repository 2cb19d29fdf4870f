"""Bind the database: SQLite gets WAL and a write lock taken at BEGIN by writers (so they queue instead of failing);
read-only requests begin deferred and read a snapshot without waiting."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.extensions import db, migrate
from app.services import transactions

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def init_db(app: Flask) -> None:
    """Initialise Flask-SQLAlchemy and Flask-Migrate, with SQLite tuned for concurrent writers."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    app.before_request(_begin_request)
    app.teardown_request(_end_request)
    if url.startswith("sqlite"):
        with app.app_context():
            _tune_sqlite(db.engine)


READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WRITES = frozenset({"INSERT", "UPDATE", "DELETE"})
log = logging.getLogger(__name__)


def _begin_request() -> None:
    transactions.begin_reading(request.method in READ_METHODS)


def _end_request(_error: BaseException | None) -> None:
    transactions.end_reading()


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let the begin hook below issue BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A writing transaction takes the write lock up front: a load-step-save never finds the database
        # changed underneath it half-way (SQLite cannot upgrade a read lock safely). Read-only requests
        # begin deferred and never queue behind writers (app/services/transactions.py says which is which).
        statement = transactions.begin_statement()
        connection.info["tic_begin"] = statement
        connection.exec_driver_sql(statement)

    @event.listens_for(engine, "before_cursor_execute")
    def _on_execute(connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if connection.info.get("tic_begin") == "BEGIN" and statement.lstrip()[:6].upper() in WRITES:
            # SQLite upgrades the snapshot to the write lock, and fails if another writer committed meanwhile
            log.warning("write in a read-only request without transactions.writes(): %s", statement[:80])
