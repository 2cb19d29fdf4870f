"""Performance benchmark: HTTP vs WSGI vs service layer vs raw SpiffWorkflow on a three-user-task process.

One run prints medians and ratios; it never passes or fails on time (the exit status is non-zero
only when something is broken). Status lines go to stderr, so `--json` leaves exactly one JSON
object on stdout.

    scripts/bench [--n N] [--warmup W] [--json] [--profile]

Phases, on a fresh SQLite database in a temporary directory (removed at the end), each N instances
of benchmarks/three_tasks.bpmn (start + 3 task completions) after W uncounted warm-up instances:
  http     `tic serve --workers 1 --threads 1` (gunicorn gthread worker, one thread, keep-alive), driven with requests on 127.0.0.1
  wsgi     the same requests through Flask's test client in-process (no socket, no gunicorn)
  service  `instances.start_instance` / `actions.complete` in-process, inside one app context
  engine   SpiffWorkflow alone: deserialize + run the ready user task + engine steps + serialize
  profile  (--profile) cProfile of POST /tasks/{id}/complete in-process (Flask test client), to stderr
"""
from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import platform
import pstats
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
TIC = str(BIN / "tic")
PYTHON = str(BIN / "python")
BPMN = ROOT / "benchmarks" / "three_tasks.bpmn"
PROCESS_KEY = "nmg2025_bench"
POLICY = "nmg2025"
ELEMENTS = ["task_one", "task_two", "task_three"]
PROFILE_TOP = 15

# Seeds the people and the center with the services (as tests/support.py does); prints JSON.
SEED = """
import json
from app import create_app
from app.extensions import db
from app.services.centers.registry import create_center
from app.services.people.users import create_user, organisation

app = create_app()
with app.app_context():
    applicant_org = organisation("基准测试 申报单位", "applicant", "nmg2025")
    supervisor_org = organisation("基准测试 监督单位", "supervisor", "nmg2025")
    applicant, applicant_token = create_user(
        "bench_applicant", "applicant", organisation_id=applicant_org.id, policy="nmg2025")
    supervisor, supervisor_token = create_user(
        "bench_supervisor", "supervisor", organisation_id=supervisor_org.id, policy="nmg2025")
    db.session.commit()
    center = create_center(
        supervisor, name="基准测试中心", policy="nmg2025", category="field", status="established",
        organisations={"applicant": applicant_org.id, "supervisor": supervisor_org.id},
    )
    print(json.dumps({
        "center_id": center.id, "center_name": center.name,
        "applicant_id": applicant.id, "applicant_token": applicant_token,
        "supervisor_id": supervisor.id, "supervisor_token": supervisor_token,
    }))
    db.engine.dispose()
"""


class BenchError(Exception):
    """The benchmark could not run: the application answered wrongly or a command failed."""


def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def ms(seconds: list[float]) -> list[float]:
    return [s * 1000 for s in seconds]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def p90(values: list[float]) -> float:
    if len(values) < 2:
        return median(values)
    return statistics.quantiles(values, n=10, method="inclusive")[-1]


def run(cmd: list[str], env: dict[str, str]) -> str:
    """Run a command; on failure raise with its output."""
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BenchError(f"{' '.join(cmd[:3])} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# ---- setup ------------------------------------------------------------------------------------------


def prepare(tmp: Path) -> tuple[dict[str, str], dict[str, Any]]:
    """Fresh database with the schema, the benchmark process deployed, people and center seeded."""
    processes = tmp / "processes"
    (processes / POLICY).mkdir(parents=True)
    shutil.copy(BPMN, processes / POLICY / "bench.bpmn")
    shutil.copy(ROOT / "processes" / POLICY / "policy.yaml", processes / POLICY / "policy.yaml")  # policy in force
    env = {
        **os.environ,
        "TIC_DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
        "TIC_PROCESSES_DIR": str(processes),
        "TIC_SCHEDULER": "0",
        "TIC_CLOCK": "system",
        "PYTHONUNBUFFERED": "1",
    }
    log(f"temp dir {tmp}; tic db upgrade")
    run([TIC, "db", "upgrade"], env)
    log("tic deploy: " + run([TIC, "deploy", str(processes)], env).strip())
    seeded = json.loads(run([PYTHON, "-c", SEED], env).strip().splitlines()[-1])
    log(f"seeded center {seeded['center_id']}, users bench_applicant and bench_supervisor")
    return env, seeded


@contextlib.contextmanager
def app_context(env: dict[str, str]) -> Iterator[Any]:
    """An app on the benchmark database (the same TIC_* settings as the server), inside its context."""
    os.environ.update({k: v for k, v in env.items() if k.startswith("TIC_")})
    from app import create_app
    from app.extensions import db

    app = create_app()
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


# ---- the API driver (HTTP over requests, or WSGI through Flask's test client) ------------------------


def _json(response: Any, status: int, what: str) -> Any:
    if response.status_code != status:
        raise BenchError(f"{what}: HTTP {response.status_code} (expected {status}): {response.text[:500]}")
    body = response.json  # a property on Flask test responses, a method on requests'
    return body() if callable(body) else body


def _ready(body: dict[str, Any], element: str, what: str) -> int:
    ready = body.get("ready_tasks") or []
    if len(ready) != 1 or ready[0].get("element_id") != element:
        raise BenchError(f"{what}: expected one ready task {element}, got {ready}")
    task_id: int = ready[0]["id"]
    return task_id


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


# ---- phase 1: HTTP ----------------------------------------------------------------------------------


class Server:
    """`tic serve` with one worker and one thread (or `threads`); stopped with SIGTERM (then SIGKILL) by its pid."""

    def __init__(self, env: dict[str, str], log_path: Path, threads: int = 1) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/api/v1"
        self.log_path = log_path
        self._log = log_path.open("wb")
        self.proc = subprocess.Popen(
            [TIC, "serve", "--port", str(self.port), "--workers", "1", "--threads", str(threads)],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
        )

    def wait_healthy(self, session: Any, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"server exited ({self.proc.returncode}):\n{self.log_tail()}")
            try:
                if session.get(f"{self.base}/health", timeout=2).status_code == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise BenchError(f"server not healthy after {timeout:.0f}s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        self._log.flush()
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()


def http_phase(env: dict[str, str], seeded: dict[str, Any], tmp: Path, n: int, warmup: int) -> dict[str, list[float]]:
    import requests

    server = Server(env, tmp / "server.log")
    try:
        with requests.Session() as session:  # keep-alive, as far as the server allows
            server.wait_healthy(session)
            log(f"http: server on port {server.port} (pid {server.proc.pid}); {warmup} warm-up + {n} instances")
            return drive_api(session, server.base, seeded, n, warmup)
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


# ---- optional: profile of the completion path in-process ---------------------------------------------


def profile_report(profiler: cProfile.Profile, completions: int) -> str:
    """Three views of the profiled completions: the project's own functions, raw cumulative, own time."""
    sections: list[tuple[str, str, list[str | int]]] = [
        (f"top {PROFILE_TOP} cumulative, project code (app/, handlers/)",
         "cumulative", [rf"^{re.escape(str(ROOT))}/(app|handlers)/", PROFILE_TOP]),
        (f"top {PROFILE_TOP} cumulative, everything (outer frames are Flask/flask-smorest wrappers)",
         "cumulative", [PROFILE_TOP]),
        (f"top {PROFILE_TOP} by own time (tottime), everything", "tottime", [PROFILE_TOP]),
    ]
    out = [f"cProfile of {completions} completions (POST /api/v1/tasks/{{id}}/complete via the Flask test "
           "client, in-process; cProfile inflates times ~2x, compare the columns with each other)"]
    for title, key, restrictions in sections:
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text)
        stats.sort_stats(key).print_stats(*restrictions)
        body = text.getvalue().replace(f"{ROOT}/.venv/lib/python{sys.version_info.major}.{sys.version_info.minor}"
                                       "/site-packages/", "").replace(f"{ROOT}/", "")
        body = body[body.find("   ncalls"):] if "   ncalls" in body else body
        out.append(f"== {title}\n{body.rstrip()}")
    return "\n\n".join(out)


# ---- report -----------------------------------------------------------------------------------------


def summarise(n: int, http: dict[str, list[float]], wsgi: dict[str, list[float]], service: dict[str, list[float]],
              engine: dict[str, Any]) -> dict[str, Any]:
    def med(values: list[float]) -> float:
        return round(median(ms(values)), 3)

    def high(values: list[float]) -> float:
        return round(p90(ms(values)), 3)

    http_complete, wsgi_complete = med(http["complete"]), med(wsgi["complete"])
    service_complete, floor = med(service["complete"]), med(engine["complete"])
    return {
        "n": n,
        "tasks_per_instance": len(ELEMENTS),
        "http_task_completion_ms_median": http_complete,
        "http_task_completion_ms_p90": high(http["complete"]),
        "http_instance_start_ms_median": med(http["start"]),
        "http_instance_start_ms_p90": high(http["start"]),
        "http_instance_get_ms_median": med(http["get"]),
        "http_instance_total_ms_median": med(http["instance"]),
        "http_instance_total_ms_p90": high(http["instance"]),
        "http_instance_total_with_get_ms_median": med(http["instance_with_get"]),
        "http_keepalive": not any(http["closed"]),
        "wsgi_task_completion_ms_median": wsgi_complete,
        "wsgi_instance_start_ms_median": med(wsgi["start"]),
        "wsgi_instance_get_ms_median": med(wsgi["get"]),
        "service_task_completion_ms_median": service_complete,
        "service_task_completion_ms_p90": high(service["complete"]),
        "service_instance_start_ms_median": med(service["start"]),
        "engine_floor_ms_median": floor,
        "engine_floor_ms_p90": high(engine["complete"]),
        "engine_floor_load_ms_median": med(engine["load"]),
        "engine_floor_run_ms_median": med(engine["run"]),
        "engine_floor_save_ms_median": med(engine["save"]),
        "engine_state_bytes_median": int(median(engine["state_bytes"])),
        "ratio_http_to_floor": round(http_complete / floor, 2),
        "ratio_service_to_floor": round(service_complete / floor, 2),
        "ratio_http_to_service": round(http_complete / service_complete, 2),
        "ratio_wsgi_to_service": round(wsgi_complete / service_complete, 2),
        "http_transport_ms": round(http_complete - wsgi_complete, 3),
        "python": platform.python_version(),
        "spiffworkflow": metadata.version("SpiffWorkflow"),
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "database": "sqlite",
        "server": "tic serve --workers 1 --threads 1 (gunicorn gthread, one thread)",
    }


def table(r: dict[str, Any]) -> str:
    rows: list[tuple[str, float, float | None, str]] = [
        ("http_task_completion", r["http_task_completion_ms_median"], r["http_task_completion_ms_p90"],
         "POST /tasks/{id}/complete over HTTP (target <= 5 ms)"),
        ("http_instance_start", r["http_instance_start_ms_median"], r["http_instance_start_ms_p90"],
         "POST /instances over HTTP"),
        ("http_instance_get", r["http_instance_get_ms_median"], None, "GET /instances/{id} over HTTP"),
        ("http_instance_total", r["http_instance_total_ms_median"], r["http_instance_total_ms_p90"],
         "one instance: start + 3 completions, next task from the answer (target <= 25 ms)"),
        ("http_instance_with_get", r["http_instance_total_with_get_ms_median"], None,
         "the same plus 2 GET /instances/{id} (the client before next_tasks)"),
        ("wsgi_task_completion", r["wsgi_task_completion_ms_median"], None,
         "same POST via Flask test client (no socket)"),
        ("wsgi_instance_start", r["wsgi_instance_start_ms_median"], None, "POST /instances via test client"),
        ("service_task_completion", r["service_task_completion_ms_median"], r["service_task_completion_ms_p90"],
         "actions.complete in-process"),
        ("service_instance_start", r["service_instance_start_ms_median"], None, "instances.start_instance"),
        ("engine_floor", r["engine_floor_ms_median"], r["engine_floor_ms_p90"],
         "SpiffWorkflow load + run + save"),
        ("  engine load", r["engine_floor_load_ms_median"], None, "deserialize_json (state includes the spec)"),
        ("  engine run", r["engine_floor_run_ms_median"], None, "task.run() + do_engine_steps()"),
        ("  engine save", r["engine_floor_save_ms_median"], None, "serialize_json"),
    ]
    rule = "-" * 92
    lines = [f"{'measure':<26}{'median ms':>11}{'p90 ms':>10}  what", rule]
    for name, med, high, what in rows:
        lines.append(f"{name:<26}{med:>11.3f}{'' if high is None else f'{high:.3f}':>10}  {what}")
    lines += [
        rule,
        f"{'http/engine_floor':<26}{r['ratio_http_to_floor']:>11.2f}",
        f"{'service/engine_floor':<26}{r['ratio_service_to_floor']:>11.2f}   (owner target <= 3)",
        f"{'http/service':<26}{r['ratio_http_to_service']:>11.2f}",
        f"{'wsgi/service':<26}{r['ratio_wsgi_to_service']:>11.2f}   (Flask/flask-smorest/auth layer)",
        f"{'http - wsgi (ms)':<26}{r['http_transport_ms']:>11.3f}   (socket, gunicorn, requests client)",
        rule,
        "http keep-alive: " + ("yes" if r["http_keepalive"]
                               else "no (server answers Connection: close: one TCP connect per request)"),
        f"n={r['n']} instances x {r['tasks_per_instance']} tasks per phase; python {r['python']}; "
        f"SpiffWorkflow {r['spiffworkflow']}; cpu_count {r['cpu_count']}; {r['database']}",
        f"{r['server']}; engine state {r['engine_state_bytes_median']} bytes; {r['platform']}",
    ]
    if "loadavg_1m_start" in r:
        lines.append(f"load average (1 min) {r['loadavg_1m_start']} at start, {r['loadavg_1m_end']} at end "
                     f"on {r['cpu_count']} CPUs (other processes inflate every figure)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="HTTP / WSGI / service / SpiffWorkflow latency of one task completion (ratios, never pass/fail)."
    )
    parser.add_argument("--n", type=int, default=200, help="instances per phase, 3 task completions each")
    parser.add_argument("--warmup", type=int, default=10, help="uncounted instances before each phase")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument("--profile", action="store_true",
                        help=f"also cProfile the in-process completion path (top {PROFILE_TOP}, to stderr)")
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
        http = http_phase(env, seeded, tmp, args.n, args.warmup)
        wsgi = wsgi_phase(env, seeded, args.n, args.warmup)
        service = service_phase(env, seeded, args.n, args.warmup)
        engine = engine_phase(seeded, args.n, args.warmup)
        if args.profile:
            profiler = cProfile.Profile()
            profiled = min(args.n, 100)
            wsgi_phase(env, seeded, profiled, min(args.warmup, 3), profiler)
            profile = profile_report(profiler, profiled * len(ELEMENTS))
    except BenchError as err:
        log(f"error: {err}")
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result = summarise(args.n, http, wsgi, service, engine)
    # Other work on the machine shifts every figure: the 1-minute load average says how busy it was.
    result["loadavg_1m_start"], result["loadavg_1m_end"] = round(load_start, 2), round(os.getloadavg()[0], 2)
    if profile:
        print(profile, file=sys.stderr)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
