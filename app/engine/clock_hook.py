"""Route SpiffWorkflow's one reading of the clock to the application's clock.

The library reads `datetime.now(timezone.utc)` in exactly one module (timer event definitions) and
offers no injection API, so that module's `datetime` name is replaced by a subclass whose `now()`
returns the time set for the current context (a ContextVar: safe per thread and per request).
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, tzinfo

from SpiffWorkflow.bpmn.specs.event_definitions import timer as _timer_module

_engine_now: ContextVar[datetime | None] = ContextVar("engine_now", default=None)


class _ClockDatetime(datetime):
    """`datetime` whose `now()` answers with the engine's current time when one is set."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> _ClockDatetime:
        current = _engine_now.get()
        if current is None:
            return super().now(tz)
        moment = current.astimezone(tz or UTC)
        return cls.combine(moment.date(), moment.timetz())


_timer_module.datetime = _ClockDatetime


@contextmanager
def engine_time(now: datetime) -> Iterator[None]:
    """Run the block with the engine's clock reading `now` (an aware datetime)."""
    if now.tzinfo is None:
        raise ValueError("engine_time needs an aware datetime")
    token = _engine_now.set(now)
    try:
        yield
    finally:
        _engine_now.reset(token)


def current_engine_time() -> datetime:
    """The time the engine sees in this context."""
    return _engine_now.get() or datetime.now(UTC)
