"""Deadline computations for BPMN timers: working periods on the statutory calendar."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta, timezone
from typing import Any

from handlers import policy_data
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


@operator("configured_deadline")
def configured_deadline(params: Mapping[str, Any], context: HandlerContext) -> dict[str, Any]:
    """`days` calendar days after `start` (ISO date; default today in China) as policy.yaml's `setting` sets them.

    `setting` is a dotted path, e.g. "evaluation.materials_deadline".

    For deadlines the text leaves open: the entry carries `days`, `article` and `configured: true`, and the result
    says so (`configured`), so a step can tell the person that the date is configured, not statutory.
    """
    policy = str(params["policy"])
    lookup = context.services.get("policy_data")  # the application's processes directory, when it provides one
    data = lookup(policy) if lookup is not None else policy_data.load(policy)
    rule = policy_data.require(data, *str(params["setting"]).split("."))
    days = int(policy_data.require(rule, "days"))
    start = params.get("start") or today({}, context)["date"]
    end = date.fromisoformat(str(start)[:10]) + timedelta(days=days)
    return {"start": str(start)[:10], "days": days, "end": end.isoformat(),
            "end_at": f"{end.isoformat()}T23:59:59+08:00", "configured": bool(rule.get("configured", False)),
            "article": str(rule.get("article", ""))}
