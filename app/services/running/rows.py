"""Write the columns of a loaded row with one Core UPDATE: what every step changes of its instance and task.

The ORM's unit of work costs several times the statement it emits (scripts/bench: the flush of a step's task and
instance was its most expensive part). `write_columns` keeps what the ORM guaranteed: the version check of a
versioned row (a stale writer gets `StaleDataError`, as from a flush), the loaded object showing the new values,
and on any rollback — a savepoint's too — the object expired, so it is read again rather than trusted.
"""
from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, Update, bindparam, event, inspect, update
from sqlalchemy.orm import Mapper, Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db

WRITTEN = "tic_core_written"
_statements: dict[type, Update] = {}


def write_columns(obj: Any, values: dict[str, Any]) -> None:
    """Set `values` (attribute name -> value) on a loaded row in one UPDATE; with a version column, only if the row
    still has the version loaded, and one higher after. An object with unflushed ORM changes, or not yet
    persistent, gets the values as attributes instead: the ORM then writes them with its own in one UPDATE."""
    state = inspect(obj)
    if state.modified or not state.persistent:
        for name, value in values.items():
            setattr(obj, name, value)
        return
    mapper = state.mapper
    version = mapper.version_id_col
    params = {mapper.get_property(name).columns[0].key: value for name, value in values.items()}
    params["_row_id"] = state.identity[0]
    current = None
    if version is not None:
        version_name = mapper.get_property_by_column(version).key
        current = getattr(obj, version_name)
        params["_row_version"], params[version.key] = current, current + 1
    result = db.session.connection().execute(_statement(type(obj)), params)  # Core: not the ORM's execute path
    if result.rowcount != 1:
        raise StaleDataError(f"UPDATE of {mapper.local_table.name} {state.identity[0]} expected to match 1 row "
                             f"(version {current}); {result.rowcount} matched")
    for name, value in values.items():
        set_committed_value(obj, name, value)
    if version is not None:
        set_committed_value(obj, version_name, current + 1)  # type: ignore[operator]
    db.session.info.setdefault(WRITTEN, set()).add(state)


def _statement(kind: type) -> Update:
    """`UPDATE <table> SET <the parameters' columns> WHERE id = :_row_id [AND version = :_row_version]`, built once
    (the SET clause follows the parameters of each execution)."""
    found = _statements.get(kind)
    if found is None:
        mapper: Mapper[Any] = inspect(kind)
        table = cast(Table, mapper.local_table)
        where = [mapper.primary_key[0] == bindparam("_row_id")]
        if mapper.version_id_col is not None:
            where.append(mapper.version_id_col == bindparam("_row_version"))
        found = _statements[kind] = update(table).where(*where)
    return found


@event.listens_for(Session, "after_soft_rollback")
def _expire_written(session: Session, _previous: Any) -> None:
    """A rollback (a savepoint's too) undoes the rows written here: their objects are read again when next used."""
    for state in session.info.pop(WRITTEN, ()):
        obj = state.obj()
        if obj is not None and state.session_id == session.hash_key:
            session.expire(obj)


@event.listens_for(Session, "after_commit")
def _forget_written(session: Session) -> None:
    session.info.pop(WRITTEN, None)
