"""Does a step cost more on a center with a long history? Completion cost on an old center against a new one.

Prints figures, never passes or fails on time (exit non-zero only when something is broken):

    .venv/bin/python scripts/bench_history.py [--years 20] [--history 400] [--events 200000] [--tasks 20000]
                                              [--timers 5000] [--n 60] [--json]

On a fresh SQLite database with the benchmark process of scripts/bench.py, the seeded center gets Y years of
history: H instances driven to completion through the services (their tasks and events), then dated evenly over
the Y years (started, updated, completed; their tasks and events with them), plus, written in bulk and spread
over the same years, E more audit events, T more completed tasks and M fired timers (twenty years of annual
reports, evaluations and their deadlines: 20/year instances, 10,000 events/year by default). A second center of
the same organisations is new. Then instances are started and completed on both, interleaved, and the median
`actions.complete_and_next` time of each is compared (old/new: 1.0 means history costs nothing).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_common as bench  # noqa: E402  (prepare, app_context, the benchmark process of scripts/bench.py)

CHUNK = 50_000


def _drive(supervisor: Any, applicant: Any, center_id: int) -> list[float]:
    """Start one instance on the center and complete its three tasks; the completion times."""
    from app.services.running import instances
    from app.services.tasks import actions

    instance = instances.start_instance(supervisor, bench.PROCESS_KEY, center_id, {})
    ready = instances.instance_view(applicant, instance.id).ready_tasks
    spent = []
    while ready:
        t = time.perf_counter()
        done = actions.complete_and_next(applicant, ready[0].id, {})
        spent.append(time.perf_counter() - t)
        ready = done.next_tasks
    if done.instance_status != "completed" or len(spent) != len(bench.ELEMENTS):
        raise bench.BenchError(f"instance {instance.id} not completed after {len(spent)} tasks")
    return spent


def _date_history(center_id: int, years: int) -> list[int]:
    """Spread the center's driven instances (and their tasks and events) evenly over the last `years` years."""
    from sqlalchemy import bindparam, update

    from app.extensions import db
    from app.models import Event, HumanTask, ProcessInstance

    ids = list(db.session.scalars(db.select(ProcessInstance.id).where(ProcessInstance.center_id == center_id)
                                  .order_by(ProcessInstance.id)))
    base, span = datetime.now(UTC) - timedelta(days=365 * years), timedelta(days=365 * years)
    moments = [{"iid": iid, "t": base + span * k / max(1, len(ids)), "t_end": base + span * k / max(1, len(ids))
                + timedelta(days=20)} for k, iid in enumerate(ids)]
    db.session.execute(update(ProcessInstance.__table__).where(ProcessInstance.id == bindparam("iid")).values(
        started_at=bindparam("t"), updated_at=bindparam("t_end"), completed_at=bindparam("t_end")), moments)
    db.session.execute(update(HumanTask.__table__).where(HumanTask.instance_id == bindparam("iid")).values(
        created_at=bindparam("t"), completed_at=bindparam("t_end")), moments)
    db.session.execute(update(Event.__table__).where(Event.instance_id == bindparam("iid")).values(
        at=bindparam("t_end")), moments)
    db.session.commit()
    return ids


def _bulk_history(center_id: int, instance_ids: list[int], years: int, events: int, tasks: int, timers: int) -> None:
    """E audit events, T completed tasks and M fired timers of the center's instances, spread over the years."""
    import uuid

    from sqlalchemy import insert

    from app.extensions import db
    from app.models import Event, HumanTask, Timer

    base, span = datetime.now(UTC) - timedelta(days=365 * years), timedelta(days=365 * years)

    def at(k: int, count: int) -> datetime:
        return base + timedelta(seconds=span.total_seconds() * k / max(1, count))

    def owner(k: int, count: int) -> int:  # the instance of that period
        return instance_ids[min(len(instance_ids) - 1, k * len(instance_ids) // max(1, count))]

    def rows(count: int, make: Any) -> None:
        for start in range(0, count, CHUNK):
            make(range(start, min(count, start + CHUNK)))
            db.session.commit()

    rows(events, lambda ks: db.session.execute(insert(Event.__table__), [
        {"instance_id": owner(k, events), "center_id": center_id, "at": at(k, events), "actor": "system",
         "kind": "element_completed", "element_id": "task_one", "element_name": "填写申请材料", "article": "第一条",
         "payload": {"type": "userTask", "lane": "applicant"}} for k in ks]))
    rows(tasks, lambda ks: db.session.execute(insert(HumanTask.__table__), [
        {"instance_id": owner(k, tasks), "task_uuid": str(uuid.uuid4()), "element_id": "task_one",
         "name": "填写申请材料", "lane": "applicant", "center_id": center_id, "article": "第一条",
         "state": "completed", "created_at": at(k, tasks), "completed_at": at(k, tasks), "completed_by": "history",
         "data": {"year": at(k, tasks).year}} for k in ks]))
    rows(timers, lambda ks: db.session.execute(insert(Timer.__table__), [
        {"instance_id": owner(k, timers), "task_uuid": str(uuid.uuid4()), "element_id": "deadline",
         "name": "报送期限", "due_at": at(k, timers), "state": "fired", "fired_at": at(k, timers), "lag_ms": 120.0}
        for k in ks]))


def _counts(center_id: int) -> dict[str, int]:
    """The old center's rows in the tables a step touches."""
    from app.extensions import db
    from app.models import Event, HumanTask, ProcessInstance, Timer

    def count(query: Any) -> int:
        return int(db.session.scalar(query) or 0)

    return {
        "instances": count(db.select(db.func.count()).where(ProcessInstance.center_id == center_id)),
        "events": count(db.select(db.func.count()).where(Event.center_id == center_id)),
        "tasks": count(db.select(db.func.count()).where(HumanTask.center_id == center_id)),
        "timers": count(db.select(db.func.count()).select_from(Timer).join(
            ProcessInstance, ProcessInstance.id == Timer.instance_id).where(ProcessInstance.center_id == center_id)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Step cost on an old center vs a new one (figures only).")
    parser.add_argument("--years", type=int, default=20, help="years of history on the old center")
    parser.add_argument("--history", type=int, default=400, help="completed instances on the old center")
    parser.add_argument("--events", type=int, default=200_000, help="extra audit events on the old center")
    parser.add_argument("--tasks", type=int, default=20_000, help="extra completed tasks on the old center")
    parser.add_argument("--timers", type=int, default=5_000, help="extra fired timers on the old center")
    parser.add_argument("--n", type=int, default=60, help="measured instances per center")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="tic-bench-history-"))
    load_start = os.getloadavg()[0]
    try:
        env, seeded = bench.prepare(tmp)
        with bench.app_context(env):
            from app.extensions import db
            from app.models import Center, User
            from app.services.centers.registry import create_center

            supervisor = db.session.get(User, seeded["supervisor_id"])
            applicant = db.session.get(User, seeded["applicant_id"])
            old = db.session.get(Center, seeded["center_id"])
            assert supervisor is not None and applicant is not None and old is not None
            orgs = {o.role: o.organisation_id for o in old.organisations}
            new_id = create_center(supervisor, name="基准测试新中心", policy="nmg2025", category="field",
                                   status="established", organisations=orgs).id
            t0 = time.perf_counter()
            for _ in range(args.history):
                _drive(supervisor, applicant, old.id)
            history_ids = _date_history(old.id, args.years)
            _bulk_history(old.id, history_ids, args.years, args.events, args.tasks, args.timers)
            counts = _counts(old.id)
            bench.log(f"history: {args.years} years, {counts} in {time.perf_counter() - t0:.1f} s")
            times: dict[str, list[float]] = {"old": [], "new": []}
            for i in range(args.n + 5):
                pair = [("old", seeded["center_id"]), ("new", new_id)]
                for name, center_id in (pair if i % 2 else pair[::-1]):  # neither always goes first
                    spent = _drive(supervisor, applicant, center_id)
                    if i >= 5:
                        times[name] += spent
    except bench.BenchError as err:
        bench.log(f"error: {err}")
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    old_ms, new_ms = (round(statistics.median(times[k]) * 1000, 3) for k in ("old", "new"))
    result = {"history_years": args.years, "history_instances": args.history, "history_events": args.events,
              "history_tasks": args.tasks, "history_timers": args.timers, "old_center_rows": counts, "n": args.n,
              "old_center_completion_ms_median": old_ms, "new_center_completion_ms_median": new_ms,
              "ratio_old_to_new": round(old_ms / new_ms, 2), "database": "sqlite", "cpu_count": os.cpu_count(),
              "loadavg_1m_start": round(load_start, 2), "loadavg_1m_end": round(os.getloadavg()[0], 2)}
    print(json.dumps(result, ensure_ascii=False) if args.json else json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
