"""Deployed process definitions."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView

from app.api.auth import authenticate
from app.api.parsing import Blueprint
from app.api.responses import secured
from app.api.schemas import ProcessSchema
from app.services.centers import catalog

PREFIX = "/processes"
bp = Blueprint("processes", __name__, description="已部署的流程定义")
bp.before_request(authenticate)


@bp.route("")
class Processes(MethodView):
    """Lists the deployed process definitions."""

    @secured(bp)
    @bp.response(200, ProcessSchema(many=True))
    def get(self) -> list[dict[str, Any]]:
        """The newest deployed version of every process, with whether its policy is in force today."""
        return catalog.catalog()
