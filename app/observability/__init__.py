"""What an operator sees of a running node: JSON logs with a request id, Prometheus metrics at /metrics."""
from __future__ import annotations

from flask import Flask

from app.observability import logs, metrics


def init_observability(app: Flask) -> None:
    """Request ids and JSON logs, then the metrics (request counts and latencies, timers, outbox)."""
    logs.init_logs(app)
    metrics.init_metrics(app)
