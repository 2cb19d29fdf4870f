"""Serve the app with gunicorn; the scheduler runs in the single worker (embedded default).

With several workers, the workers share one directory for their Prometheus metrics (PROMETHEUS_MULTIPROC_DIR,
made here when unset) so a scrape of any worker sees them all; the access log is the app's own JSON line
(app/observability/logs.py) unless TIC_LOG_FORMAT=text.
"""
from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from app import create_app

        app = create_app(start_scheduler=False)
        if self.options["workers"] == 1 and app.config["TIC_SCHEDULER"]:
            from app.scheduler import start_in_process

            start_in_process(app)
        return app


def _child_exit(_server: Any, worker: Any) -> None:
    """A worker's metric files are merged into the dead-process totals when it exits."""
    from app.config import metrics_dir

    if metrics_dir():
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Run gunicorn in the foreground."""
    from app.config import Settings, share_metrics_between_workers

    share_metrics_between_workers(workers)
    text_logs = Settings().log_format == "text"
    _Server({
        "bind": f"{host}:{port}", "workers": workers, "threads": threads,
        # gthread even with one thread: the sync worker closes every connection (no keep-alive)
        "worker_class": "gthread", "keepalive": 5, "accesslog": "-" if text_logs else None, "timeout": 60,
        "child_exit": _child_exit,
    }).run()
