"""Domain errors and HTTP errors as JSON `{"code", "message", "errors"?}`, Chinese unless English is asked.

Services raise messages already translated (Flask-Babel, the request's locale): they are used as they are.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, request
from flask_babel import get_locale
from werkzeug.exceptions import HTTPException

from app.errors import DomainError

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
    422: ("提交的数据无效", "The submitted data is invalid"),
    429: ("请求过于频繁，请稍后再试", "Too many requests: try again later"),
    500: ("服务器内部错误", "Internal server error"),
}

MARSHMALLOW_ZH = {
    "Missing data for required field.": "必填项",
    "Field may not be null.": "不能为空",
    "Not a valid integer.": "必须是整数",
    "Not a valid string.": "必须是字符串",
    "Not a valid mapping type.": "必须是对象",
    "Not a valid date.": "日期格式无效（YYYY-MM-DD）",
    "Not a valid datetime.": "时间格式无效（ISO 8601）",
    "Unknown field.": "未知字段",
    "Not a valid number.": "必须是数字",
    "Not a valid boolean.": "必须是布尔值",
    "Must be greater than or equal to 1 and less than or equal to 500.": "必须在 1 到 500 之间",
    "Must be greater than or equal to 0.": "不能小于 0",
}


def _english() -> bool:
    return str(get_locale() or "zh_CN").startswith("en")


def _message(status: int, message: str | None) -> str:
    """The message as given (translated where it was raised), else the status's generic one."""
    if message:
        return message
    zh, en = GENERIC.get(status, GENERIC[400] if status < 500 else GENERIC[500])
    return en if _english() else zh


def _flatten(messages: Any) -> dict[str, Any]:
    """webargs nests errors by location (json/query); clients want field -> messages."""
    flat: dict[str, Any] = {}
    if isinstance(messages, dict):
        for location, fields in messages.items():
            source = fields if isinstance(fields, dict) and location in ("json", "query", "form", "path") else {
                location: fields
            }
            for field, value in source.items():
                flat[str(field)] = _translate(value)
    return flat


def _translate(value: Any) -> Any:
    if _english():
        return value
    if isinstance(value, list):
        return [MARSHMALLOW_ZH.get(v, v) if isinstance(v, str) else _translate(v) for v in value]
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
        message = None if status in (401, 404, 405, 412, 422) or errors else str(err.description or "")
        return error_response(status, message, errors)
