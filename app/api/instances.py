"""Process instances: start, read (with an ETag), audit trail."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from flask.views import MethodView

from app.api.auth import authenticate, current_user
from app.api.etags import ETAG_HEADERS, instance_etag, with_etag
from app.api.objects import with_extra
from app.api.paging import TOTAL_COUNT_HEADERS, PageQuerySchema, paged
from app.api.parsing import Blueprint
from app.api.responses import secured
from app.api.schemas import (
    EventSchema,
    InstanceCreateSchema,
    InstanceDetailSchema,
    InstanceQuerySchema,
    InstanceSchema,
)
from app.models import Event, ProcessInstance
from app.services.paging import Window
from app.services.running import instances

PREFIX = "/instances"
bp = Blueprint("instances", __name__, description="流程实例")
bp.before_request(authenticate)


def _detail(view: instances.InstanceView) -> SimpleNamespace:
    return with_extra(view.instance, ready_tasks=view.ready_tasks, timers=view.timers)


@bp.route("")
class Instances(MethodView):
    """Lists visible instances and starts new ones."""

    @secured(bp, 422)
    @bp.arguments(InstanceQuerySchema(), location="query")
    @bp.arguments(PageQuerySchema(), location="query")
    @bp.response(200, InstanceSchema(many=True), headers=TOTAL_COUNT_HEADERS)
    def get(self, query: dict[str, Any], window: Window) -> tuple[list[ProcessInstance], dict[str, str]]:
        """Instances visible to the caller, newest first (`limit`/`offset`; the total in `X-Total-Count`)."""
        return paged(instances.list_instances(current_user(), window, **query))

    @secured(bp, 403, 404, 409, 422)
    @bp.arguments(InstanceCreateSchema())
    @bp.response(201, InstanceDetailSchema, headers=ETAG_HEADERS)
    def post(self, body: dict[str, Any]) -> tuple[SimpleNamespace, dict[str, str]]:
        """Start the newest version of a process for a center; runs until it waits for people or time."""
        user = current_user()
        view, warnings = instances.start_with_answer(user, body["process_key"], body["center_id"], body["data"])
        detail = _detail(view)
        detail.warnings = warnings
        return with_etag(detail, instance_etag(view.instance.id, view.instance.version))


@bp.route("/<int:instance_id>")
class InstanceById(MethodView):
    """Reads one instance with its ready tasks and timers."""

    @secured(bp, 404)
    @bp.response(200, InstanceDetailSchema, headers=ETAG_HEADERS)
    def get(self, instance_id: int) -> tuple[SimpleNamespace, dict[str, str]]:
        """Status, ready tasks and waiting timers (with due_at) of an instance; `ETag` names its version."""
        view = instances.instance_view(current_user(), instance_id)
        return with_etag(_detail(view), instance_etag(view.instance.id, view.instance.version))


@bp.route("/<int:instance_id>/events")
class InstanceEvents(MethodView):
    """Pages through one instance's audit trail."""

    @secured(bp, 404, 422)
    @bp.arguments(PageQuerySchema(), location="query")
    @bp.response(200, EventSchema(many=True), headers=TOTAL_COUNT_HEADERS)
    def get(self, window: Window, instance_id: int) -> tuple[list[Event], dict[str, str]]:
        """The audit trail, oldest first: who did what, when, on which element, under which article."""
        return paged(instances.instance_events(current_user(), instance_id, window))
