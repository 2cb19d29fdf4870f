"""What a task shows its worker, on every door: form, prefill, context, automated checks, earlier submissions."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app import clock
from app.errors import NotFound
from app.extensions import db
from app.models import Center, HumanTask, ProcessInstance, StoredFile, User
from app.services.infrastructure import files as file_store
from app.services.infrastructure import forms
from app.services.running.steps import read_workflow
from app.services.tasks.attachments import referenced_ids
from app.services.tasks.inbox import DUE_SOON
from app.services.tasks.lookup import workable_task
from app.vocabulary import REVIEW_DECISION, REVIEW_REMARKS, TaskState

# the answers of a judgement: given afresh in every round, never carried from the last one
_JUDGEMENT = frozenset({REVIEW_DECISION, *REVIEW_REMARKS})

CONTEXT_KEYS = ("center_name", "report_year", "due_at")


@dataclass
class Submission:
    """An earlier completed task of the same instance and what was submitted, with its form for labels."""

    task: HumanTask
    form: dict[str, Any] | None


@dataclass
class CheckGroup:
    """Automated check results found in the task data (`check_results`, `*_checks`)."""

    key: str
    results: list[dict[str, Any]]
    all_passed: bool | None


@dataclass
class TaskView:
    """A task with everything its worker needs to decide and fill in its form."""

    task: HumanTask
    instance: ProcessInstance
    center: Center | None
    form: dict[str, Any] | None
    values: dict[str, Any]  # the prefill: my draft, or this lane's data of the instance, or what was submitted
    context: dict[str, Any]  # what earlier steps recorded (center name, report year, due date ...)
    instance_data: dict[str, Any]  # the instance data the task sees (engine internals left out)
    checks: list[CheckGroup]
    submissions: list[Submission]
    files: dict[str, StoredFile]
    has_draft: bool
    due: DueState | None = None
    # what an earlier step flagged for a person to weigh (`record_warning` results, e.g. national 第十六条1: a field
    # outside the year's priority fields), each {message, article}
    warnings: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class DueState:
    """Where a ready task stands against its deadline: overdue by, or due in, whole days (0: within a day)."""

    overdue: bool
    soon: bool
    days: int


def due_state(task: HumanTask, now: datetime) -> DueState | None:
    """The deadline state of a ready task with a due time (None when done or without a deadline)."""
    if task.state != TaskState.READY or task.due_at is None:
        return None
    if task.is_overdue(now):
        return DueState(True, False, (now - task.due_at).days)
    return DueState(False, task.due_at - now <= DUE_SOON, (task.due_at - now).days)


def task_view(user: User, task_id: int) -> TaskView:
    """The task with its form, prefilled from my draft or the instance data, checks and earlier submissions."""
    task = workable_task(user, task_id)
    instance = db.session.get(ProcessInstance, task.instance_id)
    if instance is None:  # pragma: no cover - the foreign key keeps them together
        raise NotFound(str(task.instance_id))
    center = db.session.get(Center, task.center_id) if task.center_id else None
    form = forms.form_schema(task.form_key) if task.form_key else None
    visible: dict[str, Any] = {}
    if task.state == TaskState.READY:
        visible = {k: v for k, v in read_workflow(instance).task_data(task.task_uuid).items()
                   if not k.startswith("spiff__")}
    earlier = db.session.scalars(
        select(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.state == TaskState.COMPLETED,
                                HumanTask.id != task.id).order_by(HumanTask.completed_at, HumanTask.id)
    )
    submissions = [Submission(t, _form_or_none(t.form_key)) for t in earlier]
    # prefill with what this lane last submitted in this same form (a returned report comes back filled in) and
    # with the data no form submitted (the start's, the scripts'); never with answers given in another form or by
    # another lane: the sponsor's decision is not the authority's, an evaluation's opinion is not the
    # rectification check's. An earlier round's decision and comment are not carried either: a reviewer who
    # returned a report and sees it again decides afresh (a prefilled 退回修改 would return it again on one click)
    props = (form or {}).get("properties", {})
    answered = {k for s in submissions for k in (s.task.data or {})}
    values = {k: v for k, v in visible.items() if k in props and k not in answered}
    mine = [s.task.data or {} for s in submissions if s.task.lane == task.lane and s.task.form_key == task.form_key]
    if mine:
        values.update({k: v for k, v in mine[-1].items() if k in props and k not in _JUDGEMENT})
    if task.draft is not None:
        values = dict(task.draft)
    if task.state != TaskState.READY:
        values = dict(task.data or {})
    ids = [i for data, schema in [(values, form), *((s.task.data, s.form) for s in submissions)]
           for i in referenced_ids(schema, data)]
    return TaskView(
        task, instance, center, form, values, {k: visible[k] for k in CONTEXT_KEYS if k in visible}, visible,
        _checks(visible), submissions, file_store.files_by_id(ids), task.draft is not None,
        due_state(task, clock.now()), _warnings(visible),
    )


def _warnings(data: Mapping[str, Any]) -> list[dict[str, str]]:
    """The warnings earlier steps recorded (`*_warning` variables holding a message), in the order recorded."""
    return [{"message": str(v["message"]), "article": str(v.get("article") or "")}
            for k, v in data.items() if k.endswith("_warning") and isinstance(v, dict) and v.get("message")]


def _form_or_none(form_key: str | None) -> dict[str, Any] | None:
    try:
        return forms.form_schema(form_key) if form_key else None
    except NotFound:
        return None


def _checks(data: Mapping[str, Any]) -> list[CheckGroup]:
    found = []
    for key, value in data.items():
        if key != "check_results" and not key.endswith("_checks"):
            continue
        if isinstance(value, dict) and isinstance(value.get("results"), list):
            passed = value.get("all_passed")
            found.append(CheckGroup(key, [r for r in value["results"] if isinstance(r, dict)],
                                    bool(passed) if passed is not None else None))
        elif isinstance(value, list) and all(isinstance(r, dict) for r in value):
            found.append(CheckGroup(key, list(value), all(bool(r.get("passed") or r.get("warning")) for r in value)))
    return found
