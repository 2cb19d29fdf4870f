"""An audit-trail event in words: who acted (a person's name, not a login) and what was decided or changed."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.i18n import english
from app.labels import (
    EVENT_KIND_LABELS,
    POLICY_LABELS,
    PROCEDURE_LABELS,
    RESULT_LABELS,
    ROLE_LABELS,
    STATUS_LABELS,
    SYSTEM_ACTOR_LABELS,
    procedure_name,
)
from app.models import Event, User
from app.vocabulary import REVIEW_REMARKS, STARTED_BY_INSTANCE, ProcessKey


def actor_names(events: Iterable[Event]) -> dict[str, str]:
    """Each actor of `events` by name: a person's display name, the system and the scheduler in words."""
    return people_names(e.actor for e in events if e.actor)


def people_names(logins: Iterable[str | None]) -> dict[str, str]:
    """Each login by its person's display name (the system, the scheduler and a procedure that started another in
    words; an unknown login as is)."""
    names = {key: str(label) for key, label in SYSTEM_ACTOR_LABELS.items()}
    people = {login for login in logins if login and login not in names}
    for starter in [p for p in people if p.startswith(STARTED_BY_INSTANCE) and p[len(STARTED_BY_INSTANCE):].isdigit()]:
        names[starter] = _("流程实例 %(id)s", id=starter[len(STARTED_BY_INSTANCE):])
        people.discard(starter)
    if people:
        rows = db.session.execute(select(User.username, User.display_name).where(User.username.in_(people)))
        names.update((login, name) for login, name in rows if name)
    return names


def kind_label(kind: str) -> str:
    """An event kind in the user's language (an unknown kind as itself)."""
    return str(EVENT_KIND_LABELS.get(kind, kind))


def process_label(process_key: str) -> str:
    """`nmg2025_annual_report` as 内蒙古（2025版）·年度报告."""
    parsed = ProcessKey.parse(process_key)
    if parsed.policy not in POLICY_LABELS or parsed.procedure not in PROCEDURE_LABELS:
        return process_key
    return f"{POLICY_LABELS[parsed.policy]}·{procedure_name(parsed.policy, parsed.procedure)}"


def details(event: Event) -> str:
    """What the event decided, changed or reports, as a sentence (empty when there is nothing to add)."""
    payload: dict[str, Any] = event.payload or {}
    parts: list[str] = []
    if event.kind == "center_status_changed":
        parts.append(_("%(before)s → %(after)s", before=_status(payload.get("from")), after=_status(payload.get("to"))))
    if event.kind == "procedure_started" and payload.get("process_key"):
        parts.append(_("已发起：%(name)s", name=process_label(str(payload["process_key"]))))
    if event.kind in ("notification", "notification_skipped") and payload.get("role"):
        parts.append(_("通知对象：%(role)s", role=ROLE_LABELS.get(payload["role"], payload["role"])))
    for key, label in (("decision", _("结论")), ("report_status", _("结果")), ("outcome", _("结果"))):
        value = (payload.get("result") or {}).get(key) if event.kind == "instance_completed" else payload.get(key)
        if isinstance(value, str) and value:
            parts.append(_("%(label)s：%(value)s", label=label, value=RESULT_LABELS.get(value, value)))
    for key in REVIEW_REMARKS:  # what a reviewer wrote, as written
        if event.kind == "element_completed" and isinstance(payload.get(key), str) and payload[key]:
            parts.append(_("%(label)s：%(value)s", label=_("意见"), value=payload[key]))
    if payload.get("cause") == "center_revoked" and payload.get("revoked_by_instance"):
        # the stored reason keeps the authority's language; the page speaks the reader's (the article has its column)
        # the revoking instance may be a revocation or an evaluation that revokes (jinzhong 第二十二条)
        parts.append(_("原因：中心已撤销（流程实例 %(id)s），本程序随之终止", id=payload["revoked_by_instance"]))
    elif payload.get("reason"):
        parts.append(_("原因：%(reason)s", reason=payload["reason"]))
    if payload.get("message"):
        parts.append(str(payload["message"]))
    if payload.get("lag_ms") is not None:
        parts.append(_("晚于到期时间 %(lag)s 触发", lag=duration(float(payload["lag_ms"]) / 1000)))
    return ("; " if english() else "；").join(parts)


def duration(seconds: float | None) -> str:
    """A lag or span in words: 42 秒, 3 分钟, 5 小时 12 分钟, 13 天 8 小时."""
    if seconds is None:
        return ""
    whole = int(round(seconds))
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return _("%(d)s 天 %(h)s 小时", d=days, h=hours)
    if hours:
        return _("%(h)s 小时 %(m)s 分钟", h=hours, m=minutes)
    if minutes:
        return _("%(m)s 分钟 %(s)s 秒", m=minutes, s=secs)
    return _("%(s)s 秒", s=f"{seconds:.1f}".rstrip("0").rstrip("."))


def _status(value: Any) -> str:
    return str(STATUS_LABELS.get(value, value)) if value else "—"
