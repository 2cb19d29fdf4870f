"""The append-only audit trail and in-app notifications."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import JsonType, UtcDateTime


class Event(db.Model):  # type: ignore[name-defined,misc]
    """One thing that happened: who, when, which element, under which article."""

    __tablename__ = "event"
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), index=True)
    center_id: Mapped[int | None] = mapped_column(ForeignKey("center.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(40))
    element_id: Mapped[str | None] = mapped_column(String(120))
    element_name: Mapped[str | None] = mapped_column(String(200))
    article: Mapped[str | None] = mapped_column(String(80))
    payload: Mapped[dict[str, Any] | None] = mapped_column(JsonType)


class Notification(db.Model):  # type: ignore[name-defined,misc]
    """A message to one user, committed with the step that caused it."""

    __tablename__ = "notification"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    template: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # transactional outbox for email: committed with the step, delivered and retried by the scheduler
    email_to: Mapped[str | None] = mapped_column(String(200))
    email_status: Mapped[str] = mapped_column(String(20), default="none")  # none | pending | sent | failed
    email_attempts: Mapped[int] = mapped_column(default=0)
    email_next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    email_sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    email_last_error: Mapped[str | None] = mapped_column(Text)
