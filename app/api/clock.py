"""The clock: read it; move the simulated clock (admin or supervisor)."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView

from app.api.auth import authenticate, current_user
from app.api.parsing import Blueprint
from app.api.responses import secured
from app.api.schemas import ClockSchema, ClockSetSchema
from app.services.time import clock_control

PREFIX = "/clock"
bp = Blueprint("clock", __name__, description="时钟")
bp.before_request(authenticate)


@bp.route("")
class Clock(MethodView):
    """Reads the clock and moves the simulated one."""

    @secured(bp)
    @bp.response(200, ClockSchema)
    def get(self) -> dict[str, Any]:
        """The current time and the clock mode."""
        return clock_control.read()

    @secured(bp, 403, 422)
    @bp.arguments(ClockSetSchema())
    @bp.response(200, ClockSchema)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Move the simulated clock; every timer that came due has fired before the answer."""
        return clock_control.move(current_user(), advance=body.get("advance"), to=body.get("now"))
