"""Every setting of the application, declared once and read from TIC_* environment variables."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


@dataclass
class Settings:
    """Application settings; `to_flask()` turns them into Flask config keys."""

    database_url: str = field(
        default_factory=lambda: _env("TIC_DATABASE_URL", f"sqlite:///{ROOT / 'instance' / 'tic.db'}")
    )
    clock: str = field(default_factory=lambda: _env("TIC_CLOCK", "system"))  # system | simulated
    port: int = field(default_factory=lambda: int(_env("TIC_PORT", "5000")))
    secret_key: str = field(default_factory=lambda: _env("TIC_SECRET_KEY", "dev-only-change-me"))
    scheduler: bool = field(default_factory=lambda: _env("TIC_SCHEDULER", "1") == "1")
    scheduler_interval_s: float = field(default_factory=lambda: float(_env("TIC_SCHEDULER_INTERVAL", "1")))
    processes_dir: Path = field(default_factory=lambda: Path(_env("TIC_PROCESSES_DIR", str(ROOT / "processes"))))
    forms_dir: Path = field(default_factory=lambda: Path(_env("TIC_FORMS_DIR", str(ROOT / "forms"))))
    timezone: str = "Asia/Shanghai"
    email: bool = field(default_factory=lambda: _env("TIC_EMAIL", "1") == "1")  # email copies of notifications
    smtp_host: str = field(default_factory=lambda: _env("TIC_SMTP_HOST", "127.0.0.1"))
    smtp_port: int = field(default_factory=lambda: int(_env("TIC_SMTP_PORT", "25")))
    smtp_from: str = field(default_factory=lambda: _env("TIC_SMTP_FROM", "tic@localhost"))
    smtp_timeout_s: float = field(default_factory=lambda: float(_env("TIC_SMTP_TIMEOUT", "5")))

    def to_flask(self) -> dict[str, Any]:
        """The Flask config mapping for these settings."""
        return {
            "SECRET_KEY": self.secret_key,
            "SQLALCHEMY_DATABASE_URI": self.database_url,
            "SQLALCHEMY_ENGINE_OPTIONS": engine_options(self.database_url),
            "TIC_CLOCK": self.clock,
            "TIC_PORT": self.port,
            "TIC_SCHEDULER": self.scheduler,
            "TIC_SCHEDULER_INTERVAL": self.scheduler_interval_s,
            "TIC_PROCESSES_DIR": self.processes_dir,
            "TIC_FORMS_DIR": self.forms_dir,
            "TIC_TIMEZONE": self.timezone,
            "TIC_EMAIL": self.email,
            "TIC_SMTP_HOST": self.smtp_host,
            "TIC_SMTP_PORT": self.smtp_port,
            "TIC_SMTP_FROM": self.smtp_from,
            "TIC_SMTP_TIMEOUT": self.smtp_timeout_s,
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


def engine_options(url: str) -> dict[str, Any]:
    """SQLAlchemy engine options suited to the database behind `url`."""
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    return {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 20}
