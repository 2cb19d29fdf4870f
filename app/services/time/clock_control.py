"""Reading and moving the clock; moving it fires what came due through the scheduler's code path."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _

from app import clock
from app.errors import Forbidden, InvalidSubmission
from app.models import User
from app.services import transactions
from app.services.time.tick import advance_to
from app.vocabulary import CLOCK_ROLES

# a rehearsal plays a center's life of a few evaluation cycles; a longer jump is a typo (P1000Y), and the clock
# passes through every two weeks of it (tick.advance_to)
MAX_MOVE_YEARS = 20
MAX_MOVE = timedelta(days=366 * MAX_MOVE_YEARS)


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
    now = clock.now()
    target = to if to is not None else now + clock.parse_duration(str(advance))
    if target - now > MAX_MOVE:
        too_far = _("模拟时钟一次最多前进 %(years)s 年", years=MAX_MOVE_YEARS)
        raise InvalidSubmission(too_far, {"advance" if advance is not None else "now": [too_far]})
    clock.require_forward(target)
    # time passes as on a real scheduler: each timer fires at its moment and the recurring starts run between
    report = advance_to(target)
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
