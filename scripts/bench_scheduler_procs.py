"""The `tic scheduler` processes of scripts/bench_scheduler.py: start and stop them, watch their committed
firings, read back that each deadline fired exactly once, and their CPU time."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select

from app.models import Event, Timer
from tests.load import harness

TIC = str(Path(sys.executable).parent / "tic")


def start_schedulers(url: str, count: int) -> list[subprocess.Popen[bytes]]:
    """`count` `tic scheduler` processes on `url` (simulated clock), each in its own process group."""
    env = {**os.environ, "TIC_DATABASE_URL": url, "TIC_CLOCK": "simulated", "TIC_SCHEDULER": "0",
           "TIC_SCHEDULER_INTERVAL": "0.2", "TIC_EMAIL": "0"}
    return [subprocess.Popen([TIC, "scheduler"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True) for _ in range(count)]


def stop_schedulers(procs: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM each scheduler's process group (started here), SIGKILL after 20 s."""
    harness.stop_process_groups(procs)


def watch_firings(url: str, expected: int, limit_s: float, element_id: str = "timer_overdue",
                  ) -> tuple[int, list[float], float]:
    """Poll the committed firings of `element_id` every 50 ms from now; returns (fired, lag ms of each, seconds)."""
    engine = create_engine(url)
    began, lags, seen = time.perf_counter(), [], 0
    try:
        while time.perf_counter() - began < limit_s:
            with engine.connect() as conn:
                fired = conn.execute(select(func.count()).select_from(Timer).where(
                    Timer.element_id == element_id, Timer.state == "fired")).scalar_one()
            elapsed = (time.perf_counter() - began) * 1000
            lags.extend([elapsed] * (fired - seen))
            seen = fired
            if fired >= expected:
                break
            time.sleep(0.05)
    finally:
        engine.dispose()
    return seen, lags, time.perf_counter() - began


def exactly_once(url: str) -> dict[str, Any]:
    """From the database: deadline firings per instance (each once, none twice) and how the schedulers split them."""
    engine = create_engine(url)
    with engine.connect() as conn:
        per_instance = Counter(conn.execute(select(Event.instance_id).where(
            Event.kind == "timer_fired", Event.element_id == "timer_overdue")).scalars())
        by_worker = Counter(conn.execute(select(Timer.claimed_by).where(
            Timer.element_id == "timer_overdue", Timer.state == "fired")).scalars())
    engine.dispose()
    return {"fired_once": sum(1 for n in per_instance.values() if n == 1),
            "fired_twice_or_more": sum(1 for n in per_instance.values() if n > 1),
            "firings_by_scheduler": sorted(by_worker.values(), reverse=True)}


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process `pid` so far (Linux /proc; the load on other cores does not count)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
