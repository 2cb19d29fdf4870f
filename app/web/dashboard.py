"""The supervisors' dashboard (ECharts charts fed by a JSON endpoint, evaluations as a table) and the
operator's page (how late timers fire), for administrators."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, render_template
from werkzeug.wrappers import Response

from app.services.monitoring import dashboard as dashboard_service
from app.web.auth import current_staff, login_required

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")


@bp.get("")
@login_required
def index() -> Any:
    """The chart page (the charts load /dashboard/data.json) with the evaluations falling due."""
    evaluations = dashboard_service.evaluations_for(current_staff())
    return render_template("dashboard/index.html", evaluations=evaluations,
                           window=dashboard_service.EVALUATION_WINDOW_DAYS)


@bp.get("/data.json")
@login_required
def data() -> Response:
    """Reports received vs owed by policy and region, overdue steps, centers by state, evaluations falling due."""
    return jsonify(dashboard_service.chart_data(current_staff()))


@bp.get("/operations")
@login_required
def operations() -> Any:
    """The operator's page: how late the timers fired (the chart loads /dashboard/operations.json)."""
    dashboard_service.require_operator(current_staff())
    return render_template("dashboard/operations.html", lag_days=dashboard_service.LAG_DAYS)


@bp.get("/operations.json")
@login_required
def operations_data() -> Response:
    """Timer lag per day over the last 30 days and of the latest firings."""
    return jsonify(dashboard_service.operations_data(current_staff()))
