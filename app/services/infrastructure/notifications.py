"""In-app notifications: effects emitted by handlers become rows committed with their step."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select

from app.clock import CHINA
from app.errors import NotFound
from app.extensions import db
from app.models import Center, Event, Notification, ProcessInstance, User
from app.services import transactions
from app.services.paging import Page, Window, fetch_page
from app.services.people.access import visible_instances_clause
from app.services.tasks.lookup import first_workable_task
from app.vocabulary import OVERSIGHT_ROLES

TEMPLATES: dict[str, tuple[str, str]] = {
    "annual_report_reminder": (
        "年度报告即将到期：{center}",
        "{center} 的 {year} 年度报告须于 {due} 前报送，请尽快填报。",
    ),
    "annual_report_overdue": (
        "年度报告逾期未报：{center}",
        "{center} 的 {year} 年度报告已超过报送期限（{due}），请督办。",
    ),
    "task_returned": ("退回修改：{center}", "{center} 的“{step}”已退回修改，请修改后重新提交。{remarks}"),
    "generic": ("流程通知：{center}", "{message}"),
}
# Templates that remind of a deadline before it: once the deadline has passed (a procedure started late, or a
# reminder timer fired late) a reminder would contradict the overdue notice, so it is not sent.
REMINDERS = frozenset({"annual_report_reminder"})


def _render(template: str, context: dict[str, Any]) -> tuple[str, str]:
    title, body = TEMPLATES.get(template, ("流程通知：{center}", "流程 {template} 需要您关注。"))
    values = {"template": template, **context}
    return title.format_map(_Default(values)), body.format_map(_Default(values))


class _Default(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "—"


def deliver_notification(
    instance: ProcessInstance, center: Center | None, effect: dict[str, Any], now: datetime
) -> None:
    """Notify the users of the effect's role in the center's organisation for that role (and log it)."""
    role = str(effect["role"])
    deadline = effect.get("due") or _data_value(instance, "due_at")
    if str(effect["template"]) in REMINDERS and _passed(deadline, now):
        db.session.add(Event(
            instance_id=instance.id, center_id=instance.center_id, at=now, actor="system", kind="notification_skipped",
            element_id=effect.get("element_id"), payload={"role": role, "template": effect["template"], "due": deadline},
        ))
        return
    organisation_id = center.organisation_for(role) if center else None
    recipients = _recipients(role, organisation_id) if organisation_id else []
    context = {
        "center": center.name if center else "—",
        "year": effect.get("report_year") or _data_value(instance, "report_year"),
        "due": _readable(deadline),
        "message": effect.get("message") or "",
        "step": effect.get("step") or "—",
        "remarks": f"意见：{effect['remarks']}" if effect.get("remarks") else "",
    }
    title, body = _render(str(effect["template"]), context)
    for user in recipients:
        db.session.add(
            Notification(
                user_id=user.id, instance_id=instance.id, template=str(effect["template"]),
                title=title, body=body, created_at=now, **_outbox(user, now),
            )
        )
    db.session.add(
        Event(
            instance_id=instance.id, center_id=instance.center_id, at=now, actor="system", kind="notification",
            element_id=effect.get("element_id"), payload={
                "role": role, "template": effect["template"], "recipients": [u.username for u in recipients],
            },
        )
    )


def _recipients(role: str, organisation_id: int) -> list[User]:
    """The active users of the role in the organisation, read once per transaction (a scheduler batch notifies the
    same supervisors of many centers)."""
    known: dict[tuple[str, int], list[User]] = transactions.per_transaction("notification_recipients", watch=(User,))
    key = (role, organisation_id)
    if key not in known:
        known[key] = list(db.session.scalars(
            select(User).where(User.role == role, User.organisation_id == organisation_id, User.active)))
    return known[key]


def _passed(deadline: Any, now: datetime) -> bool:
    """Whether an ISO deadline lies before `now` (an unreadable or missing one has not passed)."""
    try:
        return isinstance(deadline, str) and datetime.fromisoformat(deadline) < now
    except (ValueError, TypeError):
        return False


def _readable(value: Any) -> Any:
    """An ISO deadline as Chinese readers write it: 2027年1月31日 23:59。"""
    if not isinstance(value, str):
        return value
    try:
        moment = datetime.fromisoformat(value).astimezone(CHINA)
    except ValueError:
        return value
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"


def _outbox(user: User, now: datetime) -> dict[str, Any]:
    """Outbox fields queueing an email copy, committed with the step; none without an address or with email off."""
    if not user.email or not current_app.config.get("TIC_EMAIL", True):
        return {}
    return {"email_to": user.email, "email_status": "pending", "email_attempts": 0, "email_next_attempt_at": now}


def _data_value(instance: ProcessInstance, key: str) -> Any:
    return (instance.start_data or {}).get(key)


def notifications_for(user: User, window: Window, unread_only: bool = False) -> Page[Notification]:
    """The user's notifications about what they may still see, newest first: one window of them and the total."""
    query = select(Notification).where(
        Notification.user_id == user.id,
        or_(Notification.instance_id.is_(None),
            Notification.instance_id.in_(select(ProcessInstance.id).where(visible_instances_clause(user)))),
    )
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return fetch_page(query.order_by(Notification.id.desc()), window)


def mark_read(user: User, notification_id: int, now: datetime) -> Notification:
    """Mark one of the user's notifications read; commits."""
    transactions.writes()  # also reached by a GET (opening a notification from the web)
    note = db.session.get(Notification, notification_id)
    if note is None or note.user_id != user.id:
        raise NotFound(_("通知不存在：%(id)s", id=notification_id))
    if note.read_at is None:
        note.read_at = now
    transactions.commit_and_expire()
    return note


def unread_count(user: User) -> int:
    """How many of the user's notifications (about what they may still see) are unread."""
    return notifications_for(user, Window(limit=1), unread_only=True).total


def open_notification(user: User, notification_id: int, now: datetime) -> tuple[str, int | None]:
    """Mark the notification read and say where it leads: the user's ready task on its instance, else the
    instance (oversight roles) or its center; ("list", None) when it concerns no instance. Commits."""
    note = mark_read(user, notification_id, now)
    instance = db.session.get(ProcessInstance, note.instance_id) if note.instance_id else None
    if instance is None:
        return "list", None
    task = first_workable_task(user, instance.id)
    if task is not None:
        return "task", task.id
    if user.role in OVERSIGHT_ROLES:
        return "instance", instance.id
    return ("center", instance.center_id) if instance.center_id else ("list", None)
