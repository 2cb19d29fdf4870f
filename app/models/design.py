"""The process designer's drafts: one unsaved BPMN per designer and process."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UtcDateTime


class DesignDraft(db.Model):  # type: ignore[name-defined,misc]
    """A designer's work in progress on one process (server-side, private to its owner)."""

    __tablename__ = "design_draft"
    __table_args__ = (UniqueConstraint("owner_id", "process_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    process_key: Mapped[str] = mapped_column(String(80))
    base_version: Mapped[int | None]  # the deployed version the draft started from
    xml: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
