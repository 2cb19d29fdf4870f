"""Immutable definition versions, cached in memory by id (a deployed version never changes)."""
from __future__ import annotations

from flask_babel import gettext as _

from app.engine.parser import ParsedProcess
from app.errors import NotFound
from app.extensions import db
from app.models import ProcessDefinition
from app.services.infrastructure.deploy import process_of

# (database URL, definition id) -> parsed process: ids are only unique within one database
_by_id: dict[tuple[str, int], ParsedProcess] = {}


def process_for_definition(definition_id: int) -> ParsedProcess:
    """The parsed process of definition version `definition_id` (one query on first use only)."""
    key = (str(db.engine.url), definition_id)
    found = _by_id.get(key)
    if found is None:
        definition = db.session.get(ProcessDefinition, definition_id)
        if definition is None:
            raise NotFound(_("流程定义不存在：%(id)s", id=definition_id))
        found = _by_id[key] = process_of(definition)
    return found


def forget_definitions() -> None:
    """Drop the cache (after a database was reset underneath the process, e.g. between tests)."""
    _by_id.clear()
