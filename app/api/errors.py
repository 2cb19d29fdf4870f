"""Domain errors and HTTP errors as JSON `{"code", "message", "errors"?}`, Chinese unless English is asked.

Services raise messages already translated (Flask-Babel, the request's locale): they are used as they are.
"""
from __future__ import annotations

import re
from typing import Any

from flask import Flask, Response, jsonify, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from app.errors import DomainError
from app.i18n import english

GENERIC = {
    400: ("请求无效", "Bad request"),
    401: ("未认证：请提供有效的令牌", "Not authenticated: provide a valid bearer token"),
    403: ("无权执行该操作", "Forbidden"),
    404: ("资源不存在", "Not found"),
    405: ("不支持该请求方法", "Method not allowed"),
    409: ("冲突：数据已被修改或任务已不可办理，未写入任何内容", "Conflict: the state changed; nothing was written"),
    412: ("数据在您读取后已被修改（If-Match 与当前 ETag 不符），未写入任何内容，请重新读取后再提交",
          "Precondition failed: the resource changed since you read it (If-Match does not match its ETag); "
          "nothing was written"),
    413: ("请求正文过大", "The request body is too large"),
    415: ("不支持该请求正文格式", "Unsupported request body format"),
    422: ("提交的数据无效", "The submitted data is invalid"),
    429: ("请求过于频繁，请稍后再试", "Too many requests: try again later"),
    500: ("服务器内部错误", "Internal server error"),
}

# webargs/marshmallow write their messages in English with the values inside: each is matched and rewritten
# as a person would say it, in the user's language (the English is in the catalog, like every message)
VALIDATION_MESSAGES: tuple[tuple[re.Pattern[str], Any], ...] = tuple(  # (pattern, lazy message)
    (re.compile(f"^{pattern}$"), message) for pattern, message in (
    (r"Missing data for required field\.", _l("必填项")),
    (r"Field may not be null\.", _l("不能为空")),
    (r"Not a valid integer\.", _l("必须是整数")),
    (r"Not a valid string\.", _l("必须是文本")),
    (r"Not a valid mapping type\.", _l("必须是对象")),
    (r"Not a valid list\.", _l("必须是列表")),
    (r"Not a valid date\.", _l("日期格式无效（应为 YYYY-MM-DD）")),
    (r"Not a valid datetime\.", _l("时间格式无效（应为 ISO 8601）")),
    (r"Unknown field\.", _l("未知字段")),
    (r"Not a valid number\.", _l("必须是数字")),
    (r"Not a valid boolean\.", _l("必须是 true 或 false")),
    (r"Invalid JSON body\.", _l("请求正文不是有效的 JSON")),
    (r"Invalid input type\.", _l("请求正文应为 JSON 对象")),
    (r"Request body must be JSON \(Content-Type: application/json\)\.",
     _l("请求正文应为 JSON 格式")),
    (r"Must be greater than or equal to (?P<min>\S+) and less than or equal to (?P<max>\S+?)\.",
     _l("必须在 %(min)s 到 %(max)s 之间")),
    (r"Must be greater than or equal to (?P<min>\S+?)\.", _l("不能小于 %(min)s")),
    (r"Must be less than or equal to (?P<max>\S+?)\.", _l("不能大于 %(max)s")),
    (r"Length must be between (?P<min>\d+) and (?P<max>\d+)\.", _l("长度应为 %(min)s 到 %(max)s 个字符")),
    (r"Shorter than minimum length (?P<min>\d+)\.", _l("至少 %(min)s 个字符")),
    (r"Longer than maximum length (?P<max>\d+)\.", _l("最多 %(max)s 个字符")),
    (r"Must be one of: (?P<choices>.+)\.", _l("必须是以下之一：%(choices)s")),
    (r"String does not match expected pattern\.", _l("格式不正确")),
    (r"Not a valid email address\.", _l("电子邮件地址无效")),
    (r"Invalid value\.", _l("值无效")),
))


def _message(status: int, message: str | None) -> str:
    """The message as given (translated where it was raised), else the status's generic one."""
    if message:
        return message
    zh, en = GENERIC.get(status, GENERIC[400] if status < 500 else GENERIC[500])
    return en if english() else zh


def _flatten(messages: Any) -> dict[str, Any]:
    """webargs nests errors by location (json/query); clients want field -> messages."""
    flat: dict[str, Any] = {}
    if isinstance(messages, dict):
        for location, fields in messages.items():
            source = fields if isinstance(fields, dict) and location in ("json", "query", "form", "path") else {
                location: fields
            }
            for field, value in source.items():
                # marshmallow files a body that is not an object under `_schema`: it is the JSON body itself
                flat["json" if field == "_schema" else str(field)] = _translate(value)
    return flat


def validation_message(text: str) -> str:
    """A webargs/marshmallow message in the user's language (an unknown one as it is)."""
    for pattern, message in VALIDATION_MESSAGES:
        match = pattern.match(text)
        if match:
            return str(message) % match.groupdict() if match.groupdict() else str(message)
    return text


def _translate(value: Any) -> Any:
    if isinstance(value, list):
        return [validation_message(v) if isinstance(v, str) else _translate(v) for v in value]
    if isinstance(value, dict):
        return {k: _translate(v) for k, v in value.items()}
    return value


def error_response(status: int, message: str | None, errors: dict[str, Any] | None = None) -> Response:
    """One JSON error body for every failure."""
    body: dict[str, Any] = {"code": status, "message": _message(status, message)}
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    return response


def init_errors(app: Flask) -> None:
    """Register the handlers (after flask-smorest's, so these win)."""

    @app.errorhandler(DomainError)
    def _domain(err: DomainError) -> Response:
        return error_response(err.status, err.message, err.errors)

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException) -> Response | HTTPException:
        if not request.path.startswith("/api/"):
            return err
        status = err.code or 500
        data = getattr(err, "data", None) or {}
        errors = _flatten(data.get("messages")) if "messages" in data else None
        default = err.description == type(err).description  # werkzeug's English sentence, not ours
        message = None if status in (401, 404, 405, 412, 422) or errors or default else str(err.description or "")
        return error_response(status, message, errors)
