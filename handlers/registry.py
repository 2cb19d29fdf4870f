"""The operator registry: BPMN `serviceTaskOperator` name -> handler function."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

Handler = Callable[[Mapping[str, Any], "HandlerContext"], Any]

_REGISTRY: dict[str, Handler] = {}


class UnknownOperator(LookupError):
    """A BPMN service task names an operator no handler is registered for."""


@dataclass
class HandlerContext:
    """What a handler may see and do: read the task data, know the time, emit effects."""

    data: Mapping[str, Any]
    now: datetime
    element_id: str
    effects: list[dict[str, Any]] = field(default_factory=list)
    # read-only lookups the application provides (e.g. the working-day calendar, report history)
    services: Mapping[str, Callable[..., Any]] = field(default_factory=dict)

    def service(self, name: str) -> Callable[..., Any]:
        """A lookup provided by the application; a clear error when it is not available."""
        try:
            return self.services[name]
        except KeyError:
            raise LookupError(f"application service {name!r} is not available to handlers") from None

    def emit(self, kind: str, **payload: Any) -> None:
        """Ask the application to perform a side effect (e.g. a notification) in the same transaction."""
        self.effects.append({"kind": kind, **payload})


def operator(name: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of operator `name`."""

    def register(fn: Handler) -> Handler:
        if name in _REGISTRY and _REGISTRY[name] is not fn:
            raise ValueError(f"operator {name!r} registered twice")
        _REGISTRY[name] = fn
        return fn

    return register


def registered() -> list[str]:
    """Names of every registered operator."""
    return sorted(_REGISTRY)


def handler_of(name: str) -> Handler:
    """The handler registered for operator `name` (for the designer to read which parameters it takes)."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownOperator(f"no handler registered for operator {name!r}") from None


def call(name: str, params: Mapping[str, Any], context: HandlerContext) -> Any:
    """Run the handler of operator `name`; its result must be JSON-serialisable."""
    try:
        handler = _REGISTRY[name]
    except KeyError:
        raise UnknownOperator(f"no handler registered for operator {name!r}") from None
    return handler(params, context)
