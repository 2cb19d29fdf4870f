"""The error body, once, and decorators documenting which error statuses each view can answer."""
from __future__ import annotations

import http
from collections.abc import Callable
from typing import Any, TypeVar

from marshmallow import Schema, fields

from app.api.parsing import Blueprint

F = TypeVar("F", bound=Callable[..., Any])


class ErrorSchema(Schema):
    """Every error answer: `{"code", "message", "errors"?}` (Chinese unless `Accept-Language: en`)."""

    code = fields.Integer(required=True, metadata={"description": "the HTTP status"})
    message = fields.String(required=True, metadata={"description": "what went wrong, for people"})
    errors = fields.Dict(
        keys=fields.String(), values=fields.Raw(),
        metadata={"description": "field -> messages (validation errors only)"},
    )


def errors(bp: Blueprint, *statuses: int) -> Callable[[F], F]:
    """Document that a view can answer `statuses` (e.g. 403, 404, 409, 412, 422), each with the error body."""

    def decorate(view: F) -> F:
        for status in sorted(statuses, reverse=True):
            view = bp.alt_response(status, response=http.HTTPStatus(status).name)(view)
        return view

    return decorate


def secured(bp: Blueprint, *statuses: int) -> Callable[[F], F]:
    """Document a bearer-token view: the security requirement, 401, and the other error `statuses` it answers."""

    def decorate(view: F) -> F:
        view = errors(bp, 401, *statuses)(view)
        decorated: F = bp.doc(security=[{"bearerAuth": []}])(view)
        return decorated

    return decorate
