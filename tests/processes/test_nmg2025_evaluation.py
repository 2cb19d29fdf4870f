"""nmg2025 periodic evaluation, rectification and disqualification (第三十二至三十四条) through the API."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.processes.support import (
    FILE,
    act,
    center,
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

MATERIALS = {
    "organisation_management": "理事会每年召开两次，主任负责制运行顺畅。",
    "safeguards": "组织单位每年投入运行经费800万元。",
    "research_outputs": "承担自治区重大专项4项，授权发明专利40件。",
    "social_services": "为行业企业提供检测服务300余次。",
    "evaluation_documents": FILE,
}
REPORT = {"rectification_summary": "已补齐专职科研人员并完善财务内控制度。", "measures": "新引进科研人员12名，修订财务制度3项。"}


def grade(value: str) -> dict[str, Any]:
    data = {"grade": value, "opinion": f"综合评价为{value}。"}
    if value == "不合格":
        data["rectification_requirements"] = "一年内补齐专职科研人员，健全财务内控制度。"
    return data


def confirm(people: dict[str, Any], inst: int, element: str = "confirm_grade") -> None:
    """第三十二条: 科技厅 confirms the experts' grade before its consequence applies."""
    act(people["authority"], inst, element, {"decision": "approve"})


@pytest.fixture
def evaluation(app: Flask, people: dict[str, Any]) -> dict[str, Any]:
    """Center A (established 2026-06-01) at its first 3-year evaluation; materials submitted."""
    rewind_clock(app, "2029-06-02T09:00:00+08:00")
    started = start(people["authority"], "nmg2025_evaluation", people["centers"]["a"])
    assert started["ready_tasks"][0]["element_id"] == "submit_evaluation_materials"
    act(people["applicant"], started["id"], "submit_evaluation_materials", MATERIALS)
    return {"id": started["id"], "center_id": people["centers"]["a"]}


@pytest.mark.parametrize("value", ["优秀", "合格"])
def test_pass_grades_enter_the_next_cycle(people: dict[str, Any], evaluation: dict[str, Any], value: str) -> None:
    supervisor, inst = people["supervisor"], evaluation["id"]
    graded = task(people["expert"], inst, "expert_evaluation")
    assert (graded["lane"], graded["article"]) == ("expert", "第三十四条")
    act(people["expert"], inst, "expert_evaluation", grade(value))
    confirm(people, inst)
    assert instance(supervisor, inst)["status"] == "completed"
    record = center(supervisor, evaluation["center_id"])
    assert record["status"] == "established"
    assert record["profile"]["last_evaluation_grade"] == value
    assert record["profile"]["last_evaluation_date"] == "2029-06-02"
    assert status_changes(supervisor, inst) == []
    assert [e["article"] for e in events(supervisor, inst) if e["kind"] == "center_updated"] == ["第三十四条"]
    every_step_cites_an_article(supervisor, inst)


def fail_first_evaluation(people: dict[str, Any], inst: int) -> None:
    act(people["expert"], inst, "expert_evaluation", {"grade": "不合格", "opinion": "未达标。"}, status=422)
    act(people["expert"], inst, "expert_evaluation", grade("不合格"))
    confirm(people, inst)


def test_fail_starts_one_year_rectification_then_passes(people: dict[str, Any], evaluation: dict[str, Any]) -> None:
    supervisor, inst = people["supervisor"], evaluation["id"]
    fail_first_evaluation(people, inst)
    record = center(supervisor, evaluation["center_id"])
    assert record["status"] == "rectifying"
    assert record["profile"]["rectification_started_at"] == "2029-06-02"
    report = task(people["applicant"], inst, "submit_rectification_report")
    assert report["due_at"].startswith("2030-06-02T15:59:59") and report["article"] == "第三十四条"
    [timer] = instance(supervisor, inst)["timers"]
    assert timer["element_id"] == "timer_rectification_end" and timer["due_at"] == report["due_at"]
    deadlines = supervisor.get(f"/api/v1/centers/{evaluation['center_id']}/deadlines").get_json()
    [end] = [d for d in deadlines if d["kind"] == "rectification_end"]  # read from profile.rectification_started_at
    assert (end["due"], end["article"]) == ("2030-06-02T23:59:59+08:00", "第三十四条")
    act(people["applicant"], inst, "submit_rectification_report", REPORT)
    assert instance(supervisor, inst)["timers"] == []
    act(people["expert"], inst, "re_evaluation", grade("合格"))
    confirm(people, inst, "confirm_re_grade")
    assert center(supervisor, evaluation["center_id"])["status"] == "established"
    assert status_changes(supervisor, inst) == [
        ("established", "rectifying", "第三十四条"), ("rectifying", "established", "第三十四条"),
    ]
    every_step_cites_an_article(supervisor, inst)


def test_fail_again_after_rectification_disqualifies(people: dict[str, Any], evaluation: dict[str, Any]) -> None:
    supervisor, inst = people["supervisor"], evaluation["id"]
    fail_first_evaluation(people, inst)
    act(people["applicant"], inst, "submit_rectification_report", REPORT)
    act(people["expert"], inst, "re_evaluation", grade("不合格"))
    confirm(people, inst, "confirm_re_grade")
    assert instance(supervisor, inst)["status"] == "completed"
    assert center(supervisor, evaluation["center_id"])["status"] == "revoked"
    assert status_changes(supervisor, inst) == [
        ("established", "rectifying", "第三十四条"), ("rectifying", "revoked", "第三十四条"),
    ]
    notes = [e for e in events(supervisor, inst) if e["kind"] == "notification"]
    assert [n["payload"]["role"] for n in notes] == ["applicant", "applicant"]  # materials call, disqualification
    every_step_cites_an_article(supervisor, inst)


def test_re_evaluation_when_the_year_ends_without_a_report(people: dict[str, Any], evaluation: dict[str, Any]) -> None:
    supervisor, inst = people["supervisor"], evaluation["id"]
    fail_first_evaluation(people, inst)
    set_clock(supervisor, "2030-06-02T23:59:59+08:00")
    assert ready(supervisor, inst) == ["submit_rectification_report"]  # never early
    set_clock(supervisor, "2030-06-03T00:00:00+08:00")
    assert ready(supervisor, inst) == ["re_evaluation"]
    fired = [e for e in events(supervisor, inst) if e["kind"] == "timer_fired"]
    assert [(e["element_id"], e["article"]) for e in fired] == [("timer_rectification_end", "第三十四条")]
    act(people["expert"], inst, "re_evaluation", grade("优秀"))
    confirm(people, inst, "confirm_re_grade")
    assert center(supervisor, evaluation["center_id"])["status"] == "established"


def test_the_grade_applies_only_once_the_authority_confirms_it(
    people: dict[str, Any], evaluation: dict[str, Any],
) -> None:
    """第三十二条: 科技厅 confirms (or returns for review) the experts' grade before 第三十四条 applies it."""
    supervisor, authority, inst = people["supervisor"], people["authority"], evaluation["id"]
    act(people["expert"], inst, "expert_evaluation", grade("不合格"))
    confirming = task(authority, inst, "confirm_grade")
    assert (confirming["lane"], confirming["article"]) == ("authority", "第三十二条")
    assert center(supervisor, evaluation["center_id"])["status"] == "established"  # no consequence yet
    assert status_changes(supervisor, inst) == []
    act(authority, inst, "confirm_grade", {"decision": "return"}, status=422)  # a return names its doubt
    act(authority, inst, "confirm_grade", {"decision": "return", "comment": "科研产出数据与年度报告不一致，请复核。"})
    assert ready(supervisor, inst) == ["expert_evaluation"]
    act(people["expert"], inst, "expert_evaluation", grade("合格"))
    assert center(supervisor, evaluation["center_id"])["status"] == "established"
    confirm(people, inst)
    assert instance(supervisor, inst)["status"] == "completed"
    assert center(supervisor, evaluation["center_id"])["profile"]["last_evaluation_grade"] == "合格"
    assert status_changes(supervisor, inst) == []
    every_step_cites_an_article(supervisor, inst)


def test_a_failed_re_evaluation_disqualifies_only_once_confirmed(
    people: dict[str, Any], evaluation: dict[str, Any],
) -> None:
    supervisor, inst = people["supervisor"], evaluation["id"]
    fail_first_evaluation(people, inst)
    act(people["applicant"], inst, "submit_rectification_report", REPORT)
    act(people["expert"], inst, "re_evaluation", grade("不合格"))
    assert task(people["authority"], inst, "confirm_re_grade")["article"] == "第三十二条"
    assert center(supervisor, evaluation["center_id"])["status"] == "rectifying"  # not yet disqualified
    act(people["authority"], inst, "confirm_re_grade", {"decision": "return", "comment": "整改材料未纳入评价，请复核。"})
    assert ready(supervisor, inst) == ["re_evaluation"]


@pytest.fixture
def waiting(app: Flask, people: dict[str, Any]) -> dict[str, Any]:
    """Center A's evaluation started 2029-06-02; no materials submitted yet."""
    rewind_clock(app, "2029-06-02T09:00:00+08:00")
    started = start(people["authority"], "nmg2025_evaluation", people["centers"]["a"])
    return {"id": started["id"], "center_id": people["centers"]["a"]}


@pytest.mark.parametrize("action", ["urged", "revocation_proposed"])
def test_materials_not_submitted_by_the_configured_deadline_escalate_to_the_supervisor(
    people: dict[str, Any], waiting: dict[str, Any], action: str,
) -> None:
    """第三十一条(二) 无故不参加考核评估: the text sets no date; the configured one (policy.yaml, 30 days) escalates."""
    supervisor, inst = people["supervisor"], waiting["id"]
    materials = task(people["applicant"], inst, "submit_evaluation_materials")
    assert materials["due_at"].startswith("2029-07-02T15:59:59")  # 2029-06-02 + 30 days, end of day China time
    [computed] = [e for e in events(supervisor, inst)
                  if e["kind"] == "element_completed" and e["element_id"] == "compute_materials_deadline"]
    assert computed["article"] == "第三十一条(二)"
    timers = {t["element_id"]: t for t in instance(supervisor, inst)["timers"]}
    assert timers["timer_materials_absent"]["due_at"] == materials["due_at"]
    set_clock(supervisor, "2029-07-02T23:59:59+08:00")
    assert ready(supervisor, inst) == ["submit_evaluation_materials"]  # never early
    set_clock(supervisor, "2029-07-03T00:00:00+08:00")
    assert sorted(ready(supervisor, inst)) == ["handle_absence", "submit_evaluation_materials"]
    escalation = task(supervisor, inst, "handle_absence")
    assert (escalation["lane"], escalation["article"]) == ("supervisor", "第三十一条(二)")
    form = supervisor.get(f"/api/v1/tasks/{escalation['id']}").get_json()["form"]
    assert "无故不参加考核评估" in form["description"] and "配置值" in form["description"]
    [note] = [e for e in events(supervisor, inst) if e["kind"] == "notification" and e["payload"]["role"] == "supervisor"]
    assert note["payload"]["recipients"] == [supervisor.username]
    decline_running_revocation(people, waiting["center_id"])  # the clock jump over unreported years started one
    act(supervisor, inst, "handle_absence", {"action": action, "note": "经督促仍未提交，无正当理由。"})
    follow = [e for e in events(supervisor, inst) if e["kind"] == "procedure_started"]
    if action == "urged":
        assert not follow
        act(people["applicant"], inst, "submit_evaluation_materials", MATERIALS)  # late, the evaluation goes on
        assert ready(supervisor, inst) == ["expert_evaluation"]
    else:
        [proposed] = follow
        assert proposed["article"] == "第三十一条(二)"
        revocation = instance(supervisor, proposed["payload"]["instance_id"])
        assert revocation["process_key"] == "nmg2025_revocation"
        assert revocation["data"]["ground"] == "第三十一条(二)"
        assert ready(supervisor, revocation["id"]) == ["verify_grounds"]
        assert ready(supervisor, inst) == ["submit_evaluation_materials"]  # the revocation decides, not the timer
    assert center(supervisor, waiting["center_id"])["status"] == "established"
    every_step_cites_an_article(supervisor, inst)
