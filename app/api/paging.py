"""Paged lists: `?limit=&offset=` in, a JSON list plus the `X-Total-Count` header out."""
from __future__ import annotations

from typing import Any, TypeVar

from marshmallow import Schema, fields, post_load, validate

from app.services.paging import DEFAULT_LIMIT, MAX_LIMIT, Page, Window

T = TypeVar("T")

TOTAL_COUNT = "X-Total-Count"
# response headers of a paged list, for `@bp.response(200, ..., headers=TOTAL_COUNT_HEADERS)`
TOTAL_COUNT_HEADERS = {TOTAL_COUNT: "X_TOTAL_COUNT"}
TOTAL_COUNT_COMPONENT = {
    "description": "how many items match in all (the body holds at most `limit` of them, from `offset`)",
    "schema": {"type": "integer", "minimum": 0},
}


class PageQuerySchema(Schema):
    """`limit` (1–500, default 100) and `offset` (default 0) of a list; loads into a `Window`."""

    limit = fields.Integer(
        load_default=DEFAULT_LIMIT, validate=validate.Range(min=1, max=MAX_LIMIT),
        metadata={"description": f"at most this many items (1–{MAX_LIMIT}, default {DEFAULT_LIMIT})"},
    )
    offset = fields.Integer(
        load_default=0, validate=validate.Range(min=0),
        metadata={"description": "skip this many items first (default 0)"},
    )

    @post_load
    def _window(self, data: dict[str, Any], **_kwargs: Any) -> Window:
        return Window(limit=data["limit"], offset=data["offset"])


def paged(page: Page[T]) -> tuple[list[T], dict[str, str]]:
    """A view's answer for one page: the items (dumped by the response schema) and the total in a header."""
    return page.items, {TOTAL_COUNT: str(page.total)}
