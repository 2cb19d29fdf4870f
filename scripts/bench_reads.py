"""Do reads queue behind writes? `tic serve --workers 1 --threads 4` on SQLite, four client threads.

Prints figures, never passes or fails on time (exit non-zero only when something is broken):

    .venv/bin/python scripts/bench_reads.py [--seconds S] [--hold-ms H] [--json]

Two measurements on a fresh database with the benchmark process of scripts/bench.py:
  held lock  another connection holds SQLite's write lock (`BEGIN IMMEDIATE`) for H ms while 4 threads send GETs
             (inbox, instance): a read that took the write lock itself waits until the holder commits; a read
             transaction reads its snapshot at once. `reads_waiting_for_lock` counts reads slower than H/2.
  mixed      for S seconds, 2 threads drive instances (start + 3 completions) while 2 threads send GETs; read
             latency percentiles under that write load next to the same reads on an idle server.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402  (scripts/bench.py: prepare, Server, the benchmark process)

THREADS = 4


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2) if ordered else 0.0


def _figures(values: list[float]) -> dict[str, float]:
    return {"n": len(values), "p50_ms": _pct(values, 0.5), "p95_ms": _pct(values, 0.95),
            "max_ms": round(max(values, default=0) * 1000, 2),
            "mean_ms": round(statistics.fmean(values) * 1000, 2) if values else 0.0}


class Client:
    """One requests session per thread with the seeded people's tokens."""

    def __init__(self, base: str, seeded: dict[str, Any]) -> None:
        import requests

        self.base, self.http = base, requests.Session()
        self.applicant = {"Authorization": f"Bearer {seeded['applicant_token']}"}
        self.supervisor = {"Authorization": f"Bearer {seeded['supervisor_token']}"}
        self.payload = {"process_key": bench.PROCESS_KEY, "center_id": seeded["center_id"], "data": {}}

    def instance(self) -> int:
        """Start one instance and complete its three tasks, following `next_tasks`; returns its id."""
        body = bench._json(self.http.post(f"{self.base}/instances", json=self.payload, headers=self.supervisor),
                           201, "POST /instances")
        ready = body["ready_tasks"]
        while ready:
            done = bench._json(self.http.post(f"{self.base}/tasks/{ready[0]['id']}/complete", json={"data": {}},
                                              headers=self.applicant), 200, "POST complete")
            ready = done.get("next_tasks")
            if ready is None:  # a server without next_tasks: ask the instance
                ready = bench._json(self.http.get(f"{self.base}/instances/{body['id']}", headers=self.applicant),
                                    200, "GET instance")["ready_tasks"]
        return int(body["id"])

    def read(self, instance_id: int) -> float:
        """One read request (alternately the inbox and an instance); its wall time."""
        url = f"{self.base}/tasks?limit=50" if instance_id % 2 else f"{self.base}/instances/{instance_id}"
        t = time.perf_counter()
        bench._json(self.http.get(url, headers=self.applicant), 200, f"GET {url}")
        return time.perf_counter() - t


def _run_threads(targets: list[Any]) -> None:
    errors: list[BaseException] = []

    def wrap(target: Any) -> None:
        try:
            target()
        except BaseException as err:  # reported below: a broken answer ends the benchmark
            errors.append(err)

    threads = [threading.Thread(target=wrap, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    if errors:
        raise bench.BenchError(f"{type(errors[0]).__name__}: {errors[0]}")


def held_lock(base: str, seeded: dict[str, Any], db_path: Path, ids: list[int], hold: float) -> dict[str, Any]:
    """GETs from 4 threads while another connection holds the write lock for `hold` seconds."""
    clients = [Client(base, seeded) for _ in range(THREADS)]
    for client in clients:  # connections open, tokens warm
        client.read(ids[0])
    times: list[float] = []
    lock = threading.Lock()
    taken = threading.Event()

    def hold_lock() -> None:  # another writer mid-transaction, for `hold` seconds
        holder = sqlite3.connect(db_path, timeout=30, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        taken.set()
        time.sleep(hold)
        holder.execute("COMMIT")
        holder.close()

    holding = threading.Thread(target=hold_lock)
    holding.start()
    taken.wait(timeout=60)
    until = time.perf_counter() + hold

    def reader(client: Client) -> None:
        k = 0
        while time.perf_counter() < until:
            spent = client.read(ids[k % len(ids)])
            k += 1
            with lock:
                times.append(spent)

    _run_threads([lambda c=c: reader(c) for c in clients])
    holding.join(timeout=60)
    return {"hold_ms": round(hold * 1000), **_figures(times),
            "reads_waiting_for_lock": sum(t > hold / 2 for t in times)}


def mixed(base: str, seeded: dict[str, Any], ids: list[int], seconds: float) -> dict[str, Any]:
    """Read latency alone, then with 2 threads writing instances while 2 threads read."""
    readers = [Client(base, seeded) for _ in range(2)]
    writers = [Client(base, seeded) for _ in range(2)]
    idle: list[float] = []
    loaded: list[float] = []
    written: list[int] = []
    lock = threading.Lock()

    def read_for(client: Client, into: list[float], until: float) -> None:
        k = 0
        while time.perf_counter() < until:
            spent = client.read(ids[k % len(ids)])
            k += 1
            with lock:
                into.append(spent)

    def write_for(client: Client, until: float) -> None:
        while time.perf_counter() < until:
            client.instance()
            with lock:
                written.append(1)

    until = time.perf_counter() + seconds
    _run_threads([lambda c=c: read_for(c, idle, until) for c in readers])
    until = time.perf_counter() + seconds
    _run_threads([lambda c=c: read_for(c, loaded, until) for c in readers]
                 + [lambda c=c: write_for(c, until) for c in writers])
    return {"seconds": seconds, "reads_idle": _figures(idle), "reads_under_writes": _figures(loaded),
            "instances_written": len(written),
            "ratio_p95_under_writes_to_idle": round(_pct(loaded, 0.95) / max(_pct(idle, 0.95), 0.01), 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Reads vs SQLite's write lock, 4 threads (figures, never pass/fail).")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each mixed-load half")
    parser.add_argument("--hold-ms", type=float, default=1000.0, help="how long the other connection holds the lock")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="tic-bench-reads-"))
    load_start = os.getloadavg()[0]
    try:
        env, seeded = bench.prepare(tmp)
        server = bench.Server(env, tmp / "server.log", threads=THREADS)
        try:
            setup = Client(server.base, seeded)
            server.wait_healthy(setup.http)
            ids = [setup.instance() for _ in range(20)]
            result = {
                "held_lock": held_lock(server.base, seeded, tmp / "bench.db", ids, args.hold_ms / 1000),
                "mixed": mixed(server.base, seeded, ids, args.seconds),
            }
        except Exception:
            bench.log(f"server log tail:\n{server.log_tail()}")
            raise
        finally:
            server.stop()
    except bench.BenchError as err:
        bench.log(f"error: {err}")
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result.update({"server": f"tic serve --workers 1 --threads {THREADS}", "database": "sqlite",
                   "cpu_count": os.cpu_count(), "loadavg_1m_start": round(load_start, 2),
                   "loadavg_1m_end": round(os.getloadavg()[0], 2)})
    print(json.dumps(result, ensure_ascii=False) if args.json else json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
