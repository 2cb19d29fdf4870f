"""Notifications in the browser: the list (unread first marked), mark read, open what one concerns."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for

from app import clock
from app.services.infrastructure import notifications
from app.services.paging import Window
from app.web.auth import current_staff, login_required, safe_next

bp = Blueprint("notification_pages", __name__)
PAGE_SIZE = 50


@bp.route("/notifications")
@login_required
def index() -> Any:
    """My notifications, newest first (`unread=1`: only unread), a page of them."""
    unread_only = request.args.get("unread") == "1"
    page = max(int(request.args["page"]) if request.args.get("page", "").isdigit() else 1, 1)
    found = notifications.notifications_for(current_staff(), Window(PAGE_SIZE, (page - 1) * PAGE_SIZE), unread_only)
    return render_template("notifications/index.html", found=found, page=page, page_size=PAGE_SIZE,
                           unread_only=unread_only)


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@login_required
def read(notification_id: int) -> Any:
    """Mark one notification read and go back."""
    notifications.mark_read(current_staff(), notification_id, clock.now())
    return redirect(safe_next(request.form.get("next"), url_for("notification_pages.index")))


@bp.route("/notifications/<int:notification_id>/open")
@login_required
def open_one(notification_id: int) -> Any:
    """Mark the notification read and open what it concerns: my task, the instance, or its center."""
    kind, target = notifications.open_notification(current_staff(), notification_id, clock.now())
    if kind == "task":
        return redirect(url_for("task_pages.show", task_id=target))
    if kind == "instance":
        return redirect(url_for("monitor.instance", instance_id=target))
    if kind == "center":
        return redirect(url_for("center_pages.show", center_id=target))
    return redirect(url_for("notification_pages.index"))
