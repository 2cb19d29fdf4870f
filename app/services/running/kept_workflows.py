"""Workflows kept in memory between the steps of their instances.

Restoring a workflow from its stored state is a third of the engine's cost of a step (scripts/bench). A step that
finds its instance's stored state exactly as this process wrote it continues the workflow object it left instead
of restoring it: the stored state string and the definition are compared, so a state written by another process
(another worker, a scheduler, a migration) or a database reused by tests never matches. A workflow is kept only
once the transaction that wrote its state committed; a step takes it out of the cache while it works (a failed step
leaves nothing behind), and any rollback forgets what its transaction would have kept.

`TIC_WORKFLOW_CACHE` is how many workflows a process keeps (0: none); `TIC_WORKFLOW_CACHE_CHECK` (the test
suite sets it) serializes every workflow taken from the cache and fails the step if it differs from the stored
state — the proof that continuing a kept workflow is the same as restoring it.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, NamedTuple

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.engine.runtime import Workflow
from app.extensions import db

PENDING = "tic_kept_workflows"
DEFAULT_SIZE = 256


class _Kept(NamedTuple):
    definition_id: int
    state: str
    workflow: Workflow


_cache: OrderedDict[int, _Kept] = OrderedDict()
_guard = threading.Lock()


class KeptWorkflowDiverged(AssertionError):
    """A kept workflow no longer serializes to the state stored for it (TIC_WORKFLOW_CACHE_CHECK)."""


def take(instance_id: int, definition_id: int, state: str) -> Workflow | None:
    """The workflow this process left for the instance, if its stored state and definition are still that; the
    entry leaves the cache (the caller steps it, and `keep` it again with the state it writes)."""
    with _guard:
        kept = _cache.pop(instance_id, None)
    if kept is None or kept.definition_id != definition_id or kept.state != state:
        return None
    if current_app.config.get("TIC_WORKFLOW_CACHE_CHECK") and kept.workflow.dumps() != state:
        raise KeptWorkflowDiverged(f"instance {instance_id}: the kept workflow differs from its stored state")
    return kept.workflow


def keep(instance_id: int, definition_id: int, state: str, workflow: Workflow) -> None:
    """Keep `workflow` for the instance once this transaction commits `state` (the latest call per instance wins)."""
    if _size() > 0:
        db.session.info.setdefault(PENDING, {})[instance_id] = _Kept(definition_id, state, workflow)


def forget_all() -> None:
    """Empty the cache (a process that changed stored states behind the steps' back, or a test)."""
    with _guard:
        _cache.clear()


def _size() -> int:
    return int(current_app.config.get("TIC_WORKFLOW_CACHE", DEFAULT_SIZE))


@event.listens_for(Session, "after_commit")
def _keep_committed(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint's release: its transaction has not committed yet
        return
    pending: dict[int, _Kept] | None = session.info.pop(PENDING, None)
    if not pending:
        return
    size = _size()
    with _guard:
        for instance_id, kept in pending.items():
            _cache[instance_id] = kept
            _cache.move_to_end(instance_id)
        while len(_cache) > size:
            _cache.popitem(last=False)


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, _previous: Any) -> None:
    # a savepoint's rollback too: which of the pending workflows it undid is not known, so none is kept
    session.info.pop(PENDING, None)
