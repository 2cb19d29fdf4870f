"""Who commits, and how each database locks — the one place for both.

Rules (enforced by tests/unit/test_transactions.py):
- A transaction belongs to the service at the edge of a use case (the function a door calls). It commits
  once, through `commit()`, or rolls back through `rollback()`; helpers it calls (steps, effects, starting)
  never commit. Doors — the API, the web pages, the scheduler jobs, the CLI — never touch the session.
- Every mutation of an instance holds its row lock: `lock(query)` is `SELECT ... FOR UPDATE` on PostgreSQL;
  on SQLite every writing transaction already began with the database write lock (`BEGIN IMMEDIATE`,
  app/db_setup.py), so nothing can change underneath and there is nothing to add.
- Read-only requests (GET, HEAD, OPTIONS) never take SQLite's write lock: their transactions begin deferred
  (`BEGIN`, a WAL snapshot), so readers never queue behind writers. A GET that must write calls `writes()`
  first (so do `lock()` and `claim()`): the read transaction ends and the next one begins with the write lock.
- Work that several schedulers share claims rows with `claim(query)` (`FOR UPDATE SKIP LOCKED` on PostgreSQL).
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from sqlalchemy import Select, event
from sqlalchemy.orm import Session

from app.extensions import db

T = TypeVar("T", bound=tuple[Any, ...])

_READING: ContextVar[bool] = ContextVar("tic_reading", default=False)


MEMO = "tic_per_transaction"


def per_transaction(name: str, *, watch: tuple[type, ...]) -> dict[Any, Any]:
    """A memo that lives as long as the current transaction: forgotten at commit or rollback (a savepoint's rollback
    too, not its release), and when an ORM flush adds, changes or deletes an object of a `watch` class."""
    memo: dict[str, tuple[tuple[type, ...], dict[Any, Any]]] = db.session.info.setdefault(MEMO, {})
    return memo.setdefault(name, (watch, {}))[1]


@event.listens_for(Session, "after_commit")
def _forget_at_commit(session: Session) -> None:
    if not session.in_nested_transaction():  # a savepoint's release: the transaction and what it read go on
        session.info.pop(MEMO, None)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(MEMO, None)


@event.listens_for(Session, "before_flush")
def _forget_on_change(session: Session, _context: Any, _instances: Any) -> None:
    memo = session.info.get(MEMO)
    if not memo:
        return
    changed = {type(o) for o in (*session.new, *session.dirty, *session.deleted)}
    for name, (watch, _values) in list(memo.items()):
        if any(issubclass(kind, watch) for kind in changed):
            del memo[name]


def dialect() -> str:
    """The database in use: `sqlite` or `postgresql`."""
    return str(db.session.get_bind().dialect.name)


def holds_write_lock() -> bool:
    """True when the whole transaction holds the database's write lock (SQLite): rows cannot change under it."""
    return dialect() == "sqlite"


def begin_reading(reading: bool = True) -> None:
    """Start a unit of work that only reads (a GET; the app sets it per request), or end it with `False`."""
    _READING.set(reading)


def end_reading() -> None:
    """End read-only work: a read snapshot still open is closed, so the next unit of work begins afresh (with the
    write lock if it writes) even where the session outlives the request (an enclosing app context)."""
    if reads_only() and db.session().in_transaction():
        db.session.rollback()  # nothing was written: this only ends the snapshot
    _READING.set(False)


def reads_only() -> bool:
    """True while serving read-only work that has not asked to write: its transactions begin deferred."""
    return _READING.get()


def begin_statement() -> str:
    """How a SQLite transaction begins: `BEGIN` (a snapshot, no lock) to read, `BEGIN IMMEDIATE` to write."""
    return "BEGIN" if reads_only() else "BEGIN IMMEDIATE"


def writes() -> None:
    """Declare that this read-only work writes after all: on SQLite a read transaction in progress ends (its
    objects are expired, to be re-read) and the next one begins with the write lock."""
    if not reads_only():
        return
    _READING.set(False)
    if dialect() == "sqlite" and db.session().in_transaction():
        db.session.commit()  # nothing was written: this only ends the snapshot


def lock(query: Select[T]) -> Select[T]:
    """The query taking row locks until the transaction ends (PostgreSQL; SQLite holds the write lock)."""
    writes()
    return query if holds_write_lock() else query.with_for_update()


def claim(query: Select[T], of: Any = None) -> Select[T]:
    """The query taking row locks (of `of`) but skipping rows another transaction holds (shared scheduler work)."""
    writes()
    return query if holds_write_lock() else query.with_for_update(skip_locked=True, of=of)


def reread(obj: Any) -> None:
    """Re-read an object loaded before its row was locked (nothing to do where the write lock was held)."""
    if not holds_write_lock():
        db.session.refresh(obj)


def commit() -> None:
    """Commit the edge's transaction; loaded objects stay readable (the answer is built without a new query)."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def commit_and_expire() -> None:
    """Commit and forget loaded state (loops that must see other transactions' rows on the next round)."""
    db.session.commit()


def rollback() -> None:
    """Undo the edge's transaction."""
    db.session.rollback()


@contextmanager
def edge() -> Iterator[None]:
    """Run a use case as one transaction: commit at the end, roll back on any error."""
    try:
        yield
    except BaseException:
        rollback()
        raise
    commit()
