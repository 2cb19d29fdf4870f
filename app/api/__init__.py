"""The REST API under /api/v1 (flask-smorest): HTTP glue only."""
from __future__ import annotations

from flask import Flask

from app.api import (
    calendar,
    centers,
    checks,
    clock,
    definitions,
    errors,
    health,
    instances,
    notifications,
    processes,
    tasks,
)
from app.api.paging import TOTAL_COUNT_COMPONENT
from app.api.responses import ErrorSchema
from app.extensions import api


def init_api(app: Flask) -> None:
    """Register the API blueprints, the bearer security scheme, the shared error body and the JSON error handlers."""
    api.ERROR_SCHEMA = ErrorSchema  # our body `{code, message, errors?}` for every error status
    api.init_app(app)
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api.spec.components.header("X_TOTAL_COUNT", TOTAL_COUNT_COMPONENT)
    for module in (health, processes, centers, instances, tasks, notifications, clock, calendar, checks, definitions):
        api.register_blueprint(module.bp, url_prefix=f"/api/v1{module.PREFIX}")
    errors.init_errors(app)
