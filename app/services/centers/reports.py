"""Annual-report history of a center: which owed reports were not submitted in time."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Center, HumanTask, ProcessInstance
from app.services.time import deadlines
from app.vocabulary import TaskState

SUBMIT_ELEMENTS = ("submit_report",)


def submitted_on_time(center: Center, report_year: int) -> bool:
    """True when the report on `report_year` was submitted by its deadline."""
    due = deadlines.annual_report_due(center.policy, report_year)
    key = f"{center.policy}_annual_report:{center.id}:{report_year}"
    completed = db.session.scalar(
        select(HumanTask.completed_at)
        .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
        .where(ProcessInstance.business_key == key, HumanTask.element_id.in_(SUBMIT_ELEMENTS),
               HumanTask.state == TaskState.COMPLETED)
        .order_by(HumanTask.completed_at)
        .limit(1)
    )
    return completed is not None and (due is None or completed <= due)


def consecutive_missing_reports(center_id: int, report_year: int) -> int:
    """Owed reports not submitted on time, counted backwards from `report_year` until one was."""
    center = db.session.get(Center, center_id)
    if center is None:
        return 0
    count = 0
    year = report_year
    while count < 10 and deadlines.owes_annual_report(center, year) and not submitted_on_time(center, year):
        count += 1
        year -= 1
    return count
