"""In-app notifications of the caller."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from app import clock
from app.api.auth import authenticate, current_user
from app.api.schemas import NotificationQuerySchema, NotificationSchema
from app.models import Notification
from app.services.infrastructure import notifications

PREFIX = "/notifications"
bp = Blueprint("notifications", __name__, description="站内通知")
bp.before_request(authenticate)


@bp.route("")
class Notifications(MethodView):
    @bp.doc(security=[{"bearerAuth": []}])
    @bp.arguments(NotificationQuerySchema, location="query")
    @bp.response(200, NotificationSchema(many=True))
    def get(self, query: dict[str, Any]) -> list[Notification]:
        """The caller's notifications, newest first (`?unread=true` for unread only)."""
        return notifications.notifications_for(current_user(), unread_only=query["unread"])


@bp.route("/<int:notification_id>/read")
class NotificationRead(MethodView):
    @bp.doc(security=[{"bearerAuth": []}])
    @bp.response(200, NotificationSchema)
    def post(self, notification_id: int) -> Notification:
        """Mark a notification read."""
        return notifications.mark_read(current_user(), notification_id, clock.now())
