"""The audit trail: one event per thing that happened to an instance, appended inside the step's transaction."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from app.extensions import db
from app.models import Event, ProcessInstance


def add_event(
    instance: ProcessInstance, at: datetime, actor: str, kind: str, *, element_id: str | None = None,
    element_name: str | None = None, article: str | None = None, payload: dict[str, Any] | None = None,
) -> None:
    """Append one audit event for an instance."""
    db.session.add(
        Event(
            instance_id=instance.id, center_id=instance.center_id, at=at, actor=actor, kind=kind,
            element_id=element_id, element_name=element_name, article=article, payload=payload,
        )
    )
