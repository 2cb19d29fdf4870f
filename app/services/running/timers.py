"""Fire due timers from the `timer` read model through the engine, one locked instance per transaction.

Claiming: on PostgreSQL the instance row is taken with `FOR UPDATE SKIP LOCKED`, so several scheduler
processes share the work and never fire one timer twice; on SQLite every transaction already holds the
database write lock (BEGIN IMMEDIATE) and the claim is a conditional update. Timers fire in due order,
each at its own due time (engine time = due + 1 µs): never early, and a late scheduler does not push back
timers armed by the firing.
"""
from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm.exc import StaleDataError

from app import clock
from app.engine.runtime import EngineError
from app.engine.views import WaitingTimer
from app.extensions import db
from app.models import ProcessInstance, Timer
from app.services import transactions
from app.services.running.events import add_event
from app.services.running.starting import begin_instance
from app.services.running.steps import open_workflow, record_step
from app.vocabulary import InstanceStatus, TimerState

EPSILON = timedelta(microseconds=1)
WORKER = f"{socket.gethostname()}:{os.getpid()}"


def fire_due_timers(max_instances: int = 100_000) -> int:
    """Fire every timer due before now, instance by instance in due order; returns the timers fired."""
    now = clock.now()
    transactions.commit_and_expire()
    fired = 0
    for _ in range(max_instances):
        instance = _claim_next_instance(now)
        if instance is None:
            transactions.rollback()
            break
        fired += _fire_claimed(instance, now)
    return fired


def _claim_next_instance(now: datetime) -> ProcessInstance | None:
    """Lock the running instance owning the earliest due waiting timer that no other scheduler holds."""
    query = (
        select(ProcessInstance)
        .join(Timer, Timer.instance_id == ProcessInstance.id)
        .where(Timer.state == TimerState.WAITING, Timer.due_at < now, ProcessInstance.status == InstanceStatus.RUNNING)
        .order_by(Timer.due_at, Timer.id)
        .limit(1)
        .execution_options(populate_existing=True)
    )
    query = transactions.claim(query, of=ProcessInstance)
    return db.session.scalar(query)


def _fire_claimed(instance: ProcessInstance, now: datetime) -> int:
    """Fire the claimed instance's due timers in due order, each at its due time; commits."""
    claimed = db.session.execute(
        update(Timer)
        .where(Timer.instance_id == instance.id, Timer.state == TimerState.WAITING, Timer.due_at < now)
        .values(claimed_by=WORKER)
        .returning(Timer.task_uuid, Timer.due_at)
    ).tuples().all()
    if not claimed:
        transactions.rollback()
        return 0
    try:
        workflow = open_workflow(instance)
        fired: set[str] = set()
        for task_uuid, due_at in sorted(claimed, key=lambda row: row[1]):
            if task_uuid in fired:  # fired together with an earlier one
                continue
            outcome = workflow.fire_timers(due_at + EPSILON)
            fired |= record_step(instance, workflow, outcome, "scheduler", now, start=begin_instance)
            db.session.flush()
        _quarantine_unfired(instance, workflow.waiting_timers(), now)
        transactions.commit_and_expire()
        return len(fired)
    except StaleDataError:
        transactions.rollback()
        return 0
    except EngineError as err:
        transactions.rollback()
        _mark_error(instance.id, now, err)
        return 0


def _quarantine_unfired(instance: ProcessInstance, waiting: list[WaitingTimer], now: datetime) -> None:
    """A timer the engine would not fire at its due time must not be claimed forever: flag it."""
    for timer in waiting:
        if timer.due_at < now:
            db.session.execute(update(Timer).where(Timer.task_uuid == timer.task_id).values(state="stuck"))
            add_event(instance, now, "scheduler", "timer_stuck", element_id=timer.element_id,
                      article=timer.article, payload={"due_at": timer.due_at.isoformat()})


def _mark_error(instance_id: int, now: datetime, err: EngineError) -> None:
    instance = db.session.get(ProcessInstance, instance_id, populate_existing=True)
    if instance is None:
        return
    instance.status = InstanceStatus.ERROR
    instance.error = f"{err.element_id}: {err.reason}"
    add_event(instance, now, "scheduler", "instance_error", element_id=err.element_id, payload={"reason": err.reason})
    transactions.commit_and_expire()
