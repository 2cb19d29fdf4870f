"""One page of a list use case: limit/offset applied in SQL, with the total count of matching rows."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import Select, func, select

from app.extensions import db

T = TypeVar("T")

DEFAULT_LIMIT = 100
MAX_LIMIT = 500


@dataclass(frozen=True)
class Window:
    """Which rows of an ordered list to answer: at most `limit` after skipping `offset` (no limit: all)."""

    limit: int | None = DEFAULT_LIMIT
    offset: int = 0


EVERYTHING = Window(limit=None)


@dataclass
class Page(Generic[T]):
    """The rows of one window and how many rows match in all."""

    items: list[T]
    total: int


def fetch_page(query: Select[tuple[T]], window: Window) -> Page[T]:
    """Run an ordered `select()` for `window` and count the matches (no count query when the window reaches the end)."""
    items = list(db.session.scalars(query.limit(window.limit).offset(window.offset)))
    if window.limit is None or (len(items) < window.limit and (items or window.offset == 0)):
        return Page(items, window.offset + len(items))
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    return Page(items, total or 0)
