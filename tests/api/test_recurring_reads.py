"""The scheduler's recurring starts do not read every center on every tick: only the centers a start may be due for."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from flask import Flask
from sqlalchemy import event, select

from app.extensions import db
from app.models import Center, ProcessInstance
from app.services.time.recurring import start_annual_reports, start_evaluations, start_operation_cycles
from tests.support import set_stored_clock


@contextmanager
def centers_loaded() -> Iterator[list[int]]:
    """The ids of the centers loaded from the database (ORM `Center` objects) while the block runs."""
    seen: list[int] = []

    def record(target: Center, _context: Any) -> None:
        seen.append(target.id)

    event.listen(Center, "load", record)
    try:
        yield seen
    finally:
        event.remove(Center, "load", record)


def test_a_tick_reads_only_centers_a_start_may_be_due_for(app: Flask, people: dict[str, Any]) -> None:
    a, b = people["centers"]["a"], people["centers"]["b"]  # nmg2025, approved and established 2026-06-01
    with app.app_context():
        set_stored_clock(datetime(2026, 9, 1, 1, 0, tzinfo=UTC))  # no report window open, no cycle run out
        with centers_loaded() as reads:
            assert start_annual_reports() == [] and start_evaluations() == [] and start_operation_cycles() == []
        assert reads == []

        set_stored_clock(datetime(2026, 12, 15, 1, 0, tzinfo=UTC))  # the 2026 report's window opened
        with centers_loaded() as reads:
            started = start_annual_reports()
        assert set(reads) == {a, b}  # the two centers that owe it (and each start reads its own)
        keys = set(db.session.scalars(select(ProcessInstance.business_key).where(ProcessInstance.id.in_(started))))
        assert keys == {f"nmg2025_annual_report:{a}:2026", f"nmg2025_annual_report:{b}:2026"}

        with centers_loaded() as reads:
            assert start_annual_reports() == []  # started already: nothing read, nothing started twice
        assert reads == []


def test_an_evaluation_still_starts_once_its_cycle_ran_out(app: Flask, people: dict[str, Any]) -> None:
    a, b = people["centers"]["a"], people["centers"]["b"]
    with app.app_context():
        set_stored_clock(datetime(2029, 6, 2, 1, 0, tzinfo=UTC))  # 3 years after 2026-06-01 (nmg2025 第三十四条)
        started = start_evaluations()
        keys = set(db.session.scalars(select(ProcessInstance.business_key).where(ProcessInstance.id.in_(started))))
        assert keys == {f"nmg2025_evaluation:{a}:cycle-1", f"nmg2025_evaluation:{b}:cycle-1"}
        assert start_evaluations() == []
