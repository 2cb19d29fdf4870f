"""What a supervisor acts on, from the read models only (no workflow is loaded): annual reports received vs
owed by policy and region, overdue steps by procedure and organisation, centers by state, evaluations falling
due. Every label is in the user's language. How late timers fire is the operator's page (`operations_data`).
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app import clock
from app.clock import CHINA
from app.errors import Forbidden
from app.extensions import db
from app.labels import POLICY_LABELS, STATUS_LABELS
from app.models import Center, HumanTask, Organisation, ProcessDefinition, ProcessInstance, Timer, User
from app.services.centers.registry import STATUSES
from app.services.centers.reports import SUBMIT_ELEMENTS
from app.services.monitoring.event_text import process_label
from app.services.monitoring.instance_board import require_oversight, scope_clause
from app.services.time import deadlines
from app.vocabulary import (
    OPEN_STATUSES,
    REPORTING_STATUSES,
    CenterStatus,
    Role,
    TaskState,
    TimerState,
)

LAG_DAYS = 30
LAG_RECENT = 200
EVALUATION_WINDOW_DAYS = 180
NO_REGION = _l("未指定地区")
NO_ORGANISATION = _l("未指定单位")


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile of `values` (None when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def policy_name(policy: str) -> str:
    """A policy in words (the key when unknown)."""
    return str(POLICY_LABELS.get(policy, policy))


def _centers(user: User) -> list[Center]:
    policy = require_oversight(user)
    return list(db.session.scalars(
        select(Center).where(*([Center.policy == policy] if policy else [])).order_by(Center.id)
    ))


def chart_data(user: User) -> dict[str, Any]:
    """Every chart of the dashboard as JSON-ready data, labels in words, for the policies `user` oversees."""
    centers = _centers(user)
    now = clock.now()
    return {
        "now": now.astimezone(CHINA).isoformat(),
        "now_text": now.astimezone(CHINA).strftime("%Y-%m-%d %H:%M"),
        "centers_by_status": centers_by_status(centers),
        "annual_reports": annual_reports(centers, now),
        "overdue_steps": (steps := overdue_steps(user, now)),
        "overdue_by_procedure": steps,  # the earlier name of overdue_steps, kept for existing readers
        "evaluations_due": [item.as_json() for item in evaluations_due(centers, now)],
    }


def centers_by_status(centers: list[Center]) -> dict[str, Any]:
    """Per policy, how many centers are in each state (a stacked bar per policy)."""
    counts = Counter((c.policy, c.status) for c in centers)
    policies = sorted({c.policy for c in centers})
    statuses: list[str] = [s for s in STATUSES if any(counts[(p, s)] for p in policies)]
    statuses += sorted({s for _p, s in counts} - set(statuses))
    return {
        "categories": [policy_name(p) for p in policies],
        "policies": policies,
        "series": [{"name": str(STATUS_LABELS.get(s, s)), "status": s, "data": [counts[(p, s)] for p in policies]}
                   for s in statuses],
        "total": len(centers),
    }


def regions(centers: list[Center]) -> dict[int, str]:
    """Each center's region: the name of its local_authority organisation (未指定地区 when it has none)."""
    wanted = {c.id: c.organisation_for(Role.LOCAL_AUTHORITY) for c in centers}
    ids = {o for o in wanted.values() if o is not None}
    names: dict[int, str] = dict(db.session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
    ).tuples().all()) if ids else {}
    return {cid: names.get(oid, str(NO_REGION)) if oid is not None else str(NO_REGION) for cid, oid in wanted.items()}


def annual_reports(centers: list[Center], now: datetime) -> dict[str, Any]:
    """This year's reports (on last year) by policy and region: owed by the centers, received, not received."""
    year = now.astimezone(CHINA).year - 1
    owing = [c for c in centers if c.status in REPORTING_STATUSES and deadlines.owes_annual_report(c, year)]
    keys = {f"{c.policy}_annual_report:{c.id}:{year}": c for c in owing}
    received_keys = set(db.session.scalars(
        select(ProcessInstance.business_key).distinct()
        .join(HumanTask, HumanTask.instance_id == ProcessInstance.id)
        .where(ProcessInstance.business_key.in_(keys), HumanTask.element_id.in_(SUBMIT_ELEMENTS),
               HumanTask.state == TaskState.COMPLETED)
    )) if keys else set()
    region = regions(owing)
    groups = sorted({(c.policy, region[c.id]) for c in owing})
    owed = Counter((c.policy, region[c.id]) for c in owing)
    received = Counter((c.policy, region[c.id]) for k, c in keys.items() if k in received_keys)
    due = deadlines.annual_report_due
    return {
        "report_year": year,
        "categories": [f"{policy_name(p)}·{r}" for p, r in groups],
        "policies": [p for p, _r in groups],
        "rows": [{"policy": policy_name(p), "region": r, "owed": owed[(p, r)], "received": received[(p, r)],
                  "missing": owed[(p, r)] - received[(p, r)]} for p, r in groups],
        "owed": [owed[g] for g in groups],
        "received": [received[g] for g in groups],
        "missing": [owed[g] - received[g] for g in groups],
        "past_due": [bool((d := due(p, year)) and d < now) for p, _r in groups],
    }


def overdue_steps(user: User, now: datetime) -> dict[str, Any]:
    """Ready tasks past due, by procedure (x axis, in words) and the organisation that must act (stacked series)."""
    query = (
        select(ProcessInstance.process_key, Organisation.name, func.count(HumanTask.id))
        .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
        .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
        .outerjoin(Center, Center.id == ProcessInstance.center_id)
        .outerjoin(Organisation, Organisation.id == HumanTask.organisation_id)
        .where(HumanTask.overdue_at(now), ProcessInstance.status.in_(OPEN_STATUSES))
        .group_by(ProcessInstance.process_key, Organisation.name)
    )
    scope = scope_clause(user)
    if scope is not None:
        query = query.where(scope)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for key, organisation, count in db.session.execute(query):
        counts[(process_label(key), organisation or str(NO_ORGANISATION))] += int(count)
    procedures = sorted({p for p, _ in counts})
    organisations = sorted({o for _, o in counts})
    return {
        "categories": procedures,
        "series": [{"name": o, "data": [counts.get((p, o), 0) for p in procedures]} for o in organisations],
        "total": sum(counts.values()),
    }


@dataclass(frozen=True)
class EvaluationDue:
    """A center whose periodic evaluation falls due within the window."""

    center_id: int
    center: str
    policy: str
    region: str
    period: str
    due: datetime
    days: int
    article: str
    note: str | None

    def as_json(self) -> dict[str, Any]:
        """JSON-ready, the due day as YYYY-MM-DD (China)."""
        return {"center_id": self.center_id, "center": self.center, "policy": self.policy, "region": self.region,
                "period": self.period, "due": self.due.astimezone(CHINA).date().isoformat(), "days": self.days,
                "article": self.article, "note": self.note}


def evaluations_due(centers: list[Center], now: datetime,
                    window_days: int = EVALUATION_WINDOW_DAYS) -> list[EvaluationDue]:
    """Centers whose evaluation period runs out within `window_days` days, soonest first."""
    until = now + timedelta(days=window_days)
    active = [c for c in centers if c.status in (CenterStatus.ESTABLISHED, CenterStatus.UNDER_CONSTRUCTION)]
    region = regions(active)
    found = [
        EvaluationDue(c.id, c.name, policy_name(c.policy), region[c.id], d.period, d.due, (d.due - now).days,
                      d.article, d.note)
        for c in active for d in deadlines.center_deadlines(c, now)
        if d.kind == "evaluation" and now <= d.due < until
    ]
    return sorted(found, key=lambda e: (e.due, e.center_id))


def evaluations_for(user: User) -> list[EvaluationDue]:
    """The evaluations falling due for the policies `user` oversees, at the application clock's now."""
    return evaluations_due(_centers(user), clock.now())


def require_operator(user: User) -> None:
    """Only an administrator runs the platform (the operator's page)."""
    if user.role != Role.ADMIN:
        raise Forbidden(_("只有管理员可以查看运行状况"))


def operations_data(user: User) -> dict[str, Any]:
    """The operator's figures: how late timers fired, for an administrator."""
    require_operator(user)
    now = clock.now()
    return {"now": now.astimezone(CHINA).strftime("%Y-%m-%d %H:%M"), "timer_lag": timer_lag(user, now)}


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
