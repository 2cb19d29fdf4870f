"""Deployed definitions, running instances and their read models (human tasks, timers)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, ForeignKey, Index, String, Text, UniqueConstraint, and_
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import JsonType, UtcDateTime
from app.vocabulary import TaskState, is_overdue


class ProcessDefinition(db.Model):  # type: ignore[name-defined,misc]
    """One deployed version of a process: its BPMN bundle stored once, keyed by content hash."""

    __tablename__ = "process_definition"
    __table_args__ = (UniqueConstraint("key", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), index=True)
    version: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    policy: Mapped[str] = mapped_column(String(20))
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    bundle: Mapped[dict[str, str]] = mapped_column(JsonType)  # file name -> BPMN XML
    source_path: Mapped[str] = mapped_column(String(300))
    deployed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    deployed_by: Mapped[str | None] = mapped_column(String(80))  # None: deployed from processes/ (tic deploy)
    comment: Mapped[str | None] = mapped_column(Text)  # why (the designer's deploy comment)


class ProcessInstance(db.Model):  # type: ignore[name-defined,misc]
    """A running or finished procedure of one center; `version` guards concurrent writers."""

    __tablename__ = "process_instance"
    __table_args__ = (Index("uq_process_instance_business_key", "business_key", unique=True),)
    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"), index=True)
    process_key: Mapped[str] = mapped_column(String(80), index=True)
    center_id: Mapped[int | None] = mapped_column(ForeignKey("center.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    state: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)
    business_key: Mapped[str | None] = mapped_column(String(120))
    start_data: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    started_by: Mapped[str | None] = mapped_column(String(80))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    error: Mapped[str | None] = mapped_column(Text)

    __mapper_args__ = {"version_id_col": version}


class HumanTask(db.Model):  # type: ignore[name-defined,misc]
    """Read model of a user task: who may work on it, its form and due date."""

    __tablename__ = "human_task"
    __table_args__ = (Index("ix_human_task_inbox", "state", "lane", "organisation_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    task_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    element_id: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(200))
    lane: Mapped[str | None] = mapped_column(String(20))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    center_id: Mapped[int | None] = mapped_column(ForeignKey("center.id"), index=True)
    form_key: Mapped[str | None] = mapped_column(String(200))
    article: Mapped[str | None] = mapped_column(String(80))
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    state: Mapped[str] = mapped_column(String(20), default=TaskState.READY.value)  # vocabulary.TaskState
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    completed_by: Mapped[str | None] = mapped_column(String(80))
    data: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    # who of the lane's organisation is working on it (web inbox), and the unsubmitted form saved as a draft
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    draft: Mapped[dict[str, Any] | None] = mapped_column(JsonType)

    def is_overdue(self, now: datetime) -> bool:
        """Still waiting for its worker after its due time."""
        return self.state == TaskState.READY and is_overdue(self.due_at, now)

    @classmethod
    def overdue_at(cls, now: datetime) -> ColumnElement[bool]:
        """`is_overdue` as an SQL condition."""
        return and_(cls.state == TaskState.READY, cls.due_at.is_not(None), cls.due_at < now)


class Timer(db.Model):  # type: ignore[name-defined,misc]
    """Read model of a waiting timer event; the scheduler finds due timers through `due_at`."""

    __tablename__ = "timer"
    __table_args__ = (Index("ix_timer_waiting_due", "state", "due_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    task_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    element_id: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(200))
    article: Mapped[str | None] = mapped_column(String(80))
    due_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    state: Mapped[str] = mapped_column(String(20), default="waiting")  # waiting | fired | cancelled
    fired_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    lag_ms: Mapped[float | None]
    claimed_by: Mapped[str | None] = mapped_column(String(80))
