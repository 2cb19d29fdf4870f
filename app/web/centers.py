"""Center pages: the list, one center with its history, deadlines and procedures; register a center, give its
roles to organisations by name, start a procedure its state allows."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app import clock
from app.errors import DomainError, InvalidSubmission
from app.labels import CATEGORY_LABELS, POLICY_LABELS, STATUS_LABELS
from app.services.centers import overview, profile_view, registry, starts
from app.services.running import instances
from app.services.tasks.lookup import first_workable_task
from app.services.time import deadlines
from app.vocabulary import (
    CENTER_CREATOR_ROLES,
    LANE_ROLES,
    REPORTING_STATUSES,
    REPORTS_ON_RECORD_FROM,
    CenterStatus,
    Policy,
    Role,
)
from app.web.auth import current_staff, login_required, roles_required

bp = Blueprint("center_pages", __name__)
# the roles of a center that an organisation plays (the supervisor sits in the authority)
CENTER_ROLES = tuple(r for r in LANE_ROLES if r != Role.SUPERVISOR)


@bp.route("/centers")
@login_required
def index() -> Any:
    """The centers I may see, optionally of one policy."""
    policy = request.args.get("policy") or None
    rows = overview.center_list(current_staff(), policy)
    return render_template("centers/index.html", rows=rows, policy=policy,
                           may_register=current_staff().role in CENTER_CREATOR_ROLES)


@bp.route("/centers/<int:center_id>")
@login_required
def show(center_id: int) -> Any:
    """One center: profile, status and history, deadlines, documents, procedures and their events."""
    user = current_staff()
    page = overview.center_page(user, center_id)
    return render_template("centers/show.html", page=page, startable=starts.startable(user, page.center),
                           may_edit=user.role in CENTER_CREATOR_ROLES,
                           profile=profile_view.profile_items(page.center.policy, page.center.profile or {}))


def _names(form: Any) -> dict[str, str]:
    """The organisation names the form gives, by role; a role the form does not carry is left as it is."""
    return {role: form[f"org_{role}"].strip() for role in CENTER_ROLES if f"org_{role}" in form}


def _policies() -> list[str]:
    own = current_staff().policy
    return [p for p in POLICY_LABELS if own is None or p == own]


@bp.route("/centers/new", methods=["GET", "POST"])
@roles_required(*CENTER_CREATOR_ROLES)
def new() -> Any:
    """Register a center: name, policy, category, state, dates and its organisations by role, chosen by name."""
    values: dict[str, Any] = dict(request.form) if request.method == "POST" else {
        "status": CenterStatus.PROPOSED,
        REPORTS_ON_RECORD_FROM: deadlines.first_open_report_year((_policies() or [Policy.NMG2025])[0], clock.now())}
    errors: dict[str, Any] = {}
    if request.method == "POST":
        status = values.get("status") or CenterStatus.PROPOSED
        try:
            center = registry.create_center(
                current_staff(), name=values.get("name", "").strip(), policy=values.get("policy", ""),
                category=values.get("category") or None, status=status,
                approved_at=_date(values, "approved_at"), established_at=_date(values, "established_at"),
                organisation_names={r: n for r, n in _names(request.form).items() if n},
                profile=_on_record_from(values) if status in REPORTING_STATUSES else None,
            )
        except InvalidSubmission as err:
            errors = err.errors or {}
            flash(err.message, "error")
        else:
            flash(_("已登记：%(name)s", name=center.name), "success")
            return redirect(url_for("center_pages.show", center_id=center.id))
    policy = values.get("policy") or (_policies() or [""])[0]
    return render_template("centers/new.html", values=values, errors=errors, policies=_policies(),
                           categories=CATEGORY_LABELS, statuses=STATUS_LABELS, roles=CENTER_ROLES,
                           statuses_allowed=tuple(CenterStatus), known=registry.organisation_names(policy)), \
        422 if errors else 200


def _on_record_from(values: dict[str, Any]) -> dict[str, Any] | None:
    """The profile of a running center registered here: the first report year the platform keeps (the field's text
    as given when it is not a year, for the registry to refuse by name)."""
    text = str(values.get(REPORTS_ON_RECORD_FROM) or "").strip()
    if not text:
        return None
    return {REPORTS_ON_RECORD_FROM: int(text) if text.isdigit() and len(text) <= 4 else text}


@bp.route("/centers/<int:center_id>/organisations", methods=["GET", "POST"])
@roles_required(*CENTER_CREATOR_ROLES)
def organisations(center_id: int) -> Any:
    """The center's organisations by role, chosen by name (a new name registers the organisation)."""
    user = current_staff()
    center = registry.get_center(user, center_id)
    errors: dict[str, Any] = {}
    if request.method == "POST":
        try:
            registry.set_organisations(user, center_id, _names(request.form))
        except InvalidSubmission as err:
            errors = err.errors or {}
            flash(err.message, "error")
        else:
            flash(_("单位已更新"), "success")
            return redirect(url_for("center_pages.show", center_id=center_id))
        values = {role: "" for role in CENTER_ROLES} | _names(request.form)
    else:
        page = overview.center_page(user, center_id)
        by_role = dict(page.organisations)
        values = {role: by_role.get(role, "") for role in CENTER_ROLES}
    return render_template("centers/organisations.html", center=center, values=values, errors=errors,
                           roles=CENTER_ROLES, known=registry.organisation_names(center.policy)), 422 if errors else 200


@bp.route("/centers/<int:center_id>/start", methods=["POST"])
@login_required
def start(center_id: int) -> Any:
    """Start a procedure for the center and go to my first task in it (else back to the center)."""
    user = current_staff()
    try:
        instance = instances.start_instance(user, request.form.get("process_key", ""), center_id, {})
    except DomainError as err:
        flash(err.message, "error")
        return redirect(url_for("center_pages.show", center_id=center_id))
    flash(_("已发起程序"), "success")
    for warning in instances.start_warnings(instance):
        flash(warning["message"], "warning")
    task = first_workable_task(user, instance.id)
    if task is not None:
        return redirect(url_for("task_pages.show", task_id=task.id))
    return redirect(url_for("center_pages.show", center_id=center_id))


def _date(values: dict[str, Any], field: str) -> date | None:
    value = values.get(field)
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise InvalidSubmission(_("日期格式应为 年-月-日"), {field: [_("日期格式应为 年-月-日")]}) from None
