"""Every setting of the application, declared once and read from TIC_* environment variables.

`Settings()` reads the environment; `to_flask()` turns the settings into Flask config keys; a config mapping
passed to `create_app(config)` overrides them, and `apply_derived` then fills the keys computed from others
(engine options, the request size limit) unless the mapping gave them too. Nothing else reads the environment.
"""
from __future__ import annotations

import os
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
TIMEZONE = "Asia/Shanghai"


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def _flag(name: str, default: str) -> bool:
    return _env(name, default).strip().lower() in ("1", "true", "yes", "on")


def parse_instant(text: str) -> datetime:
    """A date (`2024-01-01`: midnight China time) or an ISO datetime with an offset, as an aware datetime."""
    value = text.strip()
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), time(0), ZoneInfo(TIMEZONE))
        moment = datetime.fromisoformat(value)
    except ValueError as err:
        raise ValueError(f"not a date or an ISO datetime: {text!r}") from err
    if moment.tzinfo is None:
        raise ValueError(f"a datetime needs an offset (e.g. 2024-01-01T09:00:00+08:00): {text!r}")
    return moment


def _instant_or_none(name: str) -> datetime | None:
    text = _env(name, "")
    if not text.strip():
        return None
    try:
        return parse_instant(text)
    except ValueError as err:
        raise ValueError(f"{name}: {err}") from err


METRICS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"  # read by prometheus_client itself


def metrics_dir() -> str | None:
    """The directory worker processes share their Prometheus metrics through (None: one process)."""
    return os.environ.get(METRICS_DIR_VARIABLE) or None


def share_metrics_between_workers(workers: int) -> None:
    """Before gunicorn forks several workers: give them one metrics directory (unless the operator set one)."""
    if workers > 1 and not metrics_dir():
        import tempfile

        os.environ[METRICS_DIR_VARIABLE] = tempfile.mkdtemp(prefix="tic-metrics-")


def request_limit(max_upload_mb: float) -> int:
    """The largest request body accepted: a whole form may carry several files of `max_upload_mb` each."""
    return int(float(max_upload_mb) * 5 * 1024 * 1024) + 1024 * 1024


@dataclass
class Settings:
    """Application settings; `to_flask()` turns them into Flask config keys."""

    database_url: str = field(
        default_factory=lambda: _env("TIC_DATABASE_URL", f"sqlite:///{ROOT / 'instance' / 'tic.db'}")
    )
    clock: str = field(default_factory=lambda: _env("TIC_CLOCK", "system"))  # system | simulated
    # where a fresh database's simulated clock starts (None: the real time of its first reading)
    clock_start: datetime | None = field(default_factory=lambda: _instant_or_none("TIC_CLOCK_START"))
    port: int = field(default_factory=lambda: int(_env("TIC_PORT", "5000")))
    secret_key: str = field(default_factory=lambda: _env("TIC_SECRET_KEY", "dev-only-change-me"))
    secure_cookies: bool = field(default_factory=lambda: _flag("TIC_SECURE_COOKIES", "0"))  # HTTPS only
    scheduler: bool = field(default_factory=lambda: _flag("TIC_SCHEDULER", "1"))
    scheduler_interval_s: float = field(default_factory=lambda: float(_env("TIC_SCHEDULER_INTERVAL", "1")))
    processes_dir: Path = field(default_factory=lambda: Path(_env("TIC_PROCESSES_DIR", str(ROOT / "processes"))))
    forms_dir: Path = field(default_factory=lambda: Path(_env("TIC_FORMS_DIR", str(ROOT / "forms"))))
    files_dir: Path = field(
        default_factory=lambda: Path(_env("TIC_FILES_DIR", str(ROOT / "instance" / "files")))
    )
    max_upload_mb: float = field(default_factory=lambda: float(_env("TIC_MAX_UPLOAD_MB", "20")))  # per file
    login_limit: str = field(default_factory=lambda: _env("TIC_LOGIN_LIMIT", "10/minute"))  # failures per account
    # failures per client address (behind a shared proxy many people have one address: higher than per account)
    login_address_limit: str = field(default_factory=lambda: _env("TIC_LOGIN_ADDRESS_LIMIT", "100/minute"))
    timezone: str = TIMEZONE
    log_format: str = field(default_factory=lambda: _env("TIC_LOG_FORMAT", "json"))  # json | text
    metrics_token: str = field(default_factory=lambda: _env("TIC_METRICS_TOKEN", ""))  # empty: /metrics open
    proxy_hops: int = field(default_factory=lambda: int(_env("TIC_PROXY_HOPS", "0")))  # reverse proxies in front
    email: bool = field(default_factory=lambda: _flag("TIC_EMAIL", "1"))  # email copies of notifications
    smtp_host: str = field(default_factory=lambda: _env("TIC_SMTP_HOST", "127.0.0.1"))
    smtp_port: int = field(default_factory=lambda: int(_env("TIC_SMTP_PORT", "25")))
    smtp_from: str = field(default_factory=lambda: _env("TIC_SMTP_FROM", "tic@localhost"))
    smtp_timeout_s: float = field(default_factory=lambda: float(_env("TIC_SMTP_TIMEOUT", "5")))
    # werkzeug's password hashing method; the default (scrypt) is deliberately slow — tests use a fast one
    password_hash: str = field(default_factory=lambda: _env("TIC_PASSWORD_HASH", "scrypt"))
    # workflows a process keeps in memory between steps (app/services/running/kept_workflows.py); 0: none
    workflow_cache: int = field(default_factory=lambda: int(_env("TIC_WORKFLOW_CACHE", "256")))
    # serialize each kept workflow when it is taken and fail if it differs from the stored state (the test suite)
    workflow_cache_check: bool = field(default_factory=lambda: _flag("TIC_WORKFLOW_CACHE_CHECK", "0"))

    def to_flask(self) -> dict[str, Any]:
        """The Flask config mapping for these settings."""
        return {
            "SECRET_KEY": self.secret_key,
            "SQLALCHEMY_DATABASE_URI": self.database_url,
            "TIC_CLOCK": self.clock,
            "TIC_CLOCK_START": self.clock_start,
            "TIC_PORT": self.port,
            "TIC_SCHEDULER": self.scheduler,
            "TIC_SCHEDULER_INTERVAL": self.scheduler_interval_s,
            "TIC_PROCESSES_DIR": self.processes_dir,
            "TIC_FORMS_DIR": self.forms_dir,
            "TIC_FILES_DIR": str(self.files_dir),
            "TIC_MAX_UPLOAD_MB": self.max_upload_mb,
            "TIC_LOGIN_LIMIT": self.login_limit,
            "TIC_LOGIN_ADDRESS_LIMIT": self.login_address_limit,
            "TIC_TIMEZONE": self.timezone,
            "TIC_LOG_FORMAT": self.log_format,
            "TIC_METRICS_TOKEN": self.metrics_token,
            "TIC_PROXY_HOPS": self.proxy_hops,
            "TIC_EMAIL": self.email,
            "TIC_SMTP_HOST": self.smtp_host,
            "TIC_SMTP_PORT": self.smtp_port,
            "TIC_SMTP_FROM": self.smtp_from,
            "TIC_SMTP_TIMEOUT": self.smtp_timeout_s,
            "TIC_SECURE_COOKIES": self.secure_cookies,
            "TIC_PASSWORD_HASH": self.password_hash,
            "TIC_WORKFLOW_CACHE": self.workflow_cache,
            "TIC_WORKFLOW_CACHE_CHECK": self.workflow_cache_check,
            # cookies: never sent on cross-site requests; only over HTTPS when TIC_SECURE_COOKIES=1
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SECURE": self.secure_cookies,
            "REMEMBER_COOKIE_SAMESITE": "Lax",
            "REMEMBER_COOKIE_SECURE": self.secure_cookies,
            "WTF_CSRF_TIME_LIMIT": None,  # the CSRF token lives as long as the session
            "API_TITLE": "技术创新中心流程平台 API",
            "API_VERSION": "v1",
            "OPENAPI_VERSION": "3.0.3",
            "OPENAPI_URL_PREFIX": "/api/v1",
            "OPENAPI_JSON_PATH": "openapi.json",
            "OPENAPI_SWAGGER_UI_PATH": "docs",
            "OPENAPI_SWAGGER_UI_URL": "/static/vendor/swagger-ui/",
            "BABEL_DEFAULT_LOCALE": "zh_CN",
            "JSON_AS_ASCII": False,
        }


def apply_derived(config: MutableMapping[str, Any], overrides: Mapping[str, Any]) -> None:
    """Compute the keys that follow from other settings, unless `overrides` (the caller's config) set them."""
    if "SQLALCHEMY_ENGINE_OPTIONS" not in overrides:
        config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(str(config["SQLALCHEMY_DATABASE_URI"]))
    if "MAX_CONTENT_LENGTH" not in overrides:
        config["MAX_CONTENT_LENGTH"] = request_limit(float(config["TIC_MAX_UPLOAD_MB"]))
    if "TIC_SECURE_COOKIES" in overrides:
        for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
            if key not in overrides:
                config[key] = bool(overrides["TIC_SECURE_COOKIES"])
    start = config.get("TIC_CLOCK_START")
    if isinstance(start, str):
        config["TIC_CLOCK_START"] = parse_instant(start) if start.strip() else None


def engine_options(url: str) -> dict[str, Any]:
    """SQLAlchemy engine options suited to the database behind `url`."""
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    return {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 20}
