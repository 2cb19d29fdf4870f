"""Decode a posted HTML task form into the JSON object it stands for, typed by the form's schema.

Input names: `summary`; nested objects `address.city`; rows of tables `members.0.name` (rows may have gaps,
empty rows are dropped, `members.0._remove` drops a row); checkbox lists repeat `tags`; booleans are
`true`/`false`; file fields post new files under their path and keep earlier ones with `<path>.keep` = file id.
The page's own controls (`action`, `csrf_token`, `next`, anything starting with `_`) are never form fields:
a field whose top-level name is one of them is posted as `_field.<path>` (see `input_name`), so a form
designer may name a field anything.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from app.services.infrastructure.files import Upload, new_file_id
from app.services.tasks.attachments import NewFile, is_file_field

PAGE_CONTROLS = frozenset({"action", "csrf_token", "next"})
ESCAPE = "_field."


def input_name(path: str) -> str:
    """The HTML input name of a form field path; escaped when it would collide with the page's own controls."""
    top = path.split(".", 1)[0]
    return f"{ESCAPE}{path}" if top in PAGE_CONTROLS or top.startswith("_") else path


def decode_submission(
    schema: Mapping[str, Any], fields: Mapping[str, list[str]], uploads: Mapping[str, list[Upload]],
) -> tuple[dict[str, Any], list[NewFile]]:
    """The form data and the new uploads it refers to (each given its file id before it is stored)."""
    new: list[NewFile] = []

    def resolve(path: str, keep: list[str]) -> list[dict[str, Any]]:
        entries = [{"file_id": k} for k in keep if k]
        for upload in uploads.get(input_name(path), []):
            if upload.filename:
                item = NewFile(new_file_id(), path, upload)
                new.append(item)
                entries.append({"name": upload.filename, "file_id": item.file_id})
        return entries

    return decode_form(schema, fields, resolve), new


_MISSING: Any = object()
FileResolver = Callable[[str, list[str]], list[dict[str, Any]]]


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
            value = files(path, fields.get(f"{input_name(path)}.keep", [])) or _MISSING
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
        values = [v for v in fields.get(input_name(path), []) if v.strip()]
        if not items.get("enum") and len(values) == 1:  # free list typed one per line
            values = [line.strip() for line in values[0].splitlines() if line.strip()]
        return [_scalar(items, v) for v in values] or _MISSING
    raw = [v for v in fields.get(input_name(path), []) if v is not None]
    text = raw[-1] if raw else ""
    if not text.strip():
        return _MISSING
    return _scalar(prop, text)


def _rows(items: Mapping[str, Any], path: str, fields: Mapping[str, list[str]], files: FileResolver) -> Any:
    pattern = re.compile(re.escape(input_name(path)) + r"\.(\d+)\.")
    indices = sorted({int(m.group(1)) for key in fields if (m := pattern.match(key))})
    rows = []
    for i in indices:
        prefix = f"{path}.{i}."
        if any(v.strip() for v in fields.get(f"{input_name(prefix)}_remove", [])):
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
        if re.fullmatch(r"[+-]?\d{1,40}", cleaned):  # exactly, never through float (a 25-digit id is not rounded)
            return int(cleaned)
        try:
            number = float(cleaned)
        except ValueError:
            return text
        if kind == "integer" or re.fullmatch(r"[+-]?\d+", cleaned):
            return int(number) if number.is_integer() else number
        return number
    return text
