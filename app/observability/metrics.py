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
import time
from collections.abc import Iterator

from flask import Blueprint, Flask, Response, current_app, g, request
from flask_babel import gettext as _
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from app.config import metrics_dir
from app.errors import Unauthenticated
from app.services.infrastructure import readiness

bp = Blueprint("metrics", __name__)
REQUESTS = Counter("tic_http_requests_total", "HTTP requests answered", ["method", "endpoint", "status"])
LATENCY = Histogram("tic_http_request_duration_seconds", "Time to answer an HTTP request", ["method", "endpoint"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
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


def _registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    if metrics_dir():
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        from prometheus_client import REGISTRY

        for collector in list(REGISTRY._collector_to_names):  # noqa: SLF001 - this process's own metrics
            registry.register(collector)
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
    REQUESTS.labels(request.method, endpoint, str(response.status_code)).inc()
    if started is not None:
        LATENCY.labels(request.method, endpoint).observe(time.perf_counter() - started)
    return response


def init_metrics(app: Flask) -> None:
    """Count every request; serve /metrics."""
    app.before_request(_begin)
    app.after_request(_end)
    app.register_blueprint(bp)
