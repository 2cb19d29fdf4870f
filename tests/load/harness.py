"""A production-shaped cluster on the local PostgreSQL for load and fault tests: web and scheduler processes.

Used by tests/api/test_mixed_load.py (a short bounded run) and by scripts/two_schedulers and
scripts/kill9_load (long runs that print figures). Traffic goes to 127.0.0.1 only; every loop is bounded in
count and time; every process started here is stopped here (by its own pid).

- `fresh_database` / `drop_database`: a throw-away database on the server of `admin_url`.
- `prepare`: schema, the repository's processes plus two probes (three user tasks; one timer), a center with
  an applicant, `instances` three-task instances and `timers` timer probes due one hour after START.
- `Cluster`: `tic serve` and `tic scheduler` processes on that database (simulated clock, no in-process
  scheduler), waiting until each web process is ready (GET /api/v1/ready).
- `drive`: client threads completing every task through the web processes in turn, with a second,
  concurrent completion of some tasks through another process (exactly one may win).
- `verify`: every task completed exactly once, every timer fired exactly once, nothing left behind.
"""
from __future__ import annotations

import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
TIC = str(Path(sys.executable).parent / "tic")
START = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
ELEMENTS = ["task_one", "task_two", "task_three"]


def fresh_database(admin_url: str) -> str:
    """Create an empty database next to `admin_url`'s and return its URL."""
    name = f"tic_load_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_database(admin_url: str, url: str) -> None:
    """Drop the database `fresh_database` made."""
    name = sa.engine.make_url(url).database
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@dataclass
class Scene:
    """What `prepare` made: the applicant's token, the three-task instances and the timer probes."""

    url: str
    token: str
    instances: list[int]
    probes: list[int]


def prepare(url: str, instances: int, timers: int) -> Scene:
    """Schema, processes and probes, people, a center, the instances and the timer probes (in this process)."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.models import ClockState
    from app.services.centers.registry import create_center
    from app.services.infrastructure.deploy import deploy_directory, deploy_file
    from app.services.people.users import create_user, organisation
    from app.services.running.instances import start_instance

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TIC_CLOCK": "simulated", "TESTING": True})
    staging = Path(tempfile.mkdtemp(prefix="tic-load-"))
    try:
        (staging / "nmg2025").mkdir()
        shutil.copy(ROOT / "benchmarks" / "three_tasks.bpmn", staging / "nmg2025" / "bench.bpmn")
        shutil.copy(ROOT / "tests" / "fixtures" / "nmg2025" / "timer_probe.bpmn", staging / "nmg2025" / "timer_probe.bpmn")
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            db.session.add(ClockState(id=1, now=START))
            db.session.commit()
            deploy_directory(ROOT / "processes")
            for name in ("bench", "timer_probe"):
                deploy_file(staging / "nmg2025" / f"{name}.bpmn", staging)
            applicant_org = organisation("负载测试 申报单位", "applicant", "nmg2025")
            supervisor_org = organisation("负载测试 监督单位", "supervisor", "nmg2025")
            _, token = create_user("load_applicant", "applicant", organisation_id=applicant_org.id, policy="nmg2025")
            supervisor, _ = create_user("load_supervisor", "supervisor", organisation_id=supervisor_org.id,
                                        policy="nmg2025")
            db.session.commit()
            center = create_center(supervisor, name="负载测试中心", policy="nmg2025", category="field",
                                   status="established",
                                   organisations={"applicant": applicant_org.id, "supervisor": supervisor_org.id})
            fire_at = (START + timedelta(hours=1)).isoformat()
            started = [start_instance(None, "nmg2025_bench", center.id, {}).id for _ in range(instances)]
            probes = [start_instance(None, "nmg2025_timer_probe", center.id, {"fire_at": fire_at}).id
                      for _ in range(timers)]
            db.engine.dispose()
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Scene(url, token, started, probes)


def set_clock(url: str, moment: datetime) -> None:
    """Move the stored simulated clock (the processes read it from the database)."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE clock_state SET now = %(now)s WHERE id = 1", {"now": moment})
    engine.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Cluster:
    """Web and scheduler processes of one database; stop() ends them all (by their own pids)."""

    url: str
    webs: int = 2
    schedulers: int = 2
    workers: int = 1
    web_urls: list[str] = field(default_factory=list)
    web_procs: list[subprocess.Popen[bytes]] = field(default_factory=list)
    scheduler_procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def env(self) -> dict[str, str]:
        """The environment of the processes: this database, simulated clock, no in-process scheduler."""
        return {**os.environ, "TIC_DATABASE_URL": self.url, "TIC_CLOCK": "simulated", "TIC_SCHEDULER": "0",
                "TIC_SCHEDULER_INTERVAL": "0.2", "TIC_LOG_FORMAT": "json", "TIC_EMAIL": "0"}

    def start_web(self, port: int | None = None) -> tuple[str, subprocess.Popen[bytes]]:
        """One `tic serve` process; returns its base URL once it answers ready."""
        port = port or _free_port()
        proc = subprocess.Popen([TIC, "serve", "--port", str(port), "--workers", str(self.workers), "--threads", "4"],
                                env=self.env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"tic serve on {port} exited with {proc.returncode}")
            try:
                if requests.get(f"{base}/api/v1/ready", timeout=2).status_code == 200:
                    return base, proc
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"tic serve on {port} never became ready")

    def start(self) -> Cluster:
        """Start the web processes (in parallel) and the schedulers."""
        with ThreadPoolExecutor(max(1, self.webs)) as pool:
            for base, proc in pool.map(lambda _i: self.start_web(), range(self.webs)):
                self.web_urls.append(base)
                self.web_procs.append(proc)
        self.scheduler_procs = [
            subprocess.Popen([TIC, "scheduler"], env=self.env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
            for _ in range(self.schedulers)
        ]
        return self

    def alive(self) -> bool:
        """Whether every process started is still running."""
        return all(p.poll() is None for p in self.web_procs + self.scheduler_procs)

    def stop(self) -> None:
        """SIGTERM each process group started here, then SIGKILL what is left after 20 s."""
        stop_process_groups(self.web_procs + self.scheduler_procs)


def stop_process_groups(procs: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM the process group of each of `procs` (started with start_new_session), SIGKILL after 20 s."""
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


@dataclass
class Load:
    """What the clients saw."""

    statuses: Counter[int] = field(default_factory=Counter)
    acknowledged: set[tuple[int, str]] = field(default_factory=set)  # (instance, element) answered 200
    transport_errors: int = 0
    seconds: float = 0.0

    def server_errors(self) -> int:
        """Answers with a 5xx status."""
        return sum(n for status, n in self.statuses.items() if status >= 500)


def _ready_task(session: requests.Session, base: str, token: str, instance: int) -> dict[str, Any] | None:
    answer = session.get(f"{base}/api/v1/instances/{instance}", headers={"Authorization": f"Bearer {token}"},
                         timeout=30)
    answer.raise_for_status()
    tasks = answer.json()["ready_tasks"]
    return tasks[0] if tasks else None


def drive(bases: list[str], token: str, instances: list[int], *, threads: int = 6, duplicate_every: int = 4,
          limit_s: float = 120.0, lock: threading.Lock | None = None) -> Load:
    """Complete every task of `instances`, round-robin over `bases`; every `duplicate_every`-th completion is
    also sent, at the same moment, through another web process. Transport errors (a killed process) are
    retried through the next process; a 409 after a retry means the first attempt went through."""
    load = Load()
    guard = lock or threading.Lock()
    started = time.monotonic()
    headers = {"Authorization": f"Bearer {token}"}

    def one_instance(index_and_id: tuple[int, int]) -> None:
        index, instance = index_and_id
        session = requests.Session()
        step = 0
        while time.monotonic() - started < limit_s:
            base = bases[(index + step) % len(bases)]
            try:
                task = _ready_task(session, base, token, instance)
            except requests.RequestException:
                with guard:
                    load.transport_errors += 1
                step += 1
                continue
            if task is None:
                return
            url = f"/api/v1/tasks/{task['id']}/complete"
            targets = [base]
            if duplicate_every and (index + step) % duplicate_every == 0 and len(bases) > 1:
                targets.append(bases[(index + step + 1) % len(bases)])
            with ThreadPoolExecutor(len(targets)) as pool:
                answers = list(pool.map(lambda b, path=url: _post(b + path, headers), targets))
            with guard:
                for status in answers:
                    if status is None:
                        load.transport_errors += 1
                        continue
                    load.statuses[status] += 1
                    if status == 200:
                        load.acknowledged.add((instance, task["element_id"]))
            step += 1

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(one_instance, enumerate(instances)))
    load.seconds = time.monotonic() - started
    return load


def _post(url: str, headers: dict[str, str]) -> int | None:
    try:
        return requests.post(url, json={"data": {}}, headers=headers, timeout=30).status_code
    except requests.RequestException:
        return None


def wait_for_timers(url: str, expected: int, limit_s: float) -> float:
    """Seconds until `expected` timers have fired (or the limit)."""
    engine = sa.create_engine(url)
    began = time.monotonic()
    try:
        while time.monotonic() - began < limit_s:
            with engine.connect() as conn:
                fired = conn.exec_driver_sql("SELECT count(*) FROM timer WHERE state = 'fired'").scalar_one()
            if fired >= expected:
                break
            time.sleep(0.2)
    finally:
        engine.dispose()
    return time.monotonic() - began


def verify(scene: Scene) -> dict[str, Any]:
    """Exactly-once figures from the database: completions per task, firings per timer, instance states."""
    engine = sa.create_engine(scene.url)
    with engine.connect() as conn:
        completed = Counter(tuple(row) for row in conn.exec_driver_sql(
            "SELECT instance_id, element_id FROM event WHERE kind = 'element_completed' "
            "AND element_id IN ('task_one', 'task_two', 'task_three')"))
        fired = Counter(row[0] for row in conn.exec_driver_sql(
            "SELECT instance_id FROM event WHERE kind = 'timer_fired'"))
        statuses = Counter(row[0] for row in conn.exec_driver_sql(
            "SELECT status FROM process_instance WHERE id = ANY(%(ids)s)", {"ids": scene.instances + scene.probes}))
        claimed_by = Counter(row[0] for row in conn.exec_driver_sql(
            "SELECT claimed_by FROM timer WHERE state = 'fired'"))
        ready_left = conn.exec_driver_sql(
            "SELECT count(*) FROM human_task WHERE state = 'ready' AND instance_id = ANY(%(ids)s)",
            {"ids": scene.instances}).scalar_one()
    engine.dispose()
    expected_tasks = {(i, e) for i in scene.instances for e in ELEMENTS}
    return {
        "tasks_completed_once": sum(1 for key in expected_tasks if completed.get(key) == 1),
        "tasks_completed_twice_or_more": sum(1 for n in completed.values() if n > 1),
        "tasks_expected": len(expected_tasks),
        "timers_fired_once": sum(1 for i in scene.probes if fired.get(i) == 1),
        "timers_fired_twice_or_more": sum(1 for i in scene.probes if fired.get(i, 0) > 1),
        "timers_expected": len(scene.probes),
        "instances": dict(statuses),
        "ready_tasks_left": int(ready_left),
        "firings_by_scheduler": {str(k): v for k, v in claimed_by.items()},
        "completed": completed,
    }


def lost_acknowledgements(load: Load, figures: dict[str, Any]) -> list[tuple[int, str]]:
    """Completions a client was told succeeded (200) that the database does not hold."""
    completed: Counter[tuple[int, str]] = figures["completed"]
    return sorted(key for key in load.acknowledged if completed.get(key, 0) != 1)


def shuffled(values: list[int], seed: int = 15) -> list[int]:
    """The same order every run."""
    copy = list(values)
    random.Random(seed).shuffle(copy)
    return copy
