"""nmg2025 establishment (第十条, 第十一条(一)–(五), 第十二条) driven through the API with the simulated clock.

The module also holds the small helpers the other nmg2025 procedure modules share.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask

from app.extensions import db
from app.models import ClockState
from tests.conftest import Actor
from tests.processes.test_nmg2025_annual_report import set_clock

FILE = [{"name": "建设方案.pdf", "file_id": "file-0001"}]


# ---- shared helpers ----------------------------------------------------------------------------------


def rewind_clock(app: Flask, iso: str) -> None:
    """Test setup only: put the simulated clock at `iso` (the API itself never moves it backwards)."""
    moment = datetime.fromisoformat(iso).astimezone(UTC)
    with app.app_context():
        state = db.session.get(ClockState, 1)
        if state is None:
            db.session.add(ClockState(id=1, now=moment))
        else:
            state.now = moment
        db.session.commit()


def create_center(people: dict[str, Any], **fields: Any) -> int:
    """A new nmg2025 center registered by 科技厅, played by center A's organisations."""
    authority = people["authority"]
    orgs = authority.get(f"/api/v1/centers/{people['centers']['a']}").get_json()["organisations"]
    body = {"name": "内蒙古自治区稀土新材料技术创新中心（拟建）", "policy": "nmg2025", "category": "field",
            "organisations": orgs, **fields}
    response = authority.post("/api/v1/centers", json=body)
    assert response.status_code == 201, response.get_json()
    return int(response.get_json()["id"])


def start(actor: Actor, process_key: str, center_id: int, data: dict[str, Any] | None = None) -> dict[str, Any]:
    response = actor.post("/api/v1/instances", json={"process_key": process_key, "center_id": center_id,
                                                     "data": data or {}})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def task(actor: Actor, instance_id: int, element_id: str) -> dict[str, Any]:
    """The one ready task `element_id` of an instance in the actor's inbox."""
    found = [t for t in actor.get("/api/v1/tasks").get_json()
             if t["instance_id"] == instance_id and t["element_id"] == element_id]
    assert len(found) == 1, (element_id, ready(actor, instance_id))
    return found[0]


def act(actor: Actor, instance_id: int, element_id: str, data: dict[str, Any], status: int = 200) -> Any:
    """Complete the actor's task `element_id` of an instance with form `data`."""
    response = actor.post(f"/api/v1/tasks/{task(actor, instance_id, element_id)['id']}/complete", json={"data": data})
    assert response.status_code == status, response.get_json()
    return response.get_json()


def instance(actor: Actor, instance_id: int) -> dict[str, Any]:
    return actor.get(f"/api/v1/instances/{instance_id}").get_json()


def ready(actor: Actor, instance_id: int) -> list[str]:
    """Element ids of the instance's ready tasks."""
    return [t["element_id"] for t in instance(actor, instance_id)["ready_tasks"]]


def events(actor: Actor, instance_id: int) -> list[dict[str, Any]]:
    return list(actor.get(f"/api/v1/instances/{instance_id}/events").get_json())


def status_changes(actor: Actor, instance_id: int) -> list[tuple[str, str, str]]:
    """(from, to, article) of every center status change the instance made."""
    return [(e["payload"]["from"], e["payload"]["to"], e["article"])
            for e in events(actor, instance_id) if e["kind"] == "center_status_changed"]


def center(actor: Actor, center_id: int) -> dict[str, Any]:
    return dict(actor.get(f"/api/v1/centers/{center_id}").get_json())


def result(actor: Actor, instance_id: int) -> dict[str, Any]:
    """The result summary of a completed instance."""
    done = [e for e in events(actor, instance_id) if e["kind"] == "instance_completed"]
    assert len(done) == 1, "instance not completed"
    return dict(done[0]["payload"]["result"])


def every_step_cites_an_article(actor: Actor, instance_id: int) -> None:
    steps = [e for e in events(actor, instance_id) if e["kind"] in ("element_completed", "timer_fired")]
    assert steps and all(e["article"] for e in steps), [e["element_id"] for e in steps if not e["article"]]


# ---- profiles for the 第十条, 第十五至十七条 and 第十九条 checks (handlers/checks/nmg2025.py) ----------------


GOOD_PROFILE: dict[str, Any] = {
    "submission_date": "2025-08-28",
    "units": [
        {"name": "包头示范稀土集团有限公司", "role": "lead", "kind": "enterprise"},
        {"name": "内蒙古大学", "role": "co_builder", "kind": "university"},
    ],
    "annual_operating_funds": 800,
    "rd_floor_area": 3600,
    "equipment_value": 2600,
    "fulltime_researchers": 45,
    "fulltime_fixed_staff": 60,
    "single_hired_staff": 40,
    "director": {"age": 52, "title": "senior", "fulltime": True, "directs_other_platform": False,
                 "months_at_center_per_year": 12},
    "executive_director_fulltime": True,
    "technical_committee": [
        {"name": f"委员{i}", "from_lead_or_cobuilder": i < 3, "is_chair": i == 8} for i in range(9)
    ],
    "branches": [
        {"name": "包头稀土永磁攻关基地", "kind": "key_technology"},
        {"name": "赤峰成果转化基地", "kind": "transformation"},
    ],
    "strategic_directed": False,
}
SHORT_PROFILE = {**GOOD_PROFILE, "fulltime_researchers": 29}  # 第十条(二): 不少于30人


def proposal(profile: dict[str, Any]) -> dict[str, Any]:
    return {
        "proposed_name": "内蒙古自治区稀土新材料技术创新中心", "research_field": "稀土新材料",
        "organising_mode": "enterprise_led", "lead_unit": "包头示范稀土集团有限公司",
        "recommendation": "包头市人民政府推荐，聚焦稀土永磁与催化材料关键共性技术。",
        "construction_plan": FILE, "profile": profile,
    }


# ---- driving the procedure ---------------------------------------------------------------------------

STAGES = ["review_conditions", "draft_layout_plan", "expert_review", "record_notice_result", "approve_plan"]


@pytest.fixture
def proposed(app: Flask, people: dict[str, Any]) -> dict[str, Any]:
    rewind_clock(app, "2025-08-28T09:00:00+08:00")
    center_id = create_center(people, status="proposed")
    started = start(people["sponsor"], "nmg2025_establishment", center_id)
    return {"center_id": center_id, "id": started["id"], "started": started}


def drive(people: dict[str, Any], inst: int, until: str, profile: dict[str, Any] = GOOD_PROFILE) -> None:
    """Submit the proposal and approve every step before `until` (a stage of STAGES), which is left ready."""
    act(people["sponsor"], inst, "submit_proposal", proposal(profile))
    if until in ("review_conditions", "draft_layout_plan"):
        return
    act(people["authority"], inst, "draft_layout_plan", {"decision": "approve", "plan_year": 2025})
    act(people["applicant"], inst, "refine_plan", {"refined_plan": FILE, "refinement_summary": "按布局计划完善了任务书。"})
    act(people["sponsor"], inst, "confirm_support",
        {"support_measures": "市政府设立专项资金。", "support_conditions": "提供3600平方米科研用房。",
         "annual_funding_commitment": 800})
    if until == "expert_review":
        return
    act(people["expert"], inst, "expert_review",
        {"decision": "approve", "argumentation_opinion": "方向明确，基础扎实。", "site_visit_date": "2025-08-29",
         "site_visit_opinion": "场地、设备与方案一致。"})
    act(people["authority"], inst, "publish_notice", {"notice_start": "2025-09-01", "notice_working_days": 5})
    set_clock(people["supervisor"], "2025-09-10T09:00:00+08:00")
    if until == "record_notice_result":
        return
    act(people["authority"], inst, "record_notice_result", {"objections_received": False, "decision": "approve"})
    assert until == "approve_plan"


# ---- tests ---------------------------------------------------------------------------------------------


def test_five_steps_with_public_notice_approve_the_plan(people: dict[str, Any], proposed: dict[str, Any]) -> None:
    sponsor, authority, supervisor = people["sponsor"], people["authority"], people["supervisor"]
    inst, center_id = proposed["id"], proposed["center_id"]
    [first] = proposed["started"]["ready_tasks"]
    assert (first["element_id"], first["lane"], first["article"]) == ("submit_proposal", "sponsor", "第十一条(一)")
    drive(people, inst, "expert_review")
    [checked] = [e for e in events(supervisor, inst) if e["element_id"] == "check_conditions"]
    assert checked["article"] == "第十条"
    act(people["expert"], inst, "expert_review",
        {"decision": "approve", "argumentation_opinion": "方向明确。", "site_visit_date": "2025-08-29",
         "site_visit_opinion": "条件具备。"})
    act(authority, inst, "publish_notice", {"notice_start": "2025-09-01", "notice_working_days": 5})
    # 5 working days from Monday 1 September: the notice ends at the end of Friday 5 September
    [timer] = instance(supervisor, inst)["timers"]
    assert (timer["element_id"], timer["article"]) == ("timer_notice_end", "第十一条(四)")
    assert timer["due_at"].startswith("2025-09-05T15:59:59")
    set_clock(supervisor, "2025-09-05T23:59:59+08:00")
    assert ready(supervisor, inst) == []  # never early
    set_clock(supervisor, "2025-09-10T09:00:00+08:00")
    act(authority, inst, "record_notice_result", {"objections_received": False, "decision": "approve"})
    act(authority, inst, "approve_plan", {"decision": "approve", "approval_document_number": "内科发〔2025〕12号"})

    assert instance(supervisor, inst)["status"] == "completed"
    record = center(supervisor, center_id)
    assert record["status"] == "approved_for_preparation" and record["approved_at"] == "2025-09-10"
    assert record["profile"]["fulltime_researchers"] == 45
    assert status_changes(supervisor, inst) == [("proposed", "approved_for_preparation", "第十一条(四)")]
    trail = events(supervisor, inst)
    assert [e["article"] for e in trail if e["kind"] == "center_updated"] == ["第十一条(四)"]
    [follow] = [e for e in trail if e["kind"] == "procedure_started"]
    assert follow["article"] == "第十一条(五)" and follow["payload"]["process_key"] == "nmg2025_preparation"
    preparation = instance(supervisor, follow["payload"]["instance_id"])
    assert preparation["data"]["approval_document_number"] == "内科发〔2025〕12号"
    [period_end] = preparation["timers"]
    assert period_end["due_at"].startswith("2027-09-10T15:59:59")  # procedures.md worked example
    every_step_cites_an_article(supervisor, inst)
    assert sponsor.get(f"/api/v1/instances/{inst}").status_code == 200


def test_failed_checks_go_to_the_reviewer_who_returns(people: dict[str, Any], proposed: dict[str, Any]) -> None:
    authority, inst = people["authority"], proposed["id"]
    drive(people, inst, "review_conditions", SHORT_PROFILE)
    assert ready(authority, inst) == ["review_conditions"]
    detail = authority.get(f"/api/v1/tasks/{task(authority, inst, 'review_conditions')['id']}").get_json()
    found = detail["data"]["check_results"]
    assert found["all_passed"] is False and found["failed_rules"]
    failed = [r for r in found["results"] if not r["passed"]]
    assert any(r["article"].startswith("第十条") and "30" in r["reason"] for r in failed), failed
    act(authority, inst, "review_conditions", {"decision": "return"}, status=422)  # a return needs a reason
    act(authority, inst, "review_conditions", {"decision": "return", "comment": "专职固定科研人员不足30人，请补充。"})
    assert ready(authority, inst) == ["revise_proposal"]
    act(people["sponsor"], inst, "revise_proposal", proposal(GOOD_PROFILE))
    assert ready(authority, inst) == ["draft_layout_plan"]
    detail = authority.get(f"/api/v1/tasks/{task(authority, inst, 'draft_layout_plan')['id']}").get_json()
    assert detail["data"]["check_results"]["all_passed"] is True


def test_directed_center_proceeds_under_article_12(people: dict[str, Any], proposed: dict[str, Any]) -> None:
    authority, inst = people["authority"], proposed["id"]
    drive(people, inst, "review_conditions", {**SHORT_PROFILE, "strategic_directed": True})
    act(authority, inst, "review_conditions", {"decision": "approve", "comment": "面向未来产业重点布局"}, status=422)
    act(authority, inst, "review_conditions",
        {"decision": "approve", "apply_article_12": True, "comment": "落实自治区重大战略部署，依第十二条一事一议放宽人员条件。"})
    assert ready(authority, inst) == ["draft_layout_plan"]
    [directed] = [e for e in events(authority, inst) if e["element_id"] == "mark_directed"]
    assert directed["article"] == "第十二条"
    act(authority, inst, "draft_layout_plan", {"decision": "approve", "plan_year": 2025})
    assert ready(authority, inst) == ["refine_plan"]


def test_returns_from_layout_and_experts_are_revised(people: dict[str, Any], proposed: dict[str, Any]) -> None:
    authority, expert, inst = people["authority"], people["expert"], proposed["id"]
    drive(people, inst, "draft_layout_plan")
    act(authority, inst, "draft_layout_plan", {"decision": "return", "comment": "请明确分支机构布局。"})
    act(people["sponsor"], inst, "revise_proposal", proposal(GOOD_PROFILE))
    act(authority, inst, "draft_layout_plan", {"decision": "approve", "plan_year": 2025})
    act(people["applicant"], inst, "refine_plan", {"refined_plan": FILE, "refinement_summary": "补充分支机构。"})
    act(people["sponsor"], inst, "confirm_support",
        {"support_measures": "专项资金。", "support_conditions": "场地。", "annual_funding_commitment": 600})
    act(expert, inst, "expert_review",
        {"decision": "return", "argumentation_opinion": "中试平台建设内容不足。", "site_visit_date": "2025-08-29",
         "site_visit_opinion": "中试场地尚未落实。"})
    assert ready(authority, inst) == ["refine_plan"]
    act(people["applicant"], inst, "refine_plan", {"refined_plan": FILE, "refinement_summary": "落实中试场地。"})
    act(people["sponsor"], inst, "confirm_support",
        {"support_measures": "专项资金。", "support_conditions": "中试场地。", "annual_funding_commitment": 600})
    act(expert, inst, "expert_review",
        {"decision": "approve", "argumentation_opinion": "同意。", "site_visit_date": "2025-08-30",
         "site_visit_opinion": "已落实。"})
    assert ready(authority, inst) == ["publish_notice"]


REJECTIONS: dict[str, Callable[[], dict[str, Any]]] = {
    "review_conditions": lambda: {"decision": "reject", "comment": "不具备组建条件。"},
    "draft_layout_plan": lambda: {"decision": "reject", "comment": "与现有布局重复。"},
    "expert_review": lambda: {"decision": "reject", "argumentation_opinion": "基础薄弱。", "site_visit_date": "2025-08-29",
                              "site_visit_opinion": "场地不符。"},
    "record_notice_result": lambda: {"objections_received": True, "objection_summary": "反映申报数据不实，经核实属实。",
                                     "decision": "reject", "comment": "异议成立。"},
    "approve_plan": lambda: {"decision": "reject", "comment": "不予批准。"},
}
ROLE = {"review_conditions": "authority", "draft_layout_plan": "authority", "expert_review": "expert",
        "record_notice_result": "authority", "approve_plan": "authority"}


@pytest.mark.parametrize("stage", STAGES)
def test_rejection_ends_without_a_status_change(people: dict[str, Any], proposed: dict[str, Any], stage: str) -> None:
    supervisor, inst = people["supervisor"], proposed["id"]
    drive(people, inst, stage, SHORT_PROFILE if stage == "review_conditions" else GOOD_PROFILE)
    act(people[ROLE[stage]], inst, stage, REJECTIONS[stage]())
    assert instance(supervisor, inst)["status"] == "completed"
    assert result(supervisor, inst)["outcome"] == "rejected"
    assert center(supervisor, proposed["center_id"])["status"] == "proposed"
    assert status_changes(supervisor, inst) == []
    every_step_cites_an_article(supervisor, inst)
