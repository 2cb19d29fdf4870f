"""Deadline computations for BPMN timers: working periods on the statutory calendar."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta, timezone
from typing import Any

from handlers.registry import HandlerContext, operator


@operator("working_period")
def working_period(params: Mapping[str, Any], context: HandlerContext) -> dict[str, Any]:
    """N working days from `start` (ISO date); `end_at` is the end of the N-th day, China time."""
    start = date.fromisoformat(str(params["start"]))
    days = int(params["days"])
    period = context.service("working_period")(start, days)
    result = {
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "end_at": f"{period.end.isoformat()}T23:59:59+08:00",
        "working_days": [d.isoformat() for d in period.working_days],
        "assumed_years": list(period.assumed_years),
    }
    for warning in period.warnings:
        context.emit("warning", code="calendar_assumed", message=warning, element_id=context.element_id)
    return result


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a non-leap target year: the period ends on 28 February
        return day.replace(year=day.year + years, day=28)


@operator("years_after")
def years_after(params: Mapping[str, Any], context: HandlerContext) -> dict[str, Any]:
    """The day `years` years after `start` (ISO date) and the end of that day, China time (`end_at`)."""
    end = _add_years(date.fromisoformat(str(params["start"])[:10]), int(params["years"]))
    return {"end": end.isoformat(), "end_at": f"{end.isoformat()}T23:59:59+08:00"}


@operator("today")
def today(params: Mapping[str, Any], context: HandlerContext) -> dict[str, Any]:
    """Today's date in China (from the application's clock, simulated or real)."""
    china = context.now.astimezone(timezone(timedelta(hours=8)))
    return {"date": china.date().isoformat(), "now": china.isoformat()}
