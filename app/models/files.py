"""Uploaded documents: metadata here, bytes under the files directory named by the random id."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UtcDateTime


class StoredFile(db.Model):  # type: ignore[name-defined,misc]
    """One uploaded file of a center (optionally of an instance and task); the original name lives only here."""

    __tablename__ = "stored_file"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # random uuid4: also the name on disk
    center_id: Mapped[int | None] = mapped_column(ForeignKey("center.id"), index=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("human_task.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[str] = mapped_column(String(80))
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime)
