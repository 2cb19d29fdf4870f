"""Typed SQLAlchemy models: the persistent state and the read models."""
from app.models.audit import Event, Notification
from app.models.calendar import CalendarDay, CalendarYear
from app.models.centers import Center, CenterOrganisation
from app.models.clock import ClockState
from app.models.design import DesignDraft
from app.models.files import StoredFile
from app.models.people import Organisation, User
from app.models.processes import HumanTask, ProcessDefinition, ProcessInstance, Timer
from app.models.security import LoginFailure, LoginSession

__all__ = [
    "CalendarDay",
    "CalendarYear",
    "Center",
    "CenterOrganisation",
    "ClockState",
    "DesignDraft",
    "Event",
    "HumanTask",
    "LoginFailure",
    "LoginSession",
    "Notification",
    "Organisation",
    "ProcessDefinition",
    "ProcessInstance",
    "StoredFile",
    "Timer",
    "User",
]
