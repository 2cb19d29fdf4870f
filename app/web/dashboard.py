"""The supervisors' dashboard: a page of ECharts charts fed by a JSON endpoint."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, render_template
from werkzeug.wrappers import Response

from app.services.monitoring import dashboard as dashboard_service
from app.services.monitoring.instance_board import require_oversight
from app.web.auth import current_staff, login_required

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")


@bp.get("")
@login_required
def index() -> Any:
    """The chart page (the charts load /dashboard/data.json)."""
    require_oversight(current_staff())
    return render_template("dashboard/index.html")


@bp.get("/data.json")
@login_required
def data() -> Response:
    """Centers by status, annual reports received vs owed, overdue steps by procedure, timer lag."""
    return jsonify(dashboard_service.chart_data(current_staff()))
