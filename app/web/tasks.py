"""The task page: the task's form in full, instructions and article, checks, earlier submissions; draft, complete."""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.errors import Conflict, InvalidSubmission
from app.services.infrastructure import forms
from app.services.infrastructure.files import Upload
from app.services.tasks import actions, lookup
from app.services.tasks.attachments import NewFile
from app.services.tasks.view import task_view
from app.vocabulary import TaskState
from app.web.auth import current_staff, login_required
from app.web.form_decoding import PAGE_CONTROLS, decode_submission, input_name

bp = Blueprint("task_pages", __name__)


def render_task(task_id: int, *, errors: dict[str, list[str]] | None = None, alert: str | None = None,
                status: int = 200, values: dict[str, Any] | None = None) -> Any:
    """The task page, with per-field messages (422) or an alert (409) when a submission failed.

    After a refused submission the page shows what was typed (`values`); nothing of it was stored.
    """
    page = task_view(current_staff(), task_id)
    if values is not None and page.task.state == TaskState.READY:
        page.values = values
    ordered = _in_form_order(errors or {}, page.form or {})
    return render_template("tasks/show.html", page=page, errors=ordered, alert=alert,
                           conflict=status == 409), status


@bp.route("/tasks/<int:task_id>")
@login_required
def show(task_id: int) -> Any:
    """The task with its form, prefilled from the draft or the instance data."""
    return render_task(task_id)


@bp.route("/tasks/<int:task_id>", methods=["POST"])
@login_required
def submit(task_id: int) -> Any:
    """Save the form as a draft (action=draft) or complete the task (action=complete)."""
    user = current_staff()
    complete = request.form.get("action") == "complete"
    fields = {k: v for k, v in request.form.to_dict(flat=False).items() if k not in PAGE_CONTROLS}
    uploads = {key: [Upload(f.filename or "", f.mimetype or "application/octet-stream", f.stream)
                     for f in request.files.getlist(key)] for key in request.files}
    task = lookup.workable_task(user, task_id)
    schema = forms.form_schema(task.form_key) if task.form_key else {}
    data, new_files = decode_submission(schema, fields, uploads)
    try:
        if complete:
            task = actions.complete(user, task_id, data, new_files=new_files)
        else:
            task = actions.save_draft(user, task_id, data, new_files)
    except InvalidSubmission as err:
        typed = _as_typed(_without_files(data, {n.file_id for n in new_files}), fields)
        return render_task(task_id, errors=_messages(err), status=422, values=typed, alert=_unsaved(new_files))
    except Conflict as err:
        return render_task(task_id, alert=err.message, status=409)
    if complete:
        flash(_("已提交：%(name)s", name=_(task.name)), "success")  # the step name in the user's language
        return redirect(url_for("inbox.index"))
    flash(_("草稿已保存"), "success")
    return redirect(url_for("task_pages.show", task_id=task_id))


def _unsaved(new_files: list[NewFile]) -> str | None:
    """What to tell when a refused submission carried files: a browser cannot keep a chosen file on the page it
    sends back, so they must be chosen again (None when there were none)."""
    names = "、".join(dict.fromkeys(n.upload.filename for n in new_files if n.upload.filename))
    return _("所选文件未保存，请改正后重新选择：%(names)s", names=names) if names else None


def _without_files(value: Any, unstored: set[str]) -> Any:
    """The typed data minus references to uploads that were not stored (they must be attached again)."""
    if isinstance(value, dict):
        return {k: _without_files(v, unstored) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_files(v, unstored) for v in value
                if not (isinstance(v, dict) and v.get("file_id") in unstored)]
    return value


def _as_typed(value: Any, fields: Mapping[str, list[str]], path: str = "") -> Any:
    """The decoded data with each number that is not finite (`1e400` reads as infinity) back as the text typed:
    the page shows what was typed beside its message, not `inf`."""
    if isinstance(value, dict):
        return {k: _as_typed(v, fields, f"{path}.{k}" if path else str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_typed(v, fields, f"{path}.{i}") for i, v in enumerate(value)]
    if isinstance(value, float) and not math.isfinite(value):
        typed = fields.get(input_name(path)) or []
        return typed[0] if typed else value
    return value


def _messages(err: InvalidSubmission) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path, value in (err.errors or {}).items():
        found[str(path)] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    return found


def _in_form_order(errors: dict[str, list[str]], form: Mapping[str, Any]) -> dict[str, list[str]]:
    order = list((form.get("x-ui") or {}).get("order") or []) + list(form.get("properties") or {})

    def rank(path: str) -> tuple[int, str]:
        top = path.split(".", 1)[0]
        return (order.index(top) if top in order else len(order), path)

    return {path: errors[path] for path in sorted(errors, key=rank)}
