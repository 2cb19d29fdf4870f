"""A center's organisations are read once per transaction, and a step never routes by a stale copy."""
from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import CenterOrganisation
from app.services import transactions
from app.services.running.steps import _center_organisations


def test_the_memo_lives_for_one_transaction(app: Flask, people: dict[str, Any]) -> None:
    center_id = people["centers"]["a"]
    with app.app_context():
        first = _center_organisations(center_id)
        assert first and _center_organisations(center_id) is first  # read once in this transaction
        transactions.commit()
        assert _center_organisations(center_id) is not first  # a new transaction reads again
        transactions.rollback()
        row = db.session.scalar(select(CenterOrganisation).where(
            CenterOrganisation.center_id == center_id, CenterOrganisation.role == "applicant"))
        assert row is not None
        before = _center_organisations(center_id)
        other = people["centers"]["b"]
        other_org = _center_organisations(other)["applicant"]
        row.organisation_id = other_org  # an ORM change of those rows in the same transaction
        db.session.flush()
        after = _center_organisations(center_id)
        assert after is not before and after["applicant"] == other_org
        transactions.rollback()
