"""The idle probe of scripts/bench (--idle): does a pause before a request slow the request itself?

Over HTTP every request follows a pause (the server waits for the client's next call). On a virtual machine whose
idle CPU halts, that pause can leave the next request's caches cold. This phase measures the same in-process
completion (Flask test client, no socket) three ways, interleaved per instance so drift hits all three alike:
right after the previous request (`busy`), after sleeping `pause` seconds (`slept`: the CPU may idle), and after
spinning for the same time (`spun`: the CPU stays busy). If `slept` is well above `busy` and `spun`, part of the
HTTP figure is the machine waking up, not the server's work.
"""
from __future__ import annotations

import time
from typing import Any

from bench_common import ELEMENTS, PROCESS_KEY, BenchError, app_context, log

MODES = ("busy", "slept", "spun")


def _pause(mode: str, seconds: float) -> None:
    if mode == "slept":
        time.sleep(seconds)
    elif mode == "spun":
        until = time.perf_counter() + seconds
        while time.perf_counter() < until:
            pass


def idle_phase(env: dict[str, str], seeded: dict[str, Any], n: int, warmup: int,
               pause: float = 0.002) -> dict[str, list[float]]:
    """Completion times (seconds) per mode: n instances per mode, the modes taking turns instance by instance."""
    supervisor = {"Authorization": f"Bearer {seeded['supervisor_token']}"}
    applicant = {"Authorization": f"Bearer {seeded['applicant_token']}"}
    payload = {"process_key": PROCESS_KEY, "center_id": seeded["center_id"], "data": {}}
    times: dict[str, list[float]] = {mode: [] for mode in MODES}
    with app_context(env) as app:
        client = app.test_client()
        log(f"idle: {warmup} warm-up + {n} instances per mode ({', '.join(MODES)}; pause {pause * 1000:.0f} ms), "
            "Flask test client")
        for i in range(warmup + n * len(MODES)):
            mode = MODES[i % len(MODES)]
            answer = client.post("/api/v1/instances", json=payload, headers=supervisor)
            if answer.status_code != 201:
                raise BenchError(f"idle: POST /instances answered {answer.status_code}")
            task_id = answer.get_json()["ready_tasks"][0]["id"]
            for step in range(len(ELEMENTS)):
                _pause(mode, pause)
                t = time.perf_counter()
                answer = client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {}}, headers=applicant)
                spent = time.perf_counter() - t
                if answer.status_code != 200:
                    raise BenchError(f"idle: complete answered {answer.status_code}")
                if i >= warmup:
                    times[mode].append(spent)
                if step + 1 < len(ELEMENTS):
                    task_id = answer.get_json()["next_tasks"][0]["id"]
    return times
