"""JSON logs, one object per line, each naming the request it belongs to.

Every request gets an id: the `X-Request-ID` a proxy sent (letters, digits, `.-_`, at most 64), else a new
one. It is answered in the `X-Request-ID` header, added to every log record written while the request runs,
and the request ends with one access record (method, path, endpoint, status, duration, user).
`TIC_LOG_FORMAT=json` (default) writes JSON lines to stderr; `text` keeps Python's plain format.
"""
from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import IO, Any

from flask import Flask, Response, g, has_request_context, request

HEADER = "X-Request-ID"
_VALID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id"}
access_log = logging.getLogger("tic.access")


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Attach the current request's id."""
        if not hasattr(record, "request_id"):
            record.request_id = g.get("request_id") if has_request_context() else None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, request id and any `extra` fields."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON."""
        body: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(), "logger": record.name, "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        body.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD and not k.startswith("_")})
        if record.exc_info:
            body["exception"] = self.formatException(record.exc_info)
        return json.dumps(body, ensure_ascii=False, default=str)


def install(stream: IO[str] | None = None, fmt: str = "json") -> logging.Handler:
    """Send the root logger's records to `stream` (stderr) as JSON (or text); idempotent per process."""
    root = logging.getLogger()
    for handler in root.handlers:
        if getattr(handler, "_tic", False):
            return handler
    handler = logging.StreamHandler(stream or sys.stderr)
    handler._tic = True  # type: ignore[attr-defined]
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(
        "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    handler.addFilter(RequestIdFilter())
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    # SpiffWorkflow logs every task state change at INFO: thousands of lines per instance, and a blocked pipe
    # would stall a worker; our own audit trail records what matters
    logging.getLogger("spiff").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # /api/v1/ready reads the revision on every call
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # two lines per job per tick (every second)
    return handler


def _begin() -> None:
    sent = request.headers.get(HEADER, "")
    g.request_id = sent if _VALID.fullmatch(sent) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _end(response: Response) -> Response:
    response.headers[HEADER] = g.get("request_id") or ""
    started = g.get("request_started")
    user = g.get("user")
    access_log.info("%s %s %s", request.method, request.path, response.status_code, extra={
        "request_id": g.get("request_id"), "method": request.method, "path": request.path, "endpoint": request.endpoint,
        "status": response.status_code, "user": getattr(user, "username", None),
        "duration_ms": round((time.perf_counter() - started) * 1000, 2) if started else None,
    })
    return response


def init_logs(app: Flask) -> None:
    """Request ids on every request; JSON log lines unless testing or TIC_LOG_FORMAT=text."""
    app.before_request(_begin)
    app.after_request(_end)
    access_log.disabled = False  # alembic's fileConfig (migrations/env.py) disables loggers that exist before it
    for handler in app.logger.handlers:
        handler.addFilter(RequestIdFilter())
    if not app.config.get("TESTING"):
        install(fmt=str(app.config.get("TIC_LOG_FORMAT", "json")))
