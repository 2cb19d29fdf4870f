"""Serve the app with gunicorn; the scheduler runs in the single worker (embedded default)."""
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


def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Run gunicorn in the foreground."""
    _Server({
        "bind": f"{host}:{port}", "workers": workers, "threads": threads,
        # gthread even with one thread: the sync worker closes every connection (no keep-alive)
        "worker_class": "gthread", "keepalive": 5, "accesslog": "-", "timeout": 60,
    }).run()
