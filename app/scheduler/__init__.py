"""APScheduler jobs; each job opens an app context and calls one service."""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from app.services.running.timers import fire_due_timers
from app.services.time.recurring import start_annual_reports
from app.services.time.tick import deliver_emails

log = logging.getLogger(__name__)
_started: dict[int, BaseScheduler] = {}
_lock = threading.Lock()

# job id -> (service, default interval in seconds)
JOBS: dict[str, tuple[Callable[[], Any], float]] = {
    "fire_due_timers": (fire_due_timers, 1.0),
    "start_recurring_procedures": (start_annual_reports, 60.0),
    "deliver_emails": (deliver_emails, 5.0),
}


def _run(app: Flask, job_id: str) -> None:
    service = JOBS[job_id][0]
    with app.app_context():  # its teardown removes the job's database session
        result = service()
        if result:
            log.info("%s: %s", job_id, result)


def configure(scheduler: BaseScheduler, app: Flask) -> BaseScheduler:
    """Add the jobs; a late run is never dropped (misfire_grace_time=None) and never overlaps itself."""
    for job_id, (_service, interval) in JOBS.items():
        seconds = float(app.config["TIC_SCHEDULER_INTERVAL"]) if job_id == "fire_due_timers" else interval
        scheduler.add_job(
            _run, "interval", args=[app, job_id], seconds=seconds, id=job_id,
            misfire_grace_time=None, coalesce=True, max_instances=1, replace_existing=True,
        )
    return scheduler


def start_in_process(app: Flask) -> BaseScheduler:
    """Start the background scheduler inside this process (embedded default), at most once per app."""
    with _lock:
        existing = _started.get(id(app))
        if existing is not None:
            return existing
        scheduler = configure(BackgroundScheduler(daemon=True), app)
        scheduler.start()
        _started[id(app)] = scheduler
        return scheduler


def run_blocking(app: Flask) -> None:
    """The production form: `tic scheduler` runs the jobs in the foreground until stopped."""
    configure(BlockingScheduler(), app).start()
