"""Ending instances for good: terminated, their ready tasks and pending timers cancelled (leaving every inbox)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from app.extensions import db
from app.models import Center, HumanTask, ProcessInstance, Timer
from app.services import transactions
from app.services.running.events import add_event
from app.vocabulary import OPEN_STATUSES, PENDING_TIMER_STATES, InstanceStatus, TaskState, TimerState


def end_for_good(instance: ProcessInstance, now: datetime) -> dict[str, Any]:
    """Terminate `instance` (its caller holds its lock) and cancel its work; what was cancelled, for the event."""
    previous = instance.status
    instance.status = InstanceStatus.TERMINATED
    instance.updated_at = now
    tasks = db.session.execute(
        update(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.state == TaskState.READY)
        .values(state=TaskState.CANCELLED, completed_at=now).execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    timers = db.session.execute(
        update(Timer).where(Timer.instance_id == instance.id, Timer.state.in_(PENDING_TIMER_STATES))
        .values(state=TimerState.CANCELLED).execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    return {"previous_status": previous, "cancelled_tasks": int(tasks), "cancelled_timers": int(timers)}


def end_other_procedures(center: Center, cause: ProcessInstance, now: datetime, article: str) -> list[int]:
    """A revoked center's other unfinished procedures end, each citing the revocation in its audit trail."""
    others = list(db.session.scalars(transactions.lock(
        select(ProcessInstance).where(ProcessInstance.center_id == center.id, ProcessInstance.id != cause.id,
                                      ProcessInstance.status.in_(OPEN_STATUSES)).order_by(ProcessInstance.id)
    )))
    for other in others:
        payload = end_for_good(other, now)
        add_event(other, now, "system", "instance_terminated", article=article, payload={
            # the record keeps the authority's language, whatever the language of the request that caused it
            "reason": f"中心已撤销（{article}，流程实例 {cause.id}），本程序随之终止",
            "cause": "center_revoked", "revoked_by_instance": cause.id, **payload,
        })
    return [o.id for o in others]
