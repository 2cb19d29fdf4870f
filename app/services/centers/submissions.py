"""When a center's annual report was submitted: the first completion of the report's submission task."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select

from app.extensions import db
from app.models import Center, HumanTask, ProcessInstance
from app.vocabulary import TaskState

SUBMIT_ELEMENTS = ("submit_report",)


_TASK, _INSTANCE = HumanTask.__table__, ProcessInstance.__table__
# built once, on the tables (a Core statement): the scheduler asks this for every overdue report it escalates
_FIRST_SUBMISSION = (
    select(_TASK.c.completed_at)
    .join(_INSTANCE, _INSTANCE.c.id == _TASK.c.instance_id)
    .where(_INSTANCE.c.business_key == bindparam("key"), _TASK.c.element_id.in_(SUBMIT_ELEMENTS),
           _TASK.c.state == TaskState.COMPLETED.value)
    .order_by(_TASK.c.completed_at)
    .limit(1)
)


def submitted_at(center: Center, report_year: int) -> datetime | None:
    """When the report on `report_year` was first submitted (on time or late), or None if it never was."""
    key = f"{center.policy}_annual_report:{center.id}:{report_year}"
    value: datetime | None = db.session.execute(_FIRST_SUBMISSION, {"key": key}).scalar()
    return value
