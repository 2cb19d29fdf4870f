"""`tic scheduler` processes: several never fire a timer twice; a stopped one catches up in due order."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.extensions import db
from app.models import Event, ProcessInstance, Timer
from app.services.infrastructure.deploy import deploy_file
from app.services.running.instances import start_instance
from tests.support import set_stored_clock

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TIC = Path(sys.executable).parent / "tic"
START = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


def _start_probes(app: Flask, center_id: int, due_times: list[datetime]) -> list[int]:
    with app.app_context():
        set_stored_clock(START)
        deploy_file(FIXTURES / "nmg2025" / "timer_probe.bpmn", FIXTURES)
        db.session.commit()
        return [
            start_instance(None, "nmg2025_timer_probe", center_id, {"fire_at": due.isoformat()}).id
            for due in due_times
        ]


def _schedulers(database_url: str, count: int) -> list[subprocess.Popen[bytes]]:
    env = {**os.environ, "TIC_DATABASE_URL": database_url, "TIC_CLOCK": "simulated", "TIC_SCHEDULER_INTERVAL": "0.2"}
    started = []
    for _ in range(count):  # logs go to a file, never a pipe nobody reads: a full pipe blocks the scheduler
        log = tempfile.TemporaryFile()
        proc = subprocess.Popen([str(TIC), "scheduler"], env=env, stdout=subprocess.DEVNULL, stderr=log)
        _LOGS[proc.pid] = log
        started.append(proc)
    return started


_LOGS: dict[int, IO[bytes]] = {}


def _log_of(proc: subprocess.Popen[bytes]) -> str:
    log = _LOGS[proc.pid]
    log.seek(0)
    return log.read().decode(errors="replace")[-4000:]


def _wait_until_fired(app: Flask, expected: int, processes: list[subprocess.Popen[bytes]], limit_s: float) -> None:
    deadline = time.monotonic() + limit_s
    try:
        while time.monotonic() < deadline:
            with app.app_context():
                fired = db.session.scalar(select(func.count()).select_from(Timer).where(Timer.state == "fired"))
                db.session.rollback()
            if fired == expected:
                return
            for proc in processes:
                assert proc.poll() is None, _log_of(proc)
            time.sleep(0.2)
        pytest.fail(f"only {fired} of {expected} timers fired within {limit_s}s")
    finally:
        for proc in processes:
            proc.terminate()
        for proc in processes:
            proc.wait(timeout=20)
            _LOGS.pop(proc.pid).close()


def _timer_events(app: Flask) -> list[Any]:
    with app.app_context():
        rows = db.session.execute(
            select(Event.instance_id, Event.element_id, Event.payload).where(Event.kind == "timer_fired").order_by(Event.id)
        ).all()
        db.session.rollback()
        return list(rows)


def test_two_schedulers_fire_each_of_1000_timers_once(
    app: Flask, people: dict[str, Any], database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SKIP LOCKED sharing between scheduler processes is a PostgreSQL property")
    ids = _start_probes(app, people["centers"]["a"], [START + timedelta(days=30)] * 1000)
    with app.app_context():
        set_stored_clock(START + timedelta(days=31))
    _wait_until_fired(app, 1000, _schedulers(database_url, 2), limit_s=240)
    per_instance = Counter(instance_id for instance_id, _, _ in _timer_events(app))
    assert set(per_instance) == set(ids) and set(per_instance.values()) == {1}
    with app.app_context():
        statuses = Counter(db.session.scalars(select(ProcessInstance.status).where(ProcessInstance.id.in_(ids))))
        workers = set(db.session.scalars(select(Timer.claimed_by).where(Timer.state == "fired")))
    assert statuses == {"completed": 1000}
    assert workers and None not in workers  # every firing is recorded with the scheduler that claimed it


def test_stopped_scheduler_catches_up_in_due_order(app: Flask, people: dict[str, Any], database_url: str) -> None:
    dues = [START + timedelta(days=2), START + timedelta(hours=12), START + timedelta(days=1), START + timedelta(days=3)]
    ids = _start_probes(app, people["centers"]["a"], dues)
    with app.app_context():
        # the clock moves 3 days and 1 hour while no scheduler runs: nothing fires
        set_stored_clock(START + timedelta(days=3, hours=1))
        assert db.session.scalar(select(func.count()).select_from(Timer).where(Timer.state == "fired")) == 0
        db.session.rollback()
    _wait_until_fired(app, len(dues), _schedulers(database_url, 1), limit_s=60)
    events = _timer_events(app)
    by_due = [i for _, i in sorted(zip(dues, ids, strict=True))]
    assert [instance_id for instance_id, _, _ in events] == by_due
    lags = [payload["lag_ms"] for _, _, payload in events]
    assert lags == sorted(lags, reverse=True) and lags[-1] >= 3_600_000  # fired late, never early

