"""When a center's annual report was submitted: the first completion of the report's submission task."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.models import Center, HumanTask, ProcessInstance
from app.vocabulary import TaskState

SUBMIT_ELEMENTS = ("submit_report",)


def submitted_at(center: Center, report_year: int) -> datetime | None:
    """When the report on `report_year` was first submitted (on time or late), or None if it never was."""
    key = f"{center.policy}_annual_report:{center.id}:{report_year}"
    return db.session.scalar(
        select(HumanTask.completed_at)
        .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
        .where(ProcessInstance.business_key == key, HumanTask.element_id.in_(SUBMIT_ELEMENTS),
               HumanTask.state == TaskState.COMPLETED)
        .order_by(HumanTask.completed_at)
        .limit(1)
    )
