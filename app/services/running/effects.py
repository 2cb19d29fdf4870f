"""Apply what handlers asked for, inside the step's transaction: notifications, center changes, follow-ups."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Protocol

from app.errors import Conflict
from app.extensions import db
from app.models import Center, CenterOrganisation, Event, ProcessInstance
from app.services.centers import lifecycle
from app.services.infrastructure.notifications import deliver_notification
from app.services.running.ending import end_other_procedures
from app.vocabulary import STARTED_BY_INSTANCE, CenterStatus

Effect = dict[str, Any]


class Starter(Protocol):
    """Begins a procedure inside the current transaction (`starting.begin_instance`)."""

    def __call__(self, actor_name: str | None, process_key: str, center: Center, data: dict[str, Any],
                 now: datetime, *, started_by: str | None = None) -> ProcessInstance:
        """Start `process_key` for the center with `data` at `now`, and return the new instance."""
        ...


def apply_effects(
    instance: ProcessInstance, center: Center | None, effects: list[Effect], now: datetime, start: Starter,
) -> None:
    """Apply each effect in order; every change to a center is logged with its article."""
    for effect in effects:
        if effect["kind"] == "start_procedure":
            _start_procedure(instance, center, effect, now, start)
        else:
            APPLY[effect["kind"]](instance, center, effect, now)


def _event(instance: ProcessInstance, now: datetime, kind: str, effect: Effect, payload: dict[str, Any]) -> None:
    db.session.add(Event(
        instance_id=instance.id, center_id=instance.center_id, at=now, actor="system", kind=kind,
        element_id=effect.get("element_id"), article=effect.get("article") or None, payload=payload,
    ))


def _center_status(instance: ProcessInstance, center: Center | None, effect: Effect, now: datetime) -> None:
    if center is None:
        raise ValueError("center_status effect on an instance without a center")
    target, cited = str(effect["status"]), str(effect.get("article") or "")
    transition = lifecycle.require_transition(center, target, cited)
    before, center.status = center.status, target
    _event(instance, now, "center_status_changed", effect, {"from": before, "to": target})
    if target == CenterStatus.REVOKED:
        end_other_procedures(center, instance, now, cited or transition.article)


def _center_update(instance: ProcessInstance, center: Center | None, effect: Effect, now: datetime) -> None:
    if center is None:
        raise ValueError("center_update effect on an instance without a center")
    fields: dict[str, Any] = dict(effect["fields"])
    before: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "profile":
            before[name] = dict(center.profile or {})
            center.profile = {**(center.profile or {}), **dict(value)}
        elif name == "organisations":
            before[name] = {o.role: o.organisation_id for o in center.organisations}
            current = {o.role: o for o in center.organisations}
            for role, org_id in dict(value).items():
                if role in current:
                    current[role].organisation_id = int(org_id)
                else:
                    center.organisations.append(CenterOrganisation(role=role, organisation_id=int(org_id)))
        else:
            before[name] = _plain(getattr(center, name))
            setattr(center, name, date.fromisoformat(value) if name.endswith("_at") and value else value)
    _event(instance, now, "center_updated", effect, {"before": before, "after": _plain(fields)})


def _start_procedure(
    instance: ProcessInstance, center: Center | None, effect: Effect, now: datetime, start: Starter,
) -> None:
    if center is None:
        raise ValueError("start_procedure effect on an instance without a center")
    try:
        started = start(None, str(effect["process_key"]), center, dict(effect.get("data") or {}), now,
                        started_by=f"{STARTED_BY_INSTANCE}{instance.id}")
    except Conflict as err:  # the center's state or a running procedure forbids it: recorded, never silent
        _event(instance, now, "warning", effect, {"code": "procedure_not_started", "message": err.message,
                                                  "process_key": effect["process_key"]})
        return
    _event(instance, now, "procedure_started", effect, {"process_key": effect["process_key"], "instance_id": started.id})


def _warning(instance: ProcessInstance, center: Center | None, effect: Effect, now: datetime) -> None:
    _event(instance, now, "warning", effect, {"code": effect.get("code"), "message": effect.get("message")})


def _notification(instance: ProcessInstance, center: Center | None, effect: Effect, now: datetime) -> None:
    deliver_notification(instance, center, effect, now)


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


APPLY: dict[str, Callable[[ProcessInstance, Center | None, Effect, datetime], None]] = {
    "notification": _notification,
    "center_status": _center_status,
    "center_update": _center_update,
    "warning": _warning,
}
