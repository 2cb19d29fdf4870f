"""The application factory."""
from __future__ import annotations

from typing import Any

from flask import Flask

from app.config import Settings, apply_derived


def create_app(config: dict[str, Any] | None = None, *, start_scheduler: bool | None = None) -> Flask:
    """Build the app: settings from TIC_* variables, overridden by `config`; every subsystem initialised."""
    app = Flask(__name__, instance_relative_config=False)
    app.config.update(Settings().to_flask())
    if config:
        app.config.update(config)
    apply_derived(app.config, config or {})

    from app import db_setup, i18n
    from app.api import init_api
    from app.http import init_http
    from app.observability import init_observability
    from app.services.running.handler_services import provide_all
    from app.web import init_web

    provide_all()
    db_setup.init_db(app)
    i18n.init_i18n(app)
    init_observability(app)  # first: the request id and the clock of every request
    init_http(app)  # then: its request checks run before the API's and the pages' own
    init_api(app)
    init_web(app)
    if start_scheduler:
        from app.scheduler import start_in_process

        start_in_process(app)
    return app
