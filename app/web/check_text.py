"""Automated check reasons in the user's language: a Chinese page shows the reason as the check wrote it; an English
page translates its message (the id and parameters `run_checks` keeps beside each result, handlers/checks/text.py)."""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import gettext

from app.articles import article_label
from app.i18n import CHINESE, english
from app.services.centers.profile_keys import SYSTEM_PROFILE

# one part of a data path a check names: `members`, or `lead_financials[year=2023]` (the row it looked for)
_SEGMENT = re.compile(r"(?P<name>[^.\[\]]+)(?:\[(?P<which>[^\]]*)\])?")


def render(message: Any, key: str = "") -> str:
    """A message (handlers.checks.text.message) in the request's language; `key` is the parameter it fills."""
    if isinstance(message, dict):
        if "list" in message:
            separator = str(message.get("separator") or "、")
            return gettext(separator).join(render(item) for item in message["list"])
        params = {name: render(value, name) for name, value in (message.get("params") or {}).items()}
        text = str(message.get("id") or "")
        return gettext(text, **params) if params else gettext(text) if text else ""
    if isinstance(message, str):
        if key.startswith("article"):
            return article_label(message)
        return gettext(message) if CHINESE.search(message) else message  # a word of the catalog, or data as typed
    return str(message)


def check_reason(result: dict[str, Any], message: Any = None) -> str:
    """`result`'s reason on the page: as written on a Chinese page, from its message on an English one."""
    reason = str(result.get("reason") or "")
    if not english() or message is None:
        return reason
    text = render(message)
    return text[:1].upper() + text[1:]  # a label may open the sentence


def check_messages(group_key: str, instance_data: dict[str, Any], count: int) -> list[Any]:
    """The messages `run_checks` stored beside the results of `group_key` (None for each result that has none)."""
    stored = instance_data.get(group_key)
    messages = stored.get("messages") if isinstance(stored, dict) else None
    if not isinstance(messages, list) or len(messages) != count:
        return [None] * count
    return list(messages)


def data_path_label(path: str, schemas: Iterable[Mapping[str, Any] | None]) -> str:
    """A data path a check found missing (`expert_committee.members`, `lead_financials[year=2023]`) in the labels of
    the forms that ask for it (then the profile's), in the user's language: 技术委员会 · 成员名单, 财务数据（2023）.
    A part that no form labels is shown as it is."""
    nodes: list[Any] = [s for s in schemas if s] + [{"properties": SYSTEM_PROFILE}]
    words: list[str] = []
    for segment in str(path).split("."):
        match = _SEGMENT.fullmatch(segment)
        name, which = (match["name"], match["which"]) if match else (segment, None)
        found = next((f for n in nodes if (f := _property(n, name, deep=not words)) is not None), None)
        label = _title(found, name)
        words.append(f"{label}（{which.rsplit('=', 1)[-1]}）" if which else label)
        nodes = [found, found.get("items")] if isinstance(found, Mapping) else []
    return " · ".join(words)


def _property(node: Any, name: str, *, deep: bool) -> Any:
    """The schema of property `name` of `node`; `deep`: at any depth (a check names the first part of a path
    relative to the object that holds it, e.g. `lead_financials` inside the lead enterprise)."""
    if not isinstance(node, Mapping):
        return None
    properties = node.get("properties")
    if isinstance(properties, Mapping) and name in properties:
        return properties[name]
    if not deep:
        return None
    children = [*(properties.values() if isinstance(properties, Mapping) else []), node.get("items")]
    return next((f for child in children if (f := _property(child, name, deep=True)) is not None), None)


def _title(prop: Any, name: str) -> str:
    if not isinstance(prop, Mapping):
        return name
    return str((prop.get("x-title-en") if english() else None) or prop.get("title") or name)
