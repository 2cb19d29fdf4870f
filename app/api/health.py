"""Liveness and readiness."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from app.api.schemas import HealthSchema
from app.services.infrastructure import system

PREFIX = "/health"
bp = Blueprint("health", __name__, description="健康检查")


@bp.route("")
class Health(MethodView):
    """Reports whether the service and its database answer."""

    @bp.response(200, HealthSchema)
    def get(self) -> dict[str, Any]:
        """Service health: database reachable, clock mode and time."""
        return system.health()
