"""In-app notifications of the caller."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView

from app import clock
from app.api.auth import authenticate, current_user
from app.api.paging import TOTAL_COUNT_HEADERS, PageQuerySchema, paged
from app.api.parsing import Blueprint
from app.api.responses import secured
from app.api.schemas import NotificationQuerySchema, NotificationSchema
from app.models import Notification
from app.services.infrastructure import notifications
from app.services.paging import Window

PREFIX = "/notifications"
bp = Blueprint("notifications", __name__, description="站内通知")
bp.before_request(authenticate)


@bp.route("")
class Notifications(MethodView):
    """Lists the caller's notifications."""

    @secured(bp, 422)
    @bp.arguments(NotificationQuerySchema(), location="query")
    @bp.arguments(PageQuerySchema(), location="query")
    @bp.response(200, NotificationSchema(many=True), headers=TOTAL_COUNT_HEADERS)
    def get(self, query: dict[str, Any], window: Window) -> tuple[list[Notification], dict[str, str]]:
        """The caller's notifications, newest first (`?unread=true` for unread only; `limit`/`offset`)."""
        return paged(notifications.notifications_for(current_user(), window, unread_only=query["unread"]))


@bp.route("/<int:notification_id>/read")
class NotificationRead(MethodView):
    """Marks one notification read."""

    @secured(bp, 404)
    @bp.response(200, NotificationSchema)
    def post(self, notification_id: int) -> Notification:
        """Mark a notification read."""
        return notifications.mark_read(current_user(), notification_id, clock.now())
