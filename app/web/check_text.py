"""Automated check reasons in the user's language: a Chinese page shows the reason as the check wrote it; an English
page translates its message (the id and parameters `run_checks` keeps beside each result, handlers/checks/text.py)."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext

from app.articles import article_label
from app.i18n import CHINESE, english


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
