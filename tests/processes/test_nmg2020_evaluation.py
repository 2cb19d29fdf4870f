"""nmg2020 evaluation (三(六)2 grades 优秀/良好/合格/不合格; 1-year rectification; 三(六)3 revocation)."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.processes.support import (
    complete,
    events,
    nmg2020_people,
    outcome,
    set_clock,
    status_changes,
)
from tests.processes.support import instance as view
from tests.processes.support import ready_tasks as ready

NOTICE = {"cycle": 1, "materials_due": "2029-07-31", "requirements": "按创新能力、市场化创新服务能力报送定量数据和定性材料。"}
MATERIALS = {
    "innovation_capability": "突破稀土永磁材料关键技术三项，牵头制定行业标准两项。",
    "market_service_capability": "为一百二十家中小企业提供检测和中试服务，孵化企业三家。",
    "rd_spend": 5200, "service_income": 1800, "invention_patents": 21,
    "annual_reports_summary": "2026—2028年度报告均按期提交并通过审核。",
}
RECTIFICATION = {"problems": "市场化服务收入占比偏低，成果转化不足。", "measures": "组建技术经纪团队。", "results": "服务收入增长一倍。"}


def grade(value: str) -> dict[str, Any]:
    return {"quantitative_score": {"优秀": 92, "良好": 81, "合格": 68, "不合格": 45}[value],
            "qualitative_opinion": "材料齐全，数据与年度报告一致。", "grade": value}


@pytest.fixture
def nmg(app: Flask, client: FlaskClient) -> dict[str, Any]:
    return nmg2020_people(app, client, datetime(2029, 6, 20, 1, 0, tzinfo=UTC))  # three full years after 2026-06-01


def center(nmg: dict[str, Any]) -> dict[str, Any]:
    return dict(nmg["authority"].get(f"/api/v1/centers/{nmg['centers']['a']}").get_json())


@pytest.fixture
def started(nmg: dict[str, Any]) -> int:
    response = nmg["authority"].post("/api/v1/instances", json={
        "process_key": "nmg2020_evaluation", "center_id": nmg["centers"]["a"], "data": {"cycle": 1}})
    assert response.status_code == 201, response.get_json()
    return int(response.get_json()["id"])


def graded(nmg: dict[str, Any], iid: int, value: str) -> None:
    complete(nmg["authority"], iid, "organise_evaluation", NOTICE)
    complete(nmg["applicant"], iid, "submit_materials", MATERIALS)
    complete(nmg["expert"], iid, "expert_evaluation", grade(value))
    complete(nmg["authority"], iid, "confirm_grade", {"decision": "approve"})


@pytest.mark.parametrize("value", ["优秀", "良好", "合格"])
def test_passing_grades_keep_the_center(nmg: dict[str, Any], started: int, value: str) -> None:
    graded(nmg, started, value)
    assert view(nmg["authority"], started)["status"] == "completed"
    assert outcome(nmg["authority"], started) == value
    assert center(nmg)["status"] == "established" and not status_changes(nmg["authority"], started)


def test_grade_returned_for_review(nmg: dict[str, Any], started: int) -> None:
    complete(nmg["authority"], started, "organise_evaluation", NOTICE)
    complete(nmg["applicant"], started, "submit_materials", MATERIALS)
    complete(nmg["expert"], started, "expert_evaluation", grade("良好"))
    complete(nmg["authority"], started, "confirm_grade", {"decision": "return", "comment": "定量得分与档次不符"})
    complete(nmg["expert"], started, "reassess_grade", grade("合格"))
    complete(nmg["authority"], started, "confirm_grade", {"decision": "approve"})
    assert outcome(nmg["authority"], started) == "合格"


def test_grade_words_are_the_policy_s(nmg: dict[str, Any], started: int) -> None:
    complete(nmg["authority"], started, "organise_evaluation", NOTICE)
    complete(nmg["applicant"], started, "submit_materials", MATERIALS)
    body = complete(nmg["expert"], started, "expert_evaluation", {**grade("合格"), "grade": "较差"}, status=422)
    assert "grade" in body["errors"]


def fail_into_rectification(nmg: dict[str, Any], iid: int) -> dict[str, Any]:
    graded(nmg, iid, "不合格")
    now = center(nmg)
    assert now["status"] == "rectifying"
    assert now["profile"]["rectification_started_at"] == "2029-06-20"
    assert status_changes(nmg["authority"], iid) == [("established", "rectifying", "三(六)2")]
    [task] = ready(nmg["applicant"], iid, "submit_rectification_report")
    assert task["due_at"].startswith("2030-06-20T15:59:59")  # one year, end of day China time
    return task


@pytest.mark.parametrize("regrade,status,final", [("合格", "established", "rectified"), ("不合格", "revoked", "revoked")])
def test_rectification_then_re_evaluation(nmg: dict[str, Any], started: int, regrade: str, status: str, final: str) -> None:
    fail_into_rectification(nmg, started)
    deadlines = nmg["authority"].get(f"/api/v1/centers/{nmg['centers']['a']}/deadlines").get_json()
    assert any(d["kind"] == "rectification_end" and d["due"] == "2030-06-20T23:59:59+08:00" for d in deadlines)
    complete(nmg["applicant"], started, "submit_rectification_report", RECTIFICATION)
    set_clock(nmg["supervisor"], "2030-06-20T23:59:59+08:00")
    assert not ready(nmg["expert"], started, "re_evaluation")  # 到期后: only after the year has run out
    set_clock(nmg["supervisor"], "2030-06-21T00:00:00+08:00")
    complete(nmg["expert"], started, "re_evaluation", grade(regrade))
    complete(nmg["authority"], started, "confirm_re_grade", {"decision": "return", "comment": "请复核"})
    complete(nmg["expert"], started, "reassess_re_grade", grade(regrade))
    complete(nmg["authority"], started, "confirm_re_grade", {"decision": "approve"})
    assert center(nmg)["status"] == status
    article = "三(六)3" if status == "revoked" else "三(六)2"
    assert status_changes(nmg["authority"], started) == [
        ("established", "rectifying", "三(六)2"), ("rectifying", status, article)]
    assert outcome(nmg["authority"], started) == final
    if status == "revoked":
        assert center(nmg)["profile"]["revocation_ground"] == "evaluation_failed_after_rectification"
    else:  # the finished period no longer shows as a deadline
        assert center(nmg)["profile"]["rectification_started_at"] is None
        deadlines = nmg["authority"].get(f"/api/v1/centers/{nmg['centers']['a']}/deadlines").get_json()
        assert not any(d["kind"] == "rectification_end" for d in deadlines)


def test_no_rectification_report_by_the_end_of_the_year(nmg: dict[str, Any], started: int) -> None:
    fail_into_rectification(nmg, started)
    set_clock(nmg["supervisor"], "2030-06-21T00:00:00+08:00")
    assert not ready(nmg["applicant"], started, "submit_rectification_report")  # the interrupting timer closed it
    fired = [e["element_id"] for e in events(nmg["authority"], started) if e["kind"] == "timer_fired"]
    assert fired == ["timer_rectification_expired"]
    complete(nmg["expert"], started, "re_evaluation", grade("不合格"))
    complete(nmg["authority"], started, "confirm_re_grade", {"decision": "approve"})
    assert center(nmg)["status"] == "revoked"


@pytest.mark.parametrize("action", ["urged", "revocation_proposed"])
def test_materials_not_submitted(nmg: dict[str, Any], started: int, action: str) -> None:
    supervisor = nmg["supervisor"]
    complete(nmg["authority"], started, "organise_evaluation", NOTICE)
    [task] = ready(nmg["applicant"], started, "submit_materials")
    assert task["due_at"].startswith("2029-07-31T15:59:59")
    set_clock(supervisor, "2029-08-01T00:00:00+08:00")
    [escalation] = ready(supervisor, started, "handle_absence")
    assert escalation["article"] == "三(六)3"
    [note] = [e for e in events(supervisor, started) if e["kind"] == "notification"]
    assert note["payload"]["role"] == "supervisor"
    complete(supervisor, started, "handle_absence", {"action": action, "note": "经督促仍未报送评估评价材料"})
    follow = [e for e in events(supervisor, started) if e["kind"] == "procedure_started"]
    if action == "urged":
        assert not follow
        complete(nmg["applicant"], started, "submit_materials", MATERIALS)  # late, but the evaluation goes on
        assert ready(nmg["expert"], started, "expert_evaluation")
        return
    [proposed] = follow
    assert proposed["article"] == "三(六)3"
    revocation = view(supervisor, proposed["payload"]["instance_id"])
    assert revocation["process_key"] == "nmg2020_revocation" and revocation["data"]["ground"] == "absent_from_evaluation"


def test_revoked_center_is_not_evaluated(nmg: dict[str, Any]) -> None:
    orgs = center(nmg)["organisations"]
    revoked = nmg["authority"].post("/api/v1/centers", json={
        "name": "已撤销的中心", "policy": "nmg2020", "status": "revoked", "approved_at": "2022-01-10",
        "organisations": orgs}).get_json()["id"]
    response = nmg["authority"].post("/api/v1/instances", json={"process_key": "nmg2020_evaluation", "center_id": revoked})
    assert response.status_code == 409 and "已撤销" in response.get_json()["message"]  # the lifecycle refuses
