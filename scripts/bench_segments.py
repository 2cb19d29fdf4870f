"""Where an HTTP task completion's time goes: client to app, the app itself, app back to client.

The server is `tic serve --workers 1 --threads 1` (gunicorn gthread, keep-alive) with the Flask app wrapped in a
WSGI middleware that stamps its entry and the moment the response starts (`time.perf_counter_ns`, CLOCK_MONOTONIC:
the same clock in both processes) into two response headers. A lean http.client keep-alive client drives the
benchmark process (benchmarks/three_tasks.bpmn, following `next_tasks`) and stamps its send and its last byte read:

    up    client's send -> the app is entered (socket, gunicorn's poller and thread hand-off, HTTP parsing)
    app   the app's work (Flask, authentication, the step, the answer's JSON)
    down  the response starts -> the client has read it all (gunicorn's write, socket, the client's read)

    .venv/bin/python scripts/bench_segments.py [--n 100] [--json]

It prints medians and p10/p90 in ms; it never passes or fails on time.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_common import PROCESS_KEY, PYTHON, ROOT, BenchError, free_port, log, prepare

STAMP_IN, STAMP_OUT = "X-Bench-In", "X-Bench-Out"


def serve(port: int) -> None:
    """Run the stamped server in the foreground (the options of app/server.py's `serve` for one worker)."""
    sys.path.insert(0, str(ROOT))
    from app.server import _Server

    class Stamped(_Server):  # type: ignore[misc]
        def load(self) -> Any:
            app = super().load()

            def stamped(environ: dict[str, Any], start_response: Any) -> Any:
                entered = time.perf_counter_ns()

                def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
                    headers += [(STAMP_IN, str(entered)), (STAMP_OUT, str(time.perf_counter_ns()))]
                    return start_response(status, headers, exc_info)

                return app(environ, start)

            return stamped

    Stamped({"bind": f"127.0.0.1:{port}", "workers": 1, "threads": 1, "worker_class": "gthread", "keepalive": 5,
             "accesslog": None, "timeout": 60}).run()


def drive(port: int, seeded: dict[str, Any], n: int, warmup: int) -> dict[str, list[float]]:
    """N instances of three completions; the segments of each counted completion (ms)."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    deadline = time.monotonic() + 60
    while True:
        try:
            conn.request("GET", "/api/v1/health")
            conn.getresponse().read()
            break
        except OSError as err:
            if time.monotonic() > deadline:
                raise BenchError(f"server not answering: {err}") from err
            time.sleep(0.1)
            conn = http.client.HTTPConnection("127.0.0.1", port)
    supervisor = {"Authorization": f"Bearer {seeded['supervisor_token']}", "Content-Type": "application/json"}
    applicant = {"Authorization": f"Bearer {seeded['applicant_token']}", "Content-Type": "application/json"}
    segments: dict[str, list[float]] = {"up": [], "app": [], "down": [], "total": []}

    def call(path: str, body: dict[str, Any], headers: dict[str, str], counted: bool) -> dict[str, Any]:
        data = json.dumps(body).encode()
        sent = time.perf_counter_ns()
        conn.request("POST", path, body=data, headers=headers)
        response = conn.getresponse()
        payload = response.read()
        received = time.perf_counter_ns()
        if response.status not in (200, 201):
            raise BenchError(f"POST {path}: HTTP {response.status}: {payload[:300]!r}")
        if counted:
            entered, left = int(response.getheader(STAMP_IN, "0")), int(response.getheader(STAMP_OUT, "0"))
            segments["up"].append((entered - sent) / 1e6)
            segments["app"].append((left - entered) / 1e6)
            segments["down"].append((received - left) / 1e6)
            segments["total"].append((received - sent) / 1e6)
        answer: dict[str, Any] = json.loads(payload)
        return answer

    for i in range(warmup + n):
        started = call("/api/v1/instances", {"process_key": PROCESS_KEY, "center_id": seeded["center_id"], "data": {}},
                       supervisor, False)
        task_id = started["ready_tasks"][0]["id"]
        for _step in range(3):
            done = call(f"/api/v1/tasks/{task_id}/complete", {"data": {}}, applicant, i >= warmup)
            if done.get("next_tasks"):
                task_id = done["next_tasks"][0]["id"]
    return segments


def summary(segments: dict[str, list[float]]) -> dict[str, float]:
    """Median, p10 and p90 of each segment (ms)."""
    result: dict[str, float] = {}
    for name, values in segments.items():
        ordered = sorted(values)
        result[f"{name}_ms_median"] = round(statistics.median(ordered), 3)
        result[f"{name}_ms_p10"] = round(ordered[len(ordered) // 10], 3)
        result[f"{name}_ms_p90"] = round(ordered[9 * len(ordered) // 10], 3)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="client->app, app, app->client of one HTTP completion (ms)")
    parser.add_argument("--n", type=int, default=100, help="instances, 3 completions each")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)  # the server process itself
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve)
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="tic-bench-segments-"))
    load_start = os.getloadavg()[0]
    server = None
    try:
        env, seeded = prepare(tmp)
        port = free_port()
        with (tmp / "server.log").open("wb") as server_log:
            server = subprocess.Popen([PYTHON, __file__, "--serve", str(port)], cwd=ROOT, env=env,
                                      stdout=server_log, stderr=subprocess.STDOUT)
            segments = drive(port, seeded, args.n, args.warmup)
    except BenchError as err:
        log(f"error: {err}")
        return 1
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)
    result: dict[str, Any] = {"n_completions": len(segments["total"]), **summary(segments),
                              "loadavg_1m_start": round(load_start, 2), "loadavg_1m_end": round(os.getloadavg()[0], 2)}
    if args.json:
        print(json.dumps(result))
    else:
        print("\n".join(f"{k:24s} {v}" for k, v in result.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
