"""xpcc construction period (第十二条5): a timer at its end moves the center into performance evaluation (第二十三条)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.processes.support import center, events, instance, result, set_clock, start, status_changes
from tests.processes.xpcc_support import create_center, every_element_cites_its_article, xpcc_people


@pytest.fixture
def people(app: Flask, client: FlaskClient) -> dict[str, Any]:
    return xpcc_people(app, client, datetime.fromisoformat("2025-05-20T12:00:00+08:00"))


def evaluations(actor: Any, center_id: int) -> list[dict[str, Any]]:
    return [i for i in actor.get(f"/api/v1/instances?center_id={center_id}").get_json()
            if i["process_key"] == "xpcc_evaluation"]


def test_the_construction_period_ends_after_three_years_and_the_first_evaluation_starts(people: dict[str, Any]) -> None:
    supervisor = people["supervisor"]
    center_id = create_center(people, status="under_construction", approved_at="2025-05-20")
    started = start(people["authority"], "xpcc_preparation", center_id)
    inst = started["id"]
    assert started["ready_tasks"] == []
    [timer] = instance(supervisor, inst)["timers"]
    assert (timer["element_id"], timer["article"]) == ("timer_construction_end", "第十二条5")
    assert timer["due_at"].startswith("2028-05-20T15:59:59")  # end of 2028-05-20, China time
    [end] = [d for d in supervisor.get(f"/api/v1/centers/{center_id}/deadlines").get_json()
             if d["kind"] == "construction_end"]
    assert end["due"] == "2028-05-20T23:59:59+08:00"  # the same moment the deadlines show

    set_clock(supervisor, "2028-05-20T23:59:59+08:00")
    assert instance(supervisor, inst)["status"] == "running"  # never early
    assert center(supervisor, center_id)["status"] == "under_construction"
    set_clock(supervisor, "2028-05-21T00:00:00+08:00")
    assert instance(supervisor, inst)["status"] == "completed"
    assert result(supervisor, inst)["outcome"] == "evaluation_started"
    assert center(supervisor, center_id)["status"] == "established"
    assert status_changes(supervisor, inst) == [("under_construction", "established", "第十二条5")]
    [follow] = [e for e in events(supervisor, inst) if e["kind"] == "procedure_started"]
    assert (follow["article"], follow["payload"]["process_key"]) == ("第二十三条", "xpcc_evaluation")
    [evaluation] = evaluations(supervisor, center_id)  # the scheduler did not start a second one
    assert instance(supervisor, evaluation["id"])["data"]["cycle"] == 1
    [fired] = [e for e in events(supervisor, inst) if e["kind"] == "timer_fired"]
    assert fired["article"] == "第十二条5"
    every_element_cites_its_article(supervisor, inst)


def test_preparation_starts_only_during_construction(people: dict[str, Any]) -> None:
    response = people["authority"].post("/api/v1/instances", json={
        "process_key": "xpcc_preparation", "center_id": people["centers"]["a"], "data": {}})
    assert response.status_code == 409 and "第十二条5" in response.get_json()["message"]


def test_no_evaluation_during_construction(people: dict[str, Any]) -> None:
    center_id = create_center(people, status="under_construction", approved_at="2025-05-20")
    response = people["authority"].post("/api/v1/instances", json={
        "process_key": "xpcc_evaluation", "center_id": center_id, "data": {}})
    assert response.status_code == 409 and "第二十三条" in response.get_json()["message"]
