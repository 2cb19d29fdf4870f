"""The inbox (home page): my tasks with filters, counts, sorting by due date; claim and unclaim."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.errors import Conflict
from app.services.tasks import claims as task_claims
from app.web.auth import current_staff, login_required, safe_next

bp = Blueprint("inbox", __name__)
DUE_FILTERS = ("soon", "overdue", "mine")


def _filters() -> task_claims.InboxFilters:
    args = request.args
    center = args.get("center", "")
    due = args.get("due") or None
    return task_claims.InboxFilters(
        procedure=args.get("procedure") or None, policy=args.get("policy") or None,
        center_id=int(center) if center.isdigit() else None, due=due if due in DUE_FILTERS else None,
        descending=args.get("sort") == "-due",
    )


@bp.route("/")
@login_required
def index() -> Any:
    """My tasks: role and organisation, filtered, soonest due first (or last with sort=-due)."""
    filters = _filters()
    page = task_claims.inbox_page(current_staff(), filters)
    return render_template("inbox/index.html", page=page, filters=filters, args=request.args)


@bp.route("/tasks/<int:task_id>/claim", methods=["POST"])
@login_required
def claim(task_id: int) -> Response:
    """Claim a task so colleagues see I am working on it."""
    try:
        task = task_claims.claim(current_staff(), task_id)
        flash(_("已认领：%(name)s", name=task.name), "success")
    except Conflict as err:
        flash(err.message, "warning")
    return redirect(safe_next(request.form.get("next"), f"/tasks/{task_id}"))


@bp.route("/tasks/<int:task_id>/unclaim", methods=["POST"])
@login_required
def unclaim(task_id: int) -> Response:
    """Release a task I claimed."""
    try:
        task = task_claims.unclaim(current_staff(), task_id)
        flash(_("已放弃认领：%(name)s", name=task.name), "info")
    except Conflict as err:
        flash(err.message, "warning")
    return redirect(safe_next(request.form.get("next"), "/"))
