"""The report of scripts/bench: the summary object, the text table and the cProfile digest."""
from __future__ import annotations

import cProfile
import io
import os
import platform
import pstats
import re
import sys
from importlib import metadata
from typing import Any

from bench_common import ELEMENTS, PROFILE_TOP, ROOT, median, ms, p90

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
              engine: dict[str, Any], http_lean: dict[str, list[float]] | None = None) -> dict[str, Any]:
    def med(values: list[float]) -> float:
        return round(median(ms(values)), 3)

    def high(values: list[float]) -> float:
        return round(p90(ms(values)), 3)

    http_complete, wsgi_complete = med(http["complete"]), med(wsgi["complete"])
    service_complete, floor = med(service["complete"]), med(engine["complete"])
    lean = http_lean or {}
    result = {
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
        # which build: the distribution's (PGO + LTO) and pyenv's source build ran 1.27x apart (README, fifth pass)
        "python_executable": os.path.realpath(getattr(sys, "_base_executable", sys.executable)),
        "spiffworkflow": metadata.version("SpiffWorkflow"),
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "database": "sqlite",
        "server": "tic serve --workers 1 --threads 1 (gunicorn gthread, one thread)",
        "http_client": "requests.Session (keep-alive)",
    }
    if lean.get("complete"):  # the same server and phase, a lean client (http.client, one keep-alive connection)
        lean_complete = med(lean["complete"])
        result.update({
            "http_lean_client": "http.client.HTTPConnection (keep-alive), interleaved with requests",
            "http_lean_task_completion_ms_median": lean_complete,
            "http_lean_task_completion_ms_p90": high(lean["complete"]),
            "http_lean_instance_start_ms_median": med(lean["start"]),
            "http_lean_instance_get_ms_median": med(lean["get"]),
            "http_lean_instance_total_ms_median": med(lean["instance"]),
            "http_lean_instance_total_ms_p90": high(lean["instance"]),
            "http_lean_instance_total_with_get_ms_median": med(lean["instance_with_get"]),
            "http_lean_keepalive": not any(lean["closed"]),
            "http_lean_transport_ms": round(lean_complete - wsgi_complete, 3),
            "requests_client_overhead_ms": round(http_complete - lean_complete, 3),
        })
    return result


def idle_report(idle: dict[str, list[float]]) -> dict[str, float]:
    """Medians of the idle probe per mode (busy, slept, spun) and how much slower a request is after a sleep."""
    medians = {mode: round(median(ms(values)), 3) for mode, values in idle.items()}
    result: dict[str, float] = {f"idle_wsgi_completion_{mode}_ms_median": value for mode, value in medians.items()}
    result["idle_ratio_slept_to_busy"] = round(medians["slept"] / medians["busy"], 2)
    result["idle_ratio_spun_to_busy"] = round(medians["spun"] / medians["busy"], 2)
    return result


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
        *([("http_lean_task_completion", r["http_lean_task_completion_ms_median"],
            r["http_lean_task_completion_ms_p90"], "the same POST, lean client (http.client keep-alive)"),
           ("http_lean_instance_total", r["http_lean_instance_total_ms_median"], r["http_lean_instance_total_ms_p90"],
            "one instance (start + 3 completions), lean client")] if "http_lean_task_completion_ms_median" in r else []),
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
        *([f"{'http_lean - wsgi (ms)':<26}{r['http_lean_transport_ms']:>11.3f}   (socket, gunicorn, lean client)",
           f"{'requests - lean (ms)':<26}{r['requests_client_overhead_ms']:>11.3f}   (what requests adds per call)"]
          if "http_lean_transport_ms" in r else []),
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


