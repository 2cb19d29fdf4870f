"""national_operation_plan (第十七条, 第十八条, 第三十条) through the API: the council's first decisions, and a 3-year
construction & operation cycle rolling over into the next plan, started by the scheduler."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.processes.national_support import MATERIALS, PLAN, national_people
from tests.processes.support import (
    FILE,
    act,
    center,
    events,
    every_step_cites_an_article,
    instance,
    outcome,
    rewind_clock,
    set_clock,
    start,
    task,
)
from tests.processes.support import ready_elements as ready

PLAN_BODY = {**PLAN, "annual_work_plan": "完成平台建设。", "plan_documents": FILE}
DIRECTOR = {"name": "李四", "fulltime": True, "appointed_on": "2026-07-02"}


@pytest.fixture
def people(app: Flask, client: FlaskClient) -> dict[str, Any]:
    """National center A established 2026-06-01; the clock on 2026-06-01 (before any tick)."""
    return national_people(app, client, "2026-06-01T09:00:00+08:00")


def plan_instances(actor: Any, center_id: int) -> list[dict[str, Any]]:
    rows = actor.get(f"/api/v1/instances?center_id={center_id}&limit=500").get_json()
    return sorted((r for r in rows if r["process_key"] == "national_operation_plan"), key=lambda r: r["id"])


def first_cycle(people: dict[str, Any], inst: int) -> None:
    """第十七条1–3: charter, director, expert committee."""
    council = people["council"]
    act(council, inst, "adopt_charter", {"charter_adopted_on": "2026-06-20", "charter_summary": "理事会决策、主任负责。",
                                         "charter_documents": FILE})
    act(council, inst, "appoint_director", {"director": {**DIRECTOR, "fulltime": False},
                                            "appointment_documents": FILE}, status=422)  # 第十八条: 全职工作人员
    act(council, inst, "appoint_director", {"director": DIRECTOR, "appointment_documents": FILE})
    act(council, inst, "appoint_expert_committee",
        {"expert_committee_members": [{"name": "王五", "affiliation": "清华大学"}]})


def test_first_cycle_council_adopts_charter_appoints_and_adopts_the_plan(people: dict[str, Any]) -> None:
    supervisor, council, center_id = people["supervisor"], people["council"], people["centers"]["a"]
    started = start(people["authority"], "national_operation_plan", center_id)
    assert started["business_key"] == f"national_operation_plan:{center_id}:cycle-1"
    assert (started["data"]["cycle_start"], started["data"]["cycle_end"]) == ("2026-06-01", "2029-06-01")
    charter = task(council, started["id"], "adopt_charter")
    assert (charter["lane"], charter["article"]) == ("council", "第十七条1")
    first_cycle(people, started["id"])
    plan = task(council, started["id"], "adopt_plan")
    # the text sets no date for the plan: configured (policy.yaml operation_cycle.plan_deadline, 90 days)
    assert plan["article"] == "第十七条5" and plan["due_at"].startswith("2026-08-30T15:59:59")
    act(council, started["id"], "adopt_plan", PLAN_BODY)
    assert outcome(supervisor, started["id"]) == "adopted"
    assert not [e for e in events(supervisor, started["id"]) if e["kind"] == "warning"]  # three years: the guideline
    profile = center(supervisor, center_id)["profile"]
    assert profile["director"] == DIRECTOR
    assert profile["charter"]["adopted_at"] == "2026-06-20"
    assert profile["expert_committee"]["members"] == [{"name": "王五", "affiliation": "清华大学"}]
    assert profile["operation_plan"] == {"cycle": 1, "start": "2026-06-01", "end": "2029-06-01",
                                         "adopted_at": "2026-06-01", "cycle_years": 3, "goals": PLAN["goals"]}
    assert [e["article"] for e in events(supervisor, started["id"]) if e["kind"] == "center_updated"] == [
        "第十七条", "第十七条5"]
    every_step_cites_an_article(supervisor, started["id"])


def test_plan_runs_only_for_an_approved_center(people: dict[str, Any]) -> None:
    orgs = people["authority"].get(f"/api/v1/centers/{people['centers']['a']}").get_json()["organisations"]
    proposed = people["authority"].post("/api/v1/centers", json={
        "name": "拟建中心", "policy": "national", "category": "field", "organisations": orgs}).get_json()["id"]
    response = people["authority"].post("/api/v1/instances", json={"process_key": "national_operation_plan",
                                                                  "center_id": proposed})
    assert response.status_code == 409 and "第十七条" in response.get_json()["message"]


def test_a_three_year_cycle_rolls_over_into_the_next_plan(app: Flask, people: dict[str, Any]) -> None:
    """The scheduler starts the running cycle's plan; when the cycle has run out the evaluation starts, and the next
    cycle's plan only once the center is admitted to it (第三十条: 优秀/良好 enter the next cycle)."""
    supervisor, council, center_id = people["supervisor"], people["council"], people["centers"]["a"]
    set_clock(supervisor, "2026-06-01T10:00:00+08:00")
    [first] = plan_instances(supervisor, center_id)  # the running cycle's plan, started by the scheduler
    assert first["started_by"] == "system" and first["business_key"].endswith(":cycle-1")
    first_cycle(people, first["id"])
    act(council, first["id"], "adopt_plan", PLAN_BODY)
    rewind_clock(app, "2029-05-31T09:00:00+08:00")
    set_clock(supervisor, "2029-06-01T23:59:59+08:00")  # the cycle's last day
    assert len(plan_instances(supervisor, center_id)) == 1
    set_clock(supervisor, "2029-06-02T00:00:00+08:00")  # the cycle has run out: the evaluation is due
    rows = supervisor.get(f"/api/v1/instances?center_id={center_id}").get_json()
    [evaluation] = [r for r in rows if r["process_key"] == "national_evaluation"]
    assert evaluation["business_key"] == f"national_evaluation:{center_id}:cycle-1"
    assert len(plan_instances(supervisor, center_id)) == 1  # not admitted to cycle 2 before the grade
    act(people["authority"], evaluation["id"], "commission_evaluation",
        {"agency_name": "中国科学技术评估中心", "commission_documents": FILE})
    act(people["applicant"], evaluation["id"], "submit_evaluation_materials", MATERIALS)
    act(people["evaluator"], evaluation["id"], "third_party_evaluation",
        {"report": "graded", "grade": "良好", "objective_findings": "客观数据完整。", "opinion": "良好。"})
    act(people["authority"], evaluation["id"], "confirm_result", {"decision": "approve"})
    assert center(supervisor, center_id)["profile"]["admitted_cycle"] == 2
    set_clock(supervisor, "2029-06-02T00:05:00+08:00")
    second = plan_instances(supervisor, center_id)[1]
    assert second["business_key"] == f"national_operation_plan:{center_id}:cycle-2" and second["started_by"] == "system"
    detail = instance(supervisor, second["id"])
    assert (detail["data"]["cycle_start"], detail["data"]["cycle_end"]) == ("2029-06-01", "2032-06-01")
    assert ready(supervisor, second["id"]) == ["adopt_plan"]  # later cycles: the plan only
    act(council, second["id"], "adopt_plan", {**PLAN_BODY, "cycle_years": 4})
    plan = center(supervisor, center_id)["profile"]["operation_plan"]
    assert (plan["cycle"], plan["cycle_years"]) == (2, 4)
    # 第十七条5 “一般以三年”: another length is accepted with a warning citing it
    [warning] = [e for e in events(supervisor, second["id"]) if e["kind"] == "warning"]
    assert warning["article"] == "第十七条5" and "4" in warning["payload"]["message"]
    set_clock(supervisor, "2029-07-01T00:00:00+08:00")
    assert len(plan_instances(supervisor, center_id)) == 2  # once per center and cycle
    every_step_cites_an_article(supervisor, second["id"])
