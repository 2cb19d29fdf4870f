"""Handler effects applied in the step's transaction: center status, record updates, calendar warnings, follow-ups."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.support import deploy_probes


@pytest.fixture
def probes(app: Flask) -> None:
    with app.app_context():
        deploy_probes("two_step_probe", "effects_probe")


def _run_probe(people: dict[str, Any], notice_start: str) -> dict[str, Any]:
    response = people["supervisor"].post("/api/v1/instances", json={
        "process_key": "nmg2025_effects_probe", "center_id": people["centers"]["a"],
        "data": {"notice_start": notice_start, "new_name": "内蒙古自治区更名后技术创新中心"},
    })
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_effects_change_the_center_and_are_logged_with_articles(probes: None, people: dict[str, Any]) -> None:
    started = _run_probe(people, "2025-09-29")
    assert started["status"] == "completed"
    center = people["supervisor"].get(f"/api/v1/centers/{people['centers']['a']}").get_json()
    assert center["status"] == "rectifying"
    assert center["name"] == "内蒙古自治区更名后技术创新中心"
    assert center["profile"]["rectification_started_at"] == "2027-03-01"
    events = people["supervisor"].get(f"/api/v1/instances/{started['id']}/events").get_json()
    changed = next(e for e in events if e["kind"] == "center_status_changed")
    assert changed["article"] == "第三十四条" and changed["payload"] == {"from": "established", "to": "rectifying"}
    updated = next(e for e in events if e["kind"] == "center_updated")
    assert updated["article"] == "第三十条" and updated["payload"]["before"]["name"] == "测试中心_a"
    follow = next(e for e in events if e["kind"] == "procedure_started")
    child = people["supervisor"].get(f"/api/v1/instances/{follow['payload']['instance_id']}").get_json()
    assert child["process_key"] == "nmg2025_two_step_probe" and child["started_by"] == f"instance:{started['id']}"
    calendar_warnings = [e for e in events if e["kind"] == "warning" and e["payload"]["code"] == "calendar_assumed"]
    assert not calendar_warnings  # 2025 is a published year


def test_unscheduled_year_warns_on_the_instance(probes: None, people: dict[str, Any]) -> None:
    started = _run_probe(people, "2099-09-28")
    events = people["supervisor"].get(f"/api/v1/instances/{started['id']}/events").get_json()
    [warning] = [e for e in events if e["kind"] == "warning" and e["payload"]["code"] == "calendar_assumed"]
    assert warning["payload"]["code"] == "calendar_assumed" and "2099" in warning["payload"]["message"]
    assert warning["element_id"] == "notice_period"
