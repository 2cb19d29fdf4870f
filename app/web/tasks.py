"""The task page: the task's form in full, instructions and article, checks, earlier submissions; draft, complete."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.errors import Conflict, InvalidSubmission
from app.services.infrastructure.files import Upload
from app.services.tasks import claims as task_claims
from app.web.auth import current_staff, login_required

bp = Blueprint("task_pages", __name__)


@bp.route("/tasks/<int:task_id>")
@login_required
def show(task_id: int) -> Any:
    """The task with its form, prefilled from the draft or the instance data."""
    page = task_claims.task_page(current_staff(), task_id)
    return render_template("tasks/show.html", page=page)


@bp.route("/tasks/<int:task_id>", methods=["POST"])
@login_required
def submit(task_id: int) -> Any:
    """Save the form as a draft (action=draft) or complete the task (action=complete)."""
    complete = request.form.get("action") == "complete"
    fields = {k: v for k, v in request.form.to_dict(flat=False).items() if k not in ("csrf_token", "action")}
    uploads = {
        key: [Upload(f.filename or "", f.mimetype or "application/octet-stream", f.stream)
              for f in request.files.getlist(key)]
        for key in request.files
    }
    user = current_staff()
    try:
        task = task_claims.submit_form(user, task_id, complete=complete, fields=fields, uploads=uploads)
    except InvalidSubmission as err:
        page = task_claims.task_page(user, task_id, errors=_messages(err))
        return render_template("tasks/show.html", page=page), 422  # messages beside the fields
    except Conflict as err:
        page = task_claims.task_page(user, task_id)
        return render_template("tasks/show.html", page=page, alert=err.message, conflict=True), 409
    if complete:
        flash(_("已提交：%(name)s", name=task.name), "success")
        return redirect(url_for("inbox.index"))
    flash(_("草稿已保存"), "success")
    return redirect(url_for("task_pages.show", task_id=task_id))


def _messages(err: InvalidSubmission) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path, value in (err.errors or {}).items():
        found[str(path)] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    return found
