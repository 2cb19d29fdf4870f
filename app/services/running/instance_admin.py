"""Suspend, resume and terminate an instance: under its lock, with a required reason, logged as events.

Only administrators and supervisors (of the instance's policy) may do this. Authorities are deliberately
left out: they are a lane in the procedures (they review and decide), so letting them pause or stop an
instance would let a party to the procedure step around it; they still see everything on the monitor.

A suspended instance keeps its ready tasks and waiting timers, but nothing moves: completing a task is
refused (`steps.require_active`) and the scheduler only claims timers of `running` instances, so a timer
that comes due meanwhile fires on the first tick after the instance is resumed (with its real lag).
Terminating cancels the ready tasks and the waiting timers in the read models; the engine state is kept
as it was, for the record.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app import clock
from app.errors import Conflict, Forbidden, InvalidSubmission, NotFound
from app.extensions import db
from app.models import Center, Event, ProcessInstance, User
from app.services import transactions
from app.services.centers.roles import center_roles
from app.services.people import access
from app.services.running.ending import end_for_good
from app.services.running.events import add_event
from app.services.running.steps import lock_instance
from app.vocabulary import ACTIVE_STATUSES, OPEN_STATUSES, InstanceStatus, Role

REASON_MAX = 500
# action -> statuses it may start from
TRANSITIONS = {
    "suspend": ACTIVE_STATUSES,
    "resume": (InstanceStatus.SUSPENDED,),
    "terminate": OPEN_STATUSES,
}
EVENT_KINDS = {"suspend": "instance_suspended", "resume": "instance_resumed", "terminate": "instance_terminated"}


def may_administer(user: User, policy: str | None) -> bool:
    """Administrators anywhere; supervisors for centers of their own policy (or every policy if unscoped);
    `policy` is the instance's center's (None: an instance of no center)."""
    if user.role == Role.ADMIN:
        return True
    if user.role != Role.SUPERVISOR:
        return False
    return policy is None or user.policy is None or user.policy == policy


def allowed_actions(user: User, instance: ProcessInstance, center: Center | None) -> list[str]:
    """The actions `user` may take on `instance` in its current status (for showing the forms)."""
    if not may_administer(user, center.policy if center is not None else None):
        return []
    return [action for action, sources in TRANSITIONS.items() if instance.status in sources]


def suspend(user: User, instance_id: int, reason: str, expected_version: int | None = None) -> ProcessInstance:
    """Pause a running instance: its tasks can't be completed and its timers don't fire; commits."""
    return _transition(user, instance_id, "suspend", reason, expected_version)


def resume(user: User, instance_id: int, reason: str, expected_version: int | None = None) -> ProcessInstance:
    """Return a suspended instance to the status it had; due timers fire on the next tick; commits."""
    return _transition(user, instance_id, "resume", reason, expected_version)


def terminate(user: User, instance_id: int, reason: str, expected_version: int | None = None) -> ProcessInstance:
    """End an unfinished instance for good, cancelling its ready tasks and waiting timers; commits."""
    return _transition(user, instance_id, "terminate", reason, expected_version)


def _clean_reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise InvalidSubmission(_("请填写原因"), {"reason": [_("必须填写原因")]})
    if len(text) > REASON_MAX:
        raise InvalidSubmission(_("原因过长"), {"reason": [_("原因不能超过 %(max)s 个字", max=REASON_MAX)]})
    return text


def _transition(
    user: User, instance_id: int, action: str, reason: str, expected_version: int | None,
) -> ProcessInstance:
    text = _clean_reason(reason)
    now = clock.now()
    try:
        instance = lock_instance(instance_id)
        if not access.may_see_instance(user, instance):  # reads the center's roles once for this transaction
            raise NotFound(_("流程实例不存在：%(id)s", id=instance_id))
        roles = center_roles(instance.center_id) if instance.center_id is not None else None
        if not may_administer(user, roles.policy if roles is not None else None):
            raise Forbidden(_("只有管理员或本政策的监督人员可以暂停、恢复或终止流程实例"))
        if expected_version is not None and expected_version != instance.version:
            raise Conflict(_("流程实例已变化（版本 %(version)s，页面上的是 %(expected)s），请刷新后重试",
                             version=instance.version, expected=expected_version))
        if instance.status not in TRANSITIONS[action]:
            raise Conflict(_("流程实例 %(id)s 当前状态为 %(status)s，不能执行该操作", id=instance.id, status=instance.status))
        payload = _apply(instance, action, now)
        instance.updated_at = now
        add_event(instance, now, user.username, EVENT_KINDS[action], payload={"reason": text, **payload})
        transactions.commit_and_expire()
    except StaleDataError as err:
        transactions.rollback()
        raise Conflict(_("流程实例已被他人修改，请刷新后重试")) from err
    except Exception:
        transactions.rollback()
        raise
    return instance


def _apply(instance: ProcessInstance, action: str, now: datetime) -> dict[str, Any]:
    previous = instance.status
    if action == "suspend":
        instance.status = InstanceStatus.SUSPENDED
        return {"previous_status": previous}
    if action == "resume":
        instance.status = _status_before_suspension(instance)
        return {"previous_status": previous, "status": instance.status}
    return end_for_good(instance, now)


def _status_before_suspension(instance: ProcessInstance) -> str:
    """The status recorded by the latest suspension (running or error)."""
    event = db.session.scalar(
        select(Event).where(Event.instance_id == instance.id, Event.kind == "instance_suspended")
        .order_by(Event.id.desc()).limit(1)
    )
    previous = ((event.payload or {}) if event else {}).get("previous_status")
    return previous if previous in TRANSITIONS["suspend"] else InstanceStatus.RUNNING
