"""Strict JSON request bodies: what JSON readers elsewhere cannot read back is refused with 422.

Python's `json` accepts `NaN` and `Infinity` (not JSON: PostgreSQL and browsers refuse them), integers of any
length (JavaScript and PostgreSQL's JSON readers round beyond 2^53 - 1, RFC 7493 I-JSON), and nesting until
the interpreter's recursion limit. Every JSON body is checked once here, before any view parses it.
"""
from __future__ import annotations

import json
import math
from typing import Any

from flask import Flask, request
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from app.errors import InvalidSubmission

MAX_DEPTH = 64
MAX_BYTES = 4 * 1024 * 1024  # a JSON body carries no files (they are multipart): form data, a BPMN document
# the largest integer every JSON reader holds exactly (RFC 7493 I-JSON, JavaScript's Number.MAX_SAFE_INTEGER)
SAFE_INTEGER = 2**53 - 1


class UnsafeJson(ValueError):
    """A JSON text that parses in Python but would not read back the same elsewhere."""


def _constant(name: str) -> Any:
    raise UnsafeJson(_("不接受非有限数字 %(value)s（NaN、Infinity）", value=name))


def _integer(text: str) -> int:
    digits = text.lstrip("-")
    if len(digits) > 16 or int(text) > SAFE_INTEGER or int(text) < -SAFE_INTEGER:
        raise UnsafeJson(_("整数 %(value)s 超出 ±%(max)s，无法精确保存", value=_shorten(text), max=SAFE_INTEGER))
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise UnsafeJson(_("数字 %(value)s 超出可表示的范围", value=_shorten(text)))
    return value


def _shorten(text: str) -> str:
    return text if len(text) <= 24 else f"{text[:10]}…{text[-6:]}（{len(text)} 位）"


def depth(value: Any) -> int:
    """How deeply arrays and objects nest in `value` (iteratively: no recursion on hostile input)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


def loads(data: bytes | str) -> Any:
    """Parse JSON strictly: UnsafeJson for NaN/Infinity, unsafe integers, nesting deeper than MAX_DEPTH;
    json.JSONDecodeError (a ValueError) for text that is not JSON."""
    try:
        value = json.loads(data, parse_constant=_constant, parse_int=_integer, parse_float=_float)
    except RecursionError as err:
        raise UnsafeJson(_("JSON 嵌套层数超过 %(max)s", max=MAX_DEPTH)) from err
    if depth(value) > MAX_DEPTH:
        raise UnsafeJson(_("JSON 嵌套层数超过 %(max)s", max=MAX_DEPTH))
    return value


def check_json_body() -> None:
    """`before_request`: a JSON body that is unsafe to store is 422 (text that is not JSON is left to the view)."""
    if not request.is_json:
        return
    if (request.content_length or 0) > MAX_BYTES:  # parsed before authentication: bounded well below uploads
        raise RequestEntityTooLarge()
    try:
        loads(request.get_data(cache=True))
    except UnsafeJson as err:
        raise InvalidSubmission(_("请求内容无效：%(reason)s", reason=str(err)), {"json": [str(err)]}) from err
    except ValueError:
        return  # not JSON at all: the view's parser answers 400 as before


def init_json_body(app: Flask) -> None:
    """Check every JSON body before the views run."""
    app.before_request(check_json_body)
