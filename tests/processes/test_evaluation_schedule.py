"""Periodic evaluations start themselves (issue 9): the scheduler starts each cycle's evaluation when the cycle
has run out, once per center and cycle; a cycle the text does not fix is shown as configured."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.processes.support import rewind_clock, set_clock


def _evaluations(actor: Any, center_id: int) -> list[dict[str, Any]]:
    rows = actor.get(f"/api/v1/instances?center_id={center_id}&limit=500").get_json()
    return [r for r in rows if r["process_key"].endswith("_evaluation")]


def test_nmg2025_evaluation_starts_when_three_years_after_establishment_have_run_out(
        app: Flask, people: dict[str, Any]) -> None:
    supervisor, center_id = people["supervisor"], people["centers"]["a"]  # established 2026-06-01 (第三十二条)
    rewind_clock(app, "2029-05-31T09:00:00+08:00")
    set_clock(supervisor, "2029-06-01T23:59:59+08:00")
    assert _evaluations(supervisor, center_id) == []
    set_clock(supervisor, "2029-06-02T00:00:00+08:00")
    [started] = _evaluations(supervisor, center_id)
    assert started["business_key"] == f"nmg2025_evaluation:{center_id}:cycle-1" and started["started_by"] == "system"
    set_clock(supervisor, "2029-07-01T00:00:00+08:00")
    assert len(_evaluations(supervisor, center_id)) == 1  # once per center and cycle
    manual = supervisor.post("/api/v1/instances", json={"process_key": "nmg2025_evaluation", "center_id": center_id})
    assert manual.status_code == 409  # the cycle's evaluation runs already


def test_a_center_still_in_preparation_is_not_evaluated(app: Flask, people: dict[str, Any]) -> None:
    supervisor = people["supervisor"]
    orgs = people["authority"].get(f"/api/v1/centers/{people['centers']['a']}").get_json()["organisations"]
    center_id = people["authority"].post("/api/v1/centers", json={
        "name": "筹建中的中心", "policy": "nmg2025", "status": "approved_for_preparation",
        "approved_at": "2026-06-01", "organisations": orgs}).get_json()["id"]
    rewind_clock(app, "2029-05-31T09:00:00+08:00")
    set_clock(supervisor, "2029-06-03T00:00:00+08:00")
    assert _evaluations(supervisor, center_id) == []


@pytest.fixture
def nmg2020_center(app: Flask, people: dict[str, Any]) -> tuple[Any, int]:
    from app.extensions import db
    from tests.support import seed_people

    with app.app_context():
        seeded = seed_people("nmg2020")
        db.session.commit()
    from tests.conftest import Actor

    username, role, token = seeded["users"]["authority"]
    return Actor(people["supervisor"].client, token, username, role), seeded["centers"]["a"]


def test_nmg2020_later_cycles_are_configured_and_say_so(app: Flask, nmg2020_center: tuple[Any, int]) -> None:
    authority, center_id = nmg2020_center  # established 2026-06-01
    rewind_clock(app, "2027-01-10T09:00:00+08:00")
    [first] = [d for d in authority.get(f"/api/v1/centers/{center_id}/deadlines").get_json()
               if d["kind"] == "evaluation"]
    assert first["configured"] is False and first["due"].startswith("2029-06-01")  # 三(六)2 认定运行满三年
    rewind_clock(app, "2030-01-10T09:00:00+08:00")
    [later] = [d for d in authority.get(f"/api/v1/centers/{center_id}/deadlines").get_json()
               if d["kind"] == "evaluation"]
    assert later["configured"] is True and later["due"].startswith("2032-06-01") and "配置" in later["note"]
