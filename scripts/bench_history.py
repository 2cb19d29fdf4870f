"""Does a step cost more on a center with a long history? Completion cost on an old center against a new one.

Prints figures, never passes or fails on time (exit non-zero only when something is broken):

    .venv/bin/python scripts/bench_history.py [--history 400] [--events 200000] [--n 60] [--json]

On a fresh SQLite database with the benchmark process of scripts/bench.py: the seeded center gets a history of
H instances driven to completion through the services (their tasks, events and timers) plus E more audit events
written in bulk (twenty years of trail); a second center of the same organisations is new. Then instances are
started and completed on both, interleaved, and the median `actions.complete` time of each is compared.
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
import bench  # noqa: E402  (scripts/bench.py: prepare, app_context, the benchmark process)

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


def _old_trail(center_id: int, instance_id: int, count: int) -> None:
    from sqlalchemy import insert

    from app.extensions import db
    from app.models import Event

    base = datetime(2006, 1, 1, tzinfo=UTC)
    for start in range(0, count, CHUNK):
        db.session.execute(insert(Event.__table__), [
            {"instance_id": instance_id, "center_id": center_id, "at": base + timedelta(minutes=k), "actor": "system",
             "kind": "element_completed", "element_id": "task_one", "element_name": "填写申请材料",
             "payload": {"type": "userTask", "lane": "applicant"}}
            for k in range(start, min(count, start + CHUNK))])
        db.session.commit()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Step cost on an old center vs a new one (figures only).")
    parser.add_argument("--history", type=int, default=400, help="completed instances on the old center")
    parser.add_argument("--events", type=int, default=200_000, help="extra audit events on the old center")
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
            first = db.session.scalar(db.select(db.func.min(db.text("id"))).select_from(db.text("process_instance")))
            _old_trail(seeded["center_id"], int(first), args.events)
            bench.log(f"history: {args.history} instances + {args.events} events in {time.perf_counter() - t0:.1f} s")
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
    result = {"history_instances": args.history, "history_events": args.events, "n": args.n,
              "old_center_completion_ms_median": old_ms, "new_center_completion_ms_median": new_ms,
              "ratio_old_to_new": round(old_ms / new_ms, 2), "database": "sqlite", "cpu_count": os.cpu_count(),
              "loadavg_1m_start": round(load_start, 2), "loadavg_1m_end": round(os.getloadavg()[0], 2)}
    print(json.dumps(result, ensure_ascii=False) if args.json else json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
