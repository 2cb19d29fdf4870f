"""APScheduler jobs; each job opens an app context and calls one service."""
from __future__ import annotations

import logging
import threading

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from app.services.timers import fire_due_timers

log = logging.getLogger(__name__)
_started: dict[int, BaseScheduler] = {}
_lock = threading.Lock()


def _fire_job(app: Flask) -> None:
    with app.app_context():  # its teardown removes the job's database session
        fired = fire_due_timers()
        if fired:
            log.info("fired %d timers", fired)


def configure(scheduler: BaseScheduler, app: Flask) -> BaseScheduler:
    """Add the jobs; a late run is never dropped (misfire_grace_time=None) and never runs twice at once."""
    scheduler.add_job(
        _fire_job, "interval", args=[app], seconds=float(app.config["TIC_SCHEDULER_INTERVAL"]),
        id="fire_due_timers", misfire_grace_time=None, coalesce=True, max_instances=1, replace_existing=True,
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
    """The production form: `tic scheduler` runs the jobs in the foreground."""
    configure(BlockingScheduler(), app).start()
