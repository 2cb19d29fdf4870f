"""A center's profile as people read it: labelled in their language, with units, choices by name and lists as tables.

The labels come from the policy's own forms (`forms/<policy>/*.json`: a form's `profile` object, else its top-level
fields), so a profile key is named where it is entered. A key no form describes is shown under its own name.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from app.i18n import english
from app.services.infrastructure.forms import form_schema


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
    """Every profile key the policy's forms describe, with the first description found."""
    root = Path(current_app.config["TIC_FORMS_DIR"]) / policy
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(root.glob("*.json")):
        schema = form_schema(f"{policy}/{path.name}")
        props = schema.get("properties", {})
        nested = props.get("profile", {}).get("properties") if isinstance(props.get("profile"), dict) else None
        for key, prop in (nested or {}).items():
            found.setdefault(key, prop)
    for path in sorted(root.glob("*.json")):  # top-level fields name what no profile object does
        for key, prop in form_schema(f"{policy}/{path.name}").get("properties", {}).items():
            if isinstance(prop, dict) and "title" in prop:
                found.setdefault(key, prop)
    return found


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
        return "、".join(_text(item, v) for v in value)
    if isinstance(value, dict):
        props = prop.get("properties", {})
        return "；".join(f"{_title(props.get(k, {}), k)}：{_text(props.get(k, {}), v)}" for k, v in value.items())
    unit = prop.get("x-unit-en") if english() and prop.get("x-unit-en") else prop.get("x-unit")
    if unit and not (english() and prop.get("x-unit-en")):
        unit = _(str(unit))  # the units the form macros translate (万元, 人, 平方米 ...) are in the catalog
    return f"{value} {unit}" if unit and isinstance(value, int | float) else str(value)


def _table(props: dict[str, Any], records: list[dict[str, Any]]) -> ProfileTable:
    keys = [k for k in props if any(k in r for r in records)]
    keys += sorted({k for r in records for k in r} - set(keys))
    return ProfileTable([_title(props.get(k, {}), k) for k in keys],
                        [[_text(props.get(k, {}), r.get(k)) for k in keys] for r in records])
