"""Domain exceptions raised by services; the API maps each to one HTTP status in one place."""
from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every error a service reports to its caller."""

    status = 400

    def __init__(self, message: str, errors: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors


class NotFound(DomainError):
    """The thing asked for does not exist (or is not visible to the caller)."""

    status = 404


class Forbidden(DomainError):
    """The caller may not do this."""

    status = 403


class Unauthenticated(DomainError):
    """No valid credentials."""

    status = 401


class Conflict(DomainError):
    """The state changed underneath the caller; nothing was written."""

    status = 409


class PreconditionFailed(DomainError):
    """The caller's condition on the current state (an HTTP `If-Match`) no longer holds; nothing was written."""

    status = 412


class TooManyRequests(DomainError):
    """Too many attempts (failed logins) in a while; try again later."""

    status = 429


class InvalidSubmission(DomainError):
    """Submitted data failed validation; `errors` maps field -> messages."""

    status = 422


class ProcessError(DomainError):
    """A BPMN definition or the engine failed; the message names the element."""

    status = 422
