"""The REST API under /api/v1 (flask-smorest): HTTP glue only."""
from __future__ import annotations

from flask import Flask

from app.api import calendar, centers, checks, clock, errors, health, instances, notifications, processes, tasks
from app.extensions import api


def init_api(app: Flask) -> None:
    """Register the API blueprints, the bearer security scheme and the JSON error handlers."""
    api.init_app(app)
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    for module in (health, processes, centers, instances, tasks, notifications, clock, calendar, checks):
        api.register_blueprint(module.bp, url_prefix=f"/api/v1{module.PREFIX}")
    errors.init_errors(app)
