"""Task forms: JSON Schema files under `forms/`, validated with per-field Chinese messages."""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from app.errors import InvalidSubmission, NotFound
from app.i18n import english


@lru_cache(maxsize=256)
def _load(path: Path) -> tuple[dict[str, Any], Draft202012Validator]:
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return schema, Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def form_schema(form_key: str) -> dict[str, Any]:
    """The JSON Schema of form `form_key` (a path under forms/)."""
    return _form(form_key)[0]


def _form(form_key: str) -> tuple[dict[str, Any], Draft202012Validator]:
    root = Path(current_app.config["TIC_FORMS_DIR"]).resolve()
    path = (root / form_key).resolve()
    if root not in path.parents or not path.is_file():
        raise NotFound(_("表单不存在：%(key)s", key=form_key))
    return _load(path)


def validate_submission(form_key: str | None, data: dict[str, Any]) -> None:
    """Raise InvalidSubmission mapping each bad field to its messages, every problem of the form at once."""
    if form_key is None:
        return
    schema, validator = _form(form_key)
    # JSON Schema lets NaN through `minimum` and compares huge integers as floats: those fields get our message only
    errors = _storable_errors(schema, data)
    unstorable = set(errors)
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        field, message = _describe(error, schema)
        if field not in unstorable:
            errors.setdefault(field, []).append(message)
    if errors:
        raise InvalidSubmission(_("提交的表单有误，请按提示修改"), errors)


# the largest integer every JSON reader holds exactly (RFC 7493 I-JSON); PostgreSQL refuses NaN and Infinity in JSON
SAFE_INTEGER = 2**53 - 1
# the longest text a field without its own `maxLength` takes (the texts set none). The web form's fields carry it
# as `maxlength`, so a pasted text is cut in the browser before it could pass the request's per-field size bound
# (werkzeug's MAX_FORM_MEMORY_SIZE, 500 KB: 20,000 Chinese characters are 60 KB) and lose the whole form to a 413.
TEXT_MAX = 20_000


def require_storable(schema: dict[str, Any], data: Any) -> None:
    """InvalidSubmission naming each non-finite number, integer beyond ±SAFE_INTEGER or text beyond TEXT_MAX
    characters (drafts too)."""
    errors = _storable_errors(schema, data)
    if errors:
        raise InvalidSubmission(_("提交的表单有误，请按提示修改"), errors)


def _storable_errors(schema: dict[str, Any], data: Any) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for path, message in _unstorable(schema, data):
        errors.setdefault(".".join(str(p) for p in path) or "_form", []).append(message)
    return errors


def _unstorable(schema: dict[str, Any], data: Any) -> list[tuple[list[Any], str]]:
    """Non-finite numbers, integers beyond ±SAFE_INTEGER and texts beyond TEXT_MAX characters anywhere in `data`,
    with their paths and messages."""
    found: list[tuple[list[Any], str]] = []
    stack: list[tuple[list[Any], Any]] = [([], data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            stack.extend((path + [k], v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((path + [i], v) for i, v in enumerate(value))
        elif isinstance(value, float) and not math.isfinite(value):
            found.append((path, _("%(title)s 必须是有限的数字", title=_nearest_title(schema, path))))
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > SAFE_INTEGER:
            found.append((path, _("%(title)s 超出可精确保存的范围（±%(max)s）", title=_nearest_title(schema, path),
                                  max=SAFE_INTEGER)))
        elif isinstance(value, str) and len(value) > TEXT_MAX:
            found.append((path, _("%(title)s 不能超过 %(limit)s 个字", title=_nearest_title(schema, path), limit=TEXT_MAX)))
    return sorted(found, key=lambda item: [str(p) for p in item[0]])


TYPE_NAMES = {"number": "数字", "integer": "整数", "string": "文本", "boolean": "是/否", "array": "列表",
              "object": "对象", "null": "空值"}


def _title_of(prop: Any, fallback: str) -> str:
    """A field's label from its own schema: x-title-en in English, else its title."""
    if not isinstance(prop, dict):
        return fallback
    if english():
        return str(prop.get("x-title-en", fallback))
    return str(prop.get("title", fallback))


def _nearest_title(schema: dict[str, Any], path: list[Any]) -> str:
    """The label of the innermost titled schema along `path` (array indices are skipped)."""
    node: Any = schema
    title = _("表单")
    for part in path:
        if isinstance(part, int):
            node = node.get("items", {}) if isinstance(node, dict) else {}
            continue
        node = node.get("properties", {}).get(part, {}) if isinstance(node, dict) else {}
        title = _title_of(node, str(part))
    return title


def _pattern_message(prop: Any, title: str) -> str:
    """What a field's `pattern` asks, in the form's own words (`x-pattern-message`, `-en` in English) after its
    label; a generic message when the form says nothing."""
    said = prop.get("x-pattern-message-en" if english() else "x-pattern-message") if isinstance(prop, dict) else None
    if not said:
        return _("%(title)s 的格式无效", title=title)
    return f"{title}: {said}" if english() else f"{title}：{said}"


def _describe(error: ValidationError, schema: dict[str, Any]) -> tuple[str, str]:
    path = ".".join(str(p) for p in error.absolute_path)
    kind = error.validator
    if kind == "required":
        missing = str(error.message).split("'")[1] if "'" in error.message else path
        field = f"{path}.{missing}" if path else missing
        own = error.schema.get("properties", {}).get(missing) if isinstance(error.schema, dict) else None
        # a conditional requirement (`if`/`then`) declares no properties of its own: the form's schema labels it
        titled = isinstance(own, dict) and "title" in own
        title = _title_of(own, missing) if titled else _nearest_title(schema, [*error.absolute_path, missing])
        return field, _("%(title)s 为必填项", title=title)
    if kind == "additionalProperties":
        declared = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        extras = sorted(set(error.instance if isinstance(error.instance, dict) else {}) - set(declared))
        return path or extras[0], _("不允许的字段：%(names)s", names="、".join(extras))
    field = path or "_form"
    title = _nearest_title(schema, list(error.absolute_path))
    expected: Any = error.validator_value
    if kind == "type" and not english():
        names = [expected] if isinstance(expected, str) else list(expected)
        expected = "、".join(TYPE_NAMES.get(str(t), str(t)) for t in names)
    messages = {
        "type": _("%(title)s 的类型不正确（应为 %(expected)s）", title=title, expected=expected),
        "minimum": _("%(title)s 不能小于 %(limit)s", title=title, limit=error.validator_value),
        "maximum": _("%(title)s 不能大于 %(limit)s", title=title, limit=error.validator_value),
        "exclusiveMinimum": _("%(title)s 必须大于 %(limit)s", title=title, limit=error.validator_value),
        "minLength": _("%(title)s 至少需要 %(limit)s 个字", title=title, limit=error.validator_value),
        "maxLength": _("%(title)s 不能超过 %(limit)s 个字", title=title, limit=error.validator_value),
        "enum": _("%(title)s 的取值无效", title=title),
        "format": _("%(title)s 的格式无效（%(format)s）", title=title, format=error.validator_value),
        "minItems": _("%(title)s 至少需要 %(limit)s 项", title=title, limit=error.validator_value),
        "maxItems": _("%(title)s 最多 %(limit)s 项", title=title, limit=error.validator_value),
        "pattern": _pattern_message(error.schema, title),
    }
    return field, messages.get(str(kind), _("%(title)s 无效：%(detail)s", title=title, detail=error.message))
