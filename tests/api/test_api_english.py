"""Errors raised by services come back in the request's language: Chinese by default, English when asked."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from app.extensions import db
from app.models import User
from app.services.people.users import create_user
from tests.conftest import Actor
from tests.processes.support import GOOD_REPORT, set_clock
from tests.processes.test_nmg2025_annual_report import only_task, start_report

EN = {"Accept-Language": "en"}


@pytest.mark.parametrize("path,chinese,english", [
    ("/api/v1/tasks/999999", "任务不存在：999999", "Task not found: 999999"),
    ("/api/v1/instances/999999", "流程实例不存在：999999", "Process instance not found: 999999"),
    ("/api/v1/centers/999999", "技术创新中心不存在：999999", "Technology innovation center not found: 999999"),
])
def test_not_found_in_both_languages(people: dict[str, Any], path: str, chinese: str, english: str) -> None:
    zh = people["supervisor"].get(path)
    en = people["supervisor"].get(path, headers=EN)
    assert (zh.status_code, en.status_code) == (404, 404)
    assert zh.get_json()["message"] == chinese
    assert en.get_json() == {"code": 404, "message": english}


def test_a_bad_token_is_refused_in_english(client: Any) -> None:
    body = client.get("/api/v1/tasks", headers={"Authorization": "Bearer nope", **EN}).get_json()
    assert body == {"code": 401, "message": "The token is invalid or disabled"}


def test_a_claim_conflict_names_the_claimer_in_english(app: Flask, people: dict[str, Any]) -> None:
    set_clock(people["supervisor"], "2026-12-01T09:00:00+08:00")
    start_report(people)
    claimer: Actor = people["applicant"]
    task_id = only_task(claimer, "submit_report")["id"]
    assert claimer.post(f"/api/v1/tasks/{task_id}/claim").status_code == 200
    with app.app_context():
        org = db.session.scalar(db.select(User.organisation_id).where(User.username == claimer.username))
        _user, token = create_user("colleague_en", "applicant", organisation_id=org, policy="nmg2025")
        db.session.commit()
    colleague = Actor(claimer.client, token, "colleague_en", "applicant")

    en = colleague.post(f"/api/v1/tasks/{task_id}/complete", json={"data": GOOD_REPORT}, headers=EN)
    assert en.status_code == 409
    assert en.get_json()["message"] == (
        f"This task is claimed by {claimer.username}; only the claimer may work on it"
    )
    zh = colleague.post(f"/api/v1/tasks/{task_id}/complete", json={"data": GOOD_REPORT})
    assert zh.status_code == 409 and f"该任务已由 {claimer.username} 认领" in zh.get_json()["message"]


def test_invalid_service_data_is_explained_in_english(people: dict[str, Any]) -> None:
    body = {"name": "某中心", "policy": "nmg2025", "organisations": {"martian": 1}}
    en = people["authority"].post("/api/v1/centers", json=body, headers=EN)
    assert en.status_code == 422
    answer = en.get_json()
    assert answer["message"] == "The technology innovation center data is invalid"
    assert answer["errors"]["organisations"] == ["Unknown role: martian"]
