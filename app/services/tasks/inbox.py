"""The inbox: ready tasks of the caller's role in the caller's organisation, filtered and sorted by due date."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.labels import subject
from app.models import Center, HumanTask, ProcessInstance, User
from app.services.paging import EVERYTHING, Page, Window, fetch_page
from app.vocabulary import ProcessKey, TaskState, procedure_of

DUE_SOON = timedelta(days=7)


@dataclass
class InboxFilters:
    """What the inbox is narrowed to: procedure, policy, center, due (`soon` | `overdue` | `mine`), order."""

    procedure: str | None = None
    policy: str | None = None
    center_id: int | None = None
    due: str | None = None
    descending: bool = False


@dataclass
class InboxRow:
    """One ready task with what the inbox shows of its instance and center."""

    task: HumanTask
    process_key: str
    procedure: str
    policy: str
    center_name: str | None
    instance_status: str
    overdue: bool
    due_soon: bool
    subject: str | None = None  # what tells two tasks of one procedure apart: the report year, the cycle


@dataclass
class InboxPage:
    """The rows after filtering, counts over all my tasks, and the values the filters offer."""

    rows: list[InboxRow]
    counts: dict[str, int]
    policies: list[str]
    procedures: list[str]
    centers: list[tuple[int, str]]
    now: datetime


def inbox_page(user: User, filters: InboxFilters) -> InboxPage:
    """Ready tasks for the user's role in the user's organisation, filtered and sorted by due date."""
    now = clock.now()
    query = (
        select(HumanTask, ProcessInstance.process_key, ProcessInstance.status, Center.name, Center.policy,
               ProcessInstance.business_key)
        .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
        .outerjoin(Center, Center.id == HumanTask.center_id)
        .where(HumanTask.state == TaskState.READY, HumanTask.lane == user.role,
               HumanTask.organisation_id == user.organisation_id)
    )
    rows = [
        InboxRow(task, key, procedure_of(key), policy or ProcessKey.parse(key).policy, center_name, status,
                 task.is_overdue(now), bool(task.due_at and now <= task.due_at <= now + DUE_SOON), subject(business))
        for task, key, status, center_name, policy, business in db.session.execute(query)
    ] if user.organisation_id is not None else []
    counts = {
        "all": len(rows), "soon": sum(r.due_soon for r in rows), "overdue": sum(r.overdue for r in rows),
        "mine": sum(r.task.claimed_by == user.username for r in rows),
    }
    shown = [r for r in rows if _matches(r, filters, user)]
    far = datetime.max.replace(tzinfo=now.tzinfo)
    shown.sort(key=lambda r: (r.task.due_at is None, r.task.due_at or far, r.task.id), reverse=filters.descending)
    if filters.descending:  # undated tasks stay last either way
        shown.sort(key=lambda r: r.task.due_at is None)
    centers = sorted({(r.task.center_id, r.center_name or "") for r in rows if r.task.center_id is not None},
                     key=lambda c: c[1])
    return InboxPage(shown, counts, sorted({r.policy for r in rows}), sorted({r.procedure for r in rows}),
                     [(int(cid), name) for cid, name in centers], now)


def _matches(row: InboxRow, f: InboxFilters, user: User) -> bool:
    due_ok = {"soon": row.due_soon, "overdue": row.overdue, "mine": row.task.claimed_by == user.username}
    return ((f.procedure is None or row.procedure == f.procedure) and (f.policy is None or row.policy == f.policy)
            and (f.center_id is None or row.task.center_id == f.center_id)
            and (f.due is None or due_ok.get(f.due, True)))


def inbox(user: User, window: Window = EVERYTHING, center_id: int | None = None,
          process_key: str | None = None) -> Page[HumanTask]:
    """Ready tasks for the user's role in the user's organisation, soonest due first, one window of them."""
    query = select(HumanTask).where(
        HumanTask.state == TaskState.READY, HumanTask.lane == user.role, HumanTask.organisation_id == user.organisation_id
    )
    if center_id is not None:
        query = query.where(HumanTask.center_id == center_id)
    if process_key is not None:
        query = query.join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id).where(
            ProcessInstance.process_key == process_key
        )
    return fetch_page(query.order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.id), window)
