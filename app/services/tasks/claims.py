"""Staff work on tasks in the browser: the filtered inbox, claims, drafts, the task page and form submission."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import or_, select, update

from app import clock
from app.errors import Conflict, Forbidden, NotFound
from app.extensions import db
from app.models import Center, HumanTask, ProcessInstance, StoredFile, User
from app.services.infrastructure import files as file_store
from app.services.infrastructure import forms
from app.services.people import access
from app.services.running.steps import open_workflow
from app.services.tasks import completion as tasks

DUE_SOON = timedelta(days=7)
CONTEXT_KEYS = ("center_name", "report_year", "due_at")


def procedure_of(process_key: str) -> str:
    """`nmg2025_annual_report` → `annual_report`."""
    return process_key.split("_", 1)[1] if "_" in process_key else process_key


@dataclass
class InboxFilters:
    """What the inbox is narrowed to: procedure, policy, center, due (`soon` | `overdue` | `mine`), order."""

    procedure: str | None = None
    policy: str | None = None
    center_id: int | None = None
    due: str | None = None
    descending: bool = False


@dataclass
class InboxRow:
    """One ready task with what the inbox shows of its instance and center."""

    task: HumanTask
    process_key: str
    procedure: str
    policy: str
    center_name: str | None
    instance_status: str
    overdue: bool
    due_soon: bool


@dataclass
class InboxPage:
    """The rows after filtering, counts over all my tasks, and the values the filters offer."""

    rows: list[InboxRow]
    counts: dict[str, int]
    policies: list[str]
    procedures: list[str]
    centers: list[tuple[int, str]]
    now: datetime


def inbox_page(user: User, filters: InboxFilters) -> InboxPage:
    """Ready tasks for the user's role in the user's organisation, filtered and sorted by due date."""
    now = clock.now()
    query = (
        select(HumanTask, ProcessInstance.process_key, ProcessInstance.status, Center.name, Center.policy)
        .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
        .outerjoin(Center, Center.id == HumanTask.center_id)
        .where(HumanTask.state == "ready", HumanTask.lane == user.role,
               HumanTask.organisation_id == user.organisation_id)
    )
    rows = [
        InboxRow(task, key, procedure_of(key), policy or key.split("_", 1)[0], center_name, status,
                 bool(task.due_at and task.due_at < now), bool(task.due_at and now <= task.due_at <= now + DUE_SOON))
        for task, key, status, center_name, policy in db.session.execute(query)
    ] if user.organisation_id is not None else []
    counts = {
        "all": len(rows), "soon": sum(r.due_soon for r in rows), "overdue": sum(r.overdue for r in rows),
        "mine": sum(r.task.claimed_by == user.username for r in rows),
    }
    shown = [r for r in rows if _matches(r, filters, user)]
    far = datetime.max.replace(tzinfo=now.tzinfo)
    shown.sort(key=lambda r: (r.task.due_at is None, r.task.due_at or far, r.task.id), reverse=filters.descending)
    if filters.descending:  # undated tasks stay last either way
        shown.sort(key=lambda r: r.task.due_at is None)
    centers = sorted({(r.task.center_id, r.center_name or "") for r in rows if r.task.center_id is not None},
                     key=lambda c: c[1])
    return InboxPage(shown, counts, sorted({r.policy for r in rows}), sorted({r.procedure for r in rows}),
                     [(int(cid), name) for cid, name in centers], now)


def _matches(row: InboxRow, f: InboxFilters, user: User) -> bool:
    due_ok = {"soon": row.due_soon, "overdue": row.overdue, "mine": row.task.claimed_by == user.username}
    return ((f.procedure is None or row.procedure == f.procedure) and (f.policy is None or row.policy == f.policy)
            and (f.center_id is None or row.task.center_id == f.center_id)
            and (f.due is None or due_ok.get(f.due, True)))


def _workable(user: User, task_id: int) -> HumanTask:
    """A task the user may work on: NotFound if its center is not visible to them, Forbidden if not their lane."""
    task = db.session.get(HumanTask, task_id)
    center = db.session.get(Center, task.center_id) if task is not None and task.center_id else None
    if task is None or (center is not None and not access.may_see_center(user, center)):
        raise NotFound(_("任务不存在：%(id)s", id=task_id))
    if not access.may_work_on(user, task):
        raise Forbidden(_("该任务不属于您的角色或单位"))
    return task


def claim(user: User, task_id: int) -> HumanTask:
    """Mark the task as mine so colleagues do not work on it too; Conflict if a colleague holds it; commits."""
    task = _workable(user, task_id)
    done = db.session.execute(
        update(HumanTask)
        .where(HumanTask.id == task.id, HumanTask.state == "ready",
               or_(HumanTask.claimed_by.is_(None), HumanTask.claimed_by == user.username))
        .values(claimed_by=user.username, claimed_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.refresh(task)
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise _taken(task)
    return task


def unclaim(user: User, task_id: int) -> HumanTask:
    """Give a task I hold back to my colleagues; commits."""
    task = _workable(user, task_id)
    done = db.session.execute(
        update(HumanTask).where(HumanTask.id == task.id, HumanTask.claimed_by == user.username)
        .values(claimed_by=None, claimed_at=None).execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.refresh(task)
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(_("您没有认领该任务"))
    return task


def _taken(task: HumanTask) -> Conflict:
    if task.state != "ready":
        return Conflict(_("该任务已办理完毕或已取消，未写入任何内容"))
    return Conflict(_("该任务已由 %(user)s 认领，请勿重复办理", user=task.claimed_by))


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
class TaskPage:
    """Everything the task page shows."""

    task: HumanTask
    instance: ProcessInstance
    center: Center | None
    form: dict[str, Any] | None
    values: dict[str, Any]
    context: dict[str, Any]
    checks: list[CheckGroup]
    submissions: list[Submission]
    files: dict[str, StoredFile]
    has_draft: bool
    errors: dict[str, list[str]] = field(default_factory=dict)


def task_page(user: User, task_id: int, errors: dict[str, list[str]] | None = None) -> TaskPage:
    """The task with its form, prefilled from my draft or the instance data, checks and earlier submissions."""
    task = _workable(user, task_id)
    instance = tasks.lock_free_instance(task.instance_id)
    center = db.session.get(Center, task.center_id) if task.center_id else None
    form = forms.form_schema(task.form_key) if task.form_key else None
    visible: dict[str, Any] = {}
    if task.state == "ready":
        visible = open_workflow(instance).task_data(task.task_uuid)
    earlier = db.session.scalars(
        select(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.state == "completed",
                                HumanTask.id != task.id).order_by(HumanTask.completed_at, HumanTask.id)
    )
    submissions = [Submission(t, _form_or_none(t.form_key)) for t in earlier]
    # prefill from the instance data, but not with another lane's answers (the sponsor's decision is not the
    # authority's): a returned report comes back filled in, a second reviewer starts with an empty decision
    others = {k for s in submissions if s.task.lane != task.lane for k in (s.task.data or {})}
    props = (form or {}).get("properties", {})
    values = {k: v for k, v in visible.items() if k in props and k not in others}
    if task.draft is not None:
        values = dict(task.draft)
    if task.state != "ready":
        values = dict(task.data or {})
    ids = _file_ids([values, *(s.task.data or {} for s in submissions)],
                    [form, *(s.form for s in submissions)])
    return TaskPage(
        task, instance, center, form, values, {k: visible[k] for k in CONTEXT_KEYS if k in visible},
        _checks(visible), submissions, file_store.files_by_id(ids), task.draft is not None,
        _in_form_order(errors or {}, form or {}),
    )


def _in_form_order(errors: dict[str, list[str]], form: Mapping[str, Any]) -> dict[str, list[str]]:
    order = list((form.get("x-ui") or {}).get("order") or []) + list(form.get("properties") or {})

    def rank(path: str) -> tuple[int, str]:
        top = path.split(".", 1)[0]
        return (order.index(top) if top in order else len(order), path)

    return {path: errors[path] for path in sorted(errors, key=rank)}


def _form_or_none(form_key: str | None) -> dict[str, Any] | None:
    try:
        return forms.form_schema(form_key) if form_key else None
    except NotFound:
        return None


def _file_ids(datas: list[dict[str, Any]], schemas: list[dict[str, Any] | None]) -> list[str]:
    ids: list[str] = []
    for data, schema in zip(datas, schemas, strict=True):
        for path in file_fields(schema or {}):
            entries = data.get(path) if "." not in path else None
            ids.extend(str(e.get("file_id")) for e in entries or [] if isinstance(e, dict) and e.get("file_id"))
    return ids


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
            found.append(CheckGroup(key, list(value), all(bool(r.get("passed")) for r in value)))
    return found


def submit_form(
    user: User, task_id: int, *, complete: bool, fields: Mapping[str, list[str]],
    uploads: Mapping[str, list[file_store.Upload]],
) -> HumanTask:
    """Decode the form (storing new attachments), save it as my draft, then — if `complete` — complete the task.

    The draft is committed first, so a failed validation or a conflict loses nothing; commits.
    """
    task = _workable(user, task_id)
    if task.state != "ready":
        raise _taken(task)
    if task.claimed_by not in (None, user.username):
        raise _taken(task)
    schema = forms.form_schema(task.form_key) if task.form_key else {}
    stored: list[StoredFile] = []
    try:
        data = decode_form(schema, fields, _attachments(user, task, uploads, stored))
    except Exception:
        db.session.rollback()
        for f in stored:
            file_store.delete_content(f.id)
        raise
    task.draft = data
    if task.claimed_by is None:
        task.claimed_by, task.claimed_at = user.username, clock.now()
    db.session.commit()
    if not complete:
        return task
    done = tasks.complete_task(user, task.id, data)
    done.draft = None
    db.session.commit()
    return done


def _attachments(user: User, task: HumanTask, uploads: Mapping[str, list[file_store.Upload]],
                 stored: list[StoredFile]) -> Callable[[str, list[str]], list[dict[str, Any]]]:
    """For a file field: the kept attachments (only files of this instance) followed by the new uploads."""

    def resolve(path: str, keep: list[str]) -> list[dict[str, Any]]:
        kept = file_store.files_by_id([k for k in keep if k])
        entries = [{"name": f.name, "file_id": f.id} for k in keep if (f := kept.get(k)) is not None
                   and f.instance_id == task.instance_id]
        for upload in uploads.get(path, []):
            if not upload.filename:
                continue
            new = file_store.store(user, upload, center_id=task.center_id, instance_id=task.instance_id,
                                   task_id=task.id, field=path)
            stored.append(new)
            entries.append({"name": new.name, "file_id": new.id})
        return entries

    return resolve


# --- decoding an HTML form into JSON by the form's schema ----------------------------------------------------
# Field names: `summary`; nested objects `address.city`; arrays of objects `members.0.name` (rows may have gaps,
# empty rows are dropped, `members.0._remove` drops a row); checkbox lists repeat `tags`; booleans are
# `true`/`false`; file fields post new files under their path and keep earlier ones with `<path>.keep` = file id.

_MISSING: Any = object()
FileResolver = Callable[[str, list[str]], list[dict[str, Any]]]


def is_file_field(prop: Mapping[str, Any]) -> bool:
    """An attachment list: `"x-widget": "file"` on an array of {name, file_id} objects."""
    return prop.get("x-widget") == "file" or prop.get("format") == "file"


def file_fields(schema: Mapping[str, Any], prefix: str = "") -> Iterator[str]:
    """Paths of the attachment fields of a form (top level and nested objects)."""
    widgets = (schema.get("x-ui") or {}).get("widgets", {}) if not prefix else {}
    for name, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, dict):
            continue
        if is_file_field(prop) or widgets.get(name) == "file":
            yield f"{prefix}{name}"
        elif prop.get("type") == "object":
            yield from file_fields(prop, f"{prefix}{name}.")


def decode_form(schema: Mapping[str, Any], fields: Mapping[str, list[str]], files: FileResolver) -> dict[str, Any]:
    """The JSON object a form submission stands for: typed by the schema, empty inputs left out.

    Values that do not parse (a word in a number field) are kept as typed, so validation names the field and
    the page shows the input again.
    """
    widgets = (schema.get("x-ui") or {}).get("widgets", {})
    return _object(schema, "", fields, files, widgets)


def _object(schema: Mapping[str, Any], prefix: str, fields: Mapping[str, list[str]], files: FileResolver,
            widgets: Mapping[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, dict):
            continue
        path = f"{prefix}{name}"
        if is_file_field(prop) or (widgets or {}).get(name) == "file":
            value = files(path, fields.get(f"{path}.keep", [])) or _MISSING
        else:
            value = _value(prop, path, fields, files)
        if value is not _MISSING:
            out[name] = value
    return out


def _value(prop: Mapping[str, Any], path: str, fields: Mapping[str, list[str]], files: FileResolver) -> Any:
    kind = _type(prop)
    if kind == "object":
        found = _object(prop, f"{path}.", fields, files)
        return found or _MISSING
    if kind == "array":
        items = prop.get("items") or {}
        if _type(items) == "object":
            return _rows(items, path, fields, files)
        values = [v for v in fields.get(path, []) if v.strip()]
        if not items.get("enum") and len(values) == 1:  # free list typed one per line
            values = [line.strip() for line in values[0].splitlines() if line.strip()]
        return [_scalar(items, v) for v in values] or _MISSING
    raw = [v for v in fields.get(path, []) if v is not None]
    text = raw[-1] if raw else ""
    if not text.strip():
        return _MISSING
    return _scalar(prop, text)


def _rows(items: Mapping[str, Any], path: str, fields: Mapping[str, list[str]], files: FileResolver) -> Any:
    pattern = re.compile(re.escape(path) + r"\.(\d+)\.")
    indices = sorted({int(m.group(1)) for key in fields if (m := pattern.match(key))})
    rows = []
    for i in indices:
        prefix = f"{path}.{i}."
        if any(v.strip() for v in fields.get(f"{prefix}_remove", [])):
            continue
        row = _object(items, prefix, fields, files)
        if row:
            rows.append(row)
    return rows or _MISSING


def _type(prop: Mapping[str, Any]) -> str:
    kind = prop.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind is None and "enum" in prop:
        values = prop["enum"]
        kind = "integer" if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values) else "string"
    return str(kind or "string")


def _scalar(prop: Mapping[str, Any], text: str) -> Any:
    kind = _type(prop)
    text = text.replace("\r\n", "\n")
    if kind == "boolean":
        return {"true": True, "1": True, "on": True, "false": False, "0": False}.get(text.strip().lower(), text)
    if kind in ("integer", "number"):
        cleaned = text.strip().replace(",", "").replace("，", "")
        try:
            number = float(cleaned)
        except ValueError:
            return text
        if kind == "integer" or re.fullmatch(r"[+-]?\d+", cleaned):
            return int(number) if number.is_integer() else number
        return number
    return text
