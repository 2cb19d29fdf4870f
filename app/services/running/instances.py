"""Start process instances and read their state and audit trail."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from app import clock
from app.errors import Conflict, Forbidden, NotFound
from app.extensions import db
from app.models import Center, Event, HumanTask, ProcessInstance, Timer, User
from app.services import transactions
from app.services.paging import EVERYTHING, Page, Window, fetch_page
from app.services.people import access
from app.services.running.starting import begin_instance
from app.services.tasks.lookup import READY_TASKS
from app.vocabulary import TimerState


@dataclass
class InstanceView:
    """An instance with its ready tasks and waiting timers (from the read models)."""

    instance: ProcessInstance
    ready_tasks: list[HumanTask]
    timers: list[Timer]


def start_instance(actor: User | None, process_key: str, center_id: int, data: dict[str, Any]) -> ProcessInstance:
    """Start the newest version of `process_key` for a center and run it until it blocks; commits."""
    with _starting(actor, process_key, center_id, data) as instance:
        return instance


def start_with_answer(actor: User, process_key: str, center_id: int,
                      data: dict[str, Any]) -> tuple[InstanceView, list[dict[str, str]]]:
    """Start as `start_instance` does, and read what the starter is answered (ready tasks, waiting timers, the
    start's warnings) in the start's own transaction, before it commits: no second transaction to read them."""
    with _starting(actor, process_key, center_id, data) as instance:
        tasks = list(db.session.scalars(READY_TASKS, {"instance_id": instance.id}))
        timers = list(db.session.scalars(_WAITING, {"instance_id": instance.id}))
        return InstanceView(instance, tasks, timers), start_warnings(instance)


@contextmanager
def _starting(actor: User | None, process_key: str, center_id: int, data: dict[str, Any]) -> Iterator[ProcessInstance]:
    """The instance begun under every rule of a start, committed when the block ends (a duplicate is 409)."""
    center = db.session.get(Center, center_id)
    if center is None or (actor is not None and not access.may_see_center(actor, center)):
        raise NotFound(_("技术创新中心不存在：%(id)s", id=center_id))
    if actor is not None and not access.may_start(actor, center):
        raise Forbidden(_("您的角色无权发起该流程"))
    try:
        yield begin_instance(actor.username if actor else None, process_key, center, data, clock.now(),
                             starter=actor)
        transactions.commit()
    except IntegrityError as err:
        transactions.rollback()
        raise Conflict(_("%(center)s 的该流程已在进行中（同一年度只能有一个）", center=center.name)) from err


def _visible_instance(user: User, instance_id: int) -> ProcessInstance:
    instance = db.session.get(ProcessInstance, instance_id)
    if instance is None or not access.may_see_instance(user, instance):
        raise NotFound(_("流程实例不存在：%(id)s", id=instance_id))
    return instance


# built once with a bound id: SQLAlchemy keys a statement of literal values for its cache on every call
_WAITING = select(Timer).where(Timer.instance_id == bindparam("instance_id"),
                               Timer.state == TimerState.WAITING).order_by(Timer.due_at)


def instance_view(user: User, instance_id: int) -> InstanceView:
    """Status, ready tasks and waiting timers of an instance visible to `user`."""
    instance = _visible_instance(user, instance_id)
    tasks = db.session.scalars(READY_TASKS, {"instance_id": instance.id})
    timers = db.session.scalars(_WAITING, {"instance_id": instance.id})
    return InstanceView(instance, list(tasks), list(timers))


_WARNINGS = select(Event).where(Event.instance_id == bindparam("instance_id"), Event.kind == "warning") \
    .order_by(Event.id)


def start_warnings(instance: ProcessInstance) -> list[dict[str, str]]:
    """What the start of `instance` warned about (e.g. a lapsed trial policy): code and message of each warning."""
    rows = db.session.scalars(_WARNINGS, {"instance_id": instance.id})
    return [{"code": str((e.payload or {}).get("code") or ""), "message": str((e.payload or {}).get("message") or "")}
            for e in rows]


def instance_events(user: User, instance_id: int, window: Window = EVERYTHING) -> Page[Event]:
    """The audit trail of an instance, oldest first: one window of it and the total."""
    instance = _visible_instance(user, instance_id)
    return fetch_page(select(Event).where(Event.instance_id == instance.id).order_by(Event.id), window)


def list_instances(
    user: User, window: Window, center_id: int | None = None, status: str | None = None,
) -> Page[ProcessInstance]:
    """Instances visible to `user`, newest first: one window of them and the total."""
    query = select(ProcessInstance).where(access.visible_instances_clause(user)).order_by(ProcessInstance.id.desc())
    if center_id is not None:
        query = query.where(ProcessInstance.center_id == center_id)
    if status is not None:
        query = query.where(ProcessInstance.status == status)
    return fetch_page(query, window)
