"""Technology innovation centers and the organisations that play each role for them."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import JsonType, UtcDateTime


class Center(db.Model):  # type: ignore[name-defined,misc]
    """A 技术创新中心 under one policy, with its status and profile."""

    __tablename__ = "center"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    policy: Mapped[str] = mapped_column(String(20), index=True)
    category: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(40), default="proposed", index=True)
    approved_at: Mapped[date | None] = mapped_column(Date)
    established_at: Mapped[date | None] = mapped_column(Date)
    profile: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    organisations: Mapped[list[CenterOrganisation]] = relationship(
        back_populates="center", cascade="all, delete-orphan", lazy="selectin"
    )

    def organisation_for(self, role: str) -> int | None:
        """The organisation playing `role` for this center, if any."""
        return next((o.organisation_id for o in self.organisations if o.role == role), None)


class CenterOrganisation(db.Model):  # type: ignore[name-defined,misc]
    """Which organisation plays which role (lane) for a center."""

    __tablename__ = "center_organisation"
    center_id: Mapped[int] = mapped_column(ForeignKey("center.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)

    center: Mapped[Center] = relationship(back_populates="organisations")
