"""Deployed process definitions."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from app.api.auth import authenticate
from app.api.schemas import ProcessSchema
from app.models import ProcessDefinition
from app.services import deploy

PREFIX = "/processes"
bp = Blueprint("processes", __name__, description="已部署的流程定义")
bp.before_request(authenticate)


@bp.route("")
class Processes(MethodView):
    @bp.doc(security=[{"bearerAuth": []}])
    @bp.response(200, ProcessSchema(many=True))
    def get(self) -> list[ProcessDefinition]:
        """The newest deployed version of every process."""
        return deploy.list_latest()
