"""Readiness and operational figures: is this node fit to take traffic, and how far behind is the work."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from app import clock
from app.config import ROOT
from app.extensions import db
from app.models import Notification, Timer
from app.services import transactions
from app.vocabulary import TimerState

MIGRATIONS = ROOT / "migrations"


def code_revision() -> str | None:
    """The newest migration this code ships (the single head)."""
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def readiness() -> dict[str, Any]:
    """Whether the database answers and its schema is the one this code expects (migrations applied)."""
    expected = code_revision()
    try:
        db.session.execute(text("SELECT 1"))
        current = MigrationContext.configure(db.session.connection()).get_current_revision()
        transactions.commit_and_expire()
    except SQLAlchemyError as err:
        transactions.rollback()
        return {"ready": False, "database": False, "reason": type(err).__name__,
                "migrations": {"database": None, "code": expected}}
    ready = current == expected
    return {"ready": ready, "database": True, "reason": None if ready else "migrations not current",
            "migrations": {"database": current, "code": expected}}


def work_figures(now: datetime | None = None) -> dict[str, float]:
    """Timers waiting and due, how late the oldest due timer is, the last firing's lag, the email outbox."""
    moment = now or clock.now()
    waiting = select(func.count()).select_from(Timer).where(Timer.state == TimerState.WAITING)
    due = waiting.where(Timer.due_at <= moment)
    oldest_due = db.session.scalar(select(func.min(Timer.due_at)).where(Timer.state == TimerState.WAITING,
                                                                         Timer.due_at <= moment))
    last_lag = db.session.scalar(select(Timer.lag_ms).where(Timer.state == TimerState.FIRED, Timer.lag_ms.is_not(None))
                                 .order_by(Timer.fired_at.desc()).limit(1))
    outbox = select(func.count()).select_from(Notification).where(Notification.email_status == "pending")
    stuck = select(func.count()).select_from(Timer).where(Timer.state == TimerState.STUCK)
    figures = {
        "timers_stuck": float(db.session.scalar(stuck) or 0),
        "timers_waiting": float(db.session.scalar(waiting) or 0),
        "timers_due": float(db.session.scalar(due) or 0),
        "timer_lag_seconds": (moment - oldest_due).total_seconds() if oldest_due else 0.0,
        "last_firing_lag_seconds": float(last_lag) / 1000 if last_lag is not None else 0.0,
        "outbox_depth": float(db.session.scalar(outbox) or 0),
    }
    transactions.commit_and_expire()
    return figures
