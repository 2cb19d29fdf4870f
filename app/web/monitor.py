"""Supervisors' pages: the instance list, one instance (diagram, audit trail, suspend/resume/terminate), the board."""
from __future__ import annotations

from io import BytesIO
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import BooleanField, DateField, Form, HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3; types-WTForms 3.2 lacks it
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.errors import Conflict, InvalidSubmission
from app.i18n import lazy_text as _l
from app.labels import role_name, subject
from app.services.monitoring import event_text, overdue
from app.services.monitoring import instance_board as monitoring
from app.services.monitoring.element_names import element_names, states_by_name
from app.services.monitoring.exports import XLSX_MIME
from app.services.running import instance_admin
from app.vocabulary import LANE_ROLES, ProcessKey
from app.web import form_messages
from app.web.auth import current_staff, login_required
from app.web.diagram_names import localised_bpmn

bp = Blueprint("monitor", __name__, url_prefix="/monitor")

ACTIONS = {
    "suspend": (_l("暂停"), _l("流程实例已暂停")),
    "resume": (_l("恢复"), _l("流程实例已恢复")),
    "terminate": (_l("终止"), _l("流程实例已终止")),
}
PER_PAGE_CHOICES = (10, 25, 50, 100)
KIND_LABELS = {"task": _l("待办任务"), "timer": _l("定时事件"), "deadline": _l("法定期限")}


class InstanceFilterForm(Form):
    """The instance list's query string (GET, no CSRF: it changes nothing)."""

    class Meta:
        get_translations = form_messages.get_translations

    policy = SelectField(_l("政策"), validators=[Optional()])
    process_key = SelectField(_l("流程"), validators=[Optional()])
    status = SelectField(_l("状态"), validators=[Optional()])
    center_id = SelectField(_l("技术创新中心"), validators=[Optional()])
    overdue = BooleanField(_l("仅显示有逾期任务的"))
    started_from = DateField(_l("发起日期自"), validators=[Optional()])
    started_to = DateField(_l("至"), validators=[Optional()])
    page = IntegerField(_l("页码"), validators=[Optional(), NumberRange(min=1)], default=1)
    per_page = IntegerField(_l("每页"), validators=[Optional(), NumberRange(min=1, max=monitoring.MAX_PER_PAGE)],
                            default=25)

    def filters(self) -> monitoring.InstanceFilters:
        """The validated filters for the service."""
        return monitoring.InstanceFilters(
            policy=self.policy.data or None, process_key=self.process_key.data or None,
            status=self.status.data or None, center_id=int(self.center_id.data) if self.center_id.data else None,
            overdue=bool(self.overdue.data), started_from=self.started_from.data, started_to=self.started_to.data,
        )


class ActionForm(FlaskForm):
    """Suspend, resume or terminate: a required reason and the version the page showed."""

    class Meta:
        get_translations = form_messages.get_translations

    reason = TextAreaField(_l("原因"), validators=[
        DataRequired(message=_l("必须填写原因")), Length(max=instance_admin.REASON_MAX, message=_l("原因过长")),
    ])
    version = HiddenField()

    def expected_version(self) -> int | None:
        """The instance version the form was rendered with, if it is a number."""
        value = (self.version.data or "").strip()
        return int(value) if value.isdigit() else None


@bp.app_template_filter("duration")
def duration(seconds: float | None) -> str:
    """A lag or span in words: 42 秒, 3 分钟, 5 小时 12 分钟, 13 天 8 小时."""
    return event_text.duration(seconds)


def _xlsx(data: bytes, name: str) -> Response:
    return send_file(BytesIO(data), mimetype=XLSX_MIME, as_attachment=True, download_name=name)


def _query_url(endpoint: str, **changes: Any) -> str:
    """The current page's URL with some query arguments changed (None removes one)."""
    args: dict[str, Any] = {k: v for k, v in request.args.to_dict().items() if v != ""}
    args.update(changes)
    args.update(request.view_args or {})
    return url_for(endpoint, **{k: v for k, v in args.items() if v is not None})


@bp.get("/instances")
@login_required
def instances() -> Any:
    """Instances filtered by policy, procedure, status, center, overdue and start date; paginated; ?format=xlsx."""
    user = current_staff()
    choices = monitoring.filter_choices(user)
    form = InstanceFilterForm(request.args)
    for field, key in ((form.policy, "policies"), (form.process_key, "procedures"), (form.status, "statuses"),
                       (form.center_id, "centers")):
        field.choices = [SelectChoice("", _("全部")), *(SelectChoice(v, label) for v, label in choices[key])]
    if not form.validate():
        return render_template("monitor/instances.html", form=form, result=None, query_url=_query_url,
                               per_page_choices=PER_PAGE_CHOICES), 422
    if request.args.get("format") == "xlsx":
        return _xlsx(monitoring.export_instances(user, form.filters()), "instances.xlsx")
    result = monitoring.list_instances(user, form.filters(), form.page.data or 1, form.per_page.data or 25)
    return render_template("monitor/instances.html", form=form, result=result, query_url=_query_url,
                           per_page_choices=PER_PAGE_CHOICES)


def _instance_page(instance_id: int, forms: dict[str, ActionForm] | None = None, error: str | None = None,
                   status: int = 200) -> Any:
    detail = monitoring.instance_detail(current_staff(), instance_id)
    forms = dict(forms or {})
    for action in detail.actions:
        if action not in forms:
            forms[action] = ActionForm(formdata=None)
        forms[action].version.data = str(detail.instance.version)
    policy = ProcessKey.parse(detail.instance.process_key).policy
    lanes = {role: role_name(role, policy) for role in LANE_ROLES}
    diagram = {**detail.diagram_data(), "labels": {"due": _("到期"), "lanes": lanes},
               "xml": localised_bpmn(detail.bpmn_xml)}
    return render_template("monitor/instance.html", detail=detail, forms=forms, actions=ACTIONS, error=error, policy=policy,
                           states=states_by_name(detail.element_states, element_names(detail.bpmn_xml)),
                           subject=subject(detail.instance.business_key), diagram=diagram), status


@bp.get("/instances/<int:instance_id>")
@login_required
def instance(instance_id: int) -> Any:
    """One instance: its diagram with element states and timer due dates, tasks, audit trail; ?format=xlsx."""
    if request.args.get("format") == "xlsx":
        return _xlsx(monitoring.export_events(current_staff(), instance_id), f"instance-{instance_id}-events.xlsx")
    return _instance_page(instance_id)


@bp.post("/instances/<int:instance_id>/<action>")
@login_required
def act(instance_id: int, action: str) -> Any:
    """Suspend, resume or terminate with a reason (POST with the CSRF token)."""
    if action not in ACTIONS:
        abort(404)
    form = ActionForm()
    if not form.validate_on_submit():
        if getattr(form, "csrf_token", None) is not None and form.csrf_token.errors:
            abort(400)
        return _instance_page(instance_id, {action: form}, status=422)
    try:
        getattr(instance_admin, action)(current_staff(), instance_id, form.reason.data or "", form.expected_version())
    except InvalidSubmission as err:
        form.reason.errors = list((err.errors or {}).get("reason", [err.message]))
        return _instance_page(instance_id, {action: form}, status=422)
    except Conflict as err:
        return _instance_page(instance_id, error=err.message, status=409)
    flash(str(ACTIONS[action][1]), "success")
    return redirect(url_for("monitor.instance", instance_id=instance_id))


@bp.get("/deadlines")
@login_required
def deadlines() -> Any:
    """What is late and what falls due within 30/90 days, by policy and organisation; ?format=xlsx."""
    days = request.args.get("days", 30, type=int) or 30
    grouped = request.args.get("group", "policy") != "none"
    if request.args.get("format") == "xlsx":
        which = request.args.get("list", "all")
        which = which if which in ("all", "late", "upcoming") else "all"
        return _xlsx(overdue.export_board(current_staff(), days, which), f"deadlines-{which}-{days}d.xlsx")
    board = overdue.board(current_staff(), days)
    return render_template("monitor/deadlines.html", board=board, grouped=grouped, windows=overdue.WINDOWS,
                           kind_labels=KIND_LABELS, query_url=_query_url)
