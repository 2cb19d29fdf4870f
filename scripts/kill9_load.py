"""`kill -9` under load: web workers and the scheduler are killed while tasks are completed and timers fire.

Two `tic serve --workers 2` processes and one `tic scheduler` on PostgreSQL. Client threads complete every
task of the three-task instances through both web processes (a transport error is retried through the
other one), while a killer sends SIGKILL to a random gunicorn worker (gunicorn starts a new one) every
`--interval` seconds, and every fifth kill to the scheduler (restarted at once). Then every timer must
have fired and every task be completed exactly once, and every completion a client was told succeeded
(200) must be in the database. Prints the figures.

    scripts/kill9_load [--instances 200] [--timers 300] [--kills 75] [--interval 0.15] [--json]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.load import harness  # noqa: E402

PG_ADMIN = os.environ.get("TIC_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (a gunicorn master's workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def killer(cluster: harness.Cluster, kills: int, interval: float, done: threading.Event, tally: dict[str, int]) -> None:
    """SIGKILL a random web worker every `interval` s; every fifth time the scheduler, started again at once."""
    rng = random.Random(9)
    while tally["kills"] < kills and not done.is_set():
        time.sleep(interval)
        if (tally["kills"] + 1) % 5 == 0 and cluster.scheduler_procs:
            old = cluster.scheduler_procs[0]
            os.killpg(old.pid, signal.SIGKILL)
            old.wait(timeout=10)
            cluster.scheduler_procs[0] = subprocess.Popen(
                [harness.TIC, "scheduler"], env=cluster.env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True)
            tally["scheduler_kills"] += 1
        else:
            workers = [w for p in cluster.web_procs for w in children(p.pid)]
            if not workers:
                continue
            os.kill(rng.choice(workers), signal.SIGKILL)
            tally["worker_kills"] += 1
        tally["kills"] += 1


def main() -> int:
    """Run once and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", type=int, default=200)
    parser.add_argument("--timers", type=int, default=300)
    parser.add_argument("--kills", type=int, default=75)
    parser.add_argument("--interval", type=float, default=0.15)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    url = harness.fresh_database(PG_ADMIN)
    cluster = harness.Cluster(url, webs=2, schedulers=1, workers=2)
    tally = {"kills": 0, "worker_kills": 0, "scheduler_kills": 0}
    try:
        scene = harness.prepare(url, instances=args.instances, timers=args.timers)
        cluster.start()
        harness.set_clock(url, harness.START + timedelta(hours=2))
        done = threading.Event()
        thread = threading.Thread(target=killer, args=(cluster, args.kills, args.interval, done, tally), daemon=True)
        thread.start()
        load = harness.drive(cluster.web_urls, scene.token, harness.shuffled(scene.instances), threads=6,
                             duplicate_every=5, limit_s=600)
        tally["kills_while_the_load_ran"] = tally["kills"]
        while tally["kills"] < args.kills and thread.is_alive():  # the kills go on until their number is reached
            time.sleep(0.2)
        done.set()
        thread.join(timeout=30)
        harness.wait_for_timers(url, args.timers, limit_s=300)
        figures = harness.verify(scene)
        lost = harness.lost_acknowledgements(load, figures)
    finally:
        cluster.stop()
        harness.drop_database(PG_ADMIN, url)
    result = {
        **tally, "completions_acknowledged": len(load.acknowledged), "answers": dict(load.statuses),
        "transport_errors_retried": load.transport_errors, "server_errors": load.server_errors(),
        "acknowledged_but_lost": len(lost), "tasks_completed_once": figures["tasks_completed_once"],
        "tasks_expected": figures["tasks_expected"], "tasks_completed_twice": figures["tasks_completed_twice_or_more"],
        "timers_fired_once": figures["timers_fired_once"], "timers_expected": figures["timers_expected"],
        "timers_fired_twice": figures["timers_fired_twice_or_more"], "load_seconds": round(load.seconds, 1),
        "load_average": os.getloadavg()[0],
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>26}: {value}")
    ok = not lost and figures["tasks_completed_twice_or_more"] == 0 and figures["timers_fired_twice_or_more"] == 0 \
        and figures["tasks_completed_once"] == figures["tasks_expected"] \
        and figures["timers_fired_once"] == figures["timers_expected"]
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
