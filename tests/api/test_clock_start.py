"""Rehearsals from any date: TIC_CLOCK_START for a fresh database, `tic clock set DATE` before any instance."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from flask import Flask

from app import clock
from app.cli import main as tic
from app.config import parse_instant
from app.extensions import db
from app.models import ClockState
from tests.conftest import SIMULATION_START

CHINA = timezone(timedelta(hours=8))


def _fresh_clock(app: Flask) -> None:
    """Remove the stored clock row, as in a database nobody has read the clock of yet."""
    with app.app_context():
        state = db.session.get(ClockState, 1)
        if state is not None:
            db.session.delete(state)
        db.session.commit()


def _stored(app: Flask) -> datetime | None:
    with app.app_context():
        state = db.session.get(ClockState, 1)
        moment = state.now if state is not None else None
        db.session.rollback()
        return moment


@pytest.mark.parametrize("setting,expected", [
    ("2024-01-01", datetime(2024, 1, 1, tzinfo=CHINA)),
    ("2023-06-15T09:30:00+02:00", datetime(2023, 6, 15, 7, 30, tzinfo=UTC)),
    (datetime(2022, 3, 1, tzinfo=CHINA), datetime(2022, 3, 1, tzinfo=CHINA)),
])
def test_a_fresh_database_starts_at_tic_clock_start(app: Flask, setting: Any, expected: datetime) -> None:
    _fresh_clock(app)
    app.config["TIC_CLOCK_START"] = setting
    with app.app_context():
        assert clock.now() == expected
        db.session.commit()
    assert _stored(app) == expected


def test_tic_clock_start_does_not_move_an_existing_clock(app: Flask) -> None:
    app.config["TIC_CLOCK_START"] = datetime(2030, 1, 1, tzinfo=CHINA)
    with app.app_context():
        assert clock.now() == SIMULATION_START


def test_without_tic_clock_start_a_fresh_clock_starts_now(app: Flask) -> None:
    _fresh_clock(app)
    app.config["TIC_CLOCK_START"] = None
    with app.app_context():
        assert abs(clock.now() - datetime.now(UTC)) < timedelta(minutes=1)


def test_the_api_reads_the_configured_start(app: Flask, people: dict[str, Any]) -> None:
    _fresh_clock(app)
    app.config["TIC_CLOCK_START"] = parse_instant("2024-01-01")
    body = people["supervisor"].get("/api/v1/clock").get_json()
    assert datetime.fromisoformat(body["now"]) == datetime(2024, 1, 1, tzinfo=CHINA)


def test_tic_clock_set_before_any_instance(app: Flask, people: dict[str, Any]) -> None:
    result = app.test_cli_runner().invoke(tic, ["clock", "set", "2022-05-01"])
    assert result.exit_code == 0, result.output
    assert "2022-05-01T00:00:00+08:00" in result.output
    assert _stored(app) == datetime(2022, 5, 1, tzinfo=CHINA)  # earlier than before: nothing depends on it yet
    # from then on the clock only moves forward
    supervisor = people["supervisor"]
    back = supervisor.post("/api/v1/clock", json={"now": "2022-04-30T00:00:00+08:00"})
    assert back.status_code == 422 and "倒退" in back.get_json()["message"]
    forward = supervisor.post("/api/v1/clock", json={"now": "2022-05-02T00:00:00+08:00"})
    assert forward.status_code == 200, forward.get_json()
    assert _stored(app) == datetime(2022, 5, 2, tzinfo=CHINA)


def test_tic_clock_set_on_a_fresh_database(app: Flask) -> None:
    _fresh_clock(app)
    result = app.test_cli_runner().invoke(tic, ["clock", "set", "2024-03-01T08:00:00+00:00"])
    assert result.exit_code == 0, result.output
    assert _stored(app) == datetime(2024, 3, 1, 8, tzinfo=UTC)


def test_tic_clock_set_is_refused_once_an_instance_exists(app: Flask, people: dict[str, Any]) -> None:
    started = people["supervisor"].post("/api/v1/instances", json={
        "process_key": "nmg2025_annual_report", "center_id": people["centers"]["a"],
        "data": {"report_year": 2026}})
    assert started.status_code == 201, started.get_json()
    before = _stored(app)
    result = app.test_cli_runner().invoke(tic, ["clock", "set", "2030-01-01"])
    assert result.exit_code != 0
    assert "已有流程实例" in result.output
    assert _stored(app) == before


@pytest.mark.parametrize("text", ["2024-13-01", "yesterday", "2024-01-01T09:00:00"])
def test_tic_clock_set_refuses_what_is_not_a_moment(app: Flask, text: str) -> None:
    result = app.test_cli_runner().invoke(tic, ["clock", "set", text])
    assert result.exit_code != 0 and "日期格式无效" in result.output
    assert _stored(app) == SIMULATION_START


def test_tic_clock_set_needs_the_simulated_clock(app: Flask) -> None:
    app.config["TIC_CLOCK"] = "system"
    result = app.test_cli_runner().invoke(tic, ["clock", "set", "2024-01-01"])
    assert result.exit_code != 0 and "模拟模式" in result.output
