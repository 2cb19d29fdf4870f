"""Two (or more) `tic scheduler` processes on PostgreSQL fire N timers that fall due at one instant.

Prints figures (never passes or fails on time): seconds until all fired, firings per second, how the firings
split between the schedulers, and the exactly-once counts (each timer fired once, none twice).

    scripts/two_schedulers [--timers 3000] [--schedulers 2] [--json]

Needs the local PostgreSQL (TIC_BENCH_POSTGRES_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/postgres);
makes and drops its own database.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.load import harness  # noqa: E402

PG_ADMIN = os.environ.get("TIC_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def main() -> int:
    """Run once and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timers", type=int, default=3000)
    parser.add_argument("--schedulers", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    url = harness.fresh_database(PG_ADMIN)
    cluster = harness.Cluster(url, webs=0, schedulers=args.schedulers)
    try:
        began = time.monotonic()
        scene = harness.prepare(url, instances=0, timers=args.timers)
        print(f"prepared {args.timers} timers in {time.monotonic() - began:.0f} s", file=sys.stderr)
        cluster.start()
        harness.set_clock(url, harness.START + timedelta(hours=2))
        seconds = harness.wait_for_timers(url, args.timers, limit_s=max(600.0, args.timers / 2))
        alive = cluster.alive()
        figures = harness.verify(scene)
    finally:
        cluster.stop()
        harness.drop_database(PG_ADMIN, url)
    result = {
        "timers": args.timers, "schedulers": args.schedulers, "seconds_until_all_fired": round(seconds, 1),
        "firings_per_second": round(args.timers / seconds, 1) if seconds else None,
        "fired_once": figures["timers_fired_once"], "fired_twice_or_more": figures["timers_fired_twice_or_more"],
        "firings_by_scheduler": figures["firings_by_scheduler"], "schedulers_alive": alive,
        "load_average": os.getloadavg()[0],
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>24}: {value}")
    return 0 if figures["timers_fired_twice_or_more"] == 0 and figures["timers_fired_once"] == args.timers else 1


if __name__ == "__main__":
    raise SystemExit(main())
