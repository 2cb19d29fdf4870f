"""One step of an instance: lock, load, run the engine, write state and read models (caller commits)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.engine.runtime import Workflow
from app.engine.views import StepOutcome
from app.errors import Conflict, NotFound
from app.extensions import db
from app.models import Center, Event, HumanTask, ProcessInstance, Timer
from app.services.definitions import process_for_definition
from app.services.effects import apply_effects

ACTIVE_STATUSES = ("running", "error")


def lock_instance(instance_id: int) -> ProcessInstance:
    """Load an instance holding its row lock (PostgreSQL FOR UPDATE; SQLite holds the write lock already)."""
    query = select(ProcessInstance).where(ProcessInstance.id == instance_id)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    instance = db.session.scalar(query.execution_options(populate_existing=True))
    if instance is None:
        raise NotFound(f"流程实例不存在：{instance_id}")
    return instance


def open_workflow(instance: ProcessInstance) -> Workflow:
    """The instance's workflow restored onto its own definition version."""
    return Workflow.load(instance.state, process_for_definition(instance.definition_id))


def require_active(instance: ProcessInstance) -> None:
    """Refuse to step an instance that is finished, suspended or terminated."""
    if instance.status not in ACTIVE_STATUSES:
        raise Conflict(f"流程实例 {instance.id} 当前状态为 {instance.status}，不能继续办理")


def record_step(
    instance: ProcessInstance, workflow: Workflow, outcome: StepOutcome, actor: str, now: datetime,
    submitted: dict[str, str] | None = None,
) -> None:
    """Write the new state, the read models, the audit events and the effects of one step."""
    instance.state = workflow.dumps()
    status = workflow.status
    if instance.status != status:
        if status == "completed":
            instance.completed_at = now
        instance.status = status
    instance.updated_at = now
    center = db.session.get(Center, instance.center_id) if instance.center_id else None
    _sync_human_tasks(instance, workflow, center, now)
    fired = _sync_timers(instance, workflow, outcome, now)
    _write_events(instance, outcome, actor, now, submitted or {}, fired)
    if status == "completed":
        add_event(instance, now, actor, "instance_completed", payload={"result": _result_summary(workflow)})
    apply_effects(instance, center, outcome.effects, now)


def add_event(
    instance: ProcessInstance, at: datetime, actor: str, kind: str, *, element_id: str | None = None,
    element_name: str | None = None, article: str | None = None, payload: dict[str, Any] | None = None,
) -> None:
    """Append one audit event for an instance."""
    db.session.add(
        Event(
            instance_id=instance.id, center_id=instance.center_id, at=at, actor=actor, kind=kind,
            element_id=element_id, element_name=element_name, article=article, payload=payload,
        )
    )


def _result_summary(workflow: Workflow) -> dict[str, Any]:
    data = workflow.data()
    return {k: data[k] for k in ("report_status", "decision", "outcome") if k in data}


def _sync_human_tasks(instance: ProcessInstance, workflow: Workflow, center: Center | None, now: datetime) -> None:
    existing = {
        t.task_uuid: t
        for t in db.session.scalars(
            select(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.state == "ready")
        )
    }
    ready = workflow.ready_tasks()
    for task in ready:
        if task.task_id in existing:
            continue
        db.session.add(
            HumanTask(
                instance_id=instance.id, task_uuid=task.task_id, element_id=task.element_id, name=task.name,
                lane=task.lane, organisation_id=center.organisation_for(task.lane) if center and task.lane else None,
                center_id=instance.center_id, form_key=task.form_key, article=task.article, due_at=task.due_at,
                state="ready", created_at=now,
            )
        )
    ready_ids = {t.task_id for t in ready}
    for uuid, row in existing.items():
        if uuid not in ready_ids:
            row.state = "cancelled"
            row.completed_at = now


def _sync_timers(
    instance: ProcessInstance, workflow: Workflow, outcome: StepOutcome, now: datetime
) -> dict[str, float]:
    existing = {
        t.task_uuid: t
        for t in db.session.scalars(select(Timer).where(Timer.instance_id == instance.id, Timer.state == "waiting"))
    }
    waiting = workflow.waiting_timers()
    for timer in waiting:
        row = existing.get(timer.task_id)
        if row is None:
            db.session.add(
                Timer(
                    instance_id=instance.id, task_uuid=timer.task_id, element_id=timer.element_id, name=timer.name,
                    article=timer.article, due_at=timer.due_at, state="waiting",
                )
            )
        elif row.due_at != timer.due_at:
            row.due_at = timer.due_at
    completed_ids = {c.task_id for c in outcome.completed}
    waiting_ids = {t.task_id for t in waiting}
    fired: dict[str, float] = {}
    for uuid, row in existing.items():
        if uuid in waiting_ids:
            continue
        if uuid in completed_ids:
            row.state = "fired"
            row.fired_at = now
            row.lag_ms = max(0.0, (now - row.due_at).total_seconds() * 1000)
            fired[uuid] = row.lag_ms
        else:
            row.state = "cancelled"
    return fired


def _write_events(
    instance: ProcessInstance, outcome: StepOutcome, actor: str, now: datetime,
    submitted: dict[str, str], fired: dict[str, float],
) -> None:
    for element in outcome.completed:
        kind = "timer_fired" if element.task_id in fired else "element_completed"
        payload: dict[str, Any] = {"type": element.kind, "lane": element.lane}
        if element.task_id in fired:
            payload["lag_ms"] = fired[element.task_id]
        if element.task_id in submitted:
            payload["submitted_by"] = submitted[element.task_id]
        db.session.add(
            Event(
                instance_id=instance.id, center_id=instance.center_id, at=now,
                actor=submitted.get(element.task_id, actor), kind=kind, element_id=element.element_id,
                element_name=element.name, article=element.article, payload=payload,
            )
        )
