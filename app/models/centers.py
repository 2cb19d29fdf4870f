"""Technology innovation centers and the organisations that play each role for them."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import JsonType, UtcDateTime
from app.vocabulary import Role


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
        """The organisation playing `role` for this center, if any (see `by_role`)."""
        return by_role((o.role, o.organisation_id) for o in self.organisations).get(role)


def by_role(pairs: Iterable[tuple[str, int]]) -> dict[str, int]:
    """The organisation per role from a center's (role, organisation) rows. The supervisors are staff of the
    authority (docs: procedures, roles): a center registered without its own supervisor organisation has its
    authority's, so the supervisor's tasks (核实撤销情形, escalations) reach someone."""
    found = dict(pairs)
    if Role.SUPERVISOR not in found and Role.AUTHORITY in found:
        found[Role.SUPERVISOR] = found[Role.AUTHORITY]
    return found


class CenterOrganisation(db.Model):  # type: ignore[name-defined,misc]
    """Which organisation plays which role (lane) for a center."""

    __tablename__ = "center_organisation"
    center_id: Mapped[int] = mapped_column(ForeignKey("center.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)

    center: Mapped[Center] = relationship(back_populates="organisations")
