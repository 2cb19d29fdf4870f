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
from app.services.design.guard import DESIGN_ROLES
from app.services.design.palette import palette
from app.services.infrastructure import forms
from app.web.auth import current_staff, roles_required

bp = Blueprint("designer", __name__)
ROLES = tuple(str(r) for r in DESIGN_ROLES)


@bp.errorhandler(DomainError)
def _json_error(err: DomainError) -> tuple[Response, int]:
    """The page's JSON calls get `{message, errors}` with the status; the page shows them."""
    if not request.path.startswith("/designer/api/"):
        return render_template("errors.html", status=err.status, message=err.message), err.status  # type: ignore[return-value]
    return jsonify({"code": err.status, "message": err.message, "errors": err.errors or {}}), err.status


@bp.route("/designer")
@roles_required(*ROLES)
def index() -> str:
    """The modeler: open a deployed version or a draft, edit, lint, simulate, validate, deploy, compare, migrate."""
    return render_template("designer/index.html")


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
    """The version history of a process."""
    return jsonify(definitions.versions(current_staff(), process_key))


@bp.route("/designer/api/versions/<process_key>/<int:version>")
@roles_required(*ROLES)
def api_version(process_key: str, version: int) -> Response:
    """One version with its BPMN XML."""
    return jsonify(definitions.version_detail(current_staff(), process_key, version))


@bp.route("/designer/api/diff/<process_key>/<int:a>/<int:b>")
@roles_required(*ROLES)
def api_diff(process_key: str, a: int, b: int) -> Response:
    """What version `b` adds, removes and changes compared with `a`."""
    found = definitions.diff(current_staff(), process_key, a, b)
    return jsonify({kind: [vars(c) for c in getattr(found, kind)] for kind in ("added", "removed", "changed")})


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
        draft = drafts.save_draft(user, process_key, str(body.get("xml", "")), int(base) if base else None)
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
    return jsonify(migration.migrate_instances(
        current_staff(), str(body.get("process_key", "")), int(body.get("to_version") or 0),
        [int(i) for i in ids] if isinstance(ids, list) else None, bool(body.get("dry_run", True))))
