"""Fire due timers from the `timer` read model, through the engine, one instance per transaction."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app import clock
from app.engine.runtime import EngineError
from app.extensions import db
from app.models import Timer
from app.services.steps import add_event, lock_instance, open_workflow, record_step

EPSILON = timedelta(microseconds=1)


def fire_due_timers(limit: int = 500) -> int:
    """Fire every timer due before now, instance by instance in due order; returns timers fired."""
    now = clock.now()
    fired = 0
    for _round in range(100):  # firing can arm timers that are already due: repeat until quiet
        due = db.session.execute(
            select(Timer.instance_id, Timer.due_at)
            .where(Timer.state == "waiting", Timer.due_at < now)
            .order_by(Timer.due_at, Timer.id)
            .limit(limit)
        ).all()
        db.session.rollback()
        if not due:
            break
        seen: list[int] = []
        for instance_id, _due in due:
            if instance_id not in seen:
                seen.append(instance_id)
        for instance_id in seen:
            fired += _fire_instance(instance_id, now)
    return fired


def _fire_instance(instance_id: int, now: datetime) -> int:
    """Step one instance through its due timers, each at its own due time, never early."""
    try:
        instance = lock_instance(instance_id)
        timers = list(
            db.session.scalars(
                select(Timer).where(Timer.instance_id == instance_id, Timer.state == "waiting", Timer.due_at < now)
                .order_by(Timer.due_at)
            )
        )
        if not timers or instance.status != "running":
            db.session.rollback()
            return 0
        workflow = open_workflow(instance)
        count = 0
        for timer in timers:
            # Engine time = just after the due time, so relative timers armed by this firing count from
            # the deadline, not from whenever the scheduler happened to run.
            outcome = workflow.fire_timers(timer.due_at + EPSILON)
            record_step(instance, workflow, outcome, "scheduler", now)
            db.session.flush()
            count += sum(1 for c in outcome.completed if c.task_id == timer.task_uuid)
        db.session.commit()
        return count
    except StaleDataError:
        db.session.rollback()
        return 0
    except EngineError as err:
        db.session.rollback()
        _mark_error(instance_id, now, err)
        return 0


def _mark_error(instance_id: int, now: datetime, err: EngineError) -> None:
    instance = lock_instance(instance_id)
    instance.status = "error"
    instance.error = f"{err.element_id}: {err.reason}"
    add_event(instance, now, "scheduler", "instance_error", element_id=err.element_id, payload={"reason": err.reason})
    db.session.commit()
