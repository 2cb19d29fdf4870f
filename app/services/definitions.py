"""Immutable definition versions, cached in memory by id (a deployed version never changes)."""
from __future__ import annotations

from app.engine.parser import ParsedProcess
from app.errors import NotFound
from app.extensions import db
from app.models import ProcessDefinition
from app.services.deploy import process_of

_by_id: dict[int, ParsedProcess] = {}


def process_for_definition(definition_id: int) -> ParsedProcess:
    """The parsed process of definition version `definition_id` (one query on first use only)."""
    found = _by_id.get(definition_id)
    if found is None:
        definition = db.session.get(ProcessDefinition, definition_id)
        if definition is None:
            raise NotFound(f"流程定义不存在：{definition_id}")
        found = _by_id[definition_id] = process_of(definition)
    return found
