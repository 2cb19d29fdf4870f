"""nmg2025 preparation period and its assessment (第二十条, 第二十一条) through the API with the simulated clock."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.processes.support import (
    FILE,
    GOOD_PROFILE,
    act,
    center,
    create_center,
    decline_running_revocation,
    events,
    every_step_cites_an_article,
    instance,
    rewind_clock,
    set_clock,
    start,
    status_changes,
    task,
)
from tests.processes.support import ready_elements as ready

APPLICATION = {
    "function_positioning": "围绕稀土永磁材料形成研发—中试—产业化链条。",
    "governance": "理事会、技术委员会按章程运行，主任全职全时。",
    "resource_allocation": "新增科研用房3600平方米，仪器设备原值2600万元。",
    "capability_building": "专职固定科研人员45人，建成中试线两条。",
    "research_outputs": "突破关键技术6项，授权发明专利31件。",
    "benchmark_enterprises": "支撑培育科技标杆企业2家。",
    "naming_field": "稀土新材料",
    "naming_field_en": "Rare Earth New Materials",
    "construction_plan": FILE,
    "profile": GOOD_PROFILE,
}


@pytest.fixture
def due(app: Flask, people: dict[str, Any]) -> dict[str, Any]:
    """A center approved for preparation on 2025-09-10 whose 2-year period has just ended."""
    rewind_clock(app, "2025-09-10T10:00:00+08:00")
    center_id = create_center(people, status="approved_for_preparation", approved_at="2025-09-10")
    started = start(people["authority"], "nmg2025_preparation", center_id)
    set_clock(people["supervisor"], "2027-09-11T00:00:00+08:00")
    return {"center_id": center_id, "id": started["id"], "started": started}


def assessed(people: dict[str, Any], inst: int, conclusion: str = "pass") -> None:
    """Apply, pass the organising unit and 科技厅, and have the experts conclude."""
    act(people["applicant"], inst, "submit_assessment", APPLICATION)
    act(people["sponsor"], inst, "sponsor_assessment_review", {"decision": "approve", "comment": "同意报送。"})
    act(people["authority"], inst, "authority_accept_assessment", {"decision": "approve"})
    act(people["expert"], inst, "expert_assessment", {"conclusion": conclusion, "opinion": "专家组综合意见。"})


def test_two_year_period_runs_from_the_approval_date(app: Flask, people: dict[str, Any]) -> None:
    supervisor = people["supervisor"]
    rewind_clock(app, "2025-09-10T10:00:00+08:00")
    center_id = create_center(people, status="approved_for_preparation", approved_at="2025-09-10")
    started = start(people["authority"], "nmg2025_preparation", center_id)
    assert started["ready_tasks"] == []
    [timer] = started["timers"]
    assert (timer["element_id"], timer["article"]) == ("timer_preparation_end", "第二十条")
    assert timer["due_at"].startswith("2027-09-10T15:59:59")  # end of 2027-09-10, China time
    set_clock(supervisor, "2027-09-10T23:59:59+08:00")
    assert ready(supervisor, started["id"]) == []  # the last day of the period is still preparation
    set_clock(supervisor, "2027-09-11T00:00:00+08:00")
    assert ready(supervisor, started["id"]) == ["submit_assessment"]
    assigned = task(people["applicant"], started["id"], "submit_assessment")
    assert (assigned["lane"], assigned["article"]) == ("applicant", "第二十条")
    trail = events(supervisor, started["id"])
    assert [e["element_id"] for e in trail if e["kind"] == "timer_fired"] == ["timer_preparation_end"]
    [note] = [e for e in trail if e["kind"] == "notification"]
    assert note["payload"]["role"] == "applicant" and note["payload"]["recipients"] == [people["applicant"].username]


def test_passed_assessment_formally_establishes_the_center(people: dict[str, Any], due: dict[str, Any]) -> None:
    supervisor, authority, inst = people["supervisor"], people["authority"], due["id"]
    assessed(people, inst)
    detail = authority.get(f"/api/v1/tasks/{task(authority, inst, 'confirm_assessment')['id']}").get_json()
    assert detail["data"]["naming_field"] == "稀土新材料"  # the applicant's proposal is prefilled
    act(authority, inst, "confirm_assessment", {"decision": "approve"}, status=422)  # naming is required
    act(authority, inst, "confirm_assessment",
        {"decision": "approve", "naming_field": "稀土新材料", "naming_field_en": "Rare Earth New Materials",
         "approval_document_number": "内科发〔2027〕30号"})
    assert instance(supervisor, inst)["status"] == "completed"
    record = center(supervisor, due["center_id"])
    assert record["status"] == "established"
    assert record["name"] == "内蒙古自治区稀土新材料技术创新中心"
    assert record["profile"]["name_en"] == "Inner Mongolia Center of Technology Innovation for Rare Earth New Materials"
    assert record["established_at"] == "2027-09-11" and record["approved_at"] == "2025-09-10"
    assert status_changes(supervisor, inst) == [("approved_for_preparation", "established", "第二十一条")]
    [renamed] = [e for e in events(supervisor, inst) if e["kind"] == "center_updated"]
    assert renamed["article"] == "第二十一条" and renamed["payload"]["after"]["name"] == record["name"]
    every_step_cites_an_article(supervisor, inst)


@pytest.mark.parametrize("reviewer,element", [
    ("sponsor", "sponsor_assessment_review"), ("authority", "authority_accept_assessment"),
])
def test_return_and_resubmit(people: dict[str, Any], due: dict[str, Any], reviewer: str, element: str) -> None:
    inst = due["id"]
    act(people["applicant"], inst, "submit_assessment", APPLICATION)
    if element == "authority_accept_assessment":
        act(people["sponsor"], inst, "sponsor_assessment_review", {"decision": "approve"})
    act(people[reviewer], inst, element, {"decision": "return"}, status=422)  # a return needs a reason
    act(people[reviewer], inst, element, {"decision": "return", "comment": "请补充科技攻关产出的证明材料。"})
    assert ready(people["supervisor"], inst) == ["revise_assessment"]
    act(people["applicant"], inst, "revise_assessment", APPLICATION)
    act(people["sponsor"], inst, "sponsor_assessment_review", {"decision": "approve"})
    act(people["authority"], inst, "authority_accept_assessment", {"decision": "approve"})
    assert ready(people["supervisor"], inst) == ["expert_assessment"]


def failed(people: dict[str, Any], inst: int) -> None:
    """The experts fail the assessment and 科技厅 confirms: the center is not established."""
    assessed(people, inst, conclusion="fail")
    act(people["authority"], inst, "confirm_assessment", {"decision": "reject", "comment": "创新能力建设未达到建设方案目标。"})


def test_failed_assessment_is_not_established_and_asks_for_a_revocation_decision(
    people: dict[str, Any], due: dict[str, Any],
) -> None:
    """第二十、二十一条 are silent on a failed assessment: nothing starts by itself, 科技厅 decides (issue 9, finding 4)."""
    supervisor, authority, inst = people["supervisor"], people["authority"], due["id"]
    failed(people, inst)
    record = center(supervisor, due["center_id"])
    assert record["status"] == "approved_for_preparation" and record["established_at"] is None
    assert status_changes(supervisor, inst) == []
    assert instance(supervisor, inst)["status"] != "completed"
    assert ready(supervisor, inst) == ["decide_failed_assessment"]
    trail = events(supervisor, inst)
    assert not [e for e in trail if e["kind"] in ("procedure_started", "warning")]  # no revocation by itself
    decision = task(authority, inst, "decide_failed_assessment")
    assert (decision["lane"], decision["article"]) == ("authority", "第二十一条")
    form = authority.get(f"/api/v1/tasks/{decision['id']}").get_json()["form"]
    assert "文件未规定考核未通过如何处理" in form["description"]
    assert set(form["properties"]["next_step"]["enum"]) == {"extend", "reassess", "revocation"}
    act(authority, inst, "decide_failed_assessment", {"next_step": "revocation", "reason": "无法整改。"}, status=422)
    act(authority, inst, "decide_failed_assessment", {"next_step": "extend", "reason": "延长。"}, status=422)
    every_step_cites_an_article(supervisor, inst)


def test_authority_starts_a_revocation_citing_the_ground_it_chooses(people: dict[str, Any], due: dict[str, Any]) -> None:
    supervisor, authority, inst = people["supervisor"], people["authority"], due["id"]
    decline_running_revocation(people, due["center_id"])
    failed(people, inst)
    act(authority, inst, "decide_failed_assessment",
        {"next_step": "revocation", "revocation_ground": "第三十一条(七)", "reason": "筹建目标明显无法实现。"})
    assert instance(supervisor, inst)["status"] == "completed"
    [started] = [e for e in events(supervisor, inst) if e["kind"] == "procedure_started"]
    assert started["article"] == "第三十一条(七)"
    revocation = instance(supervisor, started["payload"]["instance_id"])
    assert revocation["process_key"] == "nmg2025_revocation"
    assert revocation["data"]["ground"] == "第三十一条(七)" and "筹建期考核未通过" in revocation["data"]["facts"]
    assert ready(supervisor, revocation["id"]) == ["verify_grounds"]
    assert center(supervisor, due["center_id"])["status"] == "approved_for_preparation"  # the revocation decides
    every_step_cites_an_article(supervisor, inst)


def test_authority_extends_the_preparation_period(app: Flask, people: dict[str, Any], due: dict[str, Any]) -> None:
    supervisor, authority, inst = people["supervisor"], people["authority"], due["id"]
    failed(people, inst)
    act(authority, inst, "decide_failed_assessment",
        {"next_step": "extend", "extended_until": "2028-03-31", "reason": "中试线建设尚需半年。"})
    assert ready(supervisor, inst) == []
    assert center(supervisor, due["center_id"])["profile"]["preparation_extended_to"] == "2028-03-31"
    [timer] = [t for t in instance(supervisor, inst)["timers"] if t["element_id"] == "timer_preparation_end"]
    assert timer["due_at"].startswith("2028-03-31T15:59:59")  # end of the day 科技厅 set, China time
    [period] = [d for d in supervisor.get(f"/api/v1/centers/{due['center_id']}/deadlines").get_json()
                if d["kind"] == "preparation_end"]
    assert period["due"].startswith("2028-03-31") and period["configured"] is True and "延长" in period["note"]
    set_clock(supervisor, "2028-04-01T00:00:00+08:00")
    assert "submit_assessment" in ready(supervisor, inst)
    assert not [e for e in events(supervisor, inst) if e["kind"] == "procedure_started"]
    every_step_cites_an_article(supervisor, inst)


def test_authority_has_the_experts_assess_again(people: dict[str, Any], due: dict[str, Any]) -> None:
    supervisor, authority, inst = people["supervisor"], people["authority"], due["id"]
    failed(people, inst)
    act(authority, inst, "decide_failed_assessment", {"next_step": "reassess", "reason": "更换专家组重新考核。"})
    assert ready(supervisor, inst) == ["expert_assessment"]
    act(people["expert"], inst, "expert_assessment", {"conclusion": "pass", "opinion": "复核通过。"})
    act(authority, inst, "confirm_assessment",
        {"decision": "approve", "naming_field": "稀土新材料", "naming_field_en": "Rare Earth New Materials"})
    assert center(supervisor, due["center_id"])["status"] == "established"
    assert status_changes(supervisor, inst) == [("approved_for_preparation", "established", "第二十一条")]


@pytest.mark.parametrize("action", ["excused", "revocation_proposed"])
def test_no_application_by_the_configured_deadline_escalates_to_the_supervisor(
    people: dict[str, Any], due: dict[str, Any], action: str,
) -> None:
    """第二十条 sets no date for the application: the configured one (policy.yaml, 30 days after the period) escalates
    with the ground 第三十一条(二) 无故不参加考核评估, a revocation the supervisor may start."""
    supervisor, inst = people["supervisor"], due["id"]
    application = task(people["applicant"], inst, "submit_assessment")
    assert application["due_at"].startswith("2027-10-10T15:59:59")  # 2027-09-10 + 30 days, end of day China time
    timers = {t["element_id"]: t for t in instance(supervisor, inst)["timers"]}
    assert timers["timer_application_absent"]["due_at"] == application["due_at"]
    set_clock(supervisor, "2027-10-10T23:59:59+08:00")
    assert ready(supervisor, inst) == ["submit_assessment"]  # never early
    set_clock(supervisor, "2027-10-11T00:00:00+08:00")
    assert sorted(ready(supervisor, inst)) == ["handle_absence", "submit_assessment"]
    escalation = task(supervisor, inst, "handle_absence")
    assert (escalation["lane"], escalation["article"]) == ("supervisor", "第三十一条(二)")
    decline_running_revocation(people, due["center_id"])  # the clock jump over unreported years started one
    act(supervisor, inst, "handle_absence", {"action": action, "note": "牵头建设单位未说明理由。"})
    follow = [e for e in events(supervisor, inst) if e["kind"] == "procedure_started"]
    if action == "excused":
        assert not follow
    else:
        [proposed] = follow
        assert proposed["article"] == "第三十一条(二)"
        revocation = instance(supervisor, proposed["payload"]["instance_id"])
        assert revocation["process_key"] == "nmg2025_revocation" and revocation["data"]["ground"] == "第三十一条(二)"
    assert ready(supervisor, inst) == ["submit_assessment"]  # the application can still come; the revocation decides
    assert center(supervisor, due["center_id"])["status"] == "approved_for_preparation"
    every_step_cites_an_article(supervisor, inst)
