"""System facts: health."""
from __future__ import annotations

from typing import Any

from sqlalchemy import text

from app import clock
from app.extensions import db
from app.services import transactions


def health() -> dict[str, Any]:
    """Database reachability and the clock."""
    db.session.execute(text("SELECT 1"))
    now = clock.now()
    transactions.commit_and_expire()
    return {"status": "ok", "database": db.engine.dialect.name, "clock": "simulated" if clock.is_simulated()
            else "system", "now": now}
