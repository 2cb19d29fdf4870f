"""Fire due timers from the `timer` read model through the engine, a batch of locked instances per transaction.

Claiming: on PostgreSQL the instance rows are taken with `FOR UPDATE SKIP LOCKED`, so several scheduler
processes share the work and never fire one timer twice; on SQLite every transaction already holds the
database write lock (BEGIN IMMEDIATE) and the claim is a conditional update. The batch's centers are read once;
the batch commits once. One instance that fails rolls back alone (an engine error marks it): the batch is then
fired again with each instance in its own savepoint. Timers fire in due order,
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
from app.errors import DomainError
from app.extensions import db
from app.models import Center, ProcessInstance, Timer
from app.services import transactions
from app.services.centers.roles import remember as remember_center_roles
from app.services.centers.submissions import remember_submissions
from app.services.running.events import add_event
from app.services.running.starting import begin_instance
from app.services.running.steps import open_workflow, record_step
from app.vocabulary import InstanceStatus, TimerState

EPSILON = timedelta(microseconds=1)
WORKER = f"{socket.gethostname()}:{os.getpid()}"


BATCH = 25  # instances fired per transaction: one commit (one fsync on PostgreSQL) for many firings


def fire_due_timers(max_instances: int = 100_000, batch: int = BATCH) -> int:
    """Fire every timer due before now, in due order, `batch` instances per transaction; returns the timers fired."""
    now = clock.now()
    transactions.commit_and_expire()
    fired = claimed = 0
    while claimed < max_instances:
        count, instances = fire_batch(now, min(batch, max_instances - claimed))
        if not instances:
            break
        fired, claimed = fired + count, claimed + instances
    return fired


def fire_batch(now: datetime, size: int = BATCH, *, isolated: bool = False) -> tuple[int, int]:
    """Claim up to `size` instances with due timers, fire them, commit once.

    Returns (timers fired, instances claimed); (0, 0) when nothing is due. Each instance stays locked (its row
    on PostgreSQL, the database on SQLite) until the commit. An instance whose step fails rolls back alone: the
    batch first fires without savepoints (two statements fewer per instance); if a step fails, the whole batch
    rolls back and is claimed and fired again with each instance in its own savepoint (`isolated`), where the
    failing one is marked in error and the others fire.
    """
    instances = _claim_instances(now, size)
    if not instances:
        transactions.rollback()
        return 0, 0
    due = _claim_due_timers([i.id for i in instances], now)
    centers = _load_centers({i.center_id for i in instances if i.center_id is not None})
    _remember_report_history(instances)
    try:
        fired = sum(_fire_claimed(instance, due.get(instance.id, []), now, isolated=isolated)
                    for instance in instances)
    except (EngineError, DomainError, StaleDataError):  # only without savepoints: nothing of this batch is kept
        transactions.rollback()
        return fire_batch(now, size, isolated=True)
    transactions.commit_and_expire()
    del centers  # held in the session until the commit: the steps find them there
    return fired, len(instances)


def _claim_instances(now: datetime, size: int) -> list[ProcessInstance]:
    """Lock the running instances owning the earliest due waiting timers that no other scheduler holds."""
    query = (
        select(ProcessInstance)
        .join(Timer, Timer.instance_id == ProcessInstance.id)
        .where(Timer.state == TimerState.WAITING, Timer.due_at < now, ProcessInstance.status == InstanceStatus.RUNNING)
        .order_by(Timer.due_at, Timer.id)
        .limit(size)
        .execution_options(populate_existing=True)
    )
    query = transactions.claim(query, of=ProcessInstance)
    return list(dict.fromkeys(db.session.scalars(query)))  # an instance with two due timers comes twice


def _claim_due_timers(instance_ids: list[int], now: datetime) -> dict[int, list[tuple[str, datetime]]]:
    """Mark the claimed instances' due waiting timers as this worker's (one statement); their (task, due) per instance."""
    rows = db.session.execute(
        update(Timer)
        .where(Timer.instance_id.in_(instance_ids), Timer.state == TimerState.WAITING, Timer.due_at < now)
        .values(claimed_by=WORKER)
        .returning(Timer.instance_id, Timer.task_uuid, Timer.due_at)
        .execution_options(synchronize_session=False)
    ).tuples().all()
    due: dict[int, list[tuple[str, datetime]]] = {}
    for instance_id, task_uuid, due_at in rows:
        due.setdefault(instance_id, []).append((task_uuid, due_at))
    return due


def _load_centers(center_ids: set[int]) -> list[Center]:
    """The batch's centers with their organisations, two queries for all: the steps find them in the session
    (report history, effects, task routing) instead of loading each one per firing."""
    if not center_ids:
        return []
    centers = list(db.session.scalars(select(Center).where(Center.id.in_(center_ids))))
    remember_center_roles(centers)
    return centers


def _remember_report_history(instances: list[ProcessInstance]) -> None:
    """The first submission of each annual report of the centers whose reports the batch fires, in one query:
    an overdue report's escalation counts the reports never submitted (nmg2025 第三十一条(一))."""
    remember_submissions(i.center_id for i in instances
                         if i.center_id is not None and i.process_key.endswith("_annual_report"))


def _fire_claimed(instance: ProcessInstance, claimed: list[tuple[str, datetime]], now: datetime, *,
                  isolated: bool) -> int:
    """Fire the claimed instance's due timers in due order, each at its due time; `isolated`: inside a savepoint,
    an engine failure marks the instance in error (otherwise the failure ends the batch)."""
    if instance.status != InstanceStatus.RUNNING:  # an earlier firing of the batch ended or suspended it
        return 0
    if not isolated:
        return _fire(instance, claimed, now)
    savepoint = db.session.begin_nested()
    try:
        fired = _fire(instance, claimed, now)
        savepoint.commit()
        return fired
    except StaleDataError:
        savepoint.rollback()
        return 0
    except EngineError as err:
        savepoint.rollback()
        _mark_error(instance.id, now, err.element_id, err.reason)
        return 0
    except DomainError as err:  # a rule of the step's effects refused it (a center state change it may not make)
        savepoint.rollback()
        _mark_error(instance.id, now, None, err.message)
        return 0


def _fire(instance: ProcessInstance, claimed: list[tuple[str, datetime]], now: datetime) -> int:
    workflow = open_workflow(instance) if claimed else None
    fired: set[str] = set()
    for task_uuid, due_at in sorted(claimed, key=lambda row: row[1]):
        if task_uuid in fired or workflow is None:  # fired together with an earlier one
            continue
        outcome = workflow.fire_timers(due_at + EPSILON)
        fired |= record_step(instance, workflow, outcome, "scheduler", now, start=begin_instance)
        db.session.flush()
    if workflow is not None:
        _quarantine_unfired(instance, workflow.waiting_timers(), now)
    return len(fired)


def _quarantine_unfired(instance: ProcessInstance, waiting: list[WaitingTimer], now: datetime) -> None:
    """A timer the engine would not fire at its due time must not be claimed forever: flag it."""
    for timer in waiting:
        if timer.due_at < now:
            db.session.execute(update(Timer).where(Timer.task_uuid == timer.task_id).values(state="stuck"))
            add_event(instance, now, "scheduler", "timer_stuck", element_id=timer.element_id,
                      article=timer.article, payload={"due_at": timer.due_at.isoformat()})


def _mark_error(instance_id: int, now: datetime, element_id: str | None, reason: str) -> None:
    instance = db.session.get(ProcessInstance, instance_id, populate_existing=True)
    if instance is None:
        return
    instance.status = InstanceStatus.ERROR
    instance.error = f"{element_id}: {reason}" if element_id else reason
    add_event(instance, now, "scheduler", "instance_error", element_id=element_id, payload={"reason": reason})
    db.session.flush()  # the batch commits
