"""The one source of "now": the system clock, or the simulated clock stored in the database.

The simulated clock of a fresh database starts at `TIC_CLOCK_START` (or the real time of its first reading);
`start_at` may set it again while no process instance exists; after that it only moves forward.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import isodate
import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.config import parse_instant
from app.errors import Conflict, Forbidden, InvalidSubmission
from app.extensions import db
from app.models import ClockState, ProcessInstance
from app.services import transactions

CHINA = ZoneInfo("Asia/Shanghai")


def is_simulated() -> bool:
    """True when the application runs on the simulated clock (TIC_CLOCK=simulated)."""
    return bool(current_app.config.get("TIC_CLOCK") == "simulated")


def configured_start() -> datetime:
    """Where a fresh database's simulated clock starts: TIC_CLOCK_START, else the real time now."""
    start = current_app.config.get("TIC_CLOCK_START")
    if isinstance(start, str) and start.strip():
        start = parse_instant(start)
    if isinstance(start, datetime):
        return start.astimezone(UTC)
    return datetime.now(UTC).replace(microsecond=0)


def now() -> datetime:
    """The current aware UTC time, simulated or real."""
    if not is_simulated():
        return datetime.now(UTC)
    state = db.session.get(ClockState, 1)
    if state is None:
        transactions.writes()  # the first reading stores the start, even in a read-only request
        state = db.session.get(ClockState, 1)  # again, under the write lock
    if state is None:
        state = ClockState(id=1, now=configured_start())
        db.session.add(state)
        db.session.flush()
    return state.now


def require_forward(moment: datetime) -> None:
    """Refuse (InvalidSubmission) a simulated clock move to `moment`: not simulated, naive, or backwards."""
    _require_simulated()
    _require_aware(moment)
    current = now()
    if moment < current:
        raise InvalidSubmission(_("模拟时钟不能倒退"),
                                {"now": [_("不能早于当前模拟时间 %(now)s", now=current.isoformat())]})


def set_simulated(moment: datetime) -> datetime:
    """Move the simulated clock to `moment` (never backwards); the caller commits."""
    require_forward(moment)
    state = db.session.get(ClockState, 1)
    assert state is not None
    state.now = moment.astimezone(UTC)
    return state.now


def start_at(moment: datetime) -> datetime:
    """Set where the simulated clock starts (any date) while no process instance exists; the caller commits."""
    _require_simulated()
    _require_aware(moment)
    if db.session.scalar(sa.select(sa.literal(1)).select_from(ProcessInstance).limit(1)) is not None:
        raise Conflict(_("已有流程实例：模拟时钟的起点只能在创建任何流程实例之前设置，之后只能向前调整"))
    state = db.session.get(ClockState, 1)
    if state is None:
        state = ClockState(id=1, now=moment.astimezone(UTC))
        db.session.add(state)
    state.now = moment.astimezone(UTC)
    db.session.flush()
    return state.now


def _require_simulated() -> None:
    if not is_simulated():
        raise Forbidden(_("时钟仅在模拟模式（TIC_CLOCK=simulated）下可调整"))


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None:
        raise InvalidSubmission(_("时间必须带时区"),
                                {"now": [_("时间必须带时区，例如 2027-02-01T00:00:00+08:00")]})


def parse_duration(text: str) -> timedelta | isodate.Duration:
    """An ISO-8601 duration such as P1D, PT6H or P1Y2M; raises InvalidSubmission with a field message."""
    try:
        duration = isodate.parse_duration(text)
    except (isodate.ISO8601Error, ValueError, TypeError) as err:
        raise InvalidSubmission(_("时长格式无效"), {"advance": [_("无效的 ISO 8601 时长：%(text)s", text=text)]}) from err
    return duration
