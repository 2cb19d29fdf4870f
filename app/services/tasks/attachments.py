"""Attachments of a task form: which fields hold files, which files a submission may refer to, new uploads."""
from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from app.errors import InvalidSubmission
from app.models import HumanTask, StoredFile, User
from app.services.infrastructure import files as file_store


@dataclass(frozen=True)
class NewFile:
    """An upload that arrives with a submission; the form data already refers to it by `file_id`."""

    file_id: str
    field: str
    upload: file_store.Upload


def is_file_field(prop: Mapping[str, Any]) -> bool:
    """An attachment list: `"x-widget": "file"` (or `format: file`) on an array of {name, file_id} objects."""
    return prop.get("x-widget") == "file" or prop.get("format") == "file"


def file_props(schema: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(name, property) of the attachment fields directly under an object schema (x-ui widgets included)."""
    widgets = (schema.get("x-ui") or {}).get("widgets", {})
    for name, prop in (schema.get("properties") or {}).items():
        if isinstance(prop, dict) and (is_file_field(prop) or widgets.get(name) == "file"):
            yield name, prop


def file_lists(schema: Mapping[str, Any], data: Any, prefix: str = "") -> Iterator[tuple[str, list[Any]]]:
    """Every attachment list in `data` with its path, at any depth (nested objects and rows of tables)."""
    if not isinstance(data, dict):
        return
    files = dict(file_props(schema))
    for name, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, dict) or name not in data:
            continue
        path, value = f"{prefix}{name}", data[name]
        if name in files:
            if isinstance(value, list):
                yield path, value
        elif prop.get("type") == "object":
            yield from file_lists(prop, value, f"{path}.")
        elif prop.get("type") == "array" and isinstance(prop.get("items"), dict) and isinstance(value, list):
            for i, row in enumerate(value):
                yield from file_lists(prop["items"], row, f"{path}.{i}.")


def referenced_ids(schema: Mapping[str, Any] | None, data: Mapping[str, Any] | None) -> list[str]:
    """The file ids a form's data refers to."""
    return [str(e["file_id"]) for _path, entries in file_lists(schema or {}, dict(data or {}))
            for e in entries if isinstance(e, dict) and e.get("file_id")]


def resolve(task: HumanTask, schema: Mapping[str, Any], data: dict[str, Any], new: Sequence[NewFile]) -> None:
    """Name every referenced file from its record; a file of another instance (or none) is refused per field."""
    fresh = {n.file_id: n for n in new}
    stored = file_store.files_by_id([i for i in referenced_ids(schema, data) if i not in fresh])
    errors: dict[str, list[str]] = {}
    for path, entries in file_lists(schema, data):
        for entry in entries:
            if not isinstance(entry, dict) or not entry.get("file_id"):
                continue  # the form's own schema names a malformed entry
            file_id = str(entry["file_id"])
            if file_id in fresh:
                entry["name"] = file_store.clean_name(fresh[file_id].upload.filename)
                continue
            found = stored.get(file_id)
            if found is None or found.instance_id != task.instance_id:
                errors.setdefault(path, []).append(_("附件不存在或不属于本流程：%(id)s", id=file_id))
            else:
                entry["name"] = found.name
    if errors:
        raise InvalidSubmission(_("提交的表单有误，请按提示修改"), errors)


def validate_uploads(new: Sequence[NewFile]) -> None:
    """Size limits of the new uploads, checked before anything is stored."""
    for item in new:
        file_store.validate_upload(item.upload, item.field)


def store_uploads(user: User, task: HumanTask, new: Sequence[NewFile], stored: list[StoredFile]) -> None:
    """Store each new upload under its id, appending to `stored` so the caller can remove them on rollback."""
    for item in new:
        stored.append(file_store.store(user, item.upload, center_id=task.center_id, instance_id=task.instance_id,
                                       task_id=task.id, field=item.field, file_id=item.file_id))


def discard(stored: Sequence[StoredFile]) -> None:
    """Remove the contents of files whose rows were rolled back."""
    for f in stored:
        file_store.delete_content(f.id)
