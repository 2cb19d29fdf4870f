"""Deadline computations for BPMN timers: working periods on the statutory calendar."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
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
