"""ETags from an instance's version; `If-Match` checked with strong comparison, 412 with the JSON error body."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from werkzeug.exceptions import PreconditionFailed

from app.api.etags import check_if_match, instance_etag, precondition_version
from tests.processes.support import GOOD_REPORT, complete_task, set_clock


def _start(people: dict[str, Any]) -> dict[str, Any]:
    set_clock(people["supervisor"], "2026-12-01T09:00:00+08:00")
    started = people["supervisor"].post("/api/v1/instances", json={
        "process_key": "nmg2025_annual_report", "center_id": people["centers"]["a"], "data": {"report_year": 2026},
    })
    assert started.status_code == 201, started.get_json()
    body: dict[str, Any] = started.get_json()
    return body


def test_instance_answers_carry_an_etag_of_their_version(people: dict[str, Any]) -> None:
    started = _start(people)
    instance_id = started["id"]
    read = people["supervisor"].get(f"/api/v1/instances/{instance_id}")
    assert read.status_code == 200
    assert read.headers["ETag"] == f'"instance-{instance_id}-v{started["version"]}"'
    complete_task(people["applicant"], started["ready_tasks"][0]["id"], GOOD_REPORT)
    after = people["supervisor"].get(f"/api/v1/instances/{instance_id}")
    version = after.get_json()["version"]
    assert version > started["version"]
    assert after.headers["ETag"] == f'"instance-{instance_id}-v{version}"' != read.headers["ETag"]


def test_invisible_instance_has_no_etag(people: dict[str, Any]) -> None:
    started = _start(people)
    hidden = people["applicant_b"].get(f"/api/v1/instances/{started['id']}")
    assert hidden.status_code == 404 and "ETag" not in hidden.headers


@pytest.mark.parametrize("header,passes", [
    (None, True),
    ('"instance-7-v3"', True),
    ('"instance-7-v2", "instance-7-v3"', True),
    ("*", True),
    ('"instance-7-v2"', False),
    ('W/"instance-7-v3"', False),  # If-Match compares strongly: a weak tag never matches
    ('"instance-8-v3"', False),
])
def test_if_match_is_checked_strongly(app: Flask, header: str | None, passes: bool) -> None:
    headers = {"If-Match": header} if header else {}
    with app.test_request_context("/api/v1/tasks/1/complete", method="POST", headers=headers):
        if passes:
            check_if_match(instance_etag(7, 3))
            assert precondition_version(7, 3) == (3 if header else None)
        else:
            with pytest.raises(PreconditionFailed):
                check_if_match(instance_etag(7, 3))
            with pytest.raises(PreconditionFailed):
                precondition_version(7, 3)


@pytest.mark.parametrize("language,word", [("zh-CN", "ETag"), ("en", "Precondition failed")])
def test_412_is_the_json_error_body(app: Flask, language: str, word: str) -> None:
    headers = {"If-Match": '"instance-1-v1"', "Accept-Language": language}
    with app.test_request_context("/api/v1/tasks/1/complete", method="POST", headers=headers):
        try:
            check_if_match(instance_etag(1, 2))
        except PreconditionFailed as err:
            response = app.handle_user_exception(err)
    assert response.status_code == 412
    body = response.get_json()
    assert body["code"] == 412 and word in body["message"] and "errors" not in body
    if language == "zh-CN":
        assert "未写入任何内容" in body["message"]
