"""The inbox: ready tasks of the caller's role in the caller's organisation, filtered and sorted by due date."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, func, or_, select

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
    """One page of rows after filtering (sorted and paged in SQL), counts over all my tasks, the filters' values."""

    rows: list[InboxRow]
    counts: dict[str, int]
    policies: list[str]
    procedures: list[str]
    centers: list[tuple[int, str]]
    now: datetime
    total: int = 0  # rows matching the filters, on every page
    offset: int = 0
    limit: int | None = None


WEB_PAGE = Window(limit=50)


def inbox_page(user: User, filters: InboxFilters, window: Window = WEB_PAGE) -> InboxPage:
    """Ready tasks for the user's role in the user's organisation, filtered, sorted by due date and paged in SQL."""
    now = clock.now()
    if user.organisation_id is None:
        return InboxPage([], dict.fromkeys(("all", "soon", "overdue", "mine"), 0), [], [], [], now,
                         0, window.offset, window.limit)
    mine = (HumanTask.state == TaskState.READY, HumanTask.lane == user.role,
            HumanTask.organisation_id == user.organisation_id)
    due = {"soon": and_(HumanTask.due_at.is_not(None), HumanTask.due_at >= now, HumanTask.due_at <= now + DUE_SOON),
           "overdue": HumanTask.overdue_at(now), "mine": HumanTask.claimed_by == user.username}
    counted = db.session.execute(select(func.count(), *(func.coalesce(func.sum(case((c, 1), else_=0)), 0)
                                                      for c in due.values())).where(*mine)).one()
    counts = {"all": counted[0], **{name: int(n) for name, n in zip(due, counted[1:], strict=True)}}
    facets = [(key, policy or ProcessKey.parse(key).policy, cid, name) for key, policy, cid, name in db.session.execute(
        select(ProcessInstance.process_key, Center.policy, HumanTask.center_id, Center.name).distinct()
        .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
        .outerjoin(Center, Center.id == HumanTask.center_id).where(*mine))]
    query = (
        select(HumanTask, ProcessInstance.process_key, ProcessInstance.status, Center.name, Center.policy,
               ProcessInstance.business_key)
        .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
        .outerjoin(Center, Center.id == HumanTask.center_id)
        .where(*mine, *_narrowed(filters, facets, due))
    )
    undated = HumanTask.due_at.is_(None)
    order = ((undated, HumanTask.due_at.desc(), HumanTask.id.desc()) if filters.descending  # undated stay last
             else (undated, HumanTask.due_at, HumanTask.id))
    found = db.session.execute(query.order_by(*order).limit(window.limit).offset(window.offset)).all()
    total = window.offset + len(found)
    if window.limit is not None and (len(found) == window.limit or (not found and window.offset)):
        total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = [InboxRow(task, key, procedure_of(key), policy or ProcessKey.parse(key).policy, center_name, status,
                     task.is_overdue(now), bool(task.due_at and now <= task.due_at <= now + DUE_SOON),
                     subject(business))
            for task, key, status, center_name, policy, business in found]
    centers = sorted({(int(cid), name or "") for _k, _p, cid, name in facets if cid is not None}, key=lambda c: c[1])
    return InboxPage(rows, counts, sorted({p for _k, p, _c, _n in facets}),
                     sorted({procedure_of(k) for k, _p, _c, _n in facets}), centers, now,
                     total, window.offset, window.limit)


def _narrowed(f: InboxFilters, facets: list[tuple[str, str, int | None, str | None]],
              due: dict[str, ColumnElement[bool]]) -> list[ColumnElement[bool]]:
    """The filters as SQL conditions; procedure and policy through the process keys my tasks have."""
    conditions: list[ColumnElement[bool]] = []
    if f.procedure is not None:
        conditions.append(ProcessInstance.process_key.in_({k for k, *_ in facets if procedure_of(k) == f.procedure}))
    if f.policy is not None:
        keys = {k for k, *_ in facets if ProcessKey.parse(k).policy == f.policy}
        conditions.append(or_(Center.policy == f.policy,
                              and_(Center.policy.is_(None), ProcessInstance.process_key.in_(keys))))
    if f.center_id is not None:
        conditions.append(HumanTask.center_id == f.center_id)
    if f.due in due:
        conditions.append(due[f.due])
    return conditions


def inbox(user: User, window: Window = EVERYTHING, center_id: int | None = None,
          process_key: str | None = None, instance_id: int | None = None) -> Page[HumanTask]:
    """Ready tasks for the user's role in the user's organisation, soonest due first, one window of them."""
    query = select(HumanTask).where(
        HumanTask.state == TaskState.READY, HumanTask.lane == user.role, HumanTask.organisation_id == user.organisation_id
    )
    if center_id is not None:
        query = query.where(HumanTask.center_id == center_id)
    if instance_id is not None:
        query = query.where(HumanTask.instance_id == instance_id)
    if process_key is not None:
        query = query.join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id).where(
            ProcessInstance.process_key == process_key
        )
    return fetch_page(query.order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.id), window)
