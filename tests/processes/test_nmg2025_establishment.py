"""nmg2025 establishment (第十条, 第十一条(一)–(五), 第十二条) driven through the API with the simulated clock."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from tests.processes.support import (
    FILE,
    GOOD_PROFILE,
    act,
    center,
    create_center,
    events,
    every_step_cites_an_article,
    instance,
    result,
    rewind_clock,
    set_clock,
    start,
    status_changes,
    task,
)
from tests.processes.support import ready_elements as ready

# ---- profiles for the 第十条, 第十五至十七条 and 第十九条 checks (handlers/checks/nmg2025.py) ----------------


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
    if until in ("review_conditions", "review_findings", "draft_layout_plan"):
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


# ---- 第十二条 relaxes the 第十条 conditions; 第十五至十九条 findings are the reviewer's, not 一事一议 ------------

GOVERNANCE_FINDING = {**GOOD_PROFILE, "single_hired_staff": 20}  # 第十七条: 20 of 60 is below 50%
FOUR_BRANCHES = {**GOOD_PROFILE, "branches": [
    {"name": f"分支机构{i + 1}", "kind": "key_technology"} for i in range(4)]}  # 第十九条 一般不超过3个
NO_BRANCH = {**GOOD_PROFILE, "branches": []}


@pytest.mark.parametrize("profile,finding", [(GOVERNANCE_FINDING, "single_hired_share"),
                                             (FOUR_BRANCHES, "branch_count")], ids=["article-17", "article-19"])
def test_a_governance_finding_is_approved_with_the_finding_recorded(
    people: dict[str, Any], proposed: dict[str, Any], profile: dict[str, Any], finding: str,
) -> None:
    authority, inst = people["authority"], proposed["id"]
    drive(people, inst, "review_findings", profile)
    assert ready(authority, inst) == ["review_findings"]  # not the 第十二条 review of unmet conditions
    [reviewing] = [t for t in instance(authority, inst)["ready_tasks"] if t["element_id"] == "review_findings"]
    assert reviewing["article"] == "第十五条、第十六条、第十七条、第十九条"
    found = authority.get(f"/api/v1/tasks/{reviewing['id']}").get_json()["data"]["check_results"]
    assert found["conditions_failed"] == [] and found["findings"] == [finding]
    options = authority.get(f"/api/v1/tasks/{reviewing['id']}").get_json()["form"]["properties"]["decision"]["enum"]
    assert options == ["approve", "return"]
    act(authority, inst, "review_findings", {"decision": "approve"}, status=422)  # the reason is recorded
    act(authority, inst, "review_findings", {"decision": "approve", "comment": "在建设方案中落实，筹建期内整改。"})
    assert ready(authority, inst) == ["draft_layout_plan"]
    trail = events(authority, inst)
    assert not [e for e in trail if e["element_id"] == "mark_directed"]  # not labelled 一事一议
    [recorded] = [e for e in trail if e["element_id"] == "record_findings"]
    assert recorded["article"] == "第十五条、第十六条、第十七条、第十九条"
    layout = authority.get(f"/api/v1/tasks/{task(authority, inst, 'draft_layout_plan')['id']}").get_json()["context"]
    assert layout["accepted_findings"] == [finding]
    assert layout["profile"]["strategic_directed"] is False and "relaxed_rules" not in layout


def test_a_governance_finding_can_be_returned(people: dict[str, Any], proposed: dict[str, Any]) -> None:
    authority, inst = people["authority"], proposed["id"]
    drive(people, inst, "review_findings", GOVERNANCE_FINDING)
    act(authority, inst, "review_findings", {"decision": "return", "comment": "单聘人员比例不足50%，请调整。"})
    assert ready(authority, inst) == ["revise_proposal"]
    act(people["sponsor"], inst, "revise_proposal", proposal(GOOD_PROFILE))
    assert ready(authority, inst) == ["draft_layout_plan"]


def test_unmet_conditions_with_a_finding_relax_only_the_conditions(
    people: dict[str, Any], proposed: dict[str, Any],
) -> None:
    authority, inst = people["authority"], proposed["id"]
    drive(people, inst, "review_conditions", {**SHORT_PROFILE, "single_hired_staff": 20, "strategic_directed": True})
    act(authority, inst, "review_conditions",
        {"decision": "approve", "apply_article_12": True, "comment": "落实自治区重大战略部署，依第十二条一事一议。"})
    layout = authority.get(f"/api/v1/tasks/{task(authority, inst, 'draft_layout_plan')['id']}").get_json()["context"]
    assert layout["relaxed_rules"] == ["fulltime_researchers"]  # 第十条: what 第十二条 relaxes
    assert layout["accepted_findings"] == ["single_hired_share"]  # 第十七条: recorded, not relaxed


def test_a_center_without_branches_goes_straight_to_the_layout_plan(
    people: dict[str, Any], proposed: dict[str, Any],
) -> None:
    authority, inst = people["authority"], proposed["id"]
    drive(people, inst, "draft_layout_plan", NO_BRANCH)  # 第十九条 limits branches, it does not require one
    assert ready(authority, inst) == ["draft_layout_plan"]
    found = authority.get(f"/api/v1/tasks/{task(authority, inst, 'draft_layout_plan')['id']}").get_json()["context"]
    assert found["check_results"]["all_passed"] is True and found["check_results"]["findings"] == []
