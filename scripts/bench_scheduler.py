"""Scheduler benchmarks: the 31 January pile-up, and tick cost against the number of waiting timers.

One run prints figures and ratios; it never passes or fails on time. Status lines go to stderr, so
`--json` leaves exactly one JSON object on stdout.

    scripts/bench-scheduler [--centers N] [--backend sqlite|postgres|both] [--schedulers N] [--json]

pile-up   N centers (default 10,000) whose nmg2025 annual reports fall due at the same instant. One
          instance is started through the service layer; the others are bulk-created from its state
          (fresh task ids, their own center), with their human_task and timer rows. The simulated
          clock is moved past the deadline and the scheduler's own code path (claim one instance,
          fire its due timers in due order, commit) runs until nothing is due. Reported: wall time
          until every escalation fired, and the lag of each firing measured from the moment the
          clock passed the deadline (p50/p99/max). With `--schedulers N` the deadline is drained by N
          `tic scheduler` processes instead (started before the clock moves; this process polls the
          committed firings every 50 ms) and the exactly-once counts are read back from the trail.
recurring N centers that owe nothing now (their reports started, no window open, no cycle run out): the
          cost of a tick's recurring starts (annual reports, evaluations, operation cycles).
tick      1,000 and then 100,000 waiting timers, of which 100 are due: the cost of the tick that fires
          the 100, and of an idle tick (nothing due). The ratio 100k/1k must stay near 1: the due
          timers are found through the (state, due_at) index, waiting instances are never loaded.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_scheduler_procs import (  # noqa: E402
    cpu_seconds,
    exactly_once,
    start_schedulers,
    stop_schedulers,
    watch_firings,
)
from sqlalchemy import create_engine, func, insert, select  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import (  # noqa: E402
    Center,
    CenterOrganisation,
    ClockState,
    HumanTask,
    ProcessDefinition,
    ProcessInstance,
    Timer,
)
from app.services.infrastructure.deploy import deploy_directory  # noqa: E402
from app.services.people.users import organisation  # noqa: E402
from app.services.running import timers as timer_service  # noqa: E402
from app.services.running.instances import start_instance  # noqa: E402

TIC = str(Path(sys.executable).parent / "tic")
PG_ADMIN = os.environ.get("TIC_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
START = datetime(2026, 12, 15, 1, 0, tzinfo=UTC)  # 2026-12-15 09:00 China time: reports on 2026 are open
DUE = datetime(2027, 1, 31, 15, 59, 59, tzinfo=UTC)  # 2027-01-31 23:59:59 +08:00


def log(message: str) -> None:
    """A status line on stderr."""
    print(message, file=sys.stderr, flush=True)


def quantile(values: list[float], q: float) -> float:
    """The q-quantile (nearest rank) of `values`."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))] if ordered else float("nan")


@contextmanager
def database(backend: str) -> Iterator[str]:
    """A fresh, migrated database URL on `backend`, dropped afterwards."""
    if backend == "sqlite":
        tmp = Path(tempfile.mkdtemp(prefix="tic-bench-"))
        try:
            yield f"sqlite:///{tmp / 'bench.db'}"
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return
    name = f"tic_bench_{os.getpid()}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def make_app(url: str) -> Any:
    """The app on `url` with the simulated clock at START, schema migrated and processes deployed."""
    from flask_migrate import upgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TIC_CLOCK": "simulated", "TIC_EMAIL": False})
    with app.app_context():
        upgrade()
        deploy_directory(ROOT / "processes")
        set_clock(START)
    return app


def set_clock(moment: datetime) -> None:
    """Move the simulated clock without running a tick (as if no scheduler were looking)."""
    state = db.session.get(ClockState, 1)
    if state is None:
        db.session.add(ClockState(id=1, now=moment))
    else:
        state.now = moment
    db.session.commit()


def create_centers(count: int) -> list[int]:
    """`count` nmg2025 centers sharing one set of organisations (bulk insert)."""
    orgs = {role: organisation(f"基准{role}", role, "nmg2025").id
            for role in ("authority", "sponsor", "applicant", "supervisor")}
    first = (db.session.scalar(select(func.max(Center.id))) or 0) + 1
    db.session.execute(insert(Center), [
        {"id": first + i, "name": f"基准中心{first + i}", "policy": "nmg2025", "category": "field",
         "status": "established", "approved_at": START.date().replace(year=2026, month=6, day=1),
         "established_at": START.date().replace(year=2026, month=6, day=1), "profile": {}, "created_at": START}
        for i in range(count)
    ])
    db.session.execute(insert(CenterOrganisation), [
        {"center_id": first + i, "role": role, "organisation_id": org}
        for i in range(count) for role, org in orgs.items()
    ])
    db.session.commit()
    return list(range(first, first + count))


def clone_reports(center_ids: list[int]) -> None:
    """One real annual report for the first center, cloned with fresh task ids for every other center."""
    template = start_instance(None, "nmg2025_annual_report", center_ids[0], {"report_year": 2026})
    tasks = [dict(r._mapping) for r in db.session.execute(
        select(HumanTask.__table__).where(HumanTask.instance_id == template.id))]
    timers = [dict(r._mapping) for r in db.session.execute(
        select(Timer.__table__).where(Timer.instance_id == template.id))]
    next_id = template.id + 1
    instances, task_rows, timer_rows = [], [], []
    for center_id in center_ids[1:]:
        ids = {old: str(uuid.uuid4()) for old in set(UUID_RE.findall(template.state))}
        state = UUID_RE.sub(lambda m, fresh=ids: fresh[m.group(0)], template.state)
        state = state.replace(f'"center_id": {center_ids[0]},', f'"center_id": {center_id},')
        instances.append({
            "id": next_id, "definition_id": template.definition_id, "process_key": template.process_key,
            "center_id": center_id, "status": "running", "state": state, "version": 1,
            "business_key": f"nmg2025_annual_report:{center_id}:2026",
            "start_data": {**(template.start_data or {}), "center_id": center_id},
            "started_by": "bench", "started_at": START, "updated_at": START,
        })
        for row in tasks:
            task_rows.append({**{k: v for k, v in row.items() if k != "id"}, "instance_id": next_id,
                              "center_id": center_id, "task_uuid": ids[row["task_uuid"]]})
        for row in timers:
            timer_rows.append({**{k: v for k, v in row.items() if k != "id"}, "instance_id": next_id,
                               "task_uuid": ids[row["task_uuid"]]})
        next_id += 1
    for table, rows in ((ProcessInstance, instances), (HumanTask, task_rows), (Timer, timer_rows)):
        for start in range(0, len(rows), 2000):
            db.session.execute(insert(table), rows[start:start + 2000])
    db.session.commit()
    analyze()


def analyze() -> None:
    """Give PostgreSQL's planner statistics of the bulk-loaded tables (a live database has them from autovacuum)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")


def drain(now_wall: float, batch: int = timer_service.BATCH) -> tuple[int, list[float]]:
    """The scheduler's tick loop (a batch of instances per transaction), timing each commit from `now_wall`;
    returns (fired, lags ms)."""
    now = db.session.get(ClockState, 1).now  # type: ignore[union-attr]
    db.session.commit()
    fired, lags = 0, []
    while True:
        count, instances = timer_service.fire_batch(now, batch)
        if not instances:
            return fired, lags
        fired += count
        lags.extend([(time.perf_counter() - now_wall) * 1000] * count)


def pile_up(backend: str, centers: int, batch: int = timer_service.BATCH, schedulers: int = 0) -> dict[str, Any]:
    """N reports due at one instant; the clock passes the deadline; time until all escalations fired.

    `schedulers` 0: this process drains `batch` instances per transaction (the scheduler's own loop, timed per batch commit); N: N `tic scheduler`
    processes (their own batch size), started before the clock moves, drain while this process polls the
    committed firings (lag resolution 50 ms)."""
    extra: dict[str, Any] = {}
    with database(backend) as url:
        app = make_app(url)
        with app.app_context():
            log(f"[{backend}] pile-up: creating {centers} centers and their annual reports")
            clone_reports(create_centers(centers))
            waiting = db.session.scalar(select(func.count()).select_from(Timer).where(Timer.state == "waiting"))
            # remind_at fell 30 days before: fire the reminders first, then measure the deadline itself
            set_clock(DUE - timedelta(days=1))
            if schedulers:
                db.session.remove()
                db.engine.dispose()
                procs = start_schedulers(url, schedulers)
                try:
                    watch_firings(url, centers, limit_s=max(600.0, centers / 5), element_id="timer_reminder")
                    time.sleep(2)  # idle ticks
                    cpu = sum(cpu_seconds(p.pid) for p in procs)
                    with app.app_context():
                        set_clock(DUE + timedelta(seconds=1))
                    fired, lags, total = watch_firings(url, centers, limit_s=max(600.0, centers / 5))
                    cpu = sum(cpu_seconds(p.pid) for p in procs) - cpu
                    extra = {"schedulers": schedulers, "schedulers_alive": all(p.poll() is None for p in procs)}
                finally:
                    stop_schedulers(procs)
                extra.update(exactly_once(url))
            else:
                drain(time.perf_counter())
                set_clock(DUE + timedelta(seconds=1))
                passed, cpu = time.perf_counter(), time.process_time()
                fired, lags = drain(passed, batch)
                total, cpu = time.perf_counter() - passed, time.process_time() - cpu
            escalations = db.session.scalar(select(func.count()).select_from(HumanTask).where(
                HumanTask.element_id == "escalate_overdue", HumanTask.state == "ready"))
            db.session.remove()
            db.engine.dispose()
    return {
        "backend": backend, "centers": centers, "batch": batch, "timers_waiting_before": waiting, "fired": fired,
        "escalation_tasks": escalations, "seconds_until_all_fired": round(total, 2),
        "firings_per_second": round(fired / total, 1) if total else None,
        "lag_ms_p50": round(quantile(lags, 0.5), 1), "lag_ms_p99": round(quantile(lags, 0.99), 1),
        "lag_ms_max": round(max(lags), 1) if lags else None,
        "scheduler_cpu_ms_per_firing": round(cpu * 1000 / fired, 2) if fired else None, **extra,
    }


def add_far_timers(count: int, instance_id: int) -> None:
    """`count` waiting timers due years later, attached to one idle instance (they must never be read)."""
    rows = [{"instance_id": instance_id, "task_uuid": str(uuid.uuid4()), "element_id": "far_timer",
             "name": "远期定时器", "article": "基准", "due_at": DUE + timedelta(days=3650 + i % 365),
             "state": "waiting"} for i in range(count)]
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(Timer), rows[start:start + 5000])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":  # a live table has statistics; a bulk-loaded one needs them
        with db.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE timer")


def tick_cost(backend: str, repeats: int) -> dict[str, Any]:
    """Tick cost with 1k and 100k waiting timers, 100 of them due."""
    figures: dict[str, Any] = {"backend": backend}
    for total in (1_000, 100_000):
        samples_fire, samples_idle = [], []
        for _ in range(repeats):
            with database(backend) as url:
                app = make_app(url)
                with app.app_context():
                    center_ids = create_centers(101)
                    clone_reports(center_ids[:101])  # the first is the template; 100 clones + it
                    idle = db.session.scalar(select(ProcessInstance.id).order_by(ProcessInstance.id))
                    db.session.execute(ProcessInstance.__table__.update().where(
                        ProcessInstance.id == idle).values(status="running"))
                    db.session.commit()
                    current = db.session.scalar(select(func.count()).select_from(Timer))
                    add_far_timers(total - current, idle)
                    set_clock(DUE - timedelta(days=1))  # 101 reminders due, deadlines and far timers not
                    started = time.perf_counter()
                    fired = timer_service.fire_due_timers()
                    samples_fire.append((time.perf_counter() - started) * 1000)
                    started = time.perf_counter()
                    timer_service.fire_due_timers()
                    samples_idle.append((time.perf_counter() - started) * 1000)
                    db.session.remove()
                    db.engine.dispose()
        key = "1k" if total == 1_000 else "100k"
        figures[f"tick_fire_ms_{key}"] = round(statistics.median(samples_fire), 1)
        figures[f"tick_idle_ms_{key}"] = round(statistics.median(samples_idle), 2)
        figures[f"fired_{key}"] = fired
    figures["ratio_fire_100k_to_1k"] = round(figures["tick_fire_ms_100k"] / figures["tick_fire_ms_1k"], 2)
    figures["ratio_idle_100k_to_1k"] = round(figures["tick_idle_ms_100k"] / figures["tick_idle_ms_1k"], 2)
    return figures


def recurring_cost(backend: str, centers: int, repeats: int) -> dict[str, Any]:
    """What a tick's recurring starts cost with N established centers that owe nothing now (median of `repeats`)."""
    from app.services.time.recurring import start_annual_reports, start_evaluations, start_operation_cycles

    with database(backend) as url:
        app = make_app(url)
        with app.app_context():
            create_centers(centers)
            analyze()
            set_clock(DUE + timedelta(seconds=1))  # reports on 2026 started below, 2027's window not open
            db.session.execute(insert(ProcessInstance), [
                {"definition_id": db.session.scalar(select(func.min(ProcessDefinition.id)).where(
                    ProcessDefinition.key == "nmg2025_annual_report")), "process_key": "nmg2025_annual_report",
                 "center_id": c, "status": "completed", "state": "{}", "version": 1,
                 "business_key": f"nmg2025_annual_report:{c}:2026", "start_data": {}, "started_by": "bench",
                 "started_at": START, "updated_at": START}
                for c in db.session.scalars(select(Center.id))])
            db.session.commit()
            samples = []
            for _ in range(repeats):
                began = time.perf_counter()
                started = start_annual_reports() + start_evaluations() + start_operation_cycles()
                samples.append((time.perf_counter() - began) * 1000)
            db.session.remove()
            db.engine.dispose()
    return {"backend": backend, "centers": centers, "started": len(started),
            "recurring_starts_ms": round(statistics.median(samples), 1)}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--centers", type=int, default=10_000)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--repeats", type=int, default=1, help="tick-cost repetitions (median)")
    parser.add_argument("--only", choices=("pile-up", "tick", "recurring"),
                        help="run one benchmark (recurring: a tick's recurring starts with N centers)")
    parser.add_argument("--batch", type=int, default=timer_service.BATCH,
                        help="instances fired per transaction (1: one per transaction, as before issue 16)")
    parser.add_argument("--schedulers", type=int, default=0,
                        help="pile-up drained by N `tic scheduler` processes (0: in this process)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    result: dict[str, Any] = {"pile_up": [], "tick": [], "cpu_count": os.cpu_count(),
                              "load_average_start": os.getloadavg()[0]}
    if args.only == "recurring":
        result["recurring"] = [recurring_cost(b, args.centers, max(3, args.repeats)) for b in backends]
        print(json.dumps(result["recurring"]))
        return 0
    for backend in backends:
        if args.only != "tick":
            result["pile_up"].append(pile_up(backend, args.centers, args.batch, args.schedulers))
            log(f"[{backend}] pile-up: {json.dumps(result['pile_up'][-1], ensure_ascii=False)}")
        if args.only != "pile-up":
            result["tick"].append(tick_cost(backend, args.repeats))
            log(f"[{backend}] tick: {json.dumps(result['tick'][-1], ensure_ascii=False)}")
    result["load_average_end"] = os.getloadavg()[0]
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    print(f"{'backend':<9} {'centers':>8} {'fired':>7} {'escalations':>11} {'all fired s':>11} "
          f"{'per s':>7} {'lag p50 ms':>10} {'lag p99 ms':>10}")
    for r in result["pile_up"]:
        print(f"{r['backend']:<9} {r['centers']:>8} {r['fired']:>7} {r['escalation_tasks']:>11} "
              f"{r['seconds_until_all_fired']:>11} {r['firings_per_second']:>7} {r['lag_ms_p50']:>10} "
              f"{r['lag_ms_p99']:>10}")
    print()
    print(f"{'backend':<9} {'fire 100 @1k':>13} {'fire 100 @100k':>15} {'ratio':>6} {'idle @1k':>9} "
          f"{'idle @100k':>11} {'ratio':>6}  (ms)")
    for t in result["tick"]:
        print(f"{t['backend']:<9} {t['tick_fire_ms_1k']:>13} {t['tick_fire_ms_100k']:>15} "
              f"{t['ratio_fire_100k_to_1k']:>6} {t['tick_idle_ms_1k']:>9} {t['tick_idle_ms_100k']:>11} "
              f"{t['ratio_idle_100k_to_1k']:>6}")
    print(f"\ncpu_count {result['cpu_count']}; load average {result['load_average_start']:.2f} at start, "
          f"{result['load_average_end']:.2f} at end (other processes inflate every figure)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
