"""One scheduler tick: what the scheduler jobs and a simulated-clock move both run, in this order."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.models import Timer
from app.services import transactions
from app.services.infrastructure.mailer import deliver_due_emails
from app.services.running.timers import fire_due_timers
from app.services.time.recurring import start_annual_reports, start_evaluations, start_operation_cycles
from app.vocabulary import TimerState

# how far a simulated clock moves between two ticks when it is moved a long way: the recurring starts look at the
# current and the previous report year, so a jump of a year or more must pass through the years between
STRIDE = timedelta(days=14)


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


def advance_to(target: datetime, *, tick_at_target: bool = True) -> TickReport:
    """Move the simulated clock to `target` as time passes: every timer fires at its own moment and the recurring
    starts run at least every STRIDE (and at `target`, unless told not to); commits as it goes. Returns the sum of
    the ticks."""
    total = TickReport(started=0, timers_fired=0, emails_sent=0)
    while (now := clock.now()) < target:
        following = db.session.scalar(select(func.min(Timer.due_at)).where(
            Timer.state == TimerState.WAITING, Timer.due_at > now))
        timer_due = following is not None and following + timedelta(seconds=1) <= min(target, now + STRIDE)
        moment = min(target, now + STRIDE, *([following + timedelta(seconds=1)] if following else []))
        clock.set_simulated(moment)
        transactions.commit_and_expire()
        if timer_due or moment < target or tick_at_target:
            report = run_tick()
            total = TickReport(total.started + report.started, total.timers_fired + report.timers_fired,
                               total.emails_sent + report.emails_sent)
    return total
