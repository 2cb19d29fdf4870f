"""The simulated clock's persisted time (one row)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UtcDateTime


class ClockState(db.Model):  # type: ignore[name-defined,misc]
    """The current simulated time, shared by every process of the application."""

    __tablename__ = "clock_state"
    id: Mapped[int] = mapped_column(primary_key=True)
    now: Mapped[datetime] = mapped_column(UtcDateTime)
