"""System facts: health."""
from __future__ import annotations

from typing import Any

from sqlalchemy import text

from app import clock
from app.extensions import db


def health() -> dict[str, Any]:
    """Database reachability and the clock."""
    db.session.execute(text("SELECT 1"))
    now = clock.now()
    db.session.commit()
    return {"status": "ok", "database": db.engine.dialect.name, "clock": "simulated" if clock.is_simulated()
            else "system", "now": now}
