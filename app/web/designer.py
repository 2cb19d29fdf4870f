"""The process designer's pages (designer and admin): the modeler, its JSON calls (session + CSRF), form preview.

Every call goes to the same services as the bearer-token API (app/services/design): one door per action.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.errors import DomainError, InvalidSubmission
from app.http.headers import CSP
from app.services.design import definitions, drafts, migration
from app.services.design.diff_text import differ_words
from app.services.design.guard import DESIGN_ROLES
from app.services.design.palette import palette
from app.services.infrastructure import forms
from app.services.monitoring.event_text import people_names
from app.web import local_dt
from app.web.auth import current_staff, roles_required

bp = Blueprint("designer", __name__)
ROLES = tuple(str(r) for r in DESIGN_ROLES)


@bp.errorhandler(DomainError)
def _json_error(err: DomainError) -> tuple[Response, int]:
    """The page's JSON calls get `{message, errors}` with the status; the page shows them."""
    if not request.path.startswith("/designer/api/"):
        return render_template("errors.html", status=err.status, message=err.message), err.status  # type: ignore[return-value]
    return jsonify({"code": err.status, "message": err.message, "errors": err.errors or {}}), err.status


def _texts() -> dict[str, str]:
    """The words the page's script shows, in the user's language (a JSON data island, no inline script)."""
    return {
        "opened": _("已打开 %(key)s 第 %(version)s 版"), "draft_saved": _("草稿已保存（%(time)s）"),
        "draft_opened": _("已打开草稿（基于第 %(version)s 版）"), "file": _("文件"),
        "server_problems": _("服务器校验：%(n)s 个问题"), "server_ok": _("服务器校验：通过"),
        "comment_required": _("部署须说明理由（为何修改）"), "deployed": _("已部署 %(key)s 第 %(version)s 版"),
        "version": _("第 %(version)s 版"), "repo_deploy": _("（仓库部署 tic deploy）"), "none": _("无"),
        "diff_title": _("第 %(a)s 版 → 第 %(b)s 版"), "migrated": _("已迁移"), "safe": _("可安全迁移"),
        "unsafe": _("不安全，保留原版本"), "dry_run_result": _("预演：%(n)s 个实例"),
        "migrate_result": _("迁移完成：%(n)s 个实例已迁移"), "nothing_to_migrate": _("没有需要迁移的运行中实例"),
        "pick_user_task": _("请先在图中选择一个指定了表单的人工任务"),
        "group": _("本平台规范（条款、表单、角色、操作）"), "article": _("条款 (article)"),
        "article_help": _("依据的条文，按文本编号，例如 第二十条、第三十条(一)"),
        "choose_article": _("— 从政策条文中选择 —"), "policy_articles": _("政策条文"),
        "choose_form": _("— 选择表单 —"), "form": _("表单 (formKey)"), "due": _("办理期限 due（Python 表达式，可空）"),
        "choose_role": _("— 选择角色 —"), "lane_role": _("泳道角色"), "choose_operator": _("— 选择操作 —"),
        "operator": _("操作 (serviceTaskOperator)"), "parameter": _("参数 %(id)s（Python 表达式）"),
        "time_date": _("日期 timeDate"), "time_duration": _("时长 timeDuration"), "time_cycle": _("周期 timeCycle"),
        "timer_kind": _("定时器类型"), "timer": _("定时器表达式"),
        "timer_help": _("Python 表达式：字面值加引号，如 'P30D'、'2026-03-31T23:59:59+08:00'；或变量，如 due_at"),
        "condition": _("条件（Python 表达式）"), "condition_help": _("例如 decision == 'approve'"),
        "script": _("脚本（受限 Python）"),
        "lint_name": _("流程节点须有中文名称"), "lint_article": _("流程节点须注明所依据的条款（article）"),
        "lint_form": _("人工任务须指定表单（formKey）"), "lint_form_missing": _("表单不存在：%(key)s"),
        "lint_lane": _("泳道名称须为已知角色之一：%(roles)s"), "lint_operator": _("服务任务须指定操作"),
        "lint_operator_unknown": _("未注册的操作：%(name)s"),
        "lint_forks": _("非网关节点有两条以上无条件的流出连线：请用网关分支"),
        "lint_timer_empty": _("定时器表达式为空"),
        "lint_timer_quotes": _("定时器表达式是 Python 表达式：字面值须加引号，例如 %(quoted)s"),
        "lint_reserved_id": _("元素 id 与引擎内部保留名冲突（Start/End/Root）"),
        "lint_id": _("元素 id 只能由英文字母、数字和下划线组成"),
        **differ_words(),
    }


@bp.route("/designer")
@roles_required(*ROLES)
def index() -> str:
    """The modeler: open a deployed version or a draft, edit, lint, simulate, validate, deploy, compare, migrate."""
    return render_template("designer/index.html", texts=_texts())


@bp.route("/designer/forms/<path:form_key>")
@roles_required(*ROLES)
def form_preview(form_key: str) -> Response:
    """A task form rendered as staff will see it (empty, not submittable); the designer page frames it."""
    response = make_response(render_template("designer/form_preview.html", form=forms.form_schema(form_key),
                                             form_key=form_key))
    response.headers["X-Frame-Options"] = "SAMEORIGIN"  # framed by /designer only: same origin, no other site
    response.headers["Content-Security-Policy"] = CSP.format(extra="").replace(
        "frame-ancestors 'none'", "frame-ancestors 'self'")
    return response


@bp.route("/designer/api/palette")
@roles_required(*ROLES)
def api_palette() -> Response:
    """Processes, forms, operators with their parameters, lane roles and the policies' articles."""
    return jsonify(palette(current_staff()))


@bp.route("/designer/api/versions/<process_key>")
@roles_required(*ROLES)
def api_versions(process_key: str) -> Response:
    """The version history of a process, with the time and the deployer as every other page shows them."""
    records = definitions.versions(current_staff(), process_key).items
    names = people_names(r["deployed_by"] for r in records)
    return jsonify([_history_row(r, names) for r in records])


def _history_row(record: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """A version of the history with `deployed_at_text` (China time, as the other pages) and `deployed_by_name`
    (the person's display name; None for a repository deploy)."""
    login = record["deployed_by"]
    return {**record, "deployed_at_text": local_dt(record["deployed_at"]),
            "deployed_by_name": names.get(login, login) if login else None}


@bp.route("/designer/api/versions/<process_key>/<int:version>")
@roles_required(*ROLES)
def api_version(process_key: str, version: int) -> Response:
    """One version with its BPMN XML."""
    return jsonify(definitions.version_detail(current_staff(), process_key, version))


@bp.route("/designer/api/diff/<process_key>/<int:a>/<int:b>")
@roles_required(*ROLES)
def api_diff(process_key: str, a: int, b: int) -> Response:
    """What version `b` adds, removes and changes compared with `a`: each element labelled, each change in words."""
    return jsonify(definitions.diff_in_words(current_staff(), process_key, a, b))


@bp.route("/designer/api/validate", methods=["POST"])
@roles_required(*ROLES)
def api_validate() -> Response:
    """The server's verdict on the diagram being edited."""
    problems = definitions.validate_document(current_staff(), request.get_data())
    return jsonify({"valid": not problems, "problems": [p.as_dict() for p in problems]})


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidSubmission(_("请求内容须为 JSON 对象"))
    return body


@bp.route("/designer/api/deploy", methods=["POST"])
@roles_required(*ROLES)
def api_deploy() -> tuple[Response, int]:
    """Deploy the diagram as the next version, with the designer's comment."""
    body = _body()
    deployed = definitions.deploy(current_staff(), str(body.get("xml", "")).encode("utf-8"), str(body.get("comment", "")))
    return jsonify(vars(deployed)), 201


@bp.route("/designer/api/drafts/<process_key>", methods=["GET", "PUT"])
@roles_required(*ROLES)
def api_draft(process_key: str) -> Response:
    """Read or save the designer's own draft of a process."""
    user = current_staff()
    if request.method == "PUT":
        body = _body()
        base = body.get("base_version")
        if base is not None and not isinstance(base, int):
            raise InvalidSubmission(_("版本和实例编号须为整数"))
        draft = drafts.save_draft(user, process_key, str(body.get("xml", "")), base or None)
    else:
        draft = drafts.get_draft(user, process_key)
    return jsonify({"process_key": draft.process_key, "xml": draft.xml, "base_version": draft.base_version,
                    "updated_at": draft.updated_at.isoformat()})


@bp.route("/designer/api/migrate", methods=["POST"])
@roles_required(*ROLES)
def api_migrate() -> Response:
    """Dry-run or migrate the running instances of a process to a version."""
    body = _body()
    ids = body.get("instance_ids")
    try:
        to_version = int(body.get("to_version") or 0)
        instance_ids = [int(i) for i in ids] if isinstance(ids, list) else None
    except (TypeError, ValueError) as err:
        raise InvalidSubmission(_("版本和实例编号须为整数")) from err
    return jsonify(migration.migrate_instances(current_staff(), str(body.get("process_key", "")), to_version,
                                               instance_ids, bool(body.get("dry_run", True))))
