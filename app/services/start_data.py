"""Start data each procedure needs, computed from the center and the policy (e.g. report deadlines)."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from app.clock import CHINA
from app.errors import InvalidSubmission
from app.models import Center
from app.services.policies import policy


def annual_report_due(policy_key: str, report_year: int) -> datetime:
    """End of the due day (China time) of the report on `report_year`, per the policy's yaml."""
    rule = policy(policy_key)["annual_report"]
    due_day = datetime(report_year + 1, int(rule["due_month"]), int(rule["due_day"])).date()
    return datetime.combine(due_day, time(23, 59, 59), CHINA)


def _annual_report(center: Center, data: dict[str, Any], now: datetime) -> dict[str, Any]:
    year = data.get("report_year", now.astimezone(CHINA).year - 1)
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
        raise InvalidSubmission("报告年度无效", {"data.report_year": ["报告年度必须是 2000–2100 之间的整数"]})
    due = annual_report_due(center.policy, year)
    days_before = int(policy(center.policy)["annual_report"].get("reminder_days_before", 30))
    return {
        "report_year": year,
        "due_at": data.get("due_at") or due.isoformat(),
        "remind_at": data.get("remind_at") or (due - timedelta(days=days_before)).isoformat(),
    }


_PREPARERS = {"annual_report": _annual_report}


def prepare(process_key: str, center: Center, data: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The instance's initial data: the caller's data plus the center and computed deadlines."""
    procedure = process_key.split("_", 1)[1] if "_" in process_key else process_key
    prepared = {**data, "center_id": center.id, "center_name": center.name, "policy": center.policy}
    preparer = _PREPARERS.get(procedure)
    if preparer is not None:
        prepared.update(preparer(center, data, now))
    return prepared
