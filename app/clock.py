"""The one source of "now": the system clock, or the simulated clock stored in the database."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import isodate
from flask import current_app

from app.errors import Forbidden, InvalidSubmission
from app.extensions import db
from app.models import ClockState

CHINA = ZoneInfo("Asia/Shanghai")


def is_simulated() -> bool:
    """True when the application runs on the simulated clock (TIC_CLOCK=simulated)."""
    return bool(current_app.config.get("TIC_CLOCK") == "simulated")


def now() -> datetime:
    """The current aware UTC time, simulated or real."""
    if not is_simulated():
        return datetime.now(UTC)
    state = db.session.get(ClockState, 1)
    if state is None:
        state = ClockState(id=1, now=datetime.now(UTC).replace(microsecond=0))
        db.session.add(state)
        db.session.flush()
    return state.now


def set_simulated(moment: datetime) -> datetime:
    """Move the simulated clock to `moment` (never backwards); the caller commits."""
    if not is_simulated():
        raise Forbidden("时钟仅在模拟模式（TIC_CLOCK=simulated）下可调整")
    if moment.tzinfo is None:
        raise InvalidSubmission("时间必须带时区", {"now": ["时间必须带时区，例如 2027-02-01T00:00:00+08:00"]})
    current = now()
    if moment < current:
        raise InvalidSubmission("模拟时钟不能倒退", {"now": [f"不能早于当前模拟时间 {current.isoformat()}"]})
    state = db.session.get(ClockState, 1)
    assert state is not None
    state.now = moment.astimezone(UTC)
    return state.now


def parse_duration(text: str) -> timedelta | isodate.Duration:
    """An ISO-8601 duration such as P1D, PT6H or P1Y2M; raises InvalidSubmission with a field message."""
    try:
        duration = isodate.parse_duration(text)
    except (isodate.ISO8601Error, ValueError, TypeError) as err:
        raise InvalidSubmission("时长格式无效", {"advance": [f"无效的 ISO 8601 时长：{text!r}"]}) from err
    return duration  # type: ignore[no-any-return]

