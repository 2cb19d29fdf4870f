"""Reading and moving the clock; moving it fires what came due through the scheduler's code path."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from app import clock
from app.errors import Forbidden, InvalidSubmission
from app.models import User
from app.services import transactions
from app.services.time.tick import run_tick
from app.vocabulary import CLOCK_ROLES


def read() -> dict[str, Any]:
    """The current time and mode."""
    now = clock.now()
    transactions.commit_and_expire()
    return {"now": now, "mode": "simulated" if clock.is_simulated() else "system"}


def move(user: User, *, advance: str | None = None, to: datetime | None = None) -> dict[str, Any]:
    """Advance or set the simulated clock, then fire every due timer; commits."""
    if user.role not in CLOCK_ROLES:
        raise Forbidden(_("只有管理员或监督人员可以调整模拟时钟"))
    if not clock.is_simulated():
        raise Forbidden(_("系统时钟不可调整：仅在 TIC_CLOCK=simulated 模式下可用"))
    if (advance is None) == (to is None):
        raise InvalidSubmission(_("请给出 advance 或 now 之一"), {"advance": [_("advance 与 now 必须且只能给出一个")]})
    target = to if to is not None else clock.now() + clock.parse_duration(str(advance))
    clock.set_simulated(target)
    transactions.commit_and_expire()
    report = run_tick()  # the scheduler's own code path: recurring starts, due timers, email
    return {"now": clock.now(), "mode": "simulated", "timers_fired": report.timers_fired,
            "instances_started": report.started}


def set_start(moment: datetime) -> datetime:
    """Start the simulated clock at `moment` (a rehearsal from any date): only while no instance exists; commits."""
    try:
        started = clock.start_at(moment)
    except Exception:
        transactions.rollback()
        raise
    transactions.commit_and_expire()
    return started
