"""Python function calls per API completion and per start (cProfile counts): a figure the machine's noise leaves alone.

Time on a shared virtual machine swings by half from one minute to the next; the number of calls a request makes
does not. Compare two commits with it (each from its own tree, the same benchmark process and requests):

    .venv/bin/python scripts/bench_calls.py [--n 30] [--json]

In-process through Flask's test client (benchmarks/three_tasks.bpmn, following `next_tasks`), after 10 warm-up
instances; prints the mean calls of a completion and of a start.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import shutil
import sys
import tempfile
from pathlib import Path

from bench_common import PROCESS_KEY, app_context, prepare

WARMUP = 10


def count(n: int) -> dict[str, int]:
    """Calls per completion and per start, over `n` instances."""
    tmp = Path(tempfile.mkdtemp(prefix="tic-bench-calls-"))
    try:
        env, seeded = prepare(tmp)
        with app_context(env) as app:
            client = app.test_client()
            supervisor = {"Authorization": f"Bearer {seeded['supervisor_token']}"}
            applicant = {"Authorization": f"Bearer {seeded['applicant_token']}"}
            completions, starts = cProfile.Profile(), cProfile.Profile()
            counted = 0
            for i in range(WARMUP + n):
                measured = i >= WARMUP
                if measured:
                    starts.enable()
                started = client.post("/api/v1/instances", headers=supervisor, json={
                    "process_key": PROCESS_KEY, "center_id": seeded["center_id"], "data": {}}).get_json()
                starts.disable()
                task_id = started["ready_tasks"][0]["id"]
                for _step in range(3):
                    if measured:
                        completions.enable()
                        counted += 1
                    done = client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {}},
                                       headers=applicant).get_json()
                    completions.disable()
                    if done.get("next_tasks"):
                        task_id = done["next_tasks"][0]["id"]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {"calls_per_completion": round(pstats.Stats(completions).total_calls / counted),
            "calls_per_start": round(pstats.Stats(starts).total_calls / n)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Python function calls per API completion and start")
    parser.add_argument("--n", type=int, default=30, help="instances counted (3 completions each)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = count(args.n)
    print(json.dumps(result) if args.json else "\n".join(f"{k}: {v}" for k, v in result.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
