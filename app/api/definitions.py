"""The process designer's API: validate, deploy, version history, compare, drafts, migrate (designer and admin)."""
from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView
from flask_babel import gettext as _
from marshmallow import Schema, fields, validate

from app.api.auth import authenticate, current_user
from app.api.paging import TOTAL_COUNT_HEADERS, PageQuerySchema, paged
from app.api.parsing import Blueprint
from app.api.responses import secured
from app.errors import InvalidSubmission
from app.models import DesignDraft
from app.services.design import definitions, drafts, migration
from app.services.paging import Window

PREFIX = ""
bp = Blueprint("definitions", __name__, description="流程设计：校验、部署、版本、比较、草稿、迁移（设计人员与管理员）")
bp.before_request(authenticate)
XML_BODY = {"required": True, "content": {"application/xml": {"schema": {"type": "string"}}}}


class ProblemSchema(Schema):
    """One broken rule: the element, the rule's name and a Chinese message."""

    element_id = fields.String()
    rule = fields.String()
    message = fields.String()


class ValidationSchema(Schema):
    """The verdict on a BPMN document."""

    valid = fields.Boolean()
    problems = fields.List(fields.Nested(ProblemSchema))


class DeploySchema(Schema):
    """Body that deploys a BPMN document as the process's next version."""

    xml = fields.String(required=True, metadata={"description": "the BPMN XML"})
    comment = fields.String(required=True, validate=validate.Length(min=1, max=definitions.MAX_COMMENT),
                            metadata={"description": "why this version (recorded with who and when)"})


class DeployedSchema(Schema):
    """A newly deployed version."""

    process_key = fields.String()
    version = fields.Integer()


class VersionSchema(Schema):
    """One deployed version: who deployed it, when and why; how many open instances still run it."""

    process_key = fields.String()
    version = fields.Integer()
    name = fields.String()
    deployed_at = fields.DateTime()
    deployed_by = fields.String(allow_none=True, metadata={"description": "null: deployed from processes/"})
    comment = fields.String(allow_none=True)
    source_path = fields.String()
    open_instances = fields.Integer()


class VersionDetailSchema(VersionSchema):
    """One deployed version with its BPMN XML."""

    xml = fields.String(metadata={"description": "the BPMN XML"})


class ElementChangeSchema(Schema):
    """An element that differs between two versions."""

    element_id = fields.String()
    name = fields.String()
    kind = fields.String()
    attributes = fields.List(fields.String())


class DiffSchema(Schema):
    """What the second version adds, removes and changes (SpiffWorkflow's spec diff)."""

    added = fields.List(fields.Nested(ElementChangeSchema))
    removed = fields.List(fields.Nested(ElementChangeSchema))
    changed = fields.List(fields.Nested(ElementChangeSchema))


class DraftSummarySchema(Schema):
    """A designer's draft of one process, without its XML."""

    process_key = fields.String(dump_only=True)
    base_version = fields.Integer(allow_none=True, load_default=None,
                                  metadata={"description": "the deployed version the draft started from"})
    updated_at = fields.DateTime(dump_only=True)


class DraftSchema(DraftSummarySchema):
    """A designer's draft of one process."""

    xml = fields.String(required=True)


class MigrateSchema(Schema):
    """Which instances of a process move to which version; `dry_run` only reports."""

    process_key = fields.String(required=True)
    to_version = fields.Integer(required=True)
    instance_ids = fields.List(fields.Integer(), load_default=None, allow_none=True)
    dry_run = fields.Boolean(load_default=True)


class MigrationResultSchema(Schema):
    """One instance: safe or not (and why), what moves, whether it moved."""

    instance_id = fields.Integer()
    safe = fields.Boolean()
    migrated = fields.Boolean()
    from_version = fields.Integer(allow_none=True)
    to_version = fields.Integer()
    moved = fields.List(fields.String())
    reasons = fields.List(fields.Dict())


def _xml_body() -> bytes:
    if request.mimetype not in ("application/xml", "text/xml"):
        raise InvalidSubmission(_("请以 Content-Type: application/xml 提交 BPMN"), {"body": [_("需要 XML 内容")]})
    return request.get_data()


@bp.route("/definitions/validate")
class Validate(MethodView):
    """Checks a BPMN document with every rule the deploy applies."""

    @secured(bp, 403, 422)
    @bp.doc(requestBody=XML_BODY)
    @bp.response(200, ValidationSchema)
    def post(self) -> dict[str, Any]:
        """Validate the BPMN XML of the body (XSD, SpiffWorkflow, RestrictedPython, conventions)."""
        problems = definitions.validate_document(current_user(), _xml_body())
        return {"valid": not problems, "problems": [p.as_dict() for p in problems]}


@bp.route("/definitions")
class Definitions(MethodView):
    """Deploys a new version."""

    @secured(bp, 403, 409, 422)
    @bp.doc(requestBody={"required": True, "content": {
        "application/json": {"schema": DeploySchema},
        "application/xml": {"schema": {"type": "string"}, "description": "the BPMN XML; `comment` in the query"},
    }}, parameters=[{"in": "query", "name": "comment", "schema": {"type": "string"}, "required": False,
                     "description": "why this version (with an XML body)"}])
    @bp.response(201, DeployedSchema)
    def post(self) -> definitions.DeployedVersion:
        """Validate and deploy the BPMN as the process's next version; who, when and `comment` are recorded.

        The body is `{"xml", "comment"}` as JSON, or the BPMN XML itself with `?comment=` in the query.
        """
        # the role is checked before the body (the service's first rule): no one learns what a body should hold
        raw = ({"xml": request.get_data(as_text=True), "comment": request.args.get("comment")}
               if request.mimetype in ("application/xml", "text/xml") else request.get_json(silent=True) or {})
        xml, comment = raw.get("xml"), raw.get("comment")
        return definitions.deploy(current_user(), str(xml if isinstance(xml, str) else "").encode("utf-8"),
                                  comment if isinstance(comment, str) else "")


@bp.route("/definitions/<process_key>/versions")
class Versions(MethodView):
    """The version history of a process."""

    @secured(bp, 403, 404, 422)
    @bp.arguments(PageQuerySchema(), location="query")
    @bp.response(200, VersionSchema(many=True), headers=TOTAL_COUNT_HEADERS)
    def get(self, window: Window, process_key: str) -> tuple[list[dict[str, Any]], dict[str, str]]:
        """Deployed versions, newest first: who deployed each, when, why, and its open instances (paged)."""
        return paged(definitions.versions(current_user(), process_key, window))


@bp.route("/definitions/<process_key>/versions/<int:version>")
class VersionById(MethodView):
    """One deployed version with its XML."""

    @secured(bp, 403, 404)
    @bp.response(200, VersionDetailSchema)
    def get(self, process_key: str, version: int) -> dict[str, Any]:
        """The version's record and BPMN XML (to open it in the modeler)."""
        return definitions.version_detail(current_user(), process_key, version)


@bp.route("/definitions/<process_key>/versions/<int:a>/diff/<int:b>")
class VersionDiff(MethodView):
    """Compares two versions."""

    @secured(bp, 403, 404)
    @bp.response(200, DiffSchema)
    def get(self, process_key: str, a: int, b: int) -> Any:
        """Elements version `b` adds, removes and changes compared with version `a`."""
        return definitions.diff(current_user(), process_key, a, b)


@bp.route("/definitions/drafts")
class Drafts(MethodView):
    """The caller's drafts."""

    @secured(bp, 403, 422)
    @bp.arguments(PageQuerySchema(), location="query")
    @bp.response(200, DraftSummarySchema(many=True), headers=TOTAL_COUNT_HEADERS)
    def get(self, window: Window) -> tuple[list[DesignDraft], dict[str, str]]:
        """The caller's saved drafts, most recent first (paged)."""
        return paged(drafts.list_drafts(current_user(), window))


@bp.route("/definitions/drafts/<process_key>")
class DraftByKey(MethodView):
    """The caller's draft of one process."""

    @secured(bp, 403, 404)
    @bp.response(200, DraftSchema)
    def get(self, process_key: str) -> Any:
        """The caller's draft of the process."""
        return drafts.get_draft(current_user(), process_key)

    @secured(bp, 403, 422)
    @bp.arguments(DraftSchema())
    @bp.response(200, DraftSchema)
    def put(self, body: dict[str, Any], process_key: str) -> Any:
        """Save the caller's draft (well-formed XML; validation happens at deploy)."""
        return drafts.save_draft(current_user(), process_key, body["xml"], body["base_version"])

    @secured(bp, 403, 404)
    @bp.response(204)
    def delete(self, process_key: str) -> None:
        """Discard the caller's draft."""
        drafts.delete_draft(current_user(), process_key)


@bp.route("/instances/migrate")
class Migrate(MethodView):
    """Moves running instances to another version."""

    @secured(bp, 403, 404, 422)
    @bp.arguments(MigrateSchema())
    @bp.response(200, MigrationResultSchema(many=True))
    def post(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        """Per instance, whether the move is safe and what moves; without `dry_run`, move the safe ones."""
        return migration.migrate_instances(current_user(), body["process_key"], body["to_version"],
                                           body["instance_ids"], body["dry_run"])
