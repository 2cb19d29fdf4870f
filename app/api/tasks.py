"""Human tasks: inbox, task with form, completion."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from app.api.auth import authenticate, current_user
from app.api.objects import with_extra
from app.api.schemas import HumanTaskSchema, TaskCompleteSchema, TaskDetailSchema, TaskQuerySchema
from app.models import HumanTask
from app.services.tasks import completion as tasks

PREFIX = "/tasks"
bp = Blueprint("tasks", __name__, description="待办任务")
bp.before_request(authenticate)


@bp.route("")
class Tasks(MethodView):
    @bp.doc(security=[{"bearerAuth": []}])
    @bp.arguments(TaskQuerySchema, location="query")
    @bp.response(200, HumanTaskSchema(many=True))
    def get(self, query: dict[str, Any]) -> list[HumanTask]:
        """Ready tasks for the caller's role in the caller's organisation, soonest due first."""
        return tasks.inbox(current_user(), **query)


@bp.route("/<int:task_id>")
class TaskById(MethodView):
    @bp.doc(security=[{"bearerAuth": []}])
    @bp.response(200, TaskDetailSchema)
    def get(self, task_id: int) -> SimpleNamespace:
        """A task with its form (JSON Schema) and prefilled data."""
        detail = tasks.task_detail(current_user(), task_id)
        return with_extra(detail.task, form=detail.form, data=detail.data, instance_version=detail.instance_version,
                          context=detail.context)


@bp.route("/<int:task_id>/complete")
class TaskComplete(MethodView):
    @bp.doc(security=[{"bearerAuth": []}])
    @bp.arguments(TaskCompleteSchema)
    @bp.response(200, HumanTaskSchema)
    def post(self, body: dict[str, Any], task_id: int) -> HumanTask:
        """Complete a task: 422 with per-field errors, 403 if not yours, 409 if no longer ready."""
        return tasks.complete_task(current_user(), task_id, body["data"], body.get("instance_version"))
