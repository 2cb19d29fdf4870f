"""A center's profile as people read it: labelled in their language, with units, choices by name and lists as tables.

The labels come from the policy's own forms (`forms/<policy>/*.json`: a form's `profile` object, else its top-level
fields), so a profile key is named where it is entered; then from `profile_keys.SYSTEM_PROFILE` (the keys the
procedures write themselves) and from the other policies' forms (the profile keys are shared by the policies). A key
none of them describes is shown under its own name.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from app.i18n import english
from app.services.centers.profile_keys import SYSTEM_PROFILE
from app.services.infrastructure.forms import form_schema

TITLES = ("title", "x-title-en")
SEPARATORS_EN = {"、": ", ", "，": ", ", "；": "; ", "：": ": "}


@dataclass
class ProfileTable:
    """A list of records (units, members, financials) as a table: column labels and rows of texts."""

    columns: list[str]
    rows: list[list[str]]


@dataclass
class ProfileItem:
    """One profile entry: its label and either a text or a table."""

    label: str
    text: str = ""
    table: ProfileTable | None = None
    details: list[tuple[str, str]] = field(default_factory=list)


def profile_items(policy: str, profile: dict[str, Any]) -> list[ProfileItem]:
    """The profile's entries in the order its forms give them (undescribed keys last), each readable."""
    described = _described(policy)
    order = {key: i for i, key in enumerate(described)}
    items = []
    for key in sorted(profile, key=lambda k: (order.get(k, len(order)), k)):
        prop = described.get(key, {})
        value = profile[key]
        item = ProfileItem(_title(prop, key))
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            item.table = _table(prop.get("items", {}).get("properties", {}), value)
        elif isinstance(value, dict):
            props = prop.get("properties", {})
            item.details = [(_title(props.get(k, {}), k), _text(props.get(k, {}), v)) for k, v in value.items()]
        else:
            item.text = _text(prop, value)
        items.append(item)
    return items


def _described(policy: str) -> dict[str, dict[str, Any]]:
    """Every profile key described for the policy (read once per forms directory and policy: forms are files of
    the release, like the form schemas cached by `form_schema`)."""
    return _described_in(str(Path(current_app.config["TIC_FORMS_DIR"]).resolve()), policy)


@lru_cache(maxsize=32)
def _described_in(forms_root: str, policy: str) -> dict[str, dict[str, Any]]:
    """Its own forms first, then the procedures' keys, then the other policies' forms; a description lacking
    sub-fields (of an object or a list's records) takes them from the later."""
    forms_dir = Path(forms_root)
    others = sorted(p.name for p in forms_dir.iterdir() if p.is_dir() and p.name != policy)
    found: dict[str, dict[str, Any]] = {}
    for source in [_form_fields(forms_dir, policy), SYSTEM_PROFILE.items(),
                   *(_form_fields(forms_dir, other) for other in others)]:
        for key, prop in source:
            found[key] = _filled(found[key], prop) if key in found else prop
    return found


def _form_fields(forms_dir: Path, policy: str) -> list[tuple[str, dict[str, Any]]]:
    """The profile keys a policy's forms describe: their `profile` objects' fields, then their titled top-level fields."""
    schemas = [form_schema(f"{policy}/{path.name}") for path in sorted((forms_dir / policy).glob("*.json"))]
    profiles = [schema.get("properties", {}).get("profile") for schema in schemas]
    nested = [(k, p) for profile in profiles if isinstance(profile, dict)
              for k, p in (profile.get("properties") or {}).items()]
    top = [(k, p) for schema in schemas for k, p in schema.get("properties", {}).items()
           if isinstance(p, dict) and "title" in p]  # top-level fields name what no profile object does
    return nested + top


def _filled(prop: dict[str, Any], more: dict[str, Any]) -> dict[str, Any]:
    """`prop` with what only `more` describes added: its title if it has none, sub-fields of nested objects and of a
    list's records."""
    filled = dict(prop) if "title" in prop else {**prop, **{k: v for k, v in more.items() if k.startswith(TITLES)}}
    if isinstance(more.get("properties"), dict):
        props = dict(prop.get("properties") or {})
        for key, sub in more["properties"].items():
            props[key] = _filled(props[key], sub) if isinstance(props.get(key), dict) else props.get(key, sub)
        filled["properties"] = props
    if isinstance(more.get("items"), dict):
        items = prop.get("items")
        filled["items"] = _filled(items, more["items"]) if isinstance(items, dict) else more["items"]
    return filled


def _title(prop: dict[str, Any], key: str) -> str:
    if english() and prop.get("x-title-en"):
        return str(prop["x-title-en"])
    return str(prop.get("title") or key)


def _text(prop: dict[str, Any], value: Any) -> str:
    """A value as text: a choice by its label, a yes/no, a number with its unit, a list joined."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    labels = prop.get("x-enum-labels-en" if english() and prop.get("x-enum-labels-en") else "x-enum-labels") or {}
    if isinstance(value, str) and value in labels:
        return str(labels[value])
    if isinstance(value, list):
        item = prop.get("items", {}) if isinstance(prop.get("items"), dict) else {}
        return _sep("；" if any(isinstance(v, dict) for v in value) else "、").join(_text(item, v) for v in value)
    if isinstance(value, dict):
        props = prop.get("properties", {})
        return _sep("，").join(f"{_title(props.get(k, {}), k)}{_sep('：')}{_text(props.get(k, {}), v)}"
                               for k, v in value.items())
    unit = prop.get("x-unit-en") if english() and prop.get("x-unit-en") else prop.get("x-unit")
    if unit and not (english() and prop.get("x-unit-en")):
        unit = _(str(unit))  # the units the form macros translate (万元, 人, 平方米 ...) are in the catalog
    return f"{value} {unit}" if unit and isinstance(value, int | float) else str(value)


def _sep(chinese: str) -> str:
    """A separator (、，；：) as the reader's language writes it."""
    return SEPARATORS_EN[chinese] if english() else chinese


def _table(props: dict[str, Any], records: list[dict[str, Any]]) -> ProfileTable:
    keys = [k for k in props if any(k in r for r in records)]
    keys += sorted({k for r in records for k in r} - set(keys))
    return ProfileTable([_title(props.get(k, {}), k) for k in keys],
                        [[_text(props.get(k, {}), r.get(k)) for k in keys] for r in records])
