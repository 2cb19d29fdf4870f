"""Start recurring procedures: each year's annual report, each cycle's evaluation and each construction & operation
cycle's plan (a policy's `operation_cycle`), for every center that owes one.

Run on every scheduler tick, so they do not load every center each time: SQL keeps the centers a start could be
due for (the policy's procedure deployed, a status that allows it, a report window that has opened, a first cycle
that has run out) and the annual reports already started; only those centers are read, without their
organisations, and everything is decided before the read transaction ends (the starts then write).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import lazyload

from app import clock
from app.errors import DomainError
from app.extensions import db
from app.models import Center, ProcessDefinition, ProcessInstance
from app.services import transactions
from app.services.centers import lifecycle
from app.services.centers.policies import policy
from app.services.running.instances import start_instance
from app.services.time import cycles, deadlines
from app.vocabulary import REPORTING_STATUSES, Policy, Procedure, ProcessKey, business_key

DEFAULT_LEAD_DAYS = 60
CHUNK = 500  # centers read per query


def _lead(policy_key: str) -> timedelta:
    rule = policy(policy_key).get("annual_report", {})
    reminder = deadlines.annual_report_reminder_days(policy_key)
    return timedelta(days=max(int(rule.get("start_days_before", DEFAULT_LEAD_DAYS)), reminder + 1))


def _deployed(procedure: str) -> dict[str, str]:
    """Policy -> process key of `procedure` for every policy with a deployed version of it."""
    suffix = f"_{procedure}"
    keys = db.session.scalars(select(ProcessDefinition.key).where(ProcessDefinition.key.like(f"%{suffix}")).distinct())
    return {key.removesuffix(suffix): key for key in keys if key.endswith(suffix)}


def _centers(where: ColumnElement[bool]) -> list[Center]:
    """The centers matching `where` in id order, without their organisations (loaded only if used)."""
    query: Select[tuple[Center]] = select(Center).where(where).options(lazyload(Center.organisations))
    return list(db.session.scalars(query.order_by(Center.id)))


def _centers_by_id(ids: Iterable[int]) -> list[Center]:
    ordered = sorted(ids)
    found: list[Center] = []
    for start in range(0, len(ordered), CHUNK):
        found += _centers(Center.id.in_(ordered[start:start + CHUNK]))
    return found


def start_annual_reports() -> list[int]:
    """Start the annual-report instance of every center that owes one and whose start window opened."""
    now = clock.now()
    year_now = now.astimezone(clock.CHINA).year
    years_open = {p: years for p in _deployed(Procedure.ANNUAL_REPORT)
                  if (years := [y for y in (year_now - 1, year_now) if _window_opened(p, y, now)])}
    due: list[tuple[int, str, int]] = []
    if years_open:
        existing = set(db.session.scalars(select(ProcessInstance.business_key).where(
            ProcessInstance.process_key.like("%_annual_report"),
            or_(*(ProcessInstance.business_key.like(f"%:{y}") for y in {y for ys in years_open.values() for y in ys})),
        )))
        owing: dict[int, list[int]] = {}
        for year in sorted({y for ys in years_open.values() for y in ys}):
            policies = [p for p, ys in years_open.items() if year in ys]
            for center_id, policy_key in db.session.execute(select(Center.id, Center.policy).where(
                    Center.status.in_(REPORTING_STATUSES), Center.policy.in_(policies),
                    or_(Center.approved_at.is_(None), Center.approved_at < date(year + 1, 1, 1)))):  # approved by then
                if f"{policy_key}_annual_report:{center_id}:{year}" not in existing:
                    owing.setdefault(center_id, []).append(year)
        due = [(center.id, f"{center.policy}_annual_report", year) for center in _centers_by_id(owing)
               for year in owing[center.id] if deadlines.owes_annual_report(center, year)]
    transactions.rollback()  # the read ends: each start below is its own writing transaction
    return [i for center_id, key, year in due if (i := _start(center_id, key, {"report_year": year})) is not None]


def start_evaluations() -> list[int]:
    """Start the periodic evaluation of every center whose cycle has fallen due, once per center and cycle."""
    now = clock.now()
    today = now.astimezone(clock.CHINA).date()
    deployed = _deployed(Procedure.EVALUATION)
    filters = []
    for policy_key in deployed:
        rule = policy(policy_key).get("evaluation") or {}
        states = _start_states(policy_key, Procedure.EVALUATION)
        base = _base_date(rule)
        if states and "cycle_years" in rule and base is not None:  # the first cycle has run out: base years back
            filters.append(and_(Center.policy == policy_key, Center.status.in_(states),
                                base <= _years_before(today, int(rule["cycle_years"]))))

    def due_cycle(center: Center) -> int | None:
        cycle = deadlines.evaluation_due_cycle(center, now)
        return cycle.number if cycle is not None else None

    return _start_cycles(filters, deployed, due_cycle)


def start_operation_cycles() -> list[int]:
    """Start the plan of each center's running construction & operation cycle, once per center and cycle.

    Driven by policy.yaml `operation_cycle` (its `procedure`, e.g. national_operation_plan 第十七条5): when a cycle
    has run out the next one's plan is due; with `admission` (national 第三十条) only once the center is admitted.
    """
    now = clock.now()
    today = now.astimezone(clock.CHINA).date()
    deployed = set(db.session.scalars(select(ProcessDefinition.key).distinct()))
    filters, keys = [], {}
    for policy_key in Policy:
        rule = cycles.operation_rule(policy_key)
        procedure = str(rule.get("procedure") or "")
        key = str(ProcessKey(policy_key, procedure)) if procedure else ""
        states = _start_states(policy_key, procedure) if key in deployed else frozenset()
        base = _base_date(rule)
        if states and base is not None:  # the first cycle has begun once its base date is reached
            keys[str(policy_key)] = key
            filters.append(and_(Center.policy == policy_key, Center.status.in_(states), base <= today))

    def due_cycle(center: Center) -> int | None:
        cycle = cycles.current_operation_cycle(center, now)
        return cycle.number if cycle is not None and cycles.admitted(center, cycle.number) else None

    return _start_cycles(filters, keys, due_cycle)


def _start_cycles(filters: list[ColumnElement[bool]], keys: dict[str, str],
                  due_cycle: Callable[[Center], int | None]) -> list[int]:
    """Start, for each center matching one of `filters`, its policy's procedure (`keys`) for the cycle `due_cycle`
    says is due, unless started already (its business key); decided in the read, then each start writes."""
    due: list[tuple[int, str, int]] = []
    if filters:
        existing = set(db.session.scalars(select(ProcessInstance.business_key).where(
            ProcessInstance.process_key.in_(set(keys.values())))))
        for center in _centers(or_(*filters)):
            key, number = keys[center.policy], due_cycle(center)
            if number is not None and business_key(key, {"center_id": center.id, "cycle": number}) not in existing:
                due.append((center.id, key, number))
    transactions.rollback()  # the read ends: each start below is its own writing transaction
    return [i for center_id, key, number in due if (i := _start(center_id, key, {"cycle": number})) is not None]


def _start_states(policy_key: str, procedure: str) -> frozenset[str]:
    rule = lifecycle.start_rule(policy_key, procedure) if procedure else None
    return rule.states if rule is not None else frozenset()


def _base_date(rule: dict[str, Any]) -> ColumnElement[Any] | None:
    """The center's first date named in the rule's `starts_from` (as `cycles`/`deadlines` choose it), in SQL; None
    when it names no column (no center has cycles then)."""
    fields = [getattr(Center, name) for name in rule.get("starts_from", ["established_at", "approved_at"])
              if name in Center.__table__.c]
    if not fields:
        return None
    return func.coalesce(*fields) if len(fields) > 1 else fields[0]


def _years_before(day: date, years: int) -> date:
    """A day on or after every base date whose `years`-long first cycle ended before `day` (one day of slack)."""
    return deadlines.add_years(day, -years) + timedelta(days=1)


def _window_opened(policy_key: str, year: int, now: datetime) -> bool:
    """Whether the start window of the policy's report on `year` has opened (the center's exemption aside)."""
    due = deadlines.annual_report_due(policy_key, year)
    return due is not None and now >= due - _lead(policy_key)


def _start(center_id: int, key: str, data: dict[str, Any]) -> int | None:
    try:
        return start_instance(None, key, center_id, data).id
    except DomainError:  # e.g. Conflict: another scheduler started it first (unique business key)
        transactions.rollback()
        return None
