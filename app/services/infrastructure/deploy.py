"""Deploy BPMN files as process-definition versions keyed by content hash."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import defer

from app import clock
from app.engine.cache import parsed_process
from app.engine.parser import BpmnDefinitionError, ParsedProcess, bundle_hash, process_ids
from app.errors import NotFound, ProcessError
from app.extensions import db
from app.models import ProcessDefinition
from app.services import transactions
from app.vocabulary import DEPLOYABLE_POLICIES

POLICIES = DEPLOYABLE_POLICIES


@dataclass(frozen=True)
class Deployed:
    """The outcome of deploying one process."""

    key: str
    version: int
    created: bool


def _bundle_for(path: Path, root: Path) -> dict[str, str]:
    """The file itself plus every shared `common/` file it may call."""
    bundle = {str(path.relative_to(root)): path.read_text(encoding="utf-8")}
    common = root / "common"
    if common.is_dir() and path.parent != common:
        for other in sorted(common.glob("*.bpmn")):
            bundle[str(other.relative_to(root))] = other.read_text(encoding="utf-8")
    return bundle


def deploy_directory(root: Path) -> list[Deployed]:
    """Deploy every `<policy>/<procedure>.bpmn` under `root`; unchanged files deploy nothing."""
    results = []
    with transactions.edge():  # all or nothing: a broken file deploys none of the others
        for path in sorted(root.glob("*/*.bpmn")):
            if path.parent.name == "common":
                continue
            results.extend(deploy_file(path, root))
    return results


def deploy_file(path: Path, root: Path) -> list[Deployed]:
    """Deploy the executable processes of one file (validated first); the caller commits."""
    return deploy_document(str(path.relative_to(root)), _bundle_for(path, root))


def deploy_document(rel: str, bundle: dict[str, str], *, deployed_by: str | None = None,
                    comment: str | None = None) -> list[Deployed]:
    """Deploy the processes of `bundle[rel]` (`<policy>/<procedure>.bpmn`), recording who and why; no commit."""
    policy = rel.split("/")[0]
    if policy not in POLICIES:
        raise ProcessError(_("%(file)s: 未知政策目录 %(policy)r", file=rel, policy=policy))
    deployed = []
    try:
        found = process_ids(rel, bundle[rel])
    except BpmnDefinitionError as err:  # malformed XML: the file, line and reason, like any invalid element
        raise ProcessError(str(err), {"bpmn": [err.as_dict()]}) from err
    for key, name, executable in found:
        if not executable:
            continue
        if not key.startswith(f"{policy}_"):
            raise ProcessError(_("%(file)s: 流程 id %(key)r 必须以 %(policy)s_ 开头", file=rel, key=key, policy=policy), {"element_id": [key]})
        deployed.append(_deploy_bundle(key, name, policy, bundle, rel, deployed_by, comment))
    return deployed


def _deploy_bundle(key: str, name: str, policy: str, bundle: dict[str, str], rel: str,
                   deployed_by: str | None = None, comment: str | None = None) -> Deployed:
    digest = bundle_hash({"key": key, **bundle})
    existing = db.session.scalar(select(ProcessDefinition).where(ProcessDefinition.content_hash == digest))
    if existing is not None:
        return Deployed(key, existing.version, False)
    try:
        parsed_process(digest, key, bundle)  # validates; cached, so redeploying the same content is cheap
    except BpmnDefinitionError as err:
        raise ProcessError(str(err), {"bpmn": [err.as_dict()]}) from err
    latest = db.session.scalar(select(func.max(ProcessDefinition.version)).where(ProcessDefinition.key == key))
    definition = ProcessDefinition(
        key=key, version=(latest or 0) + 1, name=name, policy=policy, content_hash=digest,
        bundle=bundle, source_path=rel, deployed_at=clock.now(), deployed_by=deployed_by, comment=comment,
    )
    db.session.add(definition)
    db.session.flush()
    return Deployed(key, definition.version, True)


# the bundle (all the version's BPMN, tens of KB of JSON) is read only where a version is parsed the first time;
# built once with a bound key (SQLAlchemy keys a statement of literal values for its cache on every call)
_LATEST = (select(ProcessDefinition).options(defer(ProcessDefinition.bundle))
           .where(ProcessDefinition.key == bindparam("key")).order_by(ProcessDefinition.version.desc()).limit(1))


def latest_definition(key: str) -> ProcessDefinition:
    """The newest deployed version of process `key`."""
    definition = db.session.scalar(_LATEST, {"key": key})
    if definition is None:
        raise NotFound(_("未部署的流程：%(key)s", key=key))
    return definition


def list_latest() -> list[ProcessDefinition]:
    """The newest version of every deployed process."""
    newest = (
        select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("version"))
        .group_by(ProcessDefinition.key)
        .subquery()
    )
    query = select(ProcessDefinition).join(
        newest, (ProcessDefinition.key == newest.c.key) & (ProcessDefinition.version == newest.c.version)
    )
    return list(db.session.scalars(query.order_by(ProcessDefinition.key)))


def process_of(definition: ProcessDefinition) -> ParsedProcess:
    """The parsed, cached process of a definition version."""
    return parsed_process(definition.content_hash, definition.key, definition.bundle)
