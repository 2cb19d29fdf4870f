"""Liveness and readiness (no authentication: load balancers and orchestrators call them)."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import Schema, fields

from app.api.parsing import Blueprint
from app.api.schemas import HealthSchema
from app.services.infrastructure import readiness, system

PREFIX = ""
bp = Blueprint("health", __name__, description="健康检查")


class MigrationsSchema(Schema):
    """The schema revision of the database and the one the code ships."""

    database = fields.String(allow_none=True)
    code = fields.String(allow_none=True)


class ReadySchema(Schema):
    """Whether this node may take traffic."""

    ready = fields.Boolean(required=True)
    database = fields.Boolean(required=True, metadata={"description": "the database answers"})
    reason = fields.String(allow_none=True)
    migrations = fields.Nested(MigrationsSchema)


@bp.route("/health")
class Health(MethodView):
    """Reports whether the service and its database answer."""

    @bp.response(200, HealthSchema)
    def get(self) -> dict[str, Any]:
        """Service health (liveness): database reachable, clock mode and time."""
        return system.health()


@bp.route("/ready")
class Ready(MethodView):
    """Reports whether this node is ready for traffic."""

    @bp.response(200, ReadySchema)
    @bp.alt_response(503, schema=ReadySchema, description="not ready: the database does not answer or its "
                                                           "migrations are not the code's")
    def get(self) -> tuple[dict[str, Any], int]:
        """Readiness: the database answers and its migrations are the code's (503 otherwise)."""
        result = readiness.readiness()
        return result, 200 if result["ready"] else 503
