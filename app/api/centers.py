"""Technology innovation centers."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask.views import MethodView
from marshmallow import Schema, fields, post_dump

from app.api.auth import authenticate, current_user
from app.api.paging import TOTAL_COUNT_HEADERS, PageQuerySchema, paged
from app.api.parsing import Blueprint
from app.api.responses import secured
from app.api.schemas import CenterCreateSchema, CenterQuerySchema, CenterSchema
from app.clock import CHINA
from app.models import Center
from app.services.centers import registry as centers
from app.services.paging import Window
from app.services.time import deadlines

PREFIX = "/centers"
bp = Blueprint("centers", __name__, description="技术创新中心")
bp.before_request(authenticate)


class ChinaDateTime(fields.DateTime):
    """An ISO datetime rendered in China Standard Time, keeping the +08:00 offset."""

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return super()._serialize(value.astimezone(CHINA) if value is not None else None, attr, obj, **kwargs)


class DeadlineSchema(Schema):
    """A statutory deadline of a center with its period and article."""

    kind = fields.String(metadata={"description": "preparation_end | construction_end | annual_report | "
                                                  "evaluation | rectification_end | public_notice_end"})
    period = fields.String()
    due = ChinaDateTime(metadata={"description": "end of the due day, +08:00"})
    article = fields.String()
    configured = fields.Boolean(metadata={"description": "true when the date is configured, not set by the text"})
    note = fields.String(allow_none=True)
    overdue = fields.Boolean(metadata={"description": "present (true) only when the due moment passed and it is not "
                                                      "met yet (an owed annual report never submitted)"})

    @post_dump
    def _overdue_only_when_true(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        if not data.get("overdue"):
            data.pop("overdue", None)
        return data


@bp.route("")
class Centers(MethodView):
    """Lists and registers centers."""

    @secured(bp, 422)
    @bp.arguments(CenterQuerySchema(), location="query")
    @bp.arguments(PageQuerySchema(), location="query")
    @bp.response(200, CenterSchema(many=True), headers=TOTAL_COUNT_HEADERS)
    def get(self, query: dict[str, Any], window: Window) -> tuple[list[Center], dict[str, str]]:
        """Centers visible to the caller, by id (`limit`/`offset`; the total in `X-Total-Count`)."""
        return paged(centers.page_centers(current_user(), window, policy=query.get("policy")))

    @secured(bp, 403, 422)
    @bp.arguments(CenterCreateSchema())
    @bp.response(201, CenterSchema)
    def post(self, body: dict[str, Any]) -> Center:
        """Register a center with its organisations by role and its profile."""
        return centers.create_center(current_user(), **body)


@bp.route("/<int:center_id>")
class CenterById(MethodView):
    """Reads one center."""

    @secured(bp, 404)
    @bp.response(200, CenterSchema)
    def get(self, center_id: int) -> Center:
        """One center."""
        return centers.get_center(current_user(), center_id)


@bp.route("/<int:center_id>/deadlines")
class CenterDeadlines(MethodView):
    """Lists one center's statutory deadlines."""

    @secured(bp, 404)
    @bp.response(200, DeadlineSchema(many=True))
    def get(self, center_id: int) -> list[deadlines.Deadline]:
        """The center's statutory deadlines (end of day, China time) with their articles."""
        return deadlines.visible_center_deadlines(current_user(), center_id)
