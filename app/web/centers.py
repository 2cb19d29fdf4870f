"""Center pages: the list of visible centers, and one center with its status history, deadlines and procedures."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from app.services.centers import overview
from app.web.auth import current_staff, login_required

bp = Blueprint("center_pages", __name__)


@bp.route("/centers")
@login_required
def index() -> Any:
    """The centers I may see, optionally of one policy."""
    policy = request.args.get("policy") or None
    rows = overview.center_list(current_staff(), policy)
    return render_template("centers/index.html", rows=rows, policy=policy)


@bp.route("/centers/<int:center_id>")
@login_required
def show(center_id: int) -> Any:
    """One center: profile, status and history, deadlines, documents, procedures and their events."""
    page = overview.center_page(current_staff(), center_id)
    return render_template("centers/show.html", page=page)
