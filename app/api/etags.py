"""Optimistic concurrency the HTTP way: an `ETag` from an instance's version, `If-Match` checked (412 if stale).

flask-smorest's `Blueprint.etag` does not fit: it hashes the response body (a task's body changes with drafts
and claims while its instance does not), checks `If-Match` only on PUT/PATCH/DELETE (a warning on POST, an
error under pytest) and then requires it (428), while here `If-Match` is optional beside the body's
`instance_version`. These helpers are that feature's small core: strong tags, RFC 9110 strong comparison.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import request
from werkzeug.exceptions import PreconditionFailed
from werkzeug.http import quote_etag

T = TypeVar("T")

# `headers=` of `@bp.response` for a view answering an ETag (flask-smorest registers the "ETAG" header)
ETAG_HEADERS = {"ETag": "ETAG"}
IF_MATCH_PARAMETER: dict[str, Any] = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": "the ETag of the instance as read; 412 if it changed since (nothing is written)",
}


def instance_etag(instance_id: int, version: int) -> str:
    """The entity tag of an instance's state (unquoted): changes whenever the instance's version does."""
    return f"instance-{instance_id}-v{version}"


def with_etag(result: T, tag: str) -> tuple[T, dict[str, str]]:
    """A view's result with its strong `ETag` header, for flask-smorest's `@bp.response`."""
    return result, {"ETag": quote_etag(tag)}


def check_if_match(tag: str) -> None:
    """Refuse with 412 when the request's `If-Match` names neither `tag` nor `*` (no `If-Match`: no check)."""
    if request.if_match and not request.if_match.contains(tag):
        raise PreconditionFailed()


def if_match_instance() -> Callable[[int, int], bool] | None:
    """The request's `If-Match` as a condition on an instance's (id, version), for a service to check under its
    lock; None when the request sends no `If-Match`."""
    sent = request.if_match
    if not sent:
        return None
    return lambda instance_id, version: sent.contains(instance_etag(instance_id, version))


def precondition_version(instance_id: int, current_version: int) -> int | None:
    """Check `If-Match` against the instance's current tag (412 if stale); the version to hold a write to, or None.

    Pass the result as the service's expected version: a writer that changes the instance between this check
    and the write is then refused (409) under the instance lock.
    """
    if not request.if_match:
        return None
    check_if_match(instance_etag(instance_id, current_version))
    return current_version
