"""Supervisors' view of instances: filtered, paginated lists from the read models, and one instance's page."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, exists, func, select

from app import clock
from app.articles import article_label
from app.clock import CHINA
from app.errors import Forbidden, NotFound
from app.extensions import db
from app.i18n import step_name
from app.labels import POLICY_LABELS, STATUS_LABELS, subject
from app.models import Center, Event, HumanTask, ProcessDefinition, ProcessInstance, Timer, User
from app.services.monitoring import event_text, exports
from app.services.people import access
from app.services.running.instance_admin import allowed_actions
from app.services.running.steps import read_workflow
from app.vocabulary import OVERSIGHT_ROLES, PENDING_TIMER_STATES, InstanceStatus, TaskState, is_overdue

INSTANCE_STATUSES = tuple(InstanceStatus)
MAX_PER_PAGE = 200
EXPORT_LIMIT = 50_000

POLICY = func.coalesce(Center.policy, ProcessDefinition.policy)


@dataclass
class InstanceFilters:
    """What the instance list is narrowed to (every field optional)."""

    policy: str | None = None
    process_key: str | None = None
    status: str | None = None
    center_id: int | None = None
    overdue: bool = False
    started_from: date | None = None
    started_to: date | None = None


@dataclass
class InstanceRow:
    """One line of the list: the instance, its center and policy, what is late and what is due next."""

    instance: ProcessInstance
    policy: str
    center_name: str | None
    definition_version: int
    ready_tasks: int = 0
    overdue_tasks: int = 0
    next_due: datetime | None = None


@dataclass
class InstancePage:
    """One page of the filtered list, with the total count."""

    rows: list[InstanceRow]
    total: int
    page: int
    per_page: int
    now: datetime

    @property
    def pages(self) -> int:
        """The number of pages (at least one)."""
        return max(1, math.ceil(self.total / self.per_page))


@dataclass
class InstanceDetail:
    """Everything the instance page shows: diagram, element states, timers, tasks, audit trail, actions."""

    instance: ProcessInstance
    center: Center | None
    definition: ProcessDefinition
    bpmn_xml: str
    element_states: dict[str, str]
    timer_due: dict[str, datetime]
    ready_tasks: list[HumanTask]
    timers: list[Timer]
    events: list[Event]
    actions: list[str]
    now: datetime
    overdue_task_ids: set[int] = field(default_factory=set)

    def diagram_data(self, labels: dict[str, str] | None = None) -> dict[str, Any]:
        """What the diagram script needs, JSON-ready (`labels`: the page's translated words)."""
        return {
            "labels": labels or {},
            "xml": self.bpmn_xml,
            "states": self.element_states,
            "timers": {k: v.astimezone(CHINA).strftime("%Y-%m-%d %H:%M") for k, v in self.timer_due.items()},
        }


def require_oversight(user: User) -> str | None:
    """The policy a supervisor/authority/admin is limited to (None: every policy); others are refused."""
    if user.role not in OVERSIGHT_ROLES:
        raise Forbidden(_("只有管理员、监督人员或主管部门可以查看流程监控"))
    return None if user.role == "admin" else user.policy


def scope_clause(user: User) -> ColumnElement[bool] | None:
    """The SQL condition limiting instances to what `user` oversees and may see (None: every instance)."""
    if require_oversight(user) is None:
        return None
    return access.visible_instances_clause(user)


def china_day_start(day: date) -> datetime:
    """00:00 of `day`, China Standard Time."""
    return datetime.combine(day, time(0, 0), CHINA)


def _base_query(user: User, filters: InstanceFilters, now: datetime) -> Select[Any]:
    query = (
        select(ProcessInstance, POLICY.label("policy"), Center.name, ProcessDefinition.version)
        .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
        .outerjoin(Center, Center.id == ProcessInstance.center_id)
    )
    scope = scope_clause(user)
    if scope is not None:
        query = query.where(scope)
    if filters.policy:
        query = query.where(POLICY == filters.policy)
    if filters.process_key:
        query = query.where(ProcessInstance.process_key == filters.process_key)
    if filters.status:
        query = query.where(ProcessInstance.status == filters.status)
    if filters.center_id is not None:
        query = query.where(ProcessInstance.center_id == filters.center_id)
    if filters.started_from is not None:
        query = query.where(ProcessInstance.started_at >= china_day_start(filters.started_from))
    if filters.started_to is not None:
        query = query.where(ProcessInstance.started_at < china_day_start(filters.started_to + timedelta(days=1)))
    if filters.overdue:
        query = query.where(exists().where(
            HumanTask.instance_id == ProcessInstance.id, HumanTask.overdue_at(now),
        ))
    return query


def list_instances(user: User, filters: InstanceFilters, page: int = 1, per_page: int = 25) -> InstancePage:
    """Instances the user oversees matching `filters`, newest first, one page of them with the total."""
    now = clock.now()
    per_page = min(max(1, per_page), MAX_PER_PAGE)
    page = max(1, page)
    query = _base_query(user, filters, now)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    result = db.session.execute(
        query.order_by(ProcessInstance.id.desc()).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return InstancePage(_rows(result, now), total, page, per_page, now)


def _rows(result: Any, now: datetime) -> list[InstanceRow]:
    rows = [InstanceRow(instance, policy, center_name, version) for instance, policy, center_name, version in result]
    by_id = {r.instance.id: r for r in rows}
    if not by_id:
        return rows
    tasks = db.session.execute(
        select(HumanTask.instance_id, HumanTask.due_at)
        .where(HumanTask.instance_id.in_(by_id), HumanTask.state == TaskState.READY)
    ).all()
    for instance_id, due_at in tasks:
        row = by_id[instance_id]
        row.ready_tasks += 1
        if due_at is not None:
            row.overdue_tasks += is_overdue(due_at, now)
            row.next_due = due_at if row.next_due is None else min(row.next_due, due_at)
    return rows


def filter_choices(user: User) -> dict[str, list[tuple[str, str]]]:
    """Values offered by the filter form: policies, procedures, statuses and centers the user oversees."""
    policy = require_oversight(user)
    keys_query = select(ProcessDefinition.key, ProcessDefinition.name, ProcessDefinition.policy).distinct()
    centers_query = select(Center.id, Center.name, Center.policy).order_by(Center.policy, Center.name)
    if policy is not None:
        keys_query = keys_query.where(ProcessDefinition.policy.in_((policy, "common")))
        centers_query = centers_query.where(Center.policy == policy)
    keys = sorted({(k, n) for k, n, _p in db.session.execute(keys_query)})
    policies = sorted({p for _k, _n, p in db.session.execute(keys_query) if p != "common"}
                      | {p for _i, _n, p in db.session.execute(centers_query)})
    return {
        "policies": [(p, p) for p in policies],
        "procedures": sorted({(k, _process_name(k, n)) for k, n in keys}, key=lambda c: (c[1], c[0])),
        "statuses": [(s, s) for s in INSTANCE_STATUSES],
        "centers": [(str(i), n) for i, n, _p in db.session.execute(centers_query)],
    }


def _process_name(key: str, name: str) -> str:
    """A process in words: policy and procedure (内蒙古（2025版）·年度报告), else its BPMN name."""
    label = event_text.process_label(key)
    return name if label == key else label


def instance_columns(people: dict[str, str] | None = None) -> tuple[exports.Column, ...]:
    """The columns of the instance export, headed in the request's language; `people` names the starters."""
    names = people or {}
    return (
        exports.Column(_("实例编号"), lambda r: r.instance.id),
        exports.Column(_("政策"), lambda r: str(POLICY_LABELS.get(r.policy, r.policy))),
        exports.Column(_("流程"), lambda r: event_text.process_label(r.instance.process_key)),
        exports.Column(_("版本"), lambda r: r.definition_version),
        exports.Column(_("技术创新中心"), lambda r: r.center_name),
        exports.Column(_("年度或周期"), lambda r: subject(r.instance.business_key)),
        exports.Column(_("状态"), lambda r: str(STATUS_LABELS.get(r.instance.status, r.instance.status))),
        exports.Column(_("发起人"), lambda r: names.get(r.instance.started_by, r.instance.started_by)),
        exports.Column(_("发起时间"), lambda r: r.instance.started_at),
        exports.Column(_("最近更新"), lambda r: r.instance.updated_at),
        exports.Column(_("完成时间"), lambda r: r.instance.completed_at),
        exports.Column(_("待办任务数"), lambda r: r.ready_tasks),
        exports.Column(_("逾期任务数"), lambda r: r.overdue_tasks),
        exports.Column(_("最近截止时间"), lambda r: r.next_due),
    )


def export_instances(user: User, filters: InstanceFilters) -> bytes:
    """Every instance matching `filters` (not only one page) as an .xlsx workbook."""
    now = clock.now()
    result = db.session.execute(
        _base_query(user, filters, now).order_by(ProcessInstance.id.desc()).limit(EXPORT_LIMIT)
    ).all()
    rows = list(_rows(result, now))
    people = event_text.people_names(r.instance.started_by for r in rows if r.instance.started_by)
    return exports.to_xlsx(_("流程实例"), instance_columns(people), rows)


def _visible(user: User, instance_id: int) -> tuple[ProcessInstance, Center | None]:
    require_oversight(user)
    instance = db.session.get(ProcessInstance, instance_id)
    center = db.session.get(Center, instance.center_id) if instance and instance.center_id else None
    if instance is None or not access.may_see_instance(user, instance):
        raise NotFound(_("流程实例不存在：%(id)s", id=instance_id))
    return instance, center


def main_bpmn(definition: ProcessDefinition) -> str:
    """The BPMN file of the bundle that defines the definition's own process (not a called common file)."""
    pattern = re.compile(rf'<(?:\w+:)?process\b[^>]*\bid="{re.escape(definition.key)}"')
    for name in sorted(definition.bundle, key=lambda n: n != definition.source_path):
        if pattern.search(definition.bundle[name]):
            return definition.bundle[name]
    return next(iter(definition.bundle.values()), "")


def instance_states(instance: ProcessInstance) -> dict[str, str]:
    """element id -> completed | active | waiting (or cancelled for what a termination stopped)."""
    states = read_workflow(instance).element_states()
    if instance.status == InstanceStatus.TERMINATED:
        states = {k: (v if v == TaskState.COMPLETED else TaskState.CANCELLED) for k, v in states.items()}
    return states


def instance_detail(user: User, instance_id: int) -> InstanceDetail:
    """The instance page: BPMN of its definition version, element states, waiting timers, audit trail."""
    instance, center = _visible(user, instance_id)
    now = clock.now()
    definition = db.session.get(ProcessDefinition, instance.definition_id)
    if definition is None:
        raise NotFound(_("流程定义不存在：%(id)s", id=instance.definition_id))
    ready = list(db.session.scalars(
        select(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.state == TaskState.READY).order_by(HumanTask.id)
    ))
    timers = list(db.session.scalars(
        select(Timer).where(Timer.instance_id == instance.id, Timer.state.in_(PENDING_TIMER_STATES))
        .order_by(Timer.due_at)
    ))
    timer_due: dict[str, datetime] = {}
    for timer in timers:
        timer_due.setdefault(timer.element_id, timer.due_at)
    events = list(db.session.scalars(select(Event).where(Event.instance_id == instance.id).order_by(Event.id)))
    return InstanceDetail(
        instance=instance, center=center, definition=definition, bpmn_xml=main_bpmn(definition),
        element_states=instance_states(instance), timer_due=timer_due, ready_tasks=ready, timers=timers,
        events=events, actions=allowed_actions(user, instance, center), now=now,
        overdue_task_ids={t.id for t in ready if t.is_overdue(now)},
    )


def event_columns(actors: dict[str, str]) -> tuple[exports.Column, ...]:
    """The columns of the audit-trail export in the request's language: people by name, events in words."""
    return (
        exports.Column(_("序号"), lambda e: e.id),
        exports.Column(_("时间"), lambda e: e.at),
        exports.Column(_("操作人"), lambda e: actors.get(e.actor, e.actor)),
        exports.Column(_("事件"), lambda e: event_text.kind_label(e.kind)),
        exports.Column(_("元素名称"), lambda e: step_name(e.element_name)),
        exports.Column(_("依据条款"), lambda e: article_label(e.article)),
        exports.Column(_("详情"), event_text.details),
    )


def export_events(user: User, instance_id: int) -> bytes:
    """The audit trail of one instance as an .xlsx workbook."""
    instance, _center = _visible(user, instance_id)
    events = list(db.session.scalars(select(Event).where(Event.instance_id == instance.id).order_by(Event.id)))
    return exports.to_xlsx(_("实例%(id)s审计记录", id=instance.id), event_columns(event_text.actor_names(events)), events)
