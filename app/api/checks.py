"""Automated checks of a center profile, so an applicant can self-check before applying."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import Schema, fields

from app.api.auth import authenticate
from app.api.parsing import Blueprint
from app.api.responses import secured
from app.services.centers import checks

PREFIX = "/checks"
bp = Blueprint("checks", __name__, description="自动核对")
bp.before_request(authenticate)


class CheckRequestSchema(Schema):
    """Body of a self-check: the center profile to check."""

    profile = fields.Dict(required=True, metadata={"description": "the center profile (keys of procedures.md)"})


class CheckResultSchema(Schema):
    """The result of one automated check, citing its article."""

    rule = fields.String(metadata={"description": "stable rule id"})
    article = fields.String(metadata={"description": "the article the rule rests on, e.g. 第十条(二)"})
    passed = fields.Boolean(metadata={"description": "false when the condition fails or data is missing"})
    reason = fields.String(metadata={"description": "Chinese, naming the numbers"})
    missing = fields.List(fields.String(), metadata={"description": "profile keys absent or unusable"})
    warning = fields.Boolean(metadata={"description": "true: a warning for the reviewer (the text says 一般), "
                                                      "not a failed condition"})


@bp.route("/<string:policy>")
class PolicyChecks(MethodView):
    """Runs a policy's automated checks on a submitted profile."""

    @secured(bp, 404, 422)
    @bp.arguments(CheckRequestSchema())
    @bp.response(200, CheckResultSchema(many=True))
    def post(self, body: dict[str, Any], policy: str) -> list[dict[str, Any]]:
        """Run the policy's automated checks on a profile (the same handlers the BPMN service tasks call)."""
        return checks.check_profile(policy, body["profile"])
