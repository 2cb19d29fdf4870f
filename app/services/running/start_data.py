"""Start data each procedure needs, computed from the center and the policy (e.g. report deadlines)."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _

from app.clock import CHINA
from app.errors import InvalidSubmission
from app.models import Center
from app.services.time.cycles import current_operation_cycle, operation_cycle
from app.services.time.deadlines import (
    annual_report_due,
    annual_report_exemption,
    annual_report_reminder_days,
    evaluation_cycle,
    evaluation_due_cycle,
)
from app.vocabulary import procedure_of


def _annual_report(center: Center, data: dict[str, Any], now: datetime) -> dict[str, Any]:
    year = data.get("report_year", now.astimezone(CHINA).year - 1)
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
        raise InvalidSubmission(_("报告年度无效"), {"data.report_year": [_("报告年度必须是 2000–2100 之间的整数")]})
    exemption = annual_report_exemption(center, year)
    if exemption is not None:
        raise InvalidSubmission(_("该中心无需提交该年度报告"), {"data.report_year": [exemption]})
    due = annual_report_due(center.policy, year)
    if due is None:
        raise InvalidSubmission(_("该政策未配置年度报告截止日期"), {"data.report_year": [_("该政策未配置年度报告截止日期")]})
    days_before = annual_report_reminder_days(center.policy)
    return {
        "report_year": year,
        "due_at": data.get("due_at") or due.isoformat(),
        "remind_at": data.get("remind_at") or (due - timedelta(days=days_before)).isoformat(),
    }


def _evaluation(center: Center, data: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The cycle an evaluation closes: the one that has fallen due, else (started early) the running one."""
    if data.get("cycle"):
        return {"cycle": int(data["cycle"])}
    due = evaluation_due_cycle(center, now)
    if due is not None:
        return {"cycle": due.number}
    first = evaluation_cycle(center, 1)
    return {"cycle": 1} if first is not None else {}


def _operation_plan(center: Center, data: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The construction & operation cycle the plan is for: the one given, else the one running now."""
    number = data.get("cycle")
    cycle = operation_cycle(center, int(number)) if number else current_operation_cycle(center, now)
    if cycle is None:
        return {}
    return {"cycle": cycle.number, "cycle_start": cycle.start.isoformat(), "cycle_end": cycle.end.isoformat()}


_PREPARERS = {"annual_report": _annual_report, "evaluation": _evaluation, "operation_plan": _operation_plan}


def prepare(process_key: str, center: Center, data: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The instance's initial data: the caller's data plus the center and computed deadlines."""
    procedure = procedure_of(process_key)
    prepared = {
        **data, "center_id": center.id, "center_name": center.name, "policy": center.policy,
        "center_status": center.status, "center_category": center.category,
        "center_approved_at": center.approved_at.isoformat() if center.approved_at else None,
        "center_established_at": center.established_at.isoformat() if center.established_at else None,
        "center_profile": dict(center.profile or {}),
    }
    preparer = _PREPARERS.get(procedure)
    if preparer is not None:
        prepared.update(preparer(center, data, now))
    return prepared
