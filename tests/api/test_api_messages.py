"""API error messages read as a person would write them, in the user's language: the request/validation
messages of webargs and marshmallow (English, with values inside) are rewritten in Chinese for Chinese users and
in plain English for English ones; a Chinese body carries no English sentence."""
from __future__ import annotations

import re
from typing import Any

import pytest

from app.api.errors import VALIDATION_MESSAGES
from app.vocabulary import InstanceStatus, Policy

ENGLISH_WORDS = re.compile(r"[A-Za-z]{3,}")
# names a person writes as they are, and the values the API accepts (listed when another was sent)
ALLOWED = {"JSON", "YYYY", "ISO", "true", "false", "nmg", *map(str, InstanceStatus), *map(str, Policy)}


def call(actor: Any, lang: str, method: str, path: str, **kw: Any) -> dict[str, Any]:
    response = actor.client.open(path, method=method, headers=actor.headers(**{"Accept-Language": lang}), **kw)
    assert 400 <= response.status_code < 500, response.status_code
    return dict(response.get_json())


def words(body: dict[str, Any]) -> set[str]:
    text = " ".join([body["message"], *(m for ms in (body.get("errors") or {}).values() for m in ms)])
    return set(ENGLISH_WORDS.findall(text)) - ALLOWED


CASES = [
    ("POST", "/api/v1/instances", {"data": "{bad", "content_type": "application/json"},
     "json", "请求正文不是有效的 JSON", "The request body is not valid JSON"),
    ("POST", "/api/v1/centers", {"json": {"name": "甲", "policy": "nmg2025", "category": "field"}},
     "name", "长度应为 2 到 200 个字符", "Must be 2 to 200 characters long"),
    ("POST", "/api/v1/instances", {"json": {"process_key": 5}},
     "center_id", "必填项", "Required"),
    ("POST", "/api/v1/instances", {"json": {"process_key": 5, "center_id": 1}},
     "process_key", "必须是文本", "Must be text"),
    ("POST", "/api/v1/instances", {"json": [1, 2]}, "json", "请求正文应为 JSON 对象",
     "The request body must be a JSON object"),
    ("POST", "/api/v1/instances", {"data": "process_key=x", "content_type": "application/x-www-form-urlencoded"},
     "json", "请求正文应为 JSON 格式", "The request body must be JSON"),
    ("GET", "/api/v1/tasks?limit=abc", {}, "limit", "必须是整数", "Must be a whole number"),
    ("GET", "/api/v1/instances?status=bogus", {}, "status", "必须是以下之一：running, suspended, error, completed, "
     "terminated", "Must be one of: running, suspended, error, completed, terminated"),
    ("GET", "/api/v1/centers?policy=mars", {}, "policy", "必须是以下之一：national, xpcc, nmg2020, nmg2025, jinzhong",
     "Must be one of: national, xpcc, nmg2020, nmg2025, jinzhong"),
    ("GET", "/api/v1/instances?offset=-1", {}, "offset", "不能小于 0", "Must be at least 0"),
    ("POST", "/api/v1/clock", {"json": {"now": "yesterday"}}, "now", "时间格式无效（应为 ISO 8601）",
     "Not a valid date and time (ISO 8601)"),
]


@pytest.mark.parametrize(("method", "path", "kw", "field", "zh", "en"), CASES)
def test_validation_messages_in_both_languages(people: dict[str, Any], method: str, path: str, kw: dict[str, Any],
                                               field: str, zh: str, en: str) -> None:
    actor = people["supervisor"] if "clock" not in path else people["admin"]
    chinese = call(actor, "zh-CN", method, path, **kw)
    assert chinese["errors"][field] == [zh]
    assert words(chinese) == set(), chinese  # no English sentence for a Chinese user
    english = call(actor, "en", method, path, **kw)
    assert english["errors"][field] == [en]
    assert english["message"].isascii()


def test_every_rewritten_message_has_both_languages(app: Any) -> None:
    with app.test_request_context(headers={"Accept-Language": "en"}):
        english = [str(message) for _pattern, message in VALIDATION_MESSAGES]
    assert all(m.isascii() for m in english), english
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert all(not str(message).isascii() for _pattern, message in VALIDATION_MESSAGES)


def test_werkzeug_defaults_are_not_shown_as_they_are(people: dict[str, Any]) -> None:
    big = b'{"data": "' + b"x" * (4 * 1024 * 1024) + b'"}'  # over the 4 MB JSON limit: refused before parsing
    chinese = call(people["supervisor"], "zh-CN", "POST", "/api/v1/instances", data=big,
                   content_type="application/json")
    assert chinese == {"code": 413, "message": "请求正文过大"}
    english = call(people["supervisor"], "en", "POST", "/api/v1/instances", data=big, content_type="application/json")
    assert english["message"] == "The request body is too large"
