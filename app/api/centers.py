"""Technology innovation centers."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from app.api.auth import authenticate, current_user
from app.api.schemas import CenterCreateSchema, CenterQuerySchema, CenterSchema
from app.models import Center
from app.services import centers

PREFIX = "/centers"
bp = Blueprint("centers", __name__, description="技术创新中心")
bp.before_request(authenticate)


@bp.route("")
class Centers(MethodView):
    @bp.doc(security=[{"bearerAuth": []}])
    @bp.arguments(CenterQuerySchema, location="query")
    @bp.response(200, CenterSchema(many=True))
    def get(self, query: dict[str, Any]) -> list[Center]:
        """Centers visible to the caller."""
        return centers.list_centers(current_user(), policy=query.get("policy"))

    @bp.doc(security=[{"bearerAuth": []}])
    @bp.arguments(CenterCreateSchema)
    @bp.response(201, CenterSchema)
    def post(self, body: dict[str, Any]) -> Center:
        """Register a center with its organisations by role and its profile."""
        return centers.create_center(current_user(), **body)


@bp.route("/<int:center_id>")
class CenterById(MethodView):
    @bp.doc(security=[{"bearerAuth": []}])
    @bp.response(200, CenterSchema)
    def get(self, center_id: int) -> Center:
        """One center."""
        return centers.get_center(current_user(), center_id)
