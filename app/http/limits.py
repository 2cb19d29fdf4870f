"""Bounds on what a request may carry: url-encoded forms, integer path and query parameters.

- url-encoded forms: werkzeug applies `MAX_FORM_MEMORY_SIZE` and `MAX_FORM_PARTS` to multipart bodies only;
  here they bound url-encoded bodies too (413 before anything is parsed).
- integer path parameters (`<int:...>`) above the largest database id are "not found" (404), never an
  overflow in the database driver; integer query parameters beyond it are 422 naming the parameter.
"""
from __future__ import annotations

import re
from io import BytesIO
from typing import IO, Any

from flask import Flask, Request, request
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser
from werkzeug.routing import IntegerConverter, Map

from app.errors import InvalidSubmission

# ids are INTEGER columns: 32-bit on PostgreSQL
MAX_ID = 2**31 - 1
_INTEGER = re.compile(r"[+-]?\d+")


class BoundedFormDataParser(FormDataParser):
    """werkzeug's parser, with the form memory and part limits applied to url-encoded bodies as well."""

    def _parse_urlencoded(
        self, stream: IO[bytes], mimetype: str, content_length: int | None, options: dict[str, str],
    ) -> tuple[IO[bytes], MultiDict[str, Any], MultiDict[str, Any]]:
        limit = self.max_form_memory_size
        if limit is not None and content_length is not None and content_length > limit:
            raise RequestEntityTooLarge()
        data = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(data) > limit:
            raise RequestEntityTooLarge()
        if self.max_form_parts is not None and data.count(b"&") + 1 > self.max_form_parts:
            raise RequestEntityTooLarge()
        parsed: tuple[IO[bytes], MultiDict[str, Any], MultiDict[str, Any]] = super()._parse_urlencoded(
            BytesIO(data), mimetype, len(data), options)
        return parsed


class BoundedRequest(Request):
    """The request class of the app: url-encoded forms are bounded like multipart ones."""

    form_data_parser_class = BoundedFormDataParser


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` accepting 0..MAX_ID: a larger id matches no route (404)."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def check_query_integers() -> None:
    """`before_request`: an integer query parameter beyond MAX_ID is 422 naming it (no service can use it)."""
    errors = {
        name: [_("数值超出范围（最大 %(max)s）", max=MAX_ID)]
        for name, value in request.args.items(multi=True)
        if _INTEGER.fullmatch(value.strip()) and abs(int(value.strip()[:40])) > MAX_ID
    }
    if errors:
        raise InvalidSubmission(_("请求参数超出范围"), errors)


def init_limits(app: Flask) -> None:
    """Bounded request class and integer converter; the query check runs before every view."""
    app.request_class = BoundedRequest
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(check_query_integers)
