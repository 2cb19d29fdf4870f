"""Typed, library-free views of what a workflow is waiting for and what it just did."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class ReadyTask:
    """A user task that a person can complete now."""

    task_id: str
    element_id: str
    name: str
    lane: str | None
    form_key: str | None
    article: str | None
    due_at: datetime | None
    instructions: str | None = None


@dataclass(frozen=True)
class WaitingTimer:
    """A timer event armed and waiting for its due time."""

    task_id: str
    element_id: str
    name: str
    article: str | None
    due_at: datetime


@dataclass(frozen=True)
class CompletedElement:
    """A flow node the engine finished during one step."""

    task_id: str
    element_id: str
    name: str
    article: str | None
    lane: str | None
    kind: str


@dataclass
class StepOutcome:
    """What one engine step produced: finished elements and the effects handlers asked for."""

    completed: list[CompletedElement] = field(default_factory=list)
    effects: list[dict[str, Any]] = field(default_factory=list)
    # what the workflow was waiting for before the step: the read models are synced from the difference
    ready_before: set[str] = field(default_factory=set)
    timers_before: dict[str, WaitingTimer] = field(default_factory=dict)
