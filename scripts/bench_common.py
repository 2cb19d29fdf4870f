"""Shared parts of the benchmarks in scripts/: paths, the benchmark process, seeding a fresh database, the server,
and the small statistics helpers (scripts/bench.py, bench_reads.py, bench_inbox.py import them)."""
from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# the server runs in the virtual environment of the interpreter running the benchmark (scripts/bench_interpreters.py
# runs it under two), else in the project's .venv
_RUNNING = Path(sys.executable).parent
BIN = _RUNNING if (_RUNNING / "tic").exists() else ROOT / ".venv" / "bin"
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


# ---- phase 1: HTTP ----------------------------------------------------------------------------------


class LeanResponse:
    """What the driver reads of an answer: status, headers, body (the `requests` names)."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status_code, self.headers, self.content = status, headers, body

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.content)


class LeanClient:
    """A minimal HTTP/1.1 client on one keep-alive connection (http.client): what a lean client costs, beside
    `requests` (its sessions, adapters, cookie jar and header merging cost ~1 ms per call here)."""

    def __init__(self, base: str) -> None:
        from urllib.parse import urlsplit

        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)

    def request(self, method: str, url: str, json_body: Any = None, headers: dict[str, str] | None = None) -> LeanResponse:
        from urllib.parse import urlsplit

        path = urlsplit(url).path
        body = None if json_body is None else json.dumps(json_body).encode()
        sent = {"Accept": "application/json", **(headers or {})}
        if body is not None:
            sent["Content-Type"] = "application/json"
        for attempt in (1, 2):  # the server may close an idle keep-alive connection: reconnect once
            try:
                self.connection.request(method, path, body=body, headers=sent)
                answer = self.connection.getresponse()
                content = answer.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                if attempt == 2:
                    raise
        return LeanResponse(answer.status, dict(answer.getheaders()), content)

    def post(self, url: str, json: Any = None, headers: dict[str, str] | None = None) -> LeanResponse:  # noqa: A002
        return self.request("POST", url, json, headers)

    def get(self, url: str, headers: dict[str, str] | None = None, timeout: float | None = None) -> LeanResponse:
        return self.request("GET", url, None, headers)

    def close(self) -> None:
        self.connection.close()



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


