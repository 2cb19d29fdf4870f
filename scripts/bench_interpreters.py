"""The same benchmark under two Python interpreters, interleaved: what the interpreter's build costs a request.

    .venv/bin/python scripts/bench_interpreters.py --other /root/.pyenv/versions/3.11.7/bin/python3 [--rounds 3]
        [--n 60] [--json]

Makes a throwaway virtual environment of `--other` with the project installed (editable, with the dev extras the
benchmark's client needs), then runs `scripts/bench.py --n N --json` alternately under the project's .venv and
under it, `--rounds` times each; the server runs in the interpreter's own environment. Prints each run's figures,
their medians and the ratio other / project for each figure (a ratio above 1: the other interpreter is slower).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from statistics import median
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PYTHON = ROOT / ".venv" / "bin" / "python"
FIGURES = ["http_task_completion_ms_median", "http_lean_task_completion_ms_median", "http_instance_total_ms_median",
           "http_lean_instance_total_ms_median", "wsgi_task_completion_ms_median",
           "service_task_completion_ms_median", "engine_floor_ms_median", "requests_client_overhead_ms"]


def base_executable(python: str | Path) -> str:
    """The real interpreter behind `python` (a venv's python resolves to the one it was made from)."""
    code = "import os, sys; print(os.path.realpath(getattr(sys, '_base_executable', sys.executable)))"
    return subprocess.run([str(python), "-c", code], check=True, capture_output=True, text=True).stdout.strip()


def make_venv(python: str, where: Path) -> Path:
    """A virtual environment of `python` at `where` with the project installed; returns its python."""
    subprocess.run([python, "-m", "venv", str(where)], check=True)
    venv_python = where / "bin" / "python"
    subprocess.run([str(venv_python), "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[dev]"], check=True)
    return venv_python


def bench(python: Path, n: int) -> dict[str, Any]:
    """One run of scripts/bench.py under `python`."""
    out = subprocess.run([str(python), str(ROOT / "scripts" / "bench.py"), "--n", str(n), "--json"],
                         check=True, capture_output=True, text=True, cwd=ROOT).stdout
    result: dict[str, Any] = json.loads(out)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="scripts/bench.py under two interpreters, interleaved")
    parser.add_argument("--other", required=True, help="the interpreter to compare with the project's .venv")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--n", type=int, default=60, help="instances per run (bench.py --n)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    project, other = base_executable(PROJECT_PYTHON), base_executable(args.other)
    if project == other:
        parser.error(f"--other is the interpreter the project's .venv was made from ({project})")
    tmp = Path(tempfile.mkdtemp(prefix="tic-bench-interp-"))
    try:
        print(f"bench_interpreters: installing the project for {other} in {tmp}", file=sys.stderr)
        other_python = make_venv(args.other, tmp / "venv")
        runs: dict[str, list[dict[str, Any]]] = {"project": [], "other": []}
        for round_ in range(args.rounds):
            for label, python in (("project", PROJECT_PYTHON), ("other", other_python)):
                result = bench(python, args.n)
                runs[label].append(result)
                print(f"bench_interpreters: round {round_ + 1} {label}: http {result['http_task_completion_ms_median']}"
                      f" ms, load {result.get('loadavg_1m_start')}→{result.get('loadavg_1m_end')}", file=sys.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    medians = {label: {f: round(median(r[f] for r in results), 3) for f in FIGURES if all(f in r for r in results)}
               for label, results in runs.items()}
    summary = {
        "project_python": project, "other_python": other, "rounds": args.rounds, "n": args.n,
        "project_versions": sorted({r["python"] for r in runs["project"]}),
        "other_versions": sorted({r["python"] for r in runs["other"]}),
        "project_medians": medians["project"], "other_medians": medians["other"],
        "ratio_other_to_project": {f: round(medians["other"][f] / medians["project"][f], 2)
                                   for f in medians["project"] if medians["project"][f]},
        "runs": {label: [{f: r.get(f) for f in [*FIGURES, "loadavg_1m_start", "loadavg_1m_end"]} for r in results]
                 for label, results in runs.items()},
        "cpu_count": os.cpu_count(),
    }
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        for key in ("project_python", "other_python", "project_medians", "other_medians", "ratio_other_to_project"):
            print(f"{key}: {summary[key]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
