"""The inbox (home page): my tasks with filters, counts, sorting by due date; claim and unclaim."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request
from flask_babel import gettext as _

from app.errors import Conflict
from app.services.paging import Window
from app.services.tasks import actions, inbox
from app.web.auth import current_staff, login_required, safe_next
from app.web.tasks import render_task

bp = Blueprint("inbox", __name__)
DUE_FILTERS = ("soon", "overdue", "mine")


def _filters() -> inbox.InboxFilters:
    args = request.args
    center = args.get("center", "")
    due = args.get("due") or None
    return inbox.InboxFilters(
        procedure=args.get("procedure") or None, policy=args.get("policy") or None,
        center_id=int(center) if center.isdigit() else None, due=due if due in DUE_FILTERS else None,
        descending=args.get("sort") == "-due",
    )


@bp.route("/")
@login_required
def index() -> Any:
    """My tasks: role and organisation, filtered, soonest due first (or last with sort=-due), 50 a page (offset=)."""
    filters = _filters()
    offset = request.args.get("offset", "")
    window = Window(limit=inbox.WEB_PAGE.limit, offset=int(offset) if offset.isdigit() else 0)
    page = inbox.inbox_page(current_staff(), filters, window)
    return render_template("inbox/index.html", page=page, filters=filters, args=request.args)


@bp.route("/tasks/<int:task_id>/claim", methods=["POST"])
@login_required
def claim(task_id: int) -> Any:
    """Claim a task so colleagues see I am working on it."""
    try:
        task = actions.claim(current_staff(), task_id)
    except Conflict as err:
        return render_task(task_id, alert=err.message, status=409)
    flash(_("已认领：%(name)s", name=_(task.name)), "success")  # the step name in the user's language
    return redirect(safe_next(request.form.get("next"), f"/tasks/{task_id}"))


@bp.route("/tasks/<int:task_id>/unclaim", methods=["POST"])
@login_required
def unclaim(task_id: int) -> Any:
    """Release a task I claimed."""
    try:
        task = actions.unclaim(current_staff(), task_id)
    except Conflict as err:
        return render_task(task_id, alert=err.message, status=409)
    flash(_("已放弃认领：%(name)s", name=_(task.name)), "info")
    return redirect(safe_next(request.form.get("next"), "/"))
