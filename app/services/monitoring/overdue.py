"""The overdue & deadlines board: what is late, and what falls due soon, by policy and organisation.

Late: ready human tasks past their due time, and timers still waiting (or stuck) past theirs — a timer
should have fired, so one listed here means the scheduler is behind or the instance is suspended.
Falling due within the window: ready tasks, waiting timers and the centers' statutory deadlines. A timer
that only enforces a ready task's own due time (same instance, same instant) and a statutory deadline that
an instance already tracks as a task (same center, same instant) are listed once, as the task.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

from app import clock
from app.articles import article_label
from app.extensions import db
from app.i18n import step_name
from app.labels import POLICY_LABELS, ROLE_LABELS, STATUS_LABELS
from app.models import (
    Center,
    CenterOrganisation,
    HumanTask,
    Organisation,
    ProcessDefinition,
    ProcessInstance,
    Timer,
    User,
)
from app.services.monitoring import event_text, exports
from app.services.monitoring.instance_board import POLICY, scope_clause
from app.services.monitoring.instance_board import require_oversight as require_oversight
from app.services.time import deadlines
from app.vocabulary import OPEN_STATUSES, PENDING_TIMER_STATES, CenterStatus, TaskState

WINDOWS = (30, 90)
NO_ORGANISATION = _l("未指定单位")
KIND_LABELS = {"task": _l("待办任务"), "timer": _l("定时事件"), "deadline": _l("法定期限")}
KIND_ORDER = {"task": 0, "timer": 1, "deadline": 2}
DEADLINE_NAMES = {
    "annual_report": _l("年度报告报送"), "preparation_end": _l("筹建期满"), "construction_end": _l("建设期满"),
    "evaluation": _l("考核评估"), "rectification_end": _l("整改期满"), "public_notice_end": _l("公示期满"),
}


@dataclass
class DueItem:
    """One late or upcoming thing, with where it belongs (policy, organisation) and how far off it is."""

    kind: str  # task | timer | deadline
    policy: str
    organisation: str
    center_id: int | None
    center_name: str | None
    instance_id: int | None
    process_key: str | None
    element_id: str | None
    name: str
    article: str | None
    due_at: datetime
    days: int  # days overdue (late) or days left (upcoming)
    lane: str | None = None
    instance_status: str | None = None
    note: str | None = None


@dataclass
class OrganisationGroup:
    """The items of one organisation."""

    organisation: str
    items: list[DueItem]


@dataclass
class PolicyGroup:
    """The items of one policy, by organisation."""

    policy: str
    count: int
    organisations: list[OrganisationGroup] = field(default_factory=list)


@dataclass
class Board:
    """Late items and items due within `days`, each list also grouped by policy and organisation."""

    now: datetime
    days: int
    late: list[DueItem]
    upcoming: list[DueItem]

    @property
    def late_groups(self) -> list[PolicyGroup]:
        """Late items by policy and organisation."""
        return group(self.late)

    @property
    def upcoming_groups(self) -> list[PolicyGroup]:
        """Upcoming items by policy and organisation."""
        return group(self.upcoming)


def group(items: Iterable[DueItem]) -> list[PolicyGroup]:
    """Items by policy, then organisation (both sorted), each list in due order."""
    tree: dict[str, dict[str, list[DueItem]]] = {}
    for item in sorted(items, key=_order):
        tree.setdefault(item.policy, {}).setdefault(item.organisation, []).append(item)
    return [
        PolicyGroup(policy, sum(len(v) for v in orgs.values()),
                    [OrganisationGroup(name, orgs[name]) for name in sorted(orgs)])
        for policy, orgs in sorted(tree.items())
    ]


def board(user: User, days: int = 30) -> Board:
    """What is late now, and what falls due within `days` days, for the policies `user` oversees."""
    require_oversight(user)
    days = min(max(1, days), 366)
    now = clock.now()
    until = now + timedelta(days=days)
    late = _tasks(user, now, None, now) + _timers(user, now, None, now)
    tasks = _tasks(user, now, now, until)
    covered_timers = {(t.instance_id, t.due_at) for t in tasks}
    covered_deadlines = {(t.center_id, t.due_at) for t in tasks}
    timers = [t for t in _timers(user, now, now, until) if (t.instance_id, t.due_at) not in covered_timers]
    statutory = [d for d in _deadlines(user, now, until) if (d.center_id, d.due_at) not in covered_deadlines]
    return Board(now, days, sorted(late, key=_order), sorted(tasks + timers + statutory, key=_order))


def _order(item: DueItem) -> tuple[Any, ...]:
    return item.due_at, KIND_ORDER.get(item.kind, 9), item.center_id or 0, item.instance_id or 0


def _scoped(query: Any, user: User) -> Any:
    scope = scope_clause(user)
    return query if scope is None else query.where(scope)


def _window(column: Any, start: datetime | None, end: datetime) -> Any:
    return column < end if start is None else and_(column >= start, column < end)


def _days(now: datetime, due: datetime) -> int:
    return (now - due).days if due < now else (due - now).days


def _tasks(user: User, now: datetime, start: datetime | None, end: datetime) -> list[DueItem]:
    query = (
        select(HumanTask, ProcessInstance.process_key, ProcessInstance.status, POLICY, Center.name, Organisation.name)
        .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
        .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
        .outerjoin(Center, Center.id == ProcessInstance.center_id)
        .outerjoin(Organisation, Organisation.id == HumanTask.organisation_id)
        .where(HumanTask.state == TaskState.READY, HumanTask.due_at.is_not(None), _window(HumanTask.due_at, start, end),
               ProcessInstance.status.in_(OPEN_STATUSES))
    )
    return [
        DueItem("task", policy, org or str(NO_ORGANISATION), task.center_id, center, task.instance_id, key,
                task.element_id, task.name, task.article, task.due_at, _days(now, task.due_at), task.lane, status)
        for task, key, status, policy, center, org in db.session.execute(_scoped(query, user))
    ]


def _timers(user: User, now: datetime, start: datetime | None, end: datetime) -> list[DueItem]:
    applicant = aliased(CenterOrganisation)
    query = (
        select(Timer, ProcessInstance.process_key, ProcessInstance.status, ProcessInstance.center_id, POLICY,
               Center.name, Organisation.name)
        .join(ProcessInstance, ProcessInstance.id == Timer.instance_id)
        .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
        .outerjoin(Center, Center.id == ProcessInstance.center_id)
        .outerjoin(applicant, and_(applicant.center_id == Center.id, applicant.role == "applicant"))
        .outerjoin(Organisation, Organisation.id == applicant.organisation_id)
        .where(Timer.state.in_(PENDING_TIMER_STATES), _window(Timer.due_at, start, end),
               ProcessInstance.status.in_(OPEN_STATUSES))
    )
    return [
        DueItem("timer", policy, org or str(NO_ORGANISATION), center_id, center, timer.instance_id, key, timer.element_id,
                timer.name, timer.article, timer.due_at, _days(now, timer.due_at), None, status,
                _("定时事件未触发") if timer.state == "stuck" else None)
        for timer, key, status, center_id, policy, center, org in db.session.execute(_scoped(query, user))
    ]


def _deadlines(user: User, now: datetime, until: datetime) -> list[DueItem]:
    policy = require_oversight(user)
    query = select(Center).where(Center.status != CenterStatus.REVOKED).order_by(Center.id)
    if policy is not None:
        query = query.where(Center.policy == policy)
    centers = list(db.session.scalars(query))
    names = _applicant_names(centers)
    items = []
    for center in centers:
        for deadline in deadlines.center_deadlines(center, now):
            if now <= deadline.due < until:
                label = str(DEADLINE_NAMES.get(deadline.kind, deadline.kind))
                items.append(DueItem(
                    "deadline", center.policy, names.get(center.id, str(NO_ORGANISATION)), center.id, center.name,
                    None, None, deadline.kind, _("%(label)s（%(period)s）", label=label, period=deadline.period), deadline.article, deadline.due,
                    _days(now, deadline.due), note=deadline.note,
                ))
    return items


def _applicant_names(centers: list[Center]) -> dict[int, str]:
    org_ids = {c.id: c.organisation_for("applicant") for c in centers}
    wanted = {o for o in org_ids.values() if o is not None}
    names: dict[int, str] = {
        oid: name for oid, name in db.session.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(wanted)))
    }
    return {cid: names[oid] for cid, oid in org_ids.items() if oid in names}


def _columns(days_header: str) -> tuple[exports.Column, ...]:
    return (
        exports.Column(_("政策"), lambda i: str(POLICY_LABELS.get(i.policy, i.policy))),
        exports.Column(_("单位"), lambda i: i.organisation),
        exports.Column(_("技术创新中心"), lambda i: i.center_name),
        exports.Column(_("类别"), lambda i: str(KIND_LABELS.get(i.kind, i.kind))),
        exports.Column(_("事项"), lambda i: step_name(i.name)),
        exports.Column(_("依据条款"), lambda i: article_label(i.article)),
        exports.Column(_("截止时间"), lambda i: i.due_at),
        exports.Column(days_header, lambda i: i.days),
        exports.Column(_("流程"), lambda i: event_text.process_label(i.process_key) if i.process_key else None),
        exports.Column(_("实例编号"), lambda i: i.instance_id),
        exports.Column(_("实例状态"), lambda i: str(STATUS_LABELS.get(i.instance_status, i.instance_status))
                       if i.instance_status else None),
        exports.Column(_("办理角色"), lambda i: str(ROLE_LABELS.get(i.lane, i.lane)) if i.lane else None),
        exports.Column(_("备注"), lambda i: i.note),
    )


def export_board(user: User, days: int = 30, which: str = "all") -> bytes:
    """The board as .xlsx: a sheet of late items and a sheet of items due within `days` (or just one)."""
    found = board(user, days)
    sheets = []
    if which in ("all", "late"):
        sheets.append(exports.Sheet(_("逾期事项"), _columns(_("逾期天数")), found.late))
    if which in ("all", "upcoming"):
        sheets.append(exports.Sheet(_("%(days)s天内到期", days=found.days), _columns(_("剩余天数")),
                                    found.upcoming))
    return exports.workbook(sheets)
