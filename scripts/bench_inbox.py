"""The inbox as data grows: one page of 50 with R ready tasks for the organisation and C completed rows in the table.

Prints figures, never passes or fails on time (exit non-zero only when something is broken):

    .venv/bin/python scripts/bench_inbox.py [--ready 2000] [--completed 1000000] [--n 100] [--json]

On a fresh SQLite database with the benchmark process of scripts/bench.py: one instance is started through the
services, then R ready and C completed human-task rows of the applicant's organisation are written in bulk
(completed rows carry past due dates, as years of history would). Measured in-process, inside one app context:
  api_page      GET /api/v1/tasks?limit=50 through the Flask test client (SQL window + marshmallow + JSON)
  service_page  `inbox.inbox(user, Window(50))` alone
  web_page      `inbox.inbox_page(user, InboxFilters())` — the web inbox's rows, counts and filter values
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
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402  (scripts/bench.py: prepare, app_context, the benchmark process)

CHUNK = 50_000


def _figures(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"n": len(values), "p50_ms": round(statistics.median(ordered) * 1000, 2),
            "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000, 2)}


def _fill(instance_id: int, center_id: int, organisation_id: int, ready: int, completed: int) -> float:
    """Write the rows in bulk; returns the seconds it took."""
    from sqlalchemy import insert

    from app.extensions import db
    from app.models import HumanTask

    t0 = time.perf_counter()
    base = datetime(2026, 1, 1, tzinfo=UTC)

    def row(k: int, state: str) -> dict[str, Any]:
        done = state == "completed"
        return {"instance_id": instance_id, "task_uuid": str(uuid.uuid4()), "element_id": "task_one",
                "name": "填写申请材料", "lane": "applicant", "organisation_id": organisation_id,
                "center_id": center_id, "due_at": base + timedelta(hours=(-k if done else k % 5000)),
                "state": state, "created_at": base, "completed_at": base if done else None,
                "completed_by": "bench_applicant" if done else None}

    for state, count in (("completed", completed), ("ready", ready)):
        for start in range(0, count, CHUNK):
            db.session.execute(insert(HumanTask.__table__),
                               [row(k, state) for k in range(start, min(count, start + CHUNK))])
            db.session.commit()
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Inbox page latency as the task table grows (figures only).")
    parser.add_argument("--ready", type=int, default=2000)
    parser.add_argument("--completed", type=int, default=1_000_000)
    parser.add_argument("--n", type=int, default=100, help="requests per measurement")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="tic-bench-inbox-"))
    load_start = os.getloadavg()[0]
    try:
        env, seeded = bench.prepare(tmp)
        with bench.app_context(env) as app:
            from app.extensions import db
            from app.models import User
            from app.services.paging import Window
            from app.services.running.instances import start_instance
            from app.services.tasks import inbox

            supervisor = db.session.get(User, seeded["supervisor_id"])
            applicant = db.session.get(User, seeded["applicant_id"])
            instance = start_instance(supervisor, bench.PROCESS_KEY, seeded["center_id"], {})
            filled = _fill(instance.id, seeded["center_id"], applicant.organisation_id, args.ready, args.completed)
            bench.log(f"{args.ready} ready + {args.completed} completed rows written in {filled:.1f} s")
            client = app.test_client()
            headers = {"Authorization": f"Bearer {seeded['applicant_token']}"}
            times: dict[str, list[float]] = {"api_page": [], "service_page": [], "web_page": []}
            for i in range(args.n + 5):
                t = time.perf_counter()
                response = client.get("/api/v1/tasks?limit=50", headers=headers)
                spent = time.perf_counter() - t
                if response.status_code != 200 or len(response.json or []) != 50:
                    raise bench.BenchError(f"GET /api/v1/tasks: {response.status_code} {str(response.json)[:200]}")
                total = int(response.headers["X-Total-Count"])
                user = db.session.get(User, seeded["applicant_id"])
                t1 = time.perf_counter()
                page = inbox.inbox(user, Window(limit=50))
                t2 = time.perf_counter()
                web = inbox.inbox_page(user, inbox.InboxFilters())
                t3 = time.perf_counter()
                db.session.rollback()
                if i == 0:
                    bench.log(f"ready tasks: api total {total}, service total {page.total}, web rows {len(web.rows)}")
                if i >= 5:
                    times["api_page"].append(spent)
                    times["service_page"].append(t2 - t1)
                    times["web_page"].append(t3 - t2)
            result: dict[str, Any] = {k: _figures(v) for k, v in times.items()}
            result.update({"ready": args.ready, "completed": args.completed, "total_ready_seen": total,
                           "web_rows": len(web.rows), "fill_seconds": round(filled, 1)})
    except bench.BenchError as err:
        bench.log(f"error: {err}")
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result.update({"database": "sqlite", "cpu_count": os.cpu_count(), "loadavg_1m_start": round(load_start, 2),
                   "loadavg_1m_end": round(os.getloadavg()[0], 2)})
    print(json.dumps(result, ensure_ascii=False) if args.json else json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
