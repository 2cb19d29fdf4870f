"""Human tasks: inbox, task with form, claim, unclaim, draft, attachments, completion — each calling its one service."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from flask import request
from flask.views import MethodView
from flask_babel import gettext as _

from app.api.auth import authenticate, current_user
from app.api.etags import ETAG_HEADERS, IF_MATCH_PARAMETER, if_match_instance, instance_etag, with_etag
from app.api.objects import with_extra
from app.api.paging import TOTAL_COUNT_HEADERS, PageQuerySchema, paged
from app.api.parsing import Blueprint
from app.api.responses import secured
from app.api.schemas import (
    HumanTaskSchema,
    StoredFileSchema,
    TaskCompletedSchema,
    TaskCompleteSchema,
    TaskDetailSchema,
    TaskDraftSchema,
    TaskQuerySchema,
)
from app.errors import InvalidSubmission
from app.models import HumanTask, StoredFile
from app.services.infrastructure.files import Upload
from app.services.paging import Window
from app.services.tasks import actions, inbox
from app.services.tasks.view import CONTEXT_KEYS, task_view

PREFIX = "/tasks"
bp = Blueprint("tasks", __name__, description="待办任务")
bp.before_request(authenticate)


@bp.route("")
class Tasks(MethodView):
    """Lists the caller's inbox of ready tasks."""

    @secured(bp, 422)
    @bp.arguments(TaskQuerySchema(), location="query")
    @bp.arguments(PageQuerySchema(), location="query")
    @bp.response(200, HumanTaskSchema(many=True), headers=TOTAL_COUNT_HEADERS)
    def get(self, query: dict[str, Any], window: Window) -> tuple[list[HumanTask], dict[str, str]]:
        """Ready tasks for the caller's role in the caller's organisation, soonest due first (`limit`/`offset`;
        the total in `X-Total-Count`)."""
        return paged(inbox.inbox(current_user(), window, **query))


@bp.route("/<int:task_id>")
class TaskById(MethodView):
    """Reads one task with its form and prefill."""

    @secured(bp, 403, 404)
    @bp.response(200, TaskDetailSchema, headers=ETAG_HEADERS)
    def get(self, task_id: int) -> tuple[SimpleNamespace, dict[str, str]]:
        """A task with its form (JSON Schema) and prefill (my draft, or the instance's data); the `ETag` names the
        instance's version (send it as `If-Match` when completing)."""
        view = task_view(current_user(), task_id)
        props = (view.form or {}).get("properties", {})
        prefill = {k: v for k, v in view.instance_data.items() if k in props or k in CONTEXT_KEYS}
        if view.has_draft:
            prefill.update(view.values)
        detail = with_extra(view.task, form=view.form, data=prefill, instance_version=view.instance.version,
                            context=view.instance_data)
        return with_etag(detail, instance_etag(view.instance.id, view.instance.version))


@bp.route("/<int:task_id>/claim")
class TaskClaim(MethodView):
    """Claims a task for the caller."""

    @secured(bp, 403, 404, 409)
    @bp.response(200, HumanTaskSchema)
    def post(self, task_id: int) -> HumanTask:
        """Claim a task so colleagues see who works on it: 409 naming the colleague who holds it."""
        return actions.claim(current_user(), task_id)


@bp.route("/<int:task_id>/unclaim")
class TaskUnclaim(MethodView):
    """Gives back a task the caller claimed."""

    @secured(bp, 403, 404, 409)
    @bp.response(200, HumanTaskSchema)
    def post(self, task_id: int) -> HumanTask:
        """Give back a task I claimed: 409 if I do not hold it."""
        return actions.unclaim(current_user(), task_id)


@bp.route("/<int:task_id>/draft")
class TaskDraft(MethodView):
    """Saves the caller's draft of a task's form."""

    @secured(bp, 403, 404, 409, 422)
    @bp.arguments(TaskDraftSchema())
    @bp.response(200, HumanTaskSchema)
    def put(self, body: dict[str, Any], task_id: int) -> HumanTask:
        """Save unfinished form data as my draft (claims the task): 409 if a colleague holds it."""
        return actions.save_draft(current_user(), task_id, body["data"])


@bp.route("/<int:task_id>/files")
class TaskFiles(MethodView):
    """Uploads a document for a task's form."""

    @secured(bp, 403, 404, 409, 413, 422)
    @bp.doc(requestBody={"content": {"multipart/form-data": {"schema": {
        "type": "object", "properties": {"file": {"type": "string", "format": "binary"},
                                         "field": {"type": "string"}}, "required": ["file"]}}}})
    @bp.response(201, StoredFileSchema)
    def post(self, task_id: int) -> StoredFile:
        """Attach a document to a task (multipart `file`, optional `field`); refer to it in the form data as
        `{"name", "file_id"}`. 422 when too large or missing."""
        sent = request.files.get("file")
        if sent is None or not sent.filename:
            raise InvalidSubmission(_("请选择要上传的文件"), {"file": [_("必填项")]})
        upload = Upload(sent.filename, sent.mimetype or "application/octet-stream", sent.stream)
        return actions.attach(current_user(), task_id, upload, request.form.get("field") or "file")


@bp.route("/<int:task_id>/complete")
class TaskComplete(MethodView):
    """Completes a task with its form data."""

    @secured(bp, 403, 404, 409, 412, 422)
    @bp.doc(parameters=[IF_MATCH_PARAMETER])
    @bp.arguments(TaskCompleteSchema())
    @bp.response(200, TaskCompletedSchema, headers=ETAG_HEADERS)
    def post(self, body: dict[str, Any], task_id: int) -> tuple[SimpleNamespace, dict[str, str]]:
        """Complete a task; the answer adds the instance's status and version and `next_tasks` (its ready tasks
        the caller may work on next; the `ETag` is the instance's new version). 422 with per-field errors, 404 if
        not visible, 403 if not yours, 409 if claimed by a colleague or no longer ready (or `instance_version` is
        stale), 412 if `If-Match` no longer matches."""
        done = actions.complete_and_next(current_user(), task_id, body["data"],
                                         expected_version=body.get("instance_version"),
                                         precondition=if_match_instance())
        answer = with_extra(done.task, instance_status=done.instance_status, instance_version=done.instance_version,
                            next_tasks=done.next_tasks)
        return with_etag(answer, instance_etag(done.task.instance_id, done.instance_version))
