"""Read-only requests read a snapshot and never take SQLite's write lock; every write path still does."""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event

from app.extensions import db
from tests.processes.support import GOOD_REPORT, set_clock


@contextmanager
def _begins(app: Flask) -> Iterator[list[str]]:
    """The BEGIN statements the app's connections issue meanwhile."""
    seen: list[str] = []

    def record(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("BEGIN"):
            seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _sqlite_only(app: Flask) -> Path:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("sqlite:///"):
        pytest.skip("SQLite's write lock")
    return Path(url.removeprefix("sqlite:///"))


def _report(people: dict[str, Any]) -> dict[str, Any]:
    set_clock(people["supervisor"], "2026-12-01T09:00:00+08:00")
    started = people["supervisor"].post("/api/v1/instances", json={
        "process_key": "nmg2025_annual_report", "center_id": people["centers"]["a"], "data": {"report_year": 2026}})
    assert started.status_code == 201, started.get_json()
    body: dict[str, Any] = started.get_json()
    return body


def test_gets_read_while_another_connection_holds_the_write_lock(app: Flask, people: dict[str, Any]) -> None:
    path = _sqlite_only(app)
    started = _report(people)
    applicant = people["applicant"]
    holder = sqlite3.connect(path, timeout=1, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # a writer mid-transaction: a read that wanted the lock would wait 30 s
    try:
        inbox = applicant.get("/api/v1/tasks")
        detail = applicant.get(f"/api/v1/instances/{started['id']}")
        task = applicant.get(f"/api/v1/tasks/{started['ready_tasks'][0]['id']}")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert inbox.status_code == 200 and [t["id"] for t in inbox.get_json()] == [started["ready_tasks"][0]["id"]]
    assert detail.status_code == 200 and detail.get_json()["status"] == "running"
    assert task.status_code == 200


def test_reads_begin_deferred_and_writes_take_the_lock(app: Flask, people: dict[str, Any]) -> None:
    _sqlite_only(app)
    started = _report(people)
    applicant = people["applicant"]
    task_id = started["ready_tasks"][0]["id"]
    with _begins(app) as reads:
        assert applicant.get("/api/v1/tasks").status_code == 200
        assert applicant.get(f"/api/v1/tasks/{task_id}").status_code == 200
    assert reads and set(reads) == {"BEGIN"}
    with _begins(app) as writes:
        done = applicant.post(f"/api/v1/tasks/{task_id}/complete", json={"data": GOOD_REPORT})
    assert done.status_code == 200, done.get_json()
    assert writes and set(writes) == {"BEGIN IMMEDIATE"}
    with app.app_context():  # outside a request (scheduler, CLI): the write lock, as before
        with _begins(app) as outside:
            db.session.execute(db.text("SELECT 1"))
            db.session.rollback()
    assert outside == ["BEGIN IMMEDIATE"]


def test_a_get_that_writes_asks_for_the_lock_first(app: Flask, people: dict[str, Any]) -> None:
    """Opening a notification (a GET page) marks it read: its write runs in a transaction with the lock."""
    from app import clock
    from app.models import Notification, User
    from app.services.infrastructure.notifications import mark_read
    from app.services.transactions import begin_reading

    _sqlite_only(app)
    with app.test_request_context("/notifications/1", method="GET"), _begins(app) as seen:
        user = db.session.scalar(db.select(User).where(User.username == people["applicant"].username))
        assert user is not None
        now = clock.now()
        note = Notification(user_id=user.id, template="annual_report_reminder", title="提醒", body="提醒",
                            created_at=now)
        db.session.add(note)
        db.session.commit()  # as the scheduler would have done earlier
        begin_reading(True)  # what the app does for a GET
        seen.clear()
        try:
            assert db.session.scalar(db.select(db.func.count(Notification.id))) == 1  # the page reads first
            read_at = mark_read(user, note.id, now).read_at
        finally:
            begin_reading(False)
    assert read_at == now
    assert seen[0] == "BEGIN" and "BEGIN IMMEDIATE" in seen[1:]  # read the note, then write with the lock


def test_a_read_snapshot_ends_with_its_request_even_inside_an_enclosing_app_context(
        app: Flask, people: dict[str, Any]) -> None:
    """Where the session outlives the request (an app context pushed around several requests, as in-process
    clients do), a GET's snapshot must not carry over into the next POST: the POST begins with the lock."""
    _sqlite_only(app)
    started = _report(people)
    applicant = people["applicant"]
    task_id = started["ready_tasks"][0]["id"]
    with app.app_context(), _begins(app) as seen:
        assert applicant.get(f"/api/v1/tasks/{task_id}").status_code == 200
        done = applicant.post(f"/api/v1/tasks/{task_id}/complete", json={"data": GOOD_REPORT})
        assert done.status_code == 200, done.get_json()
    assert seen[0] == "BEGIN" and seen[1:] and set(seen[1:]) == {"BEGIN IMMEDIATE"}


def test_a_start_is_answered_from_its_own_transaction(app: Flask, people: dict[str, Any]) -> None:
    """POST /instances reads its answer (ready tasks, timers, warnings) before it commits: one transaction, one lock."""
    _sqlite_only(app)
    set_clock(people["supervisor"], "2026-12-01T09:00:00+08:00")
    with _begins(app) as seen:
        started = people["supervisor"].post("/api/v1/instances", json={
            "process_key": "nmg2025_annual_report", "center_id": people["centers"]["a"], "data": {"report_year": 2026}})
    assert started.status_code == 201, started.get_json()
    body = started.get_json()
    assert [t["element_id"] for t in body["ready_tasks"]] == ["submit_report"] and body["timers"]
    assert seen == ["BEGIN IMMEDIATE"]
