"""The scheduler fires due timers a batch of instances per transaction: each exactly once, never early, lag
recorded, and an instance whose step fails rolls back alone (the others of its batch still fire)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from app.engine.runtime import EngineError, Workflow
from app.errors import ProcessError
from app.extensions import db
from app.models import Event, HumanTask, Notification, ProcessInstance, Timer
from app.services import transactions
from app.services.infrastructure.deploy import deploy_file
from app.services.running import timers
from app.services.running.instances import start_instance
from tests.support import FIXTURES, set_stored_clock

START = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


def _probes(app: Flask, center_id: int, offsets_h: list[int]) -> list[int]:
    with app.app_context():
        set_stored_clock(START)
        deploy_file(FIXTURES / "nmg2025" / "timer_probe.bpmn", FIXTURES)
        db.session.commit()
        return [start_instance(None, "nmg2025_timer_probe", center_id,
                               {"fire_at": (START + timedelta(hours=h)).isoformat()}).id for h in offsets_h]


def test_batches_fire_each_due_timer_once_and_never_early(app: Flask, people: dict[str, Any]) -> None:
    ids = _probes(app, people["centers"]["a"], [1, 2, 2, 3, 4, 30])
    with app.app_context():
        set_stored_clock(START + timedelta(hours=5))
        assert timers.fire_due_timers(batch=2) == 5
        assert timers.fire_due_timers(batch=2) == 0  # nothing fires twice
        rows = db.session.execute(select(Timer.instance_id, Timer.state, Timer.lag_ms, Timer.due_at)
                                  .order_by(Timer.instance_id)).all()
        assert [r.state for r in rows] == ["fired"] * 5 + ["waiting"]  # the one due at +30 h waits
        assert all(r.lag_ms is not None and r.lag_ms >= 0 for r in rows[:5])
        fired_at = db.session.scalars(select(Timer.fired_at).where(Timer.state == "fired")).all()
        assert fired_at == [START + timedelta(hours=5)] * 5  # the scheduler's now, stored as an aware UTC instant
        lags = db.session.scalars(select(Timer.lag_ms).where(Timer.state == "fired").order_by(Timer.due_at)).all()
        assert lags == [(START + timedelta(hours=5) - START - timedelta(hours=h)).total_seconds() * 1000
                        for h in (1, 2, 2, 3, 4)]  # each from its own due time
        statuses = db.session.scalars(select(ProcessInstance.status).where(ProcessInstance.id.in_(ids))
                                      .order_by(ProcessInstance.id)).all()
        assert statuses == ["completed"] * 5 + ["running"]
        fired_events = db.session.scalar(select(func.count()).select_from(Event).where(Event.kind == "timer_fired"))
        assert fired_events == 5


@pytest.mark.parametrize("failure", [
    EngineError("probe_deadline", "injected failure"),  # the engine stops on an element
    # a rule of the step's effects refuses it, as a center state change the policy has not (a second 建设期 ending)
    ProcessError("中心不能由 已成立 变为 已成立：政策 xpcc 没有这样的状态变更"),
])
def test_a_failing_instance_rolls_back_alone(app: Flask, people: dict[str, Any], monkeypatch: pytest.MonkeyPatch,
                                             failure: Exception) -> None:
    ids = _probes(app, people["centers"]["a"], [1, 2, 3])
    real = Workflow.fire_timers

    def fail_for_the_second(self: Workflow, now: datetime) -> Any:  # fault injection: the step fails on one
        if now < START + timedelta(hours=2, seconds=1) and now > START + timedelta(hours=1, seconds=1):
            raise failure
        return real(self, now)

    monkeypatch.setattr(Workflow, "fire_timers", fail_for_the_second)
    with app.app_context():
        set_stored_clock(START + timedelta(hours=5))
        assert timers.fire_due_timers(batch=10) == 2  # one batch: the first and the third
        statuses = dict(db.session.execute(select(ProcessInstance.id, ProcessInstance.status)
                                           .where(ProcessInstance.id.in_(ids))).tuples().all())
        assert [statuses[i] for i in ids] == ["completed", "error", "completed"]
        states = dict(db.session.execute(select(Timer.instance_id, Timer.state)).tuples().all())
        assert [states[i] for i in ids] == ["fired", "waiting", "fired"]  # the failed one wrote nothing else
        # the batch ran without savepoints first, failed, rolled back and fired again one savepoint per instance:
        # what the first attempt wrote is gone, each timer fired once
        fired = db.session.scalars(select(Event.instance_id).where(Event.kind == "timer_fired")).all()
        assert sorted(i for i in fired if i is not None) == [ids[0], ids[2]] and len(fired) == 2
        assert db.session.scalar(select(func.count()).select_from(Event).where(
            Event.kind == "instance_error", Event.instance_id == ids[1])) == 1


def test_a_batch_loads_its_centers_once(app: Flask, people: dict[str, Any]) -> None:
    """Deadlines of two centers' annual reports fire in one batch: each center is read once for the batch, not
    once per step that asks for it (the report history, the notification, the escalation's routing)."""
    with app.app_context():
        set_stored_clock(datetime(2026, 12, 15, 1, 0, tzinfo=UTC))
        ids = [start_instance(None, "nmg2025_annual_report", people["centers"][c], {"report_year": 2026}).id
               for c in ("a", "b")]
        set_stored_clock(datetime(2027, 2, 1, 0, 0, tzinfo=UTC))  # past the reminder and the deadline
        statements: list[str] = []

        def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            statements.append(" ".join(statement.split()))

        sa_event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert timers.fire_due_timers(batch=10) == 4  # each report's reminder and deadline
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", count)
        center_reads = [s for s in statements if " FROM center " in s or " FROM center_organisation " in s]
        assert len(center_reads) == 2, center_reads  # the batch's centers, then their organisations
        history_reads = [s for s in statements if "human_task.completed_at" in s]
        assert len(history_reads) == 1, history_reads  # both reports' submission history, one query for the batch
        user_reads = [s for s in statements if ' FROM "user" ' in s or " FROM user " in s]
        assert len(user_reads) == 1, user_reads  # the supervisors, once for both (late reminders are not sent)
        notified = db.session.execute(select(Notification.instance_id, func.count()).where(
            Notification.template == "annual_report_overdue").group_by(Notification.instance_id)).tuples().all()
        assert sorted(i for i, _n in notified if i is not None) == ids and len(notified) == 2
        assert len({n for _i, n in notified}) == 1  # the same supervisors for both
        escalations = db.session.scalars(select(HumanTask.instance_id).where(
            HumanTask.element_id == "escalate_overdue", HumanTask.state == "ready")).all()
        assert sorted(escalations) == ids
        routed = db.session.scalars(select(HumanTask.organisation_id).where(
            HumanTask.element_id == "escalate_overdue")).all()
        assert None not in routed  # the organisations the batch read route the supervisor's task


def test_a_transaction_memo_survives_a_savepoint_release_not_a_rollback(app: Flask) -> None:
    with app.app_context():
        def memo() -> dict[str, int]:
            return transactions.per_transaction("probe", watch=(Timer,))

        memo()["seen"] = 1
        db.session.begin_nested().commit()  # one instance of a batch fired
        assert memo() == {"seen": 1}
        db.session.begin_nested().rollback()  # one failed: what it read may be gone
        assert memo() == {}
        memo()["seen"] = 2
        transactions.commit()
        assert memo() == {}
