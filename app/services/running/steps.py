"""One step of an instance: lock, load, run the engine, write state and read models (caller commits)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, insert, select, update

from app.engine.runtime import Workflow
from app.engine.views import ReadyTask, StepOutcome
from app.errors import Conflict, NotFound
from app.extensions import db
from app.labels import ROLE_LABELS
from app.models import Center, Event, HumanTask, ProcessInstance, Timer
from app.services import transactions
from app.services.centers.roles import center_roles
from app.services.infrastructure.definitions import process_for_definition
from app.services.infrastructure.notifications import deliver_notification
from app.services.running import kept_workflows
from app.services.running.effects import Starter, apply_effects
from app.services.running.rows import write_columns
from app.vocabulary import (
    ACTIVE_STATUSES,
    REVIEW_DECISION,
    REVIEW_REMARKS,
    REVIEW_RETURN,
    InstanceStatus,
    TaskState,
    TimerState,
)

# built once per dialect with a bound id: a statement of literal values is keyed for SQLAlchemy's cache per call
_LOCK_QUERY: dict[str, Select[tuple[ProcessInstance]]] = {}
# the read models' inserts, run on the session's connection: Core statements skip the ORM session's execute path
_INSERT_EVENTS, _INSERT_TASKS, _INSERT_TIMERS = (insert(t.__table__) for t in (Event, HumanTask, Timer))
_TIMERS = Timer.__table__
# a fired timer's row, one statement (executemany) for all the step fired: every scheduler firing writes it
_FIRE_TIMERS = (update(_TIMERS).where(_TIMERS.c.task_uuid == bindparam("b_task_uuid"))
                .values(state=TimerState.FIRED.value, fired_at=bindparam("b_fired_at"), lag_ms=bindparam("b_lag_ms")))


def lock_instance(instance_id: int) -> ProcessInstance:
    """Load an instance holding its row lock (PostgreSQL FOR UPDATE; SQLite holds the write lock already)."""
    query = transactions.lock(select(ProcessInstance).where(ProcessInstance.id == bindparam("instance_id")))
    statement = _LOCK_QUERY.setdefault(transactions.dialect(), query.execution_options(populate_existing=True))
    instance = db.session.scalar(statement, {"instance_id": instance_id})
    if instance is None:
        raise NotFound(_("流程实例不存在：%(id)s", id=instance_id))
    return instance


def open_workflow(instance: ProcessInstance) -> Workflow:
    """The instance's workflow to step (the caller holds its lock): the one this process kept after writing the
    stored state (kept_workflows), else restored onto its own definition version."""
    kept = kept_workflows.take(instance.id, instance.definition_id, instance.state)
    return kept if kept is not None else read_workflow(instance)


def read_workflow(instance: ProcessInstance) -> Workflow:
    """The instance's workflow restored from its stored state, to read (never taken from or kept in the cache)."""
    return Workflow.load(instance.state, process_for_definition(instance.definition_id))


def require_active(instance: ProcessInstance) -> None:
    """Refuse to step an instance that is finished, suspended or terminated."""
    if instance.status not in ACTIVE_STATUSES:
        raise Conflict(_("流程实例 %(id)s 当前状态为 %(status)s，不能继续办理", id=instance.id, status=instance.status))


def record_step(
    instance: ProcessInstance, workflow: Workflow, outcome: StepOutcome, actor: str, now: datetime,
    *, start: Starter, submitted: dict[str, str] | None = None, said: dict[str, dict[str, str]] | None = None,
) -> set[str]:
    """Write the new state, the read models, the audit events and the effects of one step.

    `start` begins the follow-up procedures effects ask for (`starting.begin_instance`); it is passed in so that
    stepping does not import starting, which records its own first step here.
    `submitted` names who completed a user task (by task id), `said` what they decided and wrote (kept in its event).
    Returns the task ids of the timers that fired. Read models are read and written with Core
    statements and without autoflush: this runs on every step, and ORM overhead per statement
    dominates the cost of a step (see scripts/bench).
    """
    submitted = submitted or {}
    status = workflow.status
    written: dict[str, Any] = {"state": workflow.dumps(), "updated_at": now}
    if instance.status != status and instance.status in ACTIVE_STATUSES:
        if status == InstanceStatus.COMPLETED:
            written["completed_at"] = now
        written["status"] = status
    write_columns(instance, written)  # one UPDATE, version-checked (a stale writer: StaleDataError)
    kept_workflows.keep(instance.id, instance.definition_id, written["state"], workflow)
    events: list[dict[str, Any]] = []
    with db.session.no_autoflush:
        new_tasks = _sync_human_tasks(instance, workflow, outcome, now, set(submitted), events)
        fired = _sync_timers(instance, workflow, outcome, now)
    said = said or {}
    _step_events(instance, outcome, actor, now, submitted, fired, events, said)
    if status == InstanceStatus.COMPLETED:
        events.append(_event_row(instance, now, actor, "instance_completed",
                                 payload={"result": _result_summary(workflow)}))
    if events:
        db.session.flush()  # events added through the ORM earlier in this step keep their place in the trail
        db.session.connection().execute(_INSERT_EVENTS, events)  # the step's events in one statement
    if new_tasks and said:
        _notify_returned(instance, new_tasks, said, now)
    if outcome.effects:
        center = db.session.get(Center, instance.center_id) if instance.center_id else None
        apply_effects(instance, center, outcome.effects, now, start)
    return set(fired)


def _notify_returned(instance: ProcessInstance, new_tasks: list[ReadyTask], said: dict[str, dict[str, str]],
                     now: datetime) -> None:
    """A reviewer who returned a submission (退回修改) notifies the lanes of the tasks the return made ready, with
    what the reviewer wrote. The texts say a submission may be returned for revision, not how its unit learns of it:
    this is the product's rule, not a policy's (an in-app notice with an email copy, like every notification)."""
    returned = [words for words in said.values() if words.get(REVIEW_DECISION) == REVIEW_RETURN]
    if not returned:
        return
    remarks = next((words[key] for words in returned for key in REVIEW_REMARKS if words.get(key)), "")
    center = db.session.get(Center, instance.center_id) if instance.center_id else None
    for task in new_tasks:
        if task.lane:
            deliver_notification(instance, center, {"role": task.lane, "template": "task_returned",
                                                    "element_id": task.element_id, "step": task.name,
                                                    "remarks": remarks}, now)


def _result_summary(workflow: Workflow) -> dict[str, Any]:
    data = workflow.data()
    return {k: data[k] for k in ("report_status", "decision", "outcome") if k in data}


def _center_organisations(center_id: int | None) -> dict[str, int]:
    """The center's organisation per role, read once per transaction (every step of it routes tasks by them; the
    task action that began the transaction has usually read them already to check the caller's sight)."""
    roles = center_roles(center_id) if center_id is not None else None
    return roles.organisations if roles is not None else {}


def _event_row(instance: ProcessInstance, at: datetime, actor: str, kind: str, **fields: Any) -> dict[str, Any]:
    """One audit event as a row for the step's bulk insert (the same columns `add_event` writes)."""
    return {"instance_id": instance.id, "center_id": instance.center_id, "at": at, "actor": actor, "kind": kind,
            "element_id": fields.get("element_id"), "element_name": fields.get("element_name"),
            "article": fields.get("article"), "payload": fields.get("payload")}


def _sync_human_tasks(
    instance: ProcessInstance, workflow: Workflow, outcome: StepOutcome, now: datetime, handled: set[str],
    events: list[dict[str, Any]],
) -> list[ReadyTask]:
    """Insert the newly ready tasks, cancel the ones that stopped being ready (the engine's difference); returns the
    new ones."""
    ready = workflow.ready_tasks()
    new = [task for task in ready if task.task_id not in outcome.ready_before]
    if new:
        organisations = _center_organisations(instance.center_id)
        db.session.connection().execute(_INSERT_TASKS, [
            {
                "instance_id": instance.id, "task_uuid": task.task_id, "element_id": task.element_id,
                "name": task.name, "lane": task.lane,
                "organisation_id": organisations.get(task.lane) if task.lane else None,
                "center_id": instance.center_id, "form_key": task.form_key, "article": task.article,
                "due_at": task.due_at, "state": TaskState.READY, "created_at": now,
            }
            for task in new
        ])
        for task in new:
            if task.lane and instance.center_id is not None and task.lane not in organisations:
                # nobody's inbox would show it: supervisors see why in the trail (the center lacks that role)
                events.append(_event_row(instance, now, "system", "warning", element_id=task.element_id,
                                         element_name=task.name, article=task.article, payload={
                              "code": "lane_without_organisation", "lane": task.lane,
                              "message": f"中心没有登记“{ROLE_LABELS.get(task.lane, task.lane)}”单位：任务“{task.name}”无人可办理，请补登该单位"}))
    gone = outcome.ready_before - {t.task_id for t in ready} - handled
    if gone:
        db.session.execute(
            update(HumanTask).where(HumanTask.task_uuid.in_(gone), HumanTask.state == TaskState.READY)
            .values(state=TaskState.CANCELLED, completed_at=now)
        )
    return new


def _sync_timers(
    instance: ProcessInstance, workflow: Workflow, outcome: StepOutcome, now: datetime
) -> dict[str, float]:
    """Insert newly armed timers; mark the ones no longer waiting fired (with their lag) or cancelled."""
    before = outcome.timers_before
    waiting = workflow.waiting_timers()
    new = [timer for timer in waiting if timer.task_id not in before]
    if new:
        db.session.connection().execute(_INSERT_TIMERS, [
            {
                "instance_id": instance.id, "task_uuid": t.task_id, "element_id": t.element_id, "name": t.name,
                "article": t.article, "due_at": t.due_at, "state": TimerState.WAITING,
            }
            for t in new
        ])
    for timer in waiting:
        known = before.get(timer.task_id)
        if known is not None and known.due_at != timer.due_at:  # a cycle timer moved on
            db.session.execute(update(Timer).where(Timer.task_uuid == timer.task_id).values(due_at=timer.due_at))
    completed_ids = {c.task_id for c in outcome.completed}
    waiting_ids = {t.task_id for t in waiting}
    fired: dict[str, float] = {}
    cancelled: list[str] = []
    for uuid, timer in before.items():
        if uuid in waiting_ids:
            continue
        if uuid in completed_ids:
            fired[uuid] = max(0.0, (now - timer.due_at).total_seconds() * 1000)
        else:
            cancelled.append(uuid)
    if fired:
        db.session.connection().execute(_FIRE_TIMERS, [
            {"b_task_uuid": uuid, "b_fired_at": now, "b_lag_ms": lag} for uuid, lag in fired.items()])
    if cancelled:
        db.session.execute(update(Timer).where(Timer.task_uuid.in_(cancelled)).values(state=TimerState.CANCELLED))
    return fired


def _step_events(
    instance: ProcessInstance, outcome: StepOutcome, actor: str, now: datetime,
    submitted: dict[str, str], fired: dict[str, float], rows: list[dict[str, Any]], said: dict[str, dict[str, str]],
) -> None:
    """One event per element the step completed (a timer firing carries its lag, a task its submitter and what
    they decided and wrote)."""
    for element in outcome.completed:
        payload: dict[str, Any] = {"type": element.kind, "lane": element.lane}
        if element.task_id in fired:
            payload["lag_ms"] = fired[element.task_id]
        if element.task_id in submitted:
            payload["submitted_by"] = submitted[element.task_id]
            payload.update(said.get(element.task_id, {}))
        rows.append(_event_row(instance, now, submitted.get(element.task_id, actor),
                               "timer_fired" if element.task_id in fired else "element_completed",
                               element_id=element.element_id, element_name=element.name, article=element.article,
                               payload=payload))
