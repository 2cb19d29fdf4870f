"""Performance benchmark: HTTP vs WSGI vs service layer vs raw SpiffWorkflow on a three-user-task process.

One run prints medians and ratios; it never passes or fails on time (the exit status is non-zero
only when something is broken). Status lines go to stderr, so `--json` leaves exactly one JSON
object on stdout.

    scripts/bench [--n N] [--warmup W] [--json] [--hooks] [--profile] [--idle]

Phases, on a fresh SQLite database in a temporary directory (removed at the end), each N instances
of benchmarks/three_tasks.bpmn (start + 3 task completions) after W uncounted warm-up instances:
  http     `tic serve --workers 1 --threads 1` (gunicorn gthread worker, one thread, keep-alive) on 127.0.0.1, driven
           with requests and, interleaved, with a lean http.client keep-alive client (reported apart: http_lean_*)
  wsgi     the same requests through Flask's test client in-process (no socket, no gunicorn)
  service  `instances.start_instance` / `actions.complete` in-process, inside one app context
  engine   SpiffWorkflow alone: deserialize + run the ready user task + engine steps + serialize
  hooks    (--hooks) each Flask request hook timed in-process (authentication, access log, metrics ...): medians
  profile  (--profile) cProfile of POST /tasks/{id}/complete in-process (Flask test client), to stderr
  idle     (--idle) the in-process completion right after the previous request, after sleeping 2 ms, and after
           spinning 2 ms, interleaved: what a pause before a request (every HTTP request has one) costs the
           request itself on this machine (bench_idle.py)

Half of the instances follow the completion's `next_tasks`, the other half also GET the instance after each step
(the client before `next_tasks`). Shared parts live in bench_common.py, the report in bench_report.py; the
other benchmarks: bench_reads.py (reads vs the write lock), bench_inbox.py (the inbox as data grows),
bench_scheduler.py (the deadline pile-up),
bench_segments.py (an HTTP completion split into client -> app, app, app -> client), bench_calls.py (function
calls per completion and start: compare commits without the machine's noise).
"""
from __future__ import annotations

import argparse
import cProfile
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_common import (
    BPMN,
    ELEMENTS,
    POLICY,
    PROCESS_KEY,
    PROFILE_TOP,
    BenchError,
    LeanClient,
    Server,
    _json,
    _ready,
    app_context,
    log,
    median,
    ms,
    prepare,
)
from bench_idle import idle_phase
from bench_report import idle_report, profile_report, summarise, table

ROUND = 5  # instance pairs per client and round in the HTTP phase


def drive_api(client: Any, base: str, seeded: dict[str, Any], n: int, warmup: int,
              profiler: cProfile.Profile | None = None) -> dict[str, list[float]]:
    """N instances through the API: POST /instances, then per task POST complete.

    Even instances follow the completion's `next_tasks` (one call per step: `instance`); odd ones also call
    GET /instances/{id} after each completion to find the next task, as clients had to before the answer said
    (`instance_with_get`). Only the POSTs are in the per-request figures. A profiler, if given, is enabled
    around the completion POSTs only.
    """
    supervisor = {"Authorization": f"Bearer {seeded['supervisor_token']}"}
    applicant = {"Authorization": f"Bearer {seeded['applicant_token']}"}
    payload = {"process_key": PROCESS_KEY, "center_id": seeded["center_id"], "data": {}}
    times: dict[str, list[float]] = {"complete": [], "start": [], "instance": [], "instance_with_get": [],
                                     "get": [], "closed": []}
    for i in range(warmup + 2 * n):
        with_get = i % 2 == 1
        start, complete, get = [], [], []
        t0 = time.perf_counter()
        response = client.post(f"{base}/instances", json=payload, headers=supervisor)
        start.append(time.perf_counter() - t0)
        body = _json(response, 201, "POST /instances")
        instance_id = body["id"]
        task_id = _ready(body, ELEMENTS[0], "POST /instances")
        for step, element in enumerate(ELEMENTS):
            if profiler is not None and i >= warmup:
                profiler.enable()
            t = time.perf_counter()
            response = client.post(f"{base}/tasks/{task_id}/complete", json={"data": {}}, headers=applicant)
            complete.append(time.perf_counter() - t)
            if profiler is not None:
                profiler.disable()
            times["closed"].append(float(response.headers.get("Connection", "").lower() == "close"))
            done = _json(response, 200, f"POST /tasks/{task_id}/complete")
            if done.get("state") != "completed" or done.get("element_id") != element:
                raise BenchError(f"complete {element}: unexpected answer {done}")
            if step + 1 < len(ELEMENTS):
                if with_get or "next_tasks" not in done:
                    t = time.perf_counter()
                    response = client.get(f"{base}/instances/{instance_id}", headers=applicant)
                    get.append(time.perf_counter() - t)
                    done = {"ready_tasks": _json(response, 200, "GET /instances/{id}")["ready_tasks"]}
                else:
                    done = {"ready_tasks": done["next_tasks"]}
                task_id = _ready(done, ELEMENTS[step + 1], "next task")
            elif done.get("instance_status", "completed") != "completed":
                raise BenchError(f"instance {instance_id} not completed after three tasks: {done}")
        total = time.perf_counter() - t0
        final = _json(client.get(f"{base}/instances/{instance_id}", headers=applicant), 200, "GET (final)")
        if final.get("status") != "completed" or final.get("ready_tasks"):  # untimed: the server agrees
            raise BenchError(f"instance {instance_id} not completed after three tasks: {final}")
        if i >= warmup:
            times["start"] += start
            times["complete"] += complete
            times["get"] += get
            times["instance_with_get" if with_get else "instance"].append(total)
    return times


def http_phase(env: dict[str, str], seeded: dict[str, Any], tmp: Path, n: int,
               warmup: int) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """The same server driven by two clients, interleaved in rounds of 10 instances: `requests` (the figures the
    targets name) and a lean http.client keep-alive client (what the server costs without requests' overhead)."""
    import requests

    server = Server(env, tmp / "server.log")
    try:
        with requests.Session() as session:  # keep-alive, as far as the server allows
            server.wait_healthy(session)
            lean = LeanClient(server.base)
            log(f"http: server on port {server.port} (pid {server.proc.pid}); {warmup} warm-up + {n} instances "
                "per client (requests, http.client), interleaved")
            clients: list[Any] = [session, lean]
            for client in clients:
                drive_api(client, server.base, seeded, 0, warmup)
            times: list[dict[str, list[float]]] = [{}, {}]
            done = 0
            while done < n:
                pairs = min(ROUND, n - done)  # drive_api runs 2 x pairs instances (with and without the GET)
                for k, client in enumerate(clients if done % 2 == 0 else clients[::-1]):
                    which = k if done % 2 == 0 else 1 - k
                    for key, values in drive_api(client, server.base, seeded, pairs, 0).items():
                        times[which].setdefault(key, []).extend(values)
                done += pairs
            lean.close()
            return times[0], times[1]
    except Exception:
        log(f"server log tail:\n{server.log_tail()}")
        raise
    finally:
        server.stop()
        log("http: server stopped")


# ---- phase 2: WSGI in-process -----------------------------------------------------------------------


def wsgi_phase(env: dict[str, str], seeded: dict[str, Any], n: int, warmup: int,
               profiler: cProfile.Profile | None = None) -> dict[str, list[float]]:
    with app_context(env) as app:
        what = "profile (cProfile on, figures inflated)" if profiler else "wsgi"
        log(f"{what}: {warmup} warm-up + {n} instances through the Flask test client")
        return drive_api(app.test_client(), "/api/v1", seeded, n, warmup, profiler)


def hooks_phase(env: dict[str, str], seeded: dict[str, Any], n: int, warmup: int) -> dict[str, float]:
    """Per request, the median time of each request hook (authentication, the access log line, metrics, limits,
    headers ...) and of the view, in-process (Flask test client): where the Flask layer's time goes."""
    import functools

    spent: dict[str, list[float]] = {}

    def timed(label: str, hook: Any) -> Any:
        @functools.wraps(hook)
        def run(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return hook(*args, **kwargs)
            finally:
                spent.setdefault(label, []).append(time.perf_counter() - t)
        return run

    with app_context(env) as app:
        log(f"hooks: {warmup} warm-up + {n} instances through the Flask test client, each request hook timed")
        for kind, registry in (("before", app.before_request_funcs), ("after", app.after_request_funcs),
                               ("teardown", app.teardown_request_funcs)):
            for scope, hooks in registry.items():
                hooks[:] = [timed(f"{kind} {scope or 'app'}: {getattr(h, '__module__', '?')}."
                                  f"{getattr(h, '__qualname__', getattr(getattr(h, 'func', h), '__qualname__', h))}", h)
                            for h in hooks]
        app.dispatch_request = timed("view (flask-smorest arguments + service + response)",
                                     app.dispatch_request)
        app.full_dispatch_request = timed("full_dispatch_request (hooks + view)",
                                          app.full_dispatch_request)
        drive_api(app.test_client(), "/api/v1", seeded, n, warmup)
    return {label: round(median(ms(values)), 3) for label, values in
            sorted(spent.items(), key=lambda item: -median(item[1]))}


# ---- phase 3: service layer -------------------------------------------------------------------------


def service_phase(env: dict[str, str], seeded: dict[str, Any], n: int, warmup: int) -> dict[str, list[float]]:
    from app.extensions import db
    from app.models import User
    from app.services.running import instances
    from app.services.tasks import actions

    times: dict[str, list[float]] = {"complete": [], "start": []}
    with app_context(env):
        supervisor = db.session.get(User, seeded["supervisor_id"])
        applicant = db.session.get(User, seeded["applicant_id"])
        if supervisor is None or applicant is None:
            raise BenchError("service: seeded users not found")
        log(f"service: {warmup} warm-up + {n} instances in-process")
        for i in range(warmup + n):
            start, complete = [], []
            t0 = time.perf_counter()
            instance = instances.start_instance(supervisor, PROCESS_KEY, seeded["center_id"], {})
            start.append(time.perf_counter() - t0)
            instance_id = instance.id
            for element in ELEMENTS:
                ready = instances.instance_view(applicant, instance_id).ready_tasks
                if len(ready) != 1 or ready[0].element_id != element:
                    raise BenchError(f"service: expected one ready task {element}, got {ready}")
                task_id = ready[0].id
                t = time.perf_counter()
                actions.complete(applicant, task_id, {})
                complete.append(time.perf_counter() - t)
            view = instances.instance_view(applicant, instance_id)
            if view.instance.status != "completed" or view.ready_tasks:
                raise BenchError(f"service: instance {instance_id} not completed ({view.instance.status})")
            if i >= warmup:
                times["start"] += start
                times["complete"] += complete
    return times


# ---- phase 4: engine floor --------------------------------------------------------------------------


def engine_phase(seeded: dict[str, Any], n: int, warmup: int) -> dict[str, Any]:
    """Raw SpiffWorkflow, no app code: load + complete the ready user task + save, in memory."""
    from SpiffWorkflow.bpmn import BpmnWorkflow
    from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
    from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
    from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
    from SpiffWorkflow.util.task import TaskState

    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(BPMN))
    spec = parser.get_spec(PROCESS_KEY)
    subprocess_specs = parser.get_subprocess_specs(PROCESS_KEY)
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    # The start data the app gives this process (start_data.prepare), so the task data are alike.
    initial = {"center_id": seeded["center_id"], "center_name": seeded["center_name"], "policy": POLICY}
    times: dict[str, Any] = {"complete": [], "load": [], "run": [], "save": [], "state_bytes": []}
    log(f"engine: {warmup} warm-up + {n} instances, SpiffWorkflow only")
    for i in range(warmup + n):
        wf = BpmnWorkflow(spec, subprocess_specs)
        wf.task_tree.data.update(initial)
        wf.do_engine_steps()
        state = serializer.serialize_json(wf)
        rows: dict[str, list[float]] = {"complete": [], "load": [], "run": [], "save": []}
        for element in ELEMENTS:
            t0 = time.perf_counter()
            wf = serializer.deserialize_json(state)
            t1 = time.perf_counter()
            ready = wf.get_tasks(state=TaskState.READY, manual=True)
            if len(ready) != 1 or ready[0].task_spec.bpmn_id != element:
                raise BenchError(f"engine: expected one ready task {element}, got {ready}")
            ready[0].run()
            wf.do_engine_steps()
            t2 = time.perf_counter()
            state = serializer.serialize_json(wf)
            t3 = time.perf_counter()
            rows["complete"].append(t3 - t0)
            rows["load"].append(t1 - t0)
            rows["run"].append(t2 - t1)
            rows["save"].append(t3 - t2)
        if not serializer.deserialize_json(state).is_completed():
            raise BenchError("engine: workflow not completed after three tasks")
        if i >= warmup:
            for key, values in rows.items():
                times[key] += values
            times["state_bytes"].append(len(state))
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="HTTP / WSGI / service / SpiffWorkflow latency of one task completion (ratios, never pass/fail)."
    )
    parser.add_argument("--n", type=int, default=200, help="instances per phase, 3 task completions each")
    parser.add_argument("--warmup", type=int, default=10, help="uncounted instances before each phase")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument("--hooks", action="store_true",
                        help="also time each Flask request hook in-process (medians per request, all requests)")
    parser.add_argument("--profile", action="store_true",
                        help=f"also cProfile the in-process completion path (top {PROFILE_TOP}, to stderr)")
    parser.add_argument("--idle", action="store_true",
                        help="also time the in-process completion after a 2 ms sleep vs back-to-back vs a 2 ms spin")
    args = parser.parse_args(argv)
    if args.n < 1 or args.warmup < 0:
        parser.error("--n must be >= 1 and --warmup >= 0")

    # SIGTERM/SIGHUP become SystemExit, so the finally blocks stop the server and remove the temp dir.
    def _exit(signum: int, _frame: Any) -> None:
        raise SystemExit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _exit)

    tmp = Path(tempfile.mkdtemp(prefix="tic-bench-"))
    profile = None
    load_start = os.getloadavg()[0]
    try:
        env, seeded = prepare(tmp)
        http, http_lean = http_phase(env, seeded, tmp, args.n, args.warmup)
        wsgi = wsgi_phase(env, seeded, args.n, args.warmup)
        service = service_phase(env, seeded, args.n, args.warmup)
        engine = engine_phase(seeded, args.n, args.warmup)
        hooks = hooks_phase(env, seeded, min(args.n, 100), min(args.warmup, 3)) if args.hooks else None
        idle = idle_phase(env, seeded, min(args.n, 100), min(args.warmup, 3)) if args.idle else None
        if args.profile:
            profiler = cProfile.Profile()
            profiled = min(args.n, 100)
            wsgi_phase(env, seeded, profiled, min(args.warmup, 3), profiler)
            profile = profile_report(profiler, 2 * profiled * len(ELEMENTS))  # drive_api runs 2 x n instances
    except BenchError as err:
        log(f"error: {err}")
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result = summarise(args.n, http, wsgi, service, engine, http_lean)
    if hooks:
        result["hooks_ms_median"] = hooks  # per call, every request of the drive (POSTs and GETs)
    if idle:
        result.update(idle_report(idle))
    # Other work on the machine shifts every figure: the 1-minute load average says how busy it was.
    result["loadavg_1m_start"], result["loadavg_1m_end"] = round(load_start, 2), round(os.getloadavg()[0], 2)
    if profile:
        print(profile, file=sys.stderr)
    if hooks and not args.json:
        print("\n".join(f"{v:>9.3f} ms  {k}" for k, v in hooks.items()), file=sys.stderr)
    if idle and not args.json:
        print("\n".join(f"{k}: {v}" for k, v in idle_report(idle).items()), file=sys.stderr)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
