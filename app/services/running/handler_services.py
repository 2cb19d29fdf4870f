"""The read-only lookups handlers may call (through the engine's registry, never importing the app)."""
from __future__ import annotations

from app import calendar
from app.engine.runtime import provide_handler_service
from app.services.centers.policies import policy
from app.services.centers.reports import consecutive_missing_reports
from app.vocabulary import CenterStatus


def provide_all() -> None:
    """Register every lookup handlers may use."""
    provide_handler_service("working_period", calendar.working_period)
    provide_handler_service("consecutive_missing_reports", consecutive_missing_reports)
    provide_handler_service("policy_data", policy)  # policy.yaml under TIC_PROCESSES_DIR
    provide_handler_service("center_statuses", lambda: tuple(CenterStatus))  # the one list, app/vocabulary.py
