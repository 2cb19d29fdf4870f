"""Reasons that can be read in another language: the Chinese is the source text, translated where it is shown.

A check writes a reason with `say("…%(name)s…", name=value)`: the result is the Chinese sentence (a `str`), which
also keeps its message id and parameters. `message(reason)` is that sentence as JSON (the id, the parameters, each
parameter a message itself); the page translates it with the catalog (app/translations) and shows the Chinese
when it has no message. Every Chinese string literal in handlers/checks is a message id (babel.cfg extracts them),
so labels, units and words passed as parameters are translated too; parameters named `article…` are citations.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

Message = str | int | float | dict[str, Any]


class Text(str):
    """A Chinese sentence made of a message id and its parameters (see `say`)."""

    msgid: str
    params: dict[str, Any]


class Listing(Text):
    """Items joined as a list (、 in Chinese), each item translated on its own."""

    items: list[Any]
    separator: str


def say(msgid: str, **params: Any) -> Text:
    """`msgid` (with %(name)s placeholders) filled with `params`: the Chinese text, keeping id and parameters."""
    text = Text(msgid % {key: str(value) for key, value in params.items()} if params else msgid)
    text.msgid, text.params = msgid, dict(params)
    return text


def listing(items: Iterable[Any], separator: str = "、") -> Listing:
    """`items` joined with `separator` (、 unless given), each item kept for translation."""
    kept = list(items)
    text = Listing(separator.join(str(item) for item in kept))
    text.msgid, text.params, text.items, text.separator = "", {}, kept, separator
    return text


def message(value: Any) -> Message:
    """`value` as JSON for translation: {"id", "params"} for a `say` text, {"list", "separator"} for a listing."""
    if isinstance(value, Listing):
        return {"list": [message(item) for item in value.items], "separator": value.separator}
    if isinstance(value, Text):
        if not value.params:
            return value.msgid
        return {"id": value.msgid, "params": {key: message(v) for key, v in value.params.items()}}
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return str(value)
    return value if isinstance(value, int | float) else str(value)
