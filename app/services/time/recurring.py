"""Start recurring procedures: each year's annual report, each cycle's evaluation and each construction & operation
cycle's plan (a policy's `operation_cycle`), for every center that owes one."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from app import clock
from app.errors import DomainError
from app.extensions import db
from app.models import Center, ProcessDefinition, ProcessInstance
from app.services import transactions
from app.services.centers import lifecycle
from app.services.centers.policies import policy
from app.services.running.instances import start_instance
from app.services.time import cycles, deadlines
from app.vocabulary import REPORTING_STATUSES, Procedure, ProcessKey, business_key

DEFAULT_LEAD_DAYS = 60


def _lead(policy_key: str) -> timedelta:
    rule = policy(policy_key).get("annual_report", {})
    reminder = deadlines.annual_report_reminder_days(policy_key)
    return timedelta(days=max(int(rule.get("start_days_before", DEFAULT_LEAD_DAYS)), reminder + 1))


def start_annual_reports() -> list[int]:
    """Start the annual-report instance of every center that owes one and whose start window opened."""
    now = clock.now()
    deployed = set(db.session.scalars(select(ProcessDefinition.key).distinct()))
    centers = list(db.session.scalars(select(Center).where(Center.status.in_(REPORTING_STATUSES))))
    existing = set(db.session.scalars(
        select(ProcessInstance.business_key).where(ProcessInstance.process_key.like("%_annual_report"))
    ))
    transactions.rollback()
    started = []
    year_now = now.astimezone(clock.CHINA).year
    for center in centers:
        key = f"{center.policy}_annual_report"
        if key not in deployed:
            continue
        for year in (year_now - 1, year_now):
            if f"{key}:{center.id}:{year}" in existing or not _window_open(center, year, now):
                continue
            instance_id = _start(center, key, {"report_year": year})
            if instance_id is not None:
                started.append(instance_id)
    return started


def start_evaluations() -> list[int]:
    """Start the periodic evaluation of every center whose cycle has fallen due, once per center and cycle."""
    now = clock.now()
    deployed = set(db.session.scalars(select(ProcessDefinition.key).distinct()))
    existing = set(db.session.scalars(
        select(ProcessInstance.business_key).where(ProcessInstance.process_key.like("%_evaluation"))
    ))
    centers = [c for c in db.session.scalars(select(Center).order_by(Center.id))
               if str(ProcessKey(c.policy, Procedure.EVALUATION)) in deployed and _may_be_evaluated(c)]
    transactions.rollback()
    started = []
    for center in centers:
        key = str(ProcessKey(center.policy, Procedure.EVALUATION))
        cycle = deadlines.evaluation_due_cycle(center, now)
        if cycle is None or business_key(key, {"center_id": center.id, "cycle": cycle.number}) in existing:
            continue
        instance_id = _start(center, key, {"cycle": cycle.number})
        if instance_id is not None:
            started.append(instance_id)
    return started


def start_operation_cycles() -> list[int]:
    """Start the plan of each center's running construction & operation cycle, once per center and cycle.

    Driven by policy.yaml `operation_cycle` (its `procedure`, e.g. national_operation_plan 第十七条5): when a cycle
    has run out the next one's plan is due; with `admission` (national 第三十条) only once the center is admitted.
    """
    now = clock.now()
    deployed = set(db.session.scalars(select(ProcessDefinition.key).distinct()))
    candidates: list[tuple[Center, str, int]] = []
    for center in db.session.scalars(select(Center).order_by(Center.id)):
        procedure = str(cycles.operation_rule(center.policy).get("procedure") or "")
        key = str(ProcessKey(center.policy, procedure))
        if not procedure or key not in deployed or not _may_start(center, procedure):
            continue
        cycle = cycles.current_operation_cycle(center, now)
        if cycle is not None and cycles.admitted(center, cycle.number):
            candidates.append((center, key, cycle.number))
    existing = set(db.session.scalars(select(ProcessInstance.business_key).where(
        ProcessInstance.process_key.in_({key for _, key, _ in candidates}))))
    due = [(c, key, n) for c, key, n in candidates
           if business_key(key, {"center_id": c.id, "cycle": n}) not in existing]
    transactions.rollback()
    started = []
    for center, key, number in due:
        instance_id = _start(center, key, {"cycle": number})
        if instance_id is not None:
            started.append(instance_id)
    return started


def _may_be_evaluated(center: Center) -> bool:
    return _may_start(center, Procedure.EVALUATION)


def _may_start(center: Center, procedure: str) -> bool:
    rule = lifecycle.start_rule(center.policy, procedure)
    return rule is not None and center.status in rule.states


def _window_open(center: Center, year: int, now: datetime) -> bool:
    if not deadlines.owes_annual_report(center, year):
        return False
    due = deadlines.annual_report_due(center.policy, year)
    return due is not None and now >= due - _lead(center.policy)


def _start(center: Center, key: str, data: dict[str, Any]) -> int | None:
    try:
        return start_instance(None, key, center.id, data).id
    except DomainError:  # e.g. Conflict: another scheduler started it first (unique business key)
        transactions.rollback()
        return None
