"""A completion answers where the instance stands: its status, version and the caller's next ready tasks."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from flask import Flask

from app.extensions import db
from app.services.infrastructure.deploy import deploy_file
from tests.support import FIXTURES

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "three_tasks.bpmn"


def _deploy(app: Flask, tmp_path: Path) -> None:
    (tmp_path / "nmg2025").mkdir()
    shutil.copy(BENCH, tmp_path / "nmg2025" / "bench.bpmn")
    with app.app_context():
        deploy_file(tmp_path / "nmg2025" / "bench.bpmn", tmp_path)
        deploy_file(FIXTURES / "nmg2025" / "two_step_probe.bpmn", FIXTURES)
        db.session.commit()


def _start(people: dict[str, Any], key: str) -> dict[str, Any]:
    started = people["supervisor"].post("/api/v1/instances", json={"process_key": key,
                                                                   "center_id": people["centers"]["a"]})
    assert started.status_code == 201, started.get_json()
    body: dict[str, Any] = started.get_json()
    return body


def test_one_call_per_step_drives_a_procedure(app: Flask, people: dict[str, Any], tmp_path: Path) -> None:
    _deploy(app, tmp_path)
    applicant = people["applicant"]
    started = _start(people, "nmg2025_bench")
    task_id = started["ready_tasks"][0]["id"]
    seen = []
    for _ in range(5):  # three steps; a broken answer must not loop forever
        done = applicant.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {}})
        assert done.status_code == 200, done.get_json()
        body = done.get_json()
        assert body["state"] == "completed" and body["id"] == task_id  # the task's own fields are unchanged
        seen.append(body["element_id"])
        detail = applicant.get(f"/api/v1/instances/{started['id']}").get_json()
        assert body["instance_status"] == detail["status"]
        assert done.headers["ETag"] == f'"instance-{started["id"]}-v{body["instance_version"]}"'
        assert [t["id"] for t in body["next_tasks"]] == [t["id"] for t in detail["ready_tasks"]]
        if not body["next_tasks"]:
            break
        assert [t["state"] for t in body["next_tasks"]] == ["ready"]
        task_id = body["next_tasks"][0]["id"]
    assert seen == ["task_one", "task_two", "task_three"]
    assert body["instance_status"] == "completed" and body["next_tasks"] == []


def test_next_tasks_only_offers_the_callers_own(app: Flask, people: dict[str, Any], tmp_path: Path) -> None:
    _deploy(app, tmp_path)
    started = _start(people, "nmg2025_two_step_probe")
    done = people["applicant"].post(f"/api/v1/tasks/{started['ready_tasks'][0]['id']}/complete", json={"data": {}})
    body = done.get_json()
    assert done.status_code == 200 and body["instance_status"] == "running" and body["next_tasks"] == []
    detail = people["supervisor"].get(f"/api/v1/instances/{started['id']}").get_json()
    assert [t["element_id"] for t in detail["ready_tasks"]] == ["probe_review"]  # the sponsor's, not offered


def test_a_body_that_is_not_json_completes_nothing(app: Flask, people: dict[str, Any], tmp_path: Path) -> None:
    _deploy(app, tmp_path)
    applicant = people["applicant"]
    task_id = _start(people, "nmg2025_bench")["ready_tasks"][0]["id"]
    refused = applicant.client.post(f"/api/v1/tasks/{task_id}/complete", data="data=x",
                                    headers=applicant.headers(), content_type="application/x-www-form-urlencoded")
    assert refused.status_code == 422, refused.get_json()
    assert refused.get_json()["errors"] == {"json": ["请求正文应为 JSON 格式"]}
    assert applicant.get(f"/api/v1/tasks/{task_id}").get_json()["state"] == "ready"
    done = applicant.client.post(f"/api/v1/tasks/{task_id}/complete", headers=applicant.headers())  # no body at all
    assert done.status_code == 200, done.get_json()
