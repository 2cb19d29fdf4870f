"""Performance benchmark: HTTP vs service layer vs raw SpiffWorkflow on a three-user-task process.

One run prints medians and ratios; it never passes or fails on time (exit status is non-zero only
when something is broken). Status lines go to stderr, so `--json` leaves exactly one JSON object
on stdout.

    scripts/bench [--n N] [--warmup W] [--json] [--profile]

Phases (all on a fresh SQLite database in a temporary directory, removed at the end):
  http     `tic serve --workers 1 --threads 1` (gunicorn, sync worker) driven over keep-alive HTTP
  service  `instances.start_instance` / `tasks.complete_task` in-process, inside one app context
  engine   SpiffWorkflow alone: deserialize + run the ready user task + engine steps + serialize
  profile  (--profile) cProfile of the in-process HTTP completion path (Flask test client), to stderr
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
TASKS_PER_INSTANCE = len(ELEMENTS)

# Seeds the people and the center with the services (as tests/support.py does); prints JSON.
SEED = """
import json
from app import create_app
from app.extensions import db
from app.services.centers import create_center
from app.services.users import create_user, organisation

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
    log("tic deploy " + run([TIC, "deploy", str(processes)], env).strip())
    seeded = json.loads(run([PYTHON, "-c", SEED], env).strip().splitlines()[-1])
    log(f"seeded center {seeded['center_id']}, users bench_applicant and bench_supervisor")
    return env, seeded


# ---- phase 1: HTTP ----------------------------------------------------------------------------------


class Server:
    """`tic serve` with one sync worker; stopped with SIGTERM (then SIGKILL) by its own pid."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/api/v1"
        self.log_path = log_path
        self._log = log_path.open("wb")
        self.proc = subprocess.Popen(
            [TIC, "serve", "--port", str(self.port), "--workers", "1", "--threads", "1"],
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


def _expect(response: Any, status: int, what: str) -> Any:
    if response.status_code != status:
        raise BenchError(f"{what}: HTTP {response.status_code} (expected {status}): {response.text[:500]}")
    return response.json()


def _ready(body: dict[str, Any], element: str, what: str) -> int:
    ready = body.get("ready_tasks") or []
    if len(ready) != 1 or ready[0].get("element_id") != element:
        raise BenchError(f"{what}: expected one ready task {element}, got {ready}")
    task_id: int = ready[0]["id"]
    return task_id


def http_phase(env: dict[str, str], seeded: dict[str, Any], tmp: Path, n: int, warmup: int) -> dict[str, list[float]]:
    import requests

    supervisor = {"Authorization": f"Bearer {seeded['supervisor_token']}"}
    applicant = {"Authorization": f"Bearer {seeded['applicant_token']}"}
    payload = {"process_key": PROCESS_KEY, "center_id": seeded["center_id"], "data": {}}
    times: dict[str, list[float]] = {"complete": [], "start": [], "instance": [], "get": []}
    server = Server(env, tmp / "server.log")
    try:
        with requests.Session() as http:
            server.wait_healthy(http)
            log(f"http: server on port {server.port} (pid {server.proc.pid}); {warmup} warm-up + {n} instances")
            for i in range(warmup + n):
                start, complete, get = [], [], []
                t0 = time.perf_counter()
                response = http.post(f"{server.base}/instances", json=payload, headers=supervisor)
                start.append(time.perf_counter() - t0)
                body = _expect(response, 201, "POST /instances")
                instance_id = body["id"]
                task_id = _ready(body, ELEMENTS[0], "POST /instances")
                for step, element in enumerate(ELEMENTS):
                    t = time.perf_counter()
                    response = http.post(f"{server.base}/tasks/{task_id}/complete", json={"data": {}},
                                         headers=applicant)
                    complete.append(time.perf_counter() - t)
                    done = _expect(response, 200, f"POST /tasks/{task_id}/complete")
                    if done.get("state") != "completed" or done.get("element_id") != element:
                        raise BenchError(f"complete {element}: unexpected answer {done}")
                    if step + 1 < len(ELEMENTS):
                        t = time.perf_counter()
                        response = http.get(f"{server.base}/instances/{instance_id}", headers=applicant)
                        get.append(time.perf_counter() - t)
                        task_id = _ready(_expect(response, 200, "GET /instances/{id}"), ELEMENTS[step + 1],
                                         "GET /instances/{id}")
                total = time.perf_counter() - t0
                final = _expect(http.get(f"{server.base}/instances/{instance_id}", headers=applicant), 200,
                                "GET /instances/{id} (final)")
                if final.get("status") != "completed" or final.get("ready_tasks"):
                    raise BenchError(f"instance {instance_id} not completed after three tasks: {final}")
                if i >= warmup:
                    times["start"] += start
                    times["complete"] += complete
                    times["get"] += get
                    times["instance"].append(total)
    except Exception:
        if server.proc.poll() is None or server.log_path.exists():
            log(f"server log tail:\n{server.log_tail()}")
        raise
    finally:
        server.stop()
        log("http: server stopped")
    return times


# ---- phase 2: service layer -------------------------------------------------------------------------


@contextlib.contextmanager
def app_context(env: dict[str, str]) -> Iterator[Any]:
    """An app on the benchmark database (same TIC_* settings as the server), inside its context."""
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


def service_phase(env: dict[str, str], seeded: dict[str, Any], n: int, warmup: int) -> dict[str, list[float]]:
    from app.extensions import db
    from app.models import User
    from app.services import instances, tasks

    times: dict[str, list[float]] = {"complete": [], "start": []}
    with app_context(env):
        supervisor = db.session.get(User, seeded["supervisor_id"])
        applicant = db.session.get(User, seeded["applicant_id"])
        assert supervisor is not None and applicant is not None
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
                tasks.complete_task(applicant, task_id, {}, None)
                complete.append(time.perf_counter() - t)
            view = instances.instance_view(applicant, instance_id)
            if view.instance.status != "completed" or view.ready_tasks:
                raise BenchError(f"service: instance {instance_id} not completed ({view.instance.status})")
            if i >= warmup:
                times["start"] += start
                times["complete"] += complete
    return times


# ---- phase 3: engine floor --------------------------------------------------------------------------


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
    # The same start data the app gives this process (start_data.prepare), so task data is alike.
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
            if i >= warmup:
                times["state_bytes"].append(len(state))
        if not serializer.deserialize_json(state).is_completed():
            raise BenchError("engine: workflow not completed after three tasks")
        if i >= warmup:
            for key, values in rows.items():
                times[key] += values
    return times


# ---- optional: profile of the HTTP completion path in-process ------------------------------------------


def profile_phase(env: dict[str, str], seeded: dict[str, Any], instances_count: int, top: int = 15) -> str:
    """cProfile of POST /tasks/{id}/complete through the Flask test client (WSGI stack + service)."""
    supervisor = {"Authorization": f"Bearer {seeded['supervisor_token']}"}
    applicant = {"Authorization": f"Bearer {seeded['applicant_token']}"}
    payload = {"process_key": PROCESS_KEY, "center_id": seeded["center_id"], "data": {}}
    profiler = cProfile.Profile()
    completions = 0
    with app_context(env) as app:
        client = app.test_client()
        log(f"profile: {instances_count} instances through the Flask test client, profiling completions only")
        for _ in range(instances_count):
            body = _expect(client.post("/api/v1/instances", json=payload, headers=supervisor), 201, "POST /instances")
            for step, element in enumerate(ELEMENTS):
                task_id = _ready(body, element, "profile")
                profiler.enable()
                response = client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {}}, headers=applicant)
                profiler.disable()
                completions += 1
                _expect(response, 200, "POST /tasks/{id}/complete")
                if step + 1 < len(ELEMENTS):
                    body = _expect(client.get(f"/api/v1/instances/{body['id']}", headers=applicant), 200, "GET")
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs().sort_stats("cumulative").print_stats(top)
    return f"cProfile: {completions} task completions (POST /api/v1/tasks/{{id}}/complete, in-process)\n" + out.getvalue()


# ---- report -----------------------------------------------------------------------------------------


def summarise(n: int, http: dict[str, list[float]], service: dict[str, list[float]],
              engine: dict[str, Any]) -> dict[str, Any]:
    http_complete, http_start = median(ms(http["complete"])), median(ms(http["start"]))
    service_complete = median(ms(service["complete"]))
    floor = median(ms(engine["complete"]))
    return {
        "n": n,
        "tasks_per_instance": TASKS_PER_INSTANCE,
        "http_task_completion_ms_median": round(http_complete, 3),
        "http_task_completion_ms_p90": round(p90(ms(http["complete"])), 3),
        "http_instance_start_ms_median": round(http_start, 3),
        "http_instance_start_ms_p90": round(p90(ms(http["start"])), 3),
        "http_instance_get_ms_median": round(median(ms(http["get"])), 3),
        "http_instance_total_ms_median": round(median(ms(http["instance"])), 3),
        "service_task_completion_ms_median": round(service_complete, 3),
        "service_task_completion_ms_p90": round(p90(ms(service["complete"])), 3),
        "service_instance_start_ms_median": round(median(ms(service["start"])), 3),
        "engine_floor_ms_median": round(floor, 3),
        "engine_floor_ms_p90": round(p90(ms(engine["complete"])), 3),
        "engine_floor_load_ms_median": round(median(ms(engine["load"])), 3),
        "engine_floor_run_ms_median": round(median(ms(engine["run"])), 3),
        "engine_floor_save_ms_median": round(median(ms(engine["save"])), 3),
        "engine_state_bytes_median": int(median(engine["state_bytes"])),
        "ratio_http_to_floor": round(http_complete / floor, 2),
        "ratio_service_to_floor": round(service_complete / floor, 2),
        "ratio_http_to_service": round(http_complete / service_complete, 2),
        "python": platform.python_version(),
        "spiffworkflow": metadata.version("SpiffWorkflow"),
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "database": "sqlite",
        "server": "tic serve --workers 1 --threads 1 (gunicorn sync)",
    }


def table(r: dict[str, Any]) -> str:
    rows = [
        ("http_task_completion", r["http_task_completion_ms_median"], r["http_task_completion_ms_p90"],
         "POST /tasks/{id}/complete (owner target <= 10 ms)"),
        ("http_instance_start", r["http_instance_start_ms_median"], r["http_instance_start_ms_p90"],
         "POST /instances"),
        ("http_instance_get", r["http_instance_get_ms_median"], None, "GET /instances/{id} (between tasks)"),
        ("http_instance_total", r["http_instance_total_ms_median"], None,
         "start + 3 completions + 2 GETs, one instance"),
        ("service_task_completion", r["service_task_completion_ms_median"], r["service_task_completion_ms_p90"],
         "tasks.complete_task in-process"),
        ("service_instance_start", r["service_instance_start_ms_median"], None, "instances.start_instance"),
        ("engine_floor", r["engine_floor_ms_median"], r["engine_floor_ms_p90"],
         "SpiffWorkflow load + run + save"),
        ("  engine load", r["engine_floor_load_ms_median"], None, "deserialize_json (state includes spec)"),
        ("  engine run", r["engine_floor_run_ms_median"], None, "task.run() + do_engine_steps()"),
        ("  engine save", r["engine_floor_save_ms_median"], None, "serialize_json"),
    ]
    lines = [f"{'measure':<26}{'median ms':>11}{'p90 ms':>10}  what", "-" * 86]
    for name, med, high, what in rows:
        lines.append(f"{name:<26}{med:>11.3f}{'' if high is None else f'{high:.3f}':>10}  {what}")
    lines += [
        "-" * 86,
        f"{'http/engine_floor':<26}{r['ratio_http_to_floor']:>11.2f}",
        f"{'service/engine_floor':<26}{r['ratio_service_to_floor']:>11.2f}   (owner target <= 3)",
        f"{'http/service':<26}{r['ratio_http_to_service']:>11.2f}",
        "-" * 86,
        f"n={r['n']} instances x {r['tasks_per_instance']} tasks per phase; python {r['python']}; "
        f"SpiffWorkflow {r['spiffworkflow']}; cpu_count {r['cpu_count']}; {r['database']}; {r['server']}",
        f"engine state {r['engine_state_bytes_median']} bytes (median); {r['platform']}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=200, help="instances per phase (3 task completions each)")
    parser.add_argument("--warmup", type=int, default=10, help="uncounted instances before each phase")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument("--profile", action="store_true",
                        help="also cProfile the in-process HTTP completion path (top 15 cumulative, stderr)")
    args = parser.parse_args(argv)
    if args.n < 1 or args.warmup < 0:
        parser.error("--n must be >= 1 and --warmup >= 0")

    # SIGTERM/SIGHUP become SystemExit so the finally blocks stop the server and remove the temp dir.
    def _exit(signum: int, _frame: Any) -> None:
        raise SystemExit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _exit)

    tmp = Path(tempfile.mkdtemp(prefix="tic-bench-"))
    try:
        env, seeded = prepare(tmp)
        http = http_phase(env, seeded, tmp, args.n, args.warmup)
        service = service_phase(env, seeded, args.n, args.warmup)
        engine = engine_phase(seeded, args.n, args.warmup)
        profile = profile_phase(env, seeded, min(args.n, 100)) if args.profile else None
    except BenchError as err:
        log(f"error: {err}")
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result = summarise(args.n, http, service, engine)
    if profile:
        print(profile, file=sys.stderr)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
