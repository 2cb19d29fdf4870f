"""The designer's definitions: validate, deploy a new version (who, when, why), list versions, compare two."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.engine.parser import ParsedProcess
from app.engine.versions import VersionDiff, diff_versions
from app.errors import Conflict, InvalidSubmission, NotFound
from app.extensions import db
from app.models import ProcessDefinition, ProcessInstance, User
from app.services import transactions
from app.services.design.diff_text import describe_diff
from app.services.design.guard import require_designer
from app.services.design.problems import Problem, bpmn
from app.services.design.safe_xml import UnsafeXml, parse_bpmn_bytes
from app.services.design.validation import validate_bpmn
from app.services.infrastructure.deploy import deploy_document, process_of
from app.services.paging import EVERYTHING, Page, Window, fetch_page
from app.vocabulary import COMMON, OPEN_STATUSES, ProcessKey


def _dirs() -> tuple[Path, Path]:
    return Path(current_app.config["TIC_PROCESSES_DIR"]), Path(current_app.config["TIC_FORMS_DIR"])


def _process_id(data: bytes) -> str:
    try:
        root = parse_bpmn_bytes(data)
    except UnsafeXml:
        return ""
    found = [p.get("id", "") for p in root.iter(bpmn("process")) if p.get("isExecutable") == "true"]
    return found[0] if len(found) == 1 else ""


def _rel(process_id: str) -> str:
    key = ProcessKey.parse(process_id)
    return f"{key.policy}/{key.procedure}.bpmn"


def validate_document(user: User, data: bytes) -> list[Problem]:
    """The problems of an uploaded BPMN (empty: it may be deployed)."""
    require_designer(user)
    processes_dir, forms_dir = _dirs()
    process_id = _process_id(data)
    file_path = (processes_dir / _rel(process_id)).resolve() if process_id else None
    return validate_bpmn(data, processes_dir=processes_dir, forms_dir=forms_dir, file_path=file_path)


@dataclass(frozen=True)
class DeployedVersion:
    """A version the designer deployed."""

    process_key: str
    version: int


MAX_COMMENT = 2000  # characters of a deploy's reason (the API documents the same bound)


def deploy(user: User, data: bytes, comment: str) -> DeployedVersion:
    """Validate and deploy the BPMN as the process's next version, recording who deployed it and why."""
    require_designer(user)
    if not comment.strip():
        raise InvalidSubmission(_("部署须说明理由"), {"comment": [_("请填写部署说明（为何修改）")]})
    if len(comment) > MAX_COMMENT:
        raise InvalidSubmission(_("部署说明过长"), {"comment": [_("部署说明最多 %(n)s 字", n=MAX_COMMENT)]})
    problems = validate_document(user, data)
    if problems:
        raise InvalidSubmission(_("BPMN 未通过校验，不能部署"), {"problems": [p.as_dict() for p in problems]})
    process_id = _process_id(data)
    require_designer(user, process_id)
    processes_dir, _forms = _dirs()
    rel = _rel(process_id)
    bundle = {rel: data.decode("utf-8")}
    common = processes_dir / COMMON
    if common.is_dir() and not rel.startswith(f"{COMMON}/"):
        bundle |= {f"{COMMON}/{f.name}": f.read_text(encoding="utf-8") for f in sorted(common.glob("*.bpmn"))}
    with transactions.edge():
        deployed = deploy_document(rel, bundle, deployed_by=user.username, comment=comment.strip())
        if not deployed:
            raise InvalidSubmission(_("文件中没有可部署的流程"))
        result = deployed[0]
        if not result.created:
            raise Conflict(_("内容与已部署的第 %(version)s 版相同，未产生新版本", version=result.version))
    return DeployedVersion(result.key, result.version)


def definition_version(process_key: str, version: int) -> ProcessDefinition:
    """One deployed version of a process (404 when there is none)."""
    found = db.session.scalar(select(ProcessDefinition).where(
        ProcessDefinition.key == process_key, ProcessDefinition.version == version))
    if found is None:
        raise NotFound(_("流程 %(key)s 没有第 %(version)s 版", key=process_key, version=version))
    return found


def _records(process_key: str, definitions: list[ProcessDefinition]) -> list[dict[str, Any]]:
    query = select(ProcessInstance.definition_id, func.count()).where(
        ProcessInstance.process_key == process_key, ProcessInstance.status.in_(OPEN_STATUSES)
    ).group_by(ProcessInstance.definition_id)
    counts: dict[int, int] = {definition_id: count for definition_id, count in db.session.execute(query)}
    return [{"process_key": d.key, "version": d.version, "name": d.name, "deployed_at": d.deployed_at,
             "deployed_by": d.deployed_by, "comment": d.comment, "source_path": d.source_path,
             "open_instances": counts.get(d.id, 0)} for d in definitions]


def versions(user: User, process_key: str, window: Window = EVERYTHING) -> Page[dict[str, Any]]:
    """The version history of a process, newest first, with how many open instances each still runs."""
    require_designer(user)
    page = fetch_page(select(ProcessDefinition).where(ProcessDefinition.key == process_key)
                      .order_by(ProcessDefinition.version.desc()), window)
    if page.total == 0:
        raise NotFound(_("未部署的流程：%(key)s", key=process_key))
    return Page(_records(process_key, page.items), page.total)


def version_detail(user: User, process_key: str, version: int) -> dict[str, Any]:
    """One version's record and its BPMN XML (its own file, without the shared files it calls)."""
    require_designer(user)
    definition = definition_version(process_key, version)
    return {**_records(process_key, [definition])[0], "xml": definition.bundle[definition.source_path]}


def _pair(process_key: str, a: int, b: int) -> tuple[ParsedProcess, ParsedProcess]:
    """The parsed processes of versions `a` and `b` (404 when one is missing)."""
    return process_of(definition_version(process_key, a)), process_of(definition_version(process_key, b))


def diff(user: User, process_key: str, a: int, b: int) -> VersionDiff:
    """What version `b` adds, removes and changes compared with version `a` (SpiffWorkflow's spec diff)."""
    require_designer(user)
    return diff_versions(*_pair(process_key, a, b))


def diff_in_words(user: User, process_key: str, a: int, b: int) -> dict[str, list[dict[str, Any]]]:
    """The diff as the designer page lists it: each element labelled, each changed attribute as old → new."""
    require_designer(user)
    old, new = _pair(process_key, a, b)
    return describe_diff(old, new, diff_versions(old, new))
