"""Chart data for the supervisors' dashboard, from the read models only (no workflow is loaded)."""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from app import clock
from app.clock import CHINA
from app.extensions import db
from app.models import Center, HumanTask, ProcessDefinition, ProcessInstance, Timer, User
from app.services.centers.registry import STATUSES
from app.services.centers.reports import SUBMIT_ELEMENTS
from app.services.monitoring.instance_board import POLICY, require_oversight, scope_clause
from app.services.time import deadlines
from app.vocabulary import OPEN_STATUSES, REPORTING_STATUSES, ProcessKey, TaskState, TimerState

LAG_DAYS = 30
LAG_RECENT = 200


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile of `values` (None when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def chart_data(user: User) -> dict[str, Any]:
    """Every chart of the dashboard as JSON-ready data for the policies `user` oversees."""
    policy = require_oversight(user)
    now = clock.now()
    centers = list(db.session.scalars(
        select(Center).where(*([Center.policy == policy] if policy else [])).order_by(Center.id)
    ))
    return {
        "now": now.astimezone(CHINA).isoformat(),
        "centers_by_status": centers_by_status(centers),
        "annual_reports": annual_reports(centers, now),
        "overdue_by_procedure": overdue_by_procedure(user, now),
        "timer_lag": timer_lag(user, now),
    }


def centers_by_status(centers: list[Center]) -> dict[str, Any]:
    """Per policy, how many centers are in each status (a stacked bar per policy)."""
    counts = Counter((c.policy, c.status) for c in centers)
    policies = sorted({c.policy for c in centers})
    statuses: list[str] = [s for s in STATUSES if any(counts[(p, s)] for p in policies)]
    statuses += sorted({s for _p, s in counts} - set(statuses))
    return {
        "policies": policies,
        "series": [{"status": s, "data": [counts[(p, s)] for p in policies]} for s in statuses],
        "total": len(centers),
    }


def annual_reports(centers: list[Center], now: datetime) -> dict[str, Any]:
    """This year's reports (on last year), per policy: owed by the centers, and received (submitted)."""
    year = now.astimezone(CHINA).year - 1
    owing = [c for c in centers if c.status in REPORTING_STATUSES and deadlines.owes_annual_report(c, year)]
    keys = {f"{c.policy}_annual_report:{c.id}:{year}": c for c in owing}
    received_keys = set(db.session.scalars(
        select(ProcessInstance.business_key).distinct()
        .join(HumanTask, HumanTask.instance_id == ProcessInstance.id)
        .where(ProcessInstance.business_key.in_(keys), HumanTask.element_id.in_(SUBMIT_ELEMENTS),
               HumanTask.state == TaskState.COMPLETED)
    )) if keys else set()
    policies = sorted({c.policy for c in centers})
    owed = Counter(c.policy for c in owing)
    received = Counter(keys[k].policy for k in received_keys if k in keys)
    return {
        "report_year": year,
        "policies": policies,
        "owed": [owed[p] for p in policies],
        "received": [received[p] for p in policies],
        "missing": [owed[p] - received[p] for p in policies],
    }


def overdue_by_procedure(user: User, now: datetime) -> dict[str, Any]:
    """Ready tasks past due, by procedure (x axis) and policy (stacked series)."""
    query = (
        select(ProcessInstance.process_key, POLICY, func.count(HumanTask.id))
        .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
        .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
        .outerjoin(Center, Center.id == ProcessInstance.center_id)
        .where(HumanTask.overdue_at(now),
               ProcessInstance.status.in_(OPEN_STATUSES))
        .group_by(ProcessInstance.process_key, POLICY)
    )
    scope = scope_clause(user)
    if scope is not None:
        query = query.where(scope)
    counts: dict[tuple[str, str], int] = {}
    for key, policy, count in db.session.execute(query):
        parsed = ProcessKey.parse(key)
        procedure = parsed.procedure if parsed.policy == policy else key
        counts[(procedure, policy)] = counts.get((procedure, policy), 0) + int(count)
    procedures = sorted({p for p, _ in counts})
    policies = sorted({p for _, p in counts})
    return {
        "procedures": procedures,
        "series": [{"policy": p, "data": [counts.get((proc, p), 0) for proc in procedures]} for p in policies],
        "total": sum(counts.values()),
    }


def timer_lag(user: User, now: datetime) -> dict[str, Any]:
    """How late timers fired (seconds): p50/p95/max per China day over the last days, and of the recent ones."""
    base = (
        select(Timer.fired_at, Timer.lag_ms)
        .join(ProcessInstance, ProcessInstance.id == Timer.instance_id)
        .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
        .outerjoin(Center, Center.id == ProcessInstance.center_id)
        .where(Timer.state == TimerState.FIRED, Timer.lag_ms.is_not(None), Timer.fired_at.is_not(None))
    )
    scope = scope_clause(user)
    if scope is not None:
        base = base.where(scope)
    since = now - timedelta(days=LAG_DAYS)
    by_day: dict[str, list[float]] = defaultdict(list)
    for fired_at, lag in db.session.execute(base.where(Timer.fired_at >= since)):
        by_day[fired_at.astimezone(CHINA).date().isoformat()].append(float(lag) / 1000)
    recent = [float(lag) / 1000 for _f, lag in db.session.execute(
        base.order_by(Timer.fired_at.desc(), Timer.id.desc()).limit(LAG_RECENT)
    )]
    days = sorted(by_day)
    return {
        "unit": "s",
        "days": days,
        "p50": [percentile(by_day[d], 50) for d in days],
        "p95": [percentile(by_day[d], 95) for d in days],
        "max": [max(by_day[d]) for d in days],
        "count": [len(by_day[d]) for d in days],
        "recent": {"n": len(recent), "p50": percentile(recent, 50), "p95": percentile(recent, 95),
                   "max": max(recent) if recent else None},
    }
