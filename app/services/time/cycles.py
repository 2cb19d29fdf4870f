"""A center's construction & operation cycles (建设运行周期), from its policy's `operation_cycle` and its dates.

Cycle k runs from `base + years·(k−1)` to `base + years·k`, where `base` is the first of the center's dates
named in `starts_from` (e.g. national: established_at, approved_at). A cycle runs out at the end of its last day;
the next one is then due. With `admission` (national 第三十条: only 优秀/良好 enter the next cycle) a center enters
cycle k ≥ 2 only once `profile[admission.profile_key]` ≥ k.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from app.clock import CHINA
from app.models import Center
from app.services.centers.policies import policy
from app.services.time.deadlines import add_years, end_of_day


@dataclass(frozen=True)
class OperationCycle:
    """The k-th construction & operation cycle of a center, and the article and procedure of its plan."""

    number: int
    start: date
    end: date
    article: str
    procedure: str
    configured: bool


def operation_rule(policy_key: str) -> dict[str, Any]:
    """The policy's `operation_cycle` section ({} when it declares none)."""
    rule = policy(policy_key).get("operation_cycle")
    return rule if isinstance(rule, dict) else {}


def operation_cycle(center: Center, number: int) -> OperationCycle | None:
    """Cycle `number` (1, 2, ...) of the center; None when the policy or the center's dates lack it."""
    rule = operation_rule(center.policy)
    starts = [getattr(center, key, None) for key in rule.get("starts_from", ["established_at", "approved_at"])]
    base = next((d for d in starts if d is not None), None)
    if base is None or "years" not in rule or number < 1:
        return None
    years = int(rule["years"])
    return OperationCycle(number, add_years(base, years * (number - 1)), add_years(base, years * number),
                          str(rule.get("article", "")), str(rule.get("procedure", "operation_plan")),
                          bool(rule.get("configured", False)))


def current_operation_cycle(center: Center, now: datetime) -> OperationCycle | None:
    """The cycle running at `now`: the first whose last day has not yet ended (None before the center's base date)."""
    first = operation_cycle(center, 1)
    if first is None or now < datetime.combine(first.start, time.min, CHINA):
        return None
    k, cycle = 1, first
    while end_of_day(cycle.end) < now:
        k += 1
        cycle = operation_cycle(center, k) or cycle
    return cycle


def admitted(center: Center, number: int) -> bool:
    """Whether the center may enter cycle `number` (always for the first; later ones as `admission` says)."""
    admission = operation_rule(center.policy).get("admission")
    if number <= 1 or not isinstance(admission, dict):
        return True
    value = (center.profile or {}).get(str(admission.get("profile_key")))
    return isinstance(value, int) and not isinstance(value, bool) and value >= number
