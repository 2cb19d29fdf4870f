"""The working-day calendar an administrator maintains (State Council schedule per year)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UtcDateTime


class CalendarYear(db.Model):  # type: ignore[name-defined,misc]
    """A year whose schedule is stored in `calendar_day` (imported or edited), overriding the library."""

    __tablename__ = "calendar_year"
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(String(40))  # csv | api | library
    note: Mapped[str | None] = mapped_column(String(300))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CalendarDay(db.Model):  # type: ignore[name-defined,misc]
    """A day that differs from the Monday–Friday rule: a holiday, or an adjusted working weekend day."""

    __tablename__ = "calendar_day"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_working: Mapped[bool]
    name: Mapped[str | None] = mapped_column(String(80))
