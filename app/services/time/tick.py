"""One scheduler tick: what the scheduler jobs and a simulated-clock move both run, in this order."""
from __future__ import annotations

from dataclasses import dataclass

from app.services.infrastructure.mailer import deliver_due_emails
from app.services.running.timers import fire_due_timers
from app.services.time.recurring import start_annual_reports, start_evaluations, start_operation_cycles


@dataclass
class TickReport:
    """What one tick did."""

    started: int
    timers_fired: int
    emails_sent: int


def deliver_emails() -> int:
    """Deliver due emails from the outbox; returns how many were sent."""
    return deliver_due_emails().sent


def run_tick() -> TickReport:
    """Start due recurring procedures (annual reports, evaluations, cycle plans), fire every due timer (repeat while firing starts more), send email."""
    started = len(start_annual_reports())
    fired = fire_due_timers()
    # after the timers: a procedure's own timer (nmg2020 preparation's three years) starts its cycle first
    started += len(start_evaluations())
    started += len(start_operation_cycles())
    return TickReport(started=started, timers_fired=fired, emails_sent=deliver_emails())
