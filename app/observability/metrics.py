"""Prometheus metrics at `/metrics`: requests and latencies of this process, and the work the database holds.

- `tic_http_requests_total{method,endpoint,status}`, `tic_http_request_duration_seconds{method,endpoint}`:
  counted per worker; under `tic serve --workers N` the workers share PROMETHEUS_MULTIPROC_DIR (set by
  `tic serve`), so one scrape sees all of them.
- `tic_timer_lag_seconds` (how long the oldest due timer has waited), `tic_timers_due`, `tic_timers_waiting`,
  `tic_timers_stuck`, `tic_last_firing_lag_seconds`, `tic_outbox_depth` (emails waiting to be sent): read
  from the database at scrape time, so every node and the scheduler processes agree.

`TIC_METRICS_TOKEN` set: the scrape needs `Authorization: Bearer <token>`; unset: restrict /metrics at the
reverse proxy (README, "Running in production").
"""
from __future__ import annotations

import hmac
import os
import time
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, request
from flask_babel import gettext as _
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from app.config import metrics_dir
from app.errors import Unauthenticated
from app.services.infrastructure import readiness

bp = Blueprint("metrics", __name__)
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
_made: dict[str, Any] = {}
WORK = {
    "timer_lag_seconds": "How long the oldest due timer has waited to fire (0: none is due)",
    "timers_due": "Timers due and not yet fired",
    "timers_waiting": "Timers waiting (due or not)",
    "timers_stuck": "Timers whose instance failed when they fired (waiting for an administrator)",
    "last_firing_lag_seconds": "Lag of the most recent timer firing",
    "outbox_depth": "Email notifications waiting to be sent",
}


class WorkCollector(Collector):
    """The database's figures, read when Prometheus scrapes."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """One gauge per figure of `readiness.work_figures`."""
        figures = readiness.work_figures()
        for name, help_text in WORK.items():
            yield GaugeMetricFamily(f"tic_{name}", help_text, value=figures[name])


def _instruments() -> tuple[Counter, Histogram]:
    """This process's request counter and latency histogram, made after the fork.

    `tic serve` loads the app once in the gunicorn master (the Flask CLI does) before it sets
    PROMETHEUS_MULTIPROC_DIR for the workers, so metrics made at import would keep in-memory values: each
    process makes its own, choosing prometheus_client's value class again (files shared by the workers)."""
    if _made.get("pid") != os.getpid():
        from prometheus_client import values

        values.ValueClass = values.get_value_class()  # type: ignore[no-untyped-call]
        own = CollectorRegistry()
        _made.update(pid=os.getpid(), own=own, requests=Counter(
            "tic_http_requests_total", "HTTP requests answered", ["method", "endpoint", "status"], registry=own),
            latency=Histogram("tic_http_request_duration_seconds", "Time to answer an HTTP request",
                              ["method", "endpoint"], buckets=BUCKETS, registry=own))
    return _made["requests"], _made["latency"]


def _registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    if metrics_dir():
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        for instrument in _instruments():
            registry.register(instrument)
    registry.register(WorkCollector())
    return registry


@bp.route("/metrics")
def scrape() -> Response:
    """The metrics in Prometheus' text format."""
    token = str(current_app.config.get("TIC_METRICS_TOKEN") or "")
    if token:
        sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(sent, token):
            raise Unauthenticated(_("读取监控指标需要令牌（Authorization: Bearer）"))
    return Response(generate_latest(_registry()), mimetype=CONTENT_TYPE_LATEST)


def _begin() -> None:
    g.metrics_started = time.perf_counter()


def _end(response: Response) -> Response:
    started = g.get("metrics_started")
    endpoint = request.endpoint or "unmatched"
    requests, latency = _instruments()
    requests.labels(request.method, endpoint, str(response.status_code)).inc()
    if started is not None:
        latency.labels(request.method, endpoint).observe(time.perf_counter() - started)
    return response


def init_metrics(app: Flask) -> None:
    """Count every request; serve /metrics."""
    app.before_request(_begin)
    app.after_request(_end)
    app.register_blueprint(bp)
