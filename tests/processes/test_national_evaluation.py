"""national_evaluation (第二十七至三十一条) through the API with the simulated clock: each grade, rectification
passed and failed, not taking part, withdrawal, the configured materials deadline, and 第三十一条 fraud."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.processes.national_support import MATERIALS, national_people
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
    status_changes,
    task,
)
from tests.processes.support import ready_elements as ready

REPORT = {"rectification_summary": "已补齐核心技术团队。", "measures": "新引进全职科研人员20名。"}


@pytest.fixture
def people(app: Flask, client: FlaskClient) -> dict[str, Any]:
    return national_people(app, client, "2029-06-02T09:00:00+08:00")


@pytest.fixture
def evaluation(people: dict[str, Any]) -> dict[str, Any]:
    """Center A (established 2026-06-01) at its first 3-year evaluation, commissioned by 科技部 on 2029-06-02."""
    started = start(people["authority"], "national_evaluation", people["centers"]["a"])
    assert started["business_key"].endswith(":cycle-1")
    commission = task(people["authority"], started["id"], "commission_evaluation")
    assert (commission["lane"], commission["article"]) == ("authority", "第二十七条")
    act(people["authority"], started["id"], "commission_evaluation",
        {"agency_name": "中国科学技术评估中心", "commission_documents": FILE})
    return {"id": started["id"], "center_id": people["centers"]["a"]}


def graded(people: dict[str, Any], inst: int, grade: str) -> None:
    body: dict[str, Any] = {"report": "graded", "grade": grade, "objective_findings": "客观数据齐全。", "opinion": f"{grade}。"}
    if grade == "较差":
        act(people["evaluator"], inst, "third_party_evaluation", body, status=422)  # 限期整改 needs requirements
        body["rectification_requirements"] = "一年内形成稳定的全职核心团队。"
    act(people["evaluator"], inst, "third_party_evaluation", body)
    act(people["authority"], inst, "confirm_result", {"decision": "approve"})


def participate(people: dict[str, Any], inst: int) -> None:
    act(people["applicant"], inst, "submit_evaluation_materials", {"participation": "participate"}, status=422)
    act(people["applicant"], inst, "submit_evaluation_materials", MATERIALS)


@pytest.mark.parametrize("grade", ["优秀", "良好"])
def test_excellent_and_good_enter_the_next_cycle(people: dict[str, Any], evaluation: dict[str, Any], grade: str) -> None:
    supervisor, inst = people["supervisor"], evaluation["id"]
    participate(people, inst)
    assessing = task(people["evaluator"], inst, "third_party_evaluation")
    assert (assessing["lane"], assessing["article"]) == ("evaluator", "第二十九条")  # the third-party agency
    graded(people, inst, grade)
    assert outcome(supervisor, inst) == "next_cycle"
    profile = center(supervisor, evaluation["center_id"])["profile"]
    assert (profile["last_evaluation_grade"], profile["admitted_cycle"], profile["last_evaluation_cycle"]) == (grade, 2, 1)
    assert status_changes(supervisor, inst) == []
    every_step_cites_an_article(supervisor, inst)


def poor(people: dict[str, Any], evaluation: dict[str, Any]) -> None:
    participate(people, evaluation["id"])
    graded(people, evaluation["id"], "较差")


def test_poor_means_rectification_within_the_configured_period(people: dict[str, Any], evaluation: dict[str, Any]) -> None:
    supervisor, inst = people["supervisor"], evaluation["id"]
    poor(people, evaluation)
    record = center(supervisor, evaluation["center_id"])
    assert record["status"] == "rectifying" and record["profile"]["rectification_started_at"] == "2029-06-02"
    report = task(people["applicant"], inst, "submit_rectification_report")
    assert report["due_at"].startswith("2030-06-02T15:59:59") and report["article"] == "第三十条"
    deadlines = supervisor.get(f"/api/v1/centers/{evaluation['center_id']}/deadlines").get_json()
    [end] = [d for d in deadlines if d["kind"] == "rectification_end"]
    assert (end["article"], end["configured"]) == ("第三十条", True)  # the text sets no length: configured
    [read] = [e for e in events(supervisor, inst) if e["element_id"] == "read_rectification_period"
              and e["kind"] == "element_completed"]
    assert read["article"] == "第三十条"


@pytest.mark.parametrize("conclusion", ["pass", "fail"])
def test_rectification_check_passes_or_removes_the_center(
    people: dict[str, Any], evaluation: dict[str, Any], conclusion: str,
) -> None:
    supervisor, inst = people["supervisor"], evaluation["id"]
    poor(people, evaluation)
    act(people["applicant"], inst, "submit_rectification_report", REPORT)
    check = task(people["evaluator"], inst, "rectification_check")
    assert check["article"] == "第三十条"
    act(people["evaluator"], inst, "rectification_check", {"conclusion": conclusion, "opinion": "检查意见。"})
    assert center(supervisor, evaluation["center_id"])["status"] == "rectifying"  # not before 科技部 confirms
    act(people["authority"], inst, "confirm_rectification_check", {"decision": "return"}, status=422)
    act(people["authority"], inst, "confirm_rectification_check", {"decision": "return", "comment": "请核实整改材料。"})
    assert ready(supervisor, inst) == ["rectification_check"]
    act(people["evaluator"], inst, "rectification_check", {"conclusion": conclusion, "opinion": "复核意见。"})
    act(people["authority"], inst, "confirm_rectification_check", {"decision": "approve"})
    record = center(supervisor, evaluation["center_id"])
    if conclusion == "pass":
        assert outcome(supervisor, inst) == "rectified"
        assert record["status"] == "established" and record["profile"]["admitted_cycle"] == 2
        assert status_changes(supervisor, inst) == [("established", "rectifying", "第三十条"),
                                                    ("rectifying", "established", "第三十条")]
    else:
        assert outcome(supervisor, inst) == "removed_failed_check"
        assert record["status"] == "revoked"
        assert record["profile"]["removed_from_sequence"]["ground"] == "整改检查未通过"
        assert status_changes(supervisor, inst) == [("established", "rectifying", "第三十条"),
                                                    ("rectifying", "revoked", "第三十条")]
    every_step_cites_an_article(supervisor, inst)


def test_rectification_period_ends_without_a_report_the_check_follows(
    people: dict[str, Any], evaluation: dict[str, Any],
) -> None:
    supervisor, inst = people["supervisor"], evaluation["id"]
    poor(people, evaluation)
    set_clock(supervisor, "2030-06-02T23:59:59+08:00")
    assert ready(supervisor, inst) == ["submit_rectification_report"]  # never early
    set_clock(supervisor, "2030-06-03T00:00:00+08:00")
    assert ready(supervisor, inst) == ["rectification_check"]
    fired = [(e["element_id"], e["article"]) for e in events(supervisor, inst) if e["kind"] == "timer_fired"]
    assert fired == [("timer_rectification_end", "第三十条")]


def test_declining_to_take_part_removes_the_center_and_ends_its_other_work(
    people: dict[str, Any], evaluation: dict[str, Any],
) -> None:
    supervisor, inst = people["supervisor"], evaluation["id"]
    report = start(people["authority"], "national_annual_report", evaluation["center_id"], {"report_year": 2028})
    act(people["applicant"], inst, "submit_evaluation_materials", {"participation": "decline"}, status=422)
    act(people["applicant"], inst, "submit_evaluation_materials", {"participation": "decline", "reason": "自愿退出。"})
    assert center(supervisor, evaluation["center_id"])["status"] == "established"  # 科技部 decides (第六条2)
    assert task(people["authority"], inst, "confirm_absence")["article"] == "第三十条"
    act(people["authority"], inst, "confirm_absence", {"decision": "remove", "comment": "中心书面确认不参加评估。"})
    assert outcome(supervisor, inst) == "removed_not_participating"
    assert center(supervisor, evaluation["center_id"])["status"] == "revoked"
    assert status_changes(supervisor, inst) == [("established", "revoked", "第三十条")]
    assert instance(supervisor, report["id"])["status"] == "terminated"  # the lifecycle ends the center's other work
    [ended] = [e for e in events(supervisor, report["id"]) if e["kind"] == "instance_terminated"]
    assert ended["article"] == "第三十条"
    refused = people["authority"].post("/api/v1/instances", json={"process_key": "national_major_change",
                                                                   "center_id": evaluation["center_id"]})
    assert refused.status_code == 409  # a removed center runs nothing
    every_step_cites_an_article(supervisor, inst)


def test_withdrawal_during_the_evaluation_removes_the_center_once_confirmed(
    people: dict[str, Any], evaluation: dict[str, Any],
) -> None:
    supervisor, inst = people["supervisor"], evaluation["id"]
    participate(people, inst)
    act(people["evaluator"], inst, "third_party_evaluation", {"report": "withdrew", "opinion": "中心书面申请退出。"},
        status=422)  # the center's written withdrawal is attached
    act(people["evaluator"], inst, "third_party_evaluation",
        {"report": "withdrew", "opinion": "中心书面申请退出。", "withdrawal_documents": FILE})
    assert center(supervisor, evaluation["center_id"])["status"] == "established"
    act(people["authority"], inst, "confirm_result", {"decision": "approve"})
    assert outcome(supervisor, inst) == "removed_withdrew"
    record = center(supervisor, evaluation["center_id"])
    assert record["status"] == "revoked" and record["profile"]["removed_from_sequence"]["ground"] == "中途退出评估"
    assert status_changes(supervisor, inst) == [("established", "revoked", "第三十条")]
    notes = [e["payload"]["role"] for e in events(supervisor, inst) if e["kind"] == "notification"]
    assert notes == ["applicant", "applicant"]  # the call to take part, the removal
    every_step_cites_an_article(supervisor, inst)


@pytest.mark.parametrize("decision", ["remove", "extend"])
def test_materials_missing_at_the_configured_deadline(
    people: dict[str, Any], evaluation: dict[str, Any], decision: str,
) -> None:
    supervisor, authority, inst = people["supervisor"], people["authority"], evaluation["id"]
    materials = task(people["applicant"], inst, "submit_evaluation_materials")
    assert materials["due_at"].startswith("2029-07-02T15:59:59")  # 2029-06-02 + 30 days (configured)
    set_clock(supervisor, "2029-07-02T23:59:59+08:00")
    assert ready(supervisor, inst) == ["submit_evaluation_materials"]
    set_clock(supervisor, "2029-07-03T00:00:00+08:00")
    assert ready(supervisor, inst) == ["confirm_absence"]
    absence = task(authority, inst, "confirm_absence")
    form = authority.get(f"/api/v1/tasks/{absence['id']}").get_json()["form"]
    assert "配置值" in form["description"] and absence["article"] == "第三十条"
    if decision == "remove":
        act(authority, inst, "confirm_absence", {"decision": "remove", "comment": "经核实，无故未提交。"})
        assert outcome(supervisor, inst) == "removed_not_participating"
        assert center(supervisor, evaluation["center_id"])["status"] == "revoked"
    else:
        act(authority, inst, "confirm_absence", {"decision": "extend", "comment": "因故延迟。"}, status=422)
        act(authority, inst, "confirm_absence", {"decision": "extend", "comment": "因故延迟。", "extended_to": "2029-07-20"})
        again = task(people["applicant"], inst, "submit_evaluation_materials")
        assert again["due_at"].startswith("2029-07-20T15:59:59")
        participate(people, inst)
        assert ready(supervisor, inst) == ["third_party_evaluation"]
    every_step_cites_an_article(supervisor, inst)


@pytest.mark.parametrize("reporter", ["evaluator", "authority"])
def test_fraud_is_handled_under_the_applicable_rules_then_evaluated_on_verified_data(
    people: dict[str, Any], evaluation: dict[str, Any], reporter: str,
) -> None:
    supervisor, authority, inst = people["supervisor"], people["authority"], evaluation["id"]
    participate(people, inst)
    if reporter == "evaluator":
        act(people["evaluator"], inst, "third_party_evaluation",
            {"report": "integrity_issue", "opinion": "数据存疑。", "integrity_findings": "专利数据重复计算。"})
    else:
        act(people["evaluator"], inst, "third_party_evaluation",
            {"report": "graded", "grade": "优秀", "objective_findings": "数据齐全。", "opinion": "优秀。"})
        act(authority, inst, "confirm_result", {"decision": "integrity_issue"}, status=422)
        act(authority, inst, "confirm_result", {"decision": "integrity_issue", "comment": "评估机构收受影响评估的好处。"})
    handling = task(authority, inst, "handle_integrity_issue")
    assert handling["article"] == "第三十一条"
    act(authority, inst, "handle_integrity_issue",
        {"findings": "经核实存在重复计算。", "parties": ["center"], "rules_applied": "科研失信行为调查处理规则",
         "measures": "通报批评，剔除不实数据。"})
    assert ready(supervisor, inst) == ["third_party_evaluation"]
    assert center(supervisor, evaluation["center_id"])["status"] == "established"  # not a removal ground
    graded(people, inst, "良好")
    assert outcome(supervisor, inst) == "next_cycle"
    every_step_cites_an_article(supervisor, inst)


def test_the_authority_returns_a_grade_for_review(people: dict[str, Any], evaluation: dict[str, Any]) -> None:
    supervisor, inst = people["supervisor"], evaluation["id"]
    participate(people, inst)
    act(people["evaluator"], inst, "third_party_evaluation",
        {"report": "graded", "grade": "较差", "objective_findings": "x", "opinion": "较差。",
         "rectification_requirements": "整改。"})
    act(people["authority"], inst, "confirm_result", {"decision": "return", "comment": "客观数据与年度报告不一致。"})
    assert ready(supervisor, inst) == ["third_party_evaluation"]
    assert center(supervisor, evaluation["center_id"])["status"] == "established"


def test_scheduler_starts_the_evaluation_when_the_cycle_has_run_out(app: Flask, people: dict[str, Any]) -> None:
    supervisor, center_id = people["supervisor"], people["centers"]["a"]
    rewind_clock(app, "2029-05-31T09:00:00+08:00")
    set_clock(supervisor, "2029-06-01T23:59:59+08:00")
    rows = supervisor.get(f"/api/v1/instances?center_id={center_id}").get_json()
    assert not [r for r in rows if r["process_key"] == "national_evaluation"]
    set_clock(supervisor, "2029-06-02T00:00:00+08:00")
    rows = supervisor.get(f"/api/v1/instances?center_id={center_id}").get_json()
    [started] = [r for r in rows if r["process_key"] == "national_evaluation"]
    assert started["started_by"] == "system"
    assert instance(supervisor, started["id"])["ready_tasks"][0]["element_id"] == "commission_evaluation"
