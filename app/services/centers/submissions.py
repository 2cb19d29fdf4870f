"""When a center's annual report was submitted: the first completion of the report's submission task."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import bindparam, func, select

from app.extensions import db
from app.models import Center, HumanTask, ProcessInstance
from app.services import transactions
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


# every annual report's first submission for a set of centers, one statement (a scheduler batch's centers)
_FIRST_SUBMISSIONS_OF = (
    select(_INSTANCE.c.center_id, _INSTANCE.c.business_key, func.min(_TASK.c.completed_at))
    .join(_INSTANCE, _INSTANCE.c.id == _TASK.c.instance_id)
    .where(_INSTANCE.c.center_id.in_(bindparam("center_ids", expanding=True)),
           _INSTANCE.c.process_key.like("%_annual_report"), _TASK.c.element_id.in_(SUBMIT_ELEMENTS),
           _TASK.c.state == TaskState.COMPLETED.value, _TASK.c.completed_at.is_not(None))
    .group_by(_INSTANCE.c.center_id, _INSTANCE.c.business_key)
)
_MEMO = "annual_report_submissions"


def _memo() -> dict[int, dict[str, datetime]]:
    return transactions.per_transaction(_MEMO, watch=(HumanTask,))


def remember_submissions(center_ids: Iterable[int]) -> None:
    """Read the first submission of every annual report of these centers at once, for the rest of this transaction.

    For a scheduler batch, which escalates the overdue reports of many centers: its steps complete no user task, so
    what this read stays true until its commit (forgotten then, at a rollback, or at an ORM change of a task).
    """
    known = _memo()
    missing = sorted({c for c in center_ids if c not in known})
    if not missing:
        return
    for center_id in missing:
        known[center_id] = {}
    for center_id, key, first in db.session.execute(_FIRST_SUBMISSIONS_OF, {"center_ids": missing}):
        known[center_id][key] = first


def submitted_at(center: Center, report_year: int) -> datetime | None:
    """When the report on `report_year` was first submitted (on time or late), or None if it never was."""
    key = f"{center.policy}_annual_report:{center.id}:{report_year}"
    remembered = _memo().get(center.id)
    if remembered is not None:
        return remembered.get(key)
    value: datetime | None = db.session.execute(_FIRST_SUBMISSION, {"key": key}).scalar()
    return value
