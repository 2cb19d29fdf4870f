"""Process instances: start, read, audit trail."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from app.api.auth import authenticate, current_user
from app.api.objects import with_extra
from app.api.schemas import (
    EventSchema,
    InstanceCreateSchema,
    InstanceDetailSchema,
    InstanceQuerySchema,
    InstanceSchema,
)
from app.models import Event, ProcessInstance
from app.services.running import instances

PREFIX = "/instances"
bp = Blueprint("instances", __name__, description="流程实例")
bp.before_request(authenticate)


def _detail(view: instances.InstanceView) -> SimpleNamespace:
    return with_extra(view.instance, ready_tasks=view.ready_tasks, timers=view.timers)


@bp.route("")
class Instances(MethodView):
    @bp.doc(security=[{"bearerAuth": []}])
    @bp.arguments(InstanceQuerySchema, location="query")
    @bp.response(200, InstanceSchema(many=True))
    def get(self, query: dict[str, Any]) -> list[ProcessInstance]:
        """Instances visible to the caller, newest first."""
        return instances.list_instances(current_user(), **query)

    @bp.doc(security=[{"bearerAuth": []}])
    @bp.arguments(InstanceCreateSchema)
    @bp.response(201, InstanceDetailSchema)
    def post(self, body: dict[str, Any]) -> SimpleNamespace:
        """Start the newest version of a process for a center; runs until it waits for people or time."""
        user = current_user()
        instance = instances.start_instance(user, body["process_key"], body["center_id"], body["data"])
        return _detail(instances.instance_view(user, instance.id))


@bp.route("/<int:instance_id>")
class InstanceById(MethodView):
    @bp.doc(security=[{"bearerAuth": []}])
    @bp.response(200, InstanceDetailSchema)
    def get(self, instance_id: int) -> SimpleNamespace:
        """Status, ready tasks and waiting timers (with due_at) of an instance."""
        return _detail(instances.instance_view(current_user(), instance_id))


@bp.route("/<int:instance_id>/events")
class InstanceEvents(MethodView):
    @bp.doc(security=[{"bearerAuth": []}])
    @bp.response(200, EventSchema(many=True))
    def get(self, instance_id: int) -> list[Event]:
        """The audit trail: who did what, when, on which element, under which article."""
        return instances.instance_events(current_user(), instance_id)
