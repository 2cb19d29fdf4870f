"""xpcc performance evaluation (第二十一至二十五条) through the API with the simulated clock."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.processes.support import (
    FILE,
    act,
    center,
    events,
    instance,
    result,
    set_clock,
    start,
    status_changes,
    task,
)
from tests.processes.support import ready_elements as ready
from tests.processes.xpcc_support import every_element_cites_its_article, messages, xpcc_people

MATERIALS = {
    "participation": "submit", "major_tasks": "承担兵团重大科技专项3项。", "key_technologies": "突破采棉机关键部件5项。",
    "industry_leadership": "制定行业标准2项。", "innovation_services": "服务企业120家次。",
    "enterprise_incubation": "孵化科技型企业4家。", "objective_data": FILE,
}
WITHDRAWAL = {"participation": "withdraw", "withdrawal_reason": "牵头企业战略调整。", "withdrawal_letter": FILE}
REPORT = {"rectification_summary": "补齐研发团队。", "measures": "新增研发投入500万元。"}


def grade(value: str) -> dict[str, Any]:
    data = {"evaluation_outcome": "graded", "grade": value, "opinion": f"综合评价为{value}。", "evaluation_report": FILE}
    if value == "较差":
        data["rectification_requirements"] = "一年内完成关键技术攻关任务。"
    return data


@pytest.fixture
def people(app: Flask, client: FlaskClient) -> dict[str, Any]:
    """Centers A and B approved 2026-06-01; the first 3-year cycle ran out at the end of 2029-06-01."""
    return xpcc_people(app, client, datetime.fromisoformat("2029-06-02T09:00:00+08:00"))


@pytest.fixture
def waiting(people: dict[str, Any]) -> dict[str, Any]:
    started = start(people["authority"], "xpcc_evaluation", people["centers"]["a"])
    assert [t["element_id"] for t in started["ready_tasks"]] == ["submit_evaluation_materials"]
    return {"id": started["id"], "center_id": people["centers"]["a"]}


@pytest.fixture
def graded(people: dict[str, Any], waiting: dict[str, Any]) -> dict[str, Any]:
    act(people["applicant"], waiting["id"], "submit_evaluation_materials", MATERIALS)
    return waiting


def confirm(people: dict[str, Any], inst: int, element: str = "confirm_grade", **extra: Any) -> None:
    act(people["authority"], inst, element, {"decision": "approve", **extra})


def fail_and_rectify(people: dict[str, Any], inst: int) -> None:
    act(people["evaluator"], inst, "evaluate_center", {**grade("较差"), "rectification_requirements": ""}, status=422)
    act(people["evaluator"], inst, "evaluate_center", grade("较差"))
    confirm(people, inst)


@pytest.mark.parametrize("value", ["优秀", "良好"])
def test_excellent_and_good_enter_the_next_cycle(people: dict[str, Any], graded: dict[str, Any], value: str) -> None:
    supervisor, inst = people["supervisor"], graded["id"]
    evaluating = task(people["evaluator"], inst, "evaluate_center")
    assert (evaluating["lane"], evaluating["article"]) == ("evaluator", "第二十三条")  # 第二十一条 third-party agency
    act(people["evaluator"], inst, "evaluate_center", grade(value))
    assert task(people["authority"], inst, "confirm_grade")["article"] == "第二十四条"
    confirm(people, inst)
    assert instance(supervisor, inst)["status"] == "completed" and result(supervisor, inst)["outcome"] == "next_cycle"
    record = center(supervisor, graded["center_id"])
    assert record["status"] == "established"
    assert (record["profile"]["last_evaluation_grade"], record["profile"]["last_evaluation_cycle"]) == (value, 1)
    assert status_changes(supervisor, inst) == []
    every_element_cites_its_article(supervisor, inst)


def test_poor_means_one_year_of_rectification_then_a_passed_recheck(
    people: dict[str, Any], graded: dict[str, Any],
) -> None:
    supervisor, inst = people["supervisor"], graded["id"]
    fail_and_rectify(people, inst)
    record = center(supervisor, graded["center_id"])
    assert record["status"] == "rectifying" and record["profile"]["rectification_started_at"] == "2029-06-02"
    report = task(people["applicant"], inst, "submit_rectification_report")
    assert report["due_at"].startswith("2030-06-02T15:59:59") and report["article"] == "第二十四条"
    [end] = [d for d in supervisor.get(f"/api/v1/centers/{graded['center_id']}/deadlines").get_json()
             if d["kind"] == "rectification_end"]
    assert (end["due"], end["article"], end["configured"]) == ("2030-06-02T23:59:59+08:00", "第二十四条", False)
    act(people["applicant"], inst, "submit_rectification_report", REPORT)
    checking = task(people["evaluator"], inst, "recheck")
    assert (checking["lane"], checking["article"]) == ("evaluator", "第二十四条")
    act(people["evaluator"], inst, "recheck", {"recheck_result": "passed", "opinion": "整改到位。"})
    confirm(people, inst, "confirm_recheck")
    assert center(supervisor, graded["center_id"])["status"] == "established"
    assert result(supervisor, inst)["outcome"] == "rectified"
    assert status_changes(supervisor, inst) == [("established", "rectifying", "第二十四条"),
                                                ("rectifying", "established", "第二十四条")]
    every_element_cites_its_article(supervisor, inst)


def test_a_failed_recheck_removes_the_center(people: dict[str, Any], graded: dict[str, Any]) -> None:
    supervisor, inst = people["supervisor"], graded["id"]
    fail_and_rectify(people, inst)
    act(people["applicant"], inst, "submit_rectification_report", REPORT)
    act(people["evaluator"], inst, "recheck", {"recheck_result": "failed", "opinion": "未完成整改。"})
    assert center(supervisor, graded["center_id"])["status"] == "rectifying"  # not before 兵团科技局 confirms
    act(people["authority"], inst, "confirm_recheck", {"decision": "return", "comment": "请补充现场核查。"})
    act(people["evaluator"], inst, "recheck", {"recheck_result": "failed", "opinion": "现场核查仍未完成整改。"})
    confirm(people, inst, "confirm_recheck")
    assert center(supervisor, graded["center_id"])["status"] == "revoked"
    assert result(supervisor, inst)["outcome"] == "recheck_failed"
    assert status_changes(supervisor, inst) == [("established", "rectifying", "第二十四条"),
                                                ("rectifying", "revoked", "第二十四条")]
    assert any("整改检查未通过" in m and "第二十四条" in m for m in messages(people["applicant"], inst))
    every_element_cites_its_article(supervisor, inst)


def test_the_recheck_happens_when_the_year_ends_without_a_report(people: dict[str, Any], graded: dict[str, Any]) -> None:
    supervisor, inst = people["supervisor"], graded["id"]
    fail_and_rectify(people, inst)
    set_clock(supervisor, "2030-06-02T23:59:59+08:00")
    assert ready(supervisor, inst) == ["submit_rectification_report"]  # never early
    set_clock(supervisor, "2030-06-03T00:00:00+08:00")
    assert ready(supervisor, inst) == ["recheck"]
    fired = [e for e in events(supervisor, inst) if e["kind"] == "timer_fired"]
    assert [(e["element_id"], e["article"]) for e in fired] == [("timer_rectification_end", "第二十四条")]


def test_the_grade_applies_only_once_confirmed(people: dict[str, Any], graded: dict[str, Any]) -> None:
    supervisor, inst = people["supervisor"], graded["id"]
    act(people["evaluator"], inst, "evaluate_center", grade("较差"))
    assert center(supervisor, graded["center_id"])["status"] == "established"
    act(people["authority"], inst, "confirm_grade", {"decision": "return"}, status=422)
    act(people["authority"], inst, "confirm_grade", {"decision": "return", "comment": "客观数据与年度报告不一致。"})
    assert ready(supervisor, inst) == ["evaluate_center"]
    act(people["evaluator"], inst, "evaluate_center", grade("良好"))
    confirm(people, inst)
    assert status_changes(supervisor, inst) == []


# ---- 第二十四条: not taking part, withdrawing ---------------------------------------------------------------


def test_no_materials_by_the_configured_date_and_confirmed_absence_removes_the_center(
    people: dict[str, Any], waiting: dict[str, Any],
) -> None:
    supervisor, inst = people["supervisor"], waiting["id"]
    materials = task(people["applicant"], inst, "submit_evaluation_materials")
    assert materials["due_at"].startswith("2029-07-02T15:59:59")  # 2029-06-02 + 30 configured days
    [computed] = [e for e in events(supervisor, inst) if e["element_id"] == "compute_materials_deadline"
                  and e["kind"] == "element_completed"]
    assert computed["article"] == "第二十四条"
    [note] = messages(people["applicant"], inst)
    assert "配置值" in note and "2029-07-02" in note
    set_clock(supervisor, "2029-07-02T23:59:59+08:00")
    assert ready(supervisor, inst) == ["submit_evaluation_materials"]  # never early
    set_clock(supervisor, "2029-07-03T00:00:00+08:00")
    assert ready(supervisor, inst) == ["confirm_absence"]
    confirming = task(people["authority"], inst, "confirm_absence")
    form = people["authority"].get(f"/api/v1/tasks/{confirming['id']}").get_json()["form"]
    assert "配置值" in form["description"] and "不参加评估" in form["description"]
    act(people["authority"], inst, "confirm_absence", {"decision": "delist", "comment": "经核实未参加评估。"})
    assert center(supervisor, waiting["center_id"])["status"] == "revoked"
    assert result(supervisor, inst)["outcome"] == "absent"
    assert status_changes(supervisor, inst) == [("established", "revoked", "第二十四条")]
    every_element_cites_its_article(supervisor, inst)


def test_the_authority_may_set_a_later_date(people: dict[str, Any], waiting: dict[str, Any]) -> None:
    supervisor, inst = people["supervisor"], waiting["id"]
    set_clock(supervisor, "2029-07-03T00:00:00+08:00")
    act(people["authority"], inst, "confirm_absence", {"decision": "extend", "comment": "因疫情延期。"}, status=422)
    act(people["authority"], inst, "confirm_absence",
        {"decision": "extend", "new_deadline": "2029-07-20", "comment": "因汛期延期。"})
    materials = task(people["applicant"], inst, "submit_evaluation_materials")
    assert materials["due_at"].startswith("2029-07-20T15:59:59")
    [timer] = instance(supervisor, inst)["timers"]
    assert timer["due_at"] == materials["due_at"]
    act(people["applicant"], inst, "submit_evaluation_materials", MATERIALS)
    assert ready(supervisor, inst) == ["evaluate_center"]
    assert center(supervisor, waiting["center_id"])["status"] == "established"


def test_withdrawing_removes_the_center_once_confirmed(people: dict[str, Any], waiting: dict[str, Any]) -> None:
    supervisor, inst = people["supervisor"], waiting["id"]
    act(people["applicant"], inst, "submit_evaluation_materials", {"participation": "withdraw"}, status=422)
    act(people["applicant"], inst, "submit_evaluation_materials", WITHDRAWAL)
    assert task(people["authority"], inst, "confirm_withdrawal")["article"] == "第二十四条"
    act(people["authority"], inst, "confirm_withdrawal", {"decision": "return", "comment": "申请未经牵头单位盖章。"})
    assert ready(supervisor, inst) == ["submit_evaluation_materials"]
    act(people["applicant"], inst, "submit_evaluation_materials", WITHDRAWAL)
    act(people["authority"], inst, "confirm_withdrawal", {"decision": "confirm", "comment": "确认中途退出评估。"})
    assert center(supervisor, waiting["center_id"])["status"] == "revoked"
    assert result(supervisor, inst)["outcome"] == "withdrew"
    assert status_changes(supervisor, inst) == [("established", "revoked", "第二十四条")]
    every_element_cites_its_article(supervisor, inst)


@pytest.mark.parametrize("decision", ["confirm", "return"])
def test_a_withdrawal_reported_by_the_agency_during_the_evaluation(
    people: dict[str, Any], graded: dict[str, Any], decision: str,
) -> None:
    """第二十四条 中途退出评估: the center stops taking part after its materials; the agency reports it."""
    supervisor, inst = people["supervisor"], graded["id"]
    act(people["evaluator"], inst, "evaluate_center", {"evaluation_outcome": "graded", "opinion": "未给出结果。"},
        status=422)  # a grade and the report are needed
    act(people["evaluator"], inst, "evaluate_center",
        {"evaluation_outcome": "center_withdrew", "opinion": "中心书面通知退出评估，拒绝提供现场核查。"})
    act(people["authority"], inst, "confirm_withdrawal", {"decision": decision, "comment": "核实。"})
    if decision == "confirm":
        assert center(supervisor, graded["center_id"])["status"] == "revoked"
        assert result(supervisor, inst)["outcome"] == "withdrew"
        assert status_changes(supervisor, inst) == [("established", "revoked", "第二十四条")]
    else:
        assert ready(supervisor, inst) == ["evaluate_center"]  # back to the agency, not to the materials
    every_element_cites_its_article(supervisor, inst)


# ---- 第二十五条: fraud -------------------------------------------------------------------------------------------

CASE = {"facts": "评估材料中的专利数据系伪造。", "regulation": "《兵团科研诚信案件调查处理办法》", "evidence": FILE}


@pytest.mark.parametrize("outcome", ["re_evaluate", "grade_stands", "revoke"])
def test_fraud_found_at_confirmation(people: dict[str, Any], graded: dict[str, Any], outcome: str) -> None:
    supervisor, authority, inst = people["supervisor"], people["authority"], graded["id"]
    act(people["evaluator"], inst, "evaluate_center", grade("良好"))
    act(authority, inst, "confirm_grade", {"decision": "integrity_case", "comment": "发现数据造假线索。"})
    case = task(authority, inst, "handle_integrity_case")
    assert (case["lane"], case["article"]) == ("authority", "第二十五条")
    act(authority, inst, "handle_integrity_case", {**CASE, "integrity_outcome": outcome})
    record = center(supervisor, graded["center_id"])
    if outcome == "re_evaluate":
        assert ready(supervisor, inst) == ["evaluate_center"] and record["status"] == "established"
    elif outcome == "grade_stands":
        assert result(supervisor, inst)["outcome"] == "next_cycle" and record["status"] == "established"
    else:
        assert record["status"] == "revoked" and result(supervisor, inst)["outcome"] == "integrity_revoked"
        assert status_changes(supervisor, inst) == [("established", "revoked", "第二十五条")]
        assert any(CASE["regulation"] in m and "第二十五条" in m for m in messages(people["applicant"], inst))
    every_element_cites_its_article(supervisor, inst)


def test_fraud_found_at_the_recheck(people: dict[str, Any], graded: dict[str, Any]) -> None:
    supervisor, authority, inst = people["supervisor"], people["authority"], graded["id"]
    fail_and_rectify(people, inst)
    act(people["applicant"], inst, "submit_rectification_report", REPORT)
    act(people["evaluator"], inst, "recheck", {"recheck_result": "passed", "opinion": "整改到位。"})
    act(authority, inst, "confirm_recheck", {"decision": "integrity_case", "comment": "整改材料造假。"})
    act(authority, inst, "handle_integrity_recheck", {**CASE, "integrity_outcome": "re_evaluate"})
    assert ready(supervisor, inst) == ["recheck"]
    act(people["evaluator"], inst, "recheck", {"recheck_result": "passed", "opinion": "复查属实。"})
    act(authority, inst, "confirm_recheck", {"decision": "integrity_case", "comment": "仍有造假。"})
    act(authority, inst, "handle_integrity_recheck", {**CASE, "integrity_outcome": "revoke"})
    assert status_changes(supervisor, inst) == [("established", "rectifying", "第二十四条"),
                                                ("rectifying", "revoked", "第二十五条")]


def test_grade_stands_after_a_recheck_case_applies_the_recheck(people: dict[str, Any], graded: dict[str, Any]) -> None:
    supervisor, authority, inst = people["supervisor"], people["authority"], graded["id"]
    fail_and_rectify(people, inst)
    act(people["applicant"], inst, "submit_rectification_report", REPORT)
    act(people["evaluator"], inst, "recheck", {"recheck_result": "passed", "opinion": "整改到位。"})
    act(authority, inst, "confirm_recheck", {"decision": "integrity_case", "comment": "个别专家受到干扰。"})
    act(authority, inst, "handle_integrity_recheck", {**CASE, "integrity_outcome": "grade_stands"})
    assert center(supervisor, graded["center_id"])["status"] == "established"


# ---- the scheduler starts each cycle ------------------------------------------------------------------------


def test_the_scheduler_starts_the_cycle_once_it_has_run_out(app: Flask, client: FlaskClient) -> None:
    people = xpcc_people(app, client, datetime.fromisoformat("2029-06-01T09:00:00+08:00"))
    supervisor = people["supervisor"]
    set_clock(supervisor, "2029-06-01T23:59:59+08:00")
    key = "xpcc_evaluation"
    assert [i for i in supervisor.get("/api/v1/instances").get_json() if i["process_key"] == key] == []
    set_clock(supervisor, "2029-06-02T00:00:01+08:00")  # 3 years from approval 2026-06-01 (第二十三条)
    started = [i for i in supervisor.get("/api/v1/instances").get_json() if i["process_key"] == key]
    assert sorted(i["center_id"] for i in started) == sorted(people["centers"].values())
    assert all(instance(supervisor, i["id"])["data"]["cycle"] == 1 for i in started)
    set_clock(supervisor, "2029-06-03T00:00:00+08:00")
    assert len([i for i in supervisor.get("/api/v1/instances").get_json() if i["process_key"] == key]) == 2  # once


def test_after_a_good_grade_the_scheduler_starts_the_next_cycle_three_years_on(
    people: dict[str, Any], graded: dict[str, Any],
) -> None:
    """第二十三条 三年为一个周期, counted from the approval date (2026-06-01): cycle 2 closes at the end of 2032-06-01."""
    supervisor, inst = people["supervisor"], graded["id"]
    act(people["evaluator"], inst, "evaluate_center", grade("良好"))
    confirm(people, inst)
    [due] = [d for d in supervisor.get(f"/api/v1/centers/{graded['center_id']}/deadlines").get_json()
             if d["kind"] == "evaluation"]
    assert (due["due"], due["article"]) == ("2032-06-01T23:59:59+08:00", "第二十三条")
    set_clock(supervisor, "2032-06-02T00:00:01+08:00")
    cycles = sorted(instance(supervisor, i["id"])["data"]["cycle"]
                    for i in supervisor.get(f"/api/v1/instances?center_id={graded['center_id']}").get_json()
                    if i["process_key"] == "xpcc_evaluation")
    assert cycles == [1, 2]
