"""A center's policy and its organisation per role, read once per transaction in one query.

Every step routes the tasks it makes ready by these organisations, and every task action checks the caller's
sight of the task's center by them: one Core statement, where loading the ORM `Center` with its `selectin`
organisations cost two queries and about four times the time (scripts/bench).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, select

from app.extensions import db
from app.models import Center, CenterOrganisation
from app.models.centers import by_role
from app.services import transactions

# built once with a bound parameter: SQLAlchemy keys a statement of literal values for its cache on every call
_ROLES = (select(Center.policy, CenterOrganisation.role, CenterOrganisation.organisation_id)
          .outerjoin(CenterOrganisation, CenterOrganisation.center_id == Center.id)
          .where(Center.id == bindparam("center_id")))


@dataclass(frozen=True)
class CenterRoles:
    """What access and routing need of a center: its policy and the organisation playing each role."""

    policy: str
    organisations: dict[str, int]


def _memo() -> dict[int, CenterRoles | None]:
    return transactions.per_transaction("center_roles", watch=(CenterOrganisation, Center))


def center_roles(center_id: int) -> CenterRoles | None:
    """The center's policy and organisations (None if no such center), read once per transaction: forgotten at
    commit, rollback, or an ORM change of a center or its organisations (`transactions.per_transaction`)."""
    known = _memo()
    if center_id not in known:
        rows = db.session.connection().execute(_ROLES, {"center_id": center_id}).all()
        known[center_id] = CenterRoles(rows[0].policy, by_role((r.role, r.organisation_id) for r in rows if r.role)) \
            if rows else None
    return known[center_id]


def remember(centers: Iterable[Center]) -> None:
    """Seed this transaction's memo with centers already loaded with their organisations (a scheduler batch)."""
    known = _memo()
    for center in centers:
        known.setdefault(center.id, CenterRoles(center.policy, by_role((o.role, o.organisation_id)
                                                                       for o in center.organisations)))
