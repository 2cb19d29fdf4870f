"""jinzhong evaluation (第二十一条、第二十二条): every 3 years by the scheduler; five grades; 1-year rectification."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.processes.jinzhong_support import jinzhong_people
from tests.processes.support import (
    act,
    center,
    events,
    every_step_cites_an_article,
    instance,
    rewind_clock,
    set_clock,
    status_changes,
    task,
)
from tests.processes.support import ready_elements as ready

MATERIALS = {"institution": "理事会、主任负责制运行规范。", "research": "承担省级项目六项。", "transfer": "转化成果八项。",
             "services": "服务企业一百二十家次。", "team": "固定人员三十五人。", "openness": "大型仪器对外开放。"}


@pytest.fixture
def people(app: Flask, client: FlaskClient) -> dict[str, Any]:
    return jinzhong_people(app, client, "2029-05-31T09:00:00+08:00")


def evaluations(actor: Any, center_id: int) -> list[dict[str, Any]]:
    rows = actor.get(f"/api/v1/instances?center_id={center_id}&limit=500").get_json()
    return [r for r in rows if r["process_key"] == "jinzhong_evaluation"]


@pytest.fixture
def evaluation(people: dict[str, Any]) -> int:
    """Center A (established 2026-06-01): the scheduler starts its first evaluation once three years have run out."""
    supervisor, center_id = people["supervisor"], people["centers"]["a"]
    set_clock(supervisor, "2029-06-01T23:59:59+08:00")
    assert evaluations(supervisor, center_id) == []
    set_clock(supervisor, "2029-06-02T09:00:00+08:00")
    [started] = evaluations(supervisor, center_id)
    assert started["started_by"] == "system" and started["business_key"].endswith(f":{center_id}:cycle-1")
    return int(started["id"])


def grade(people: dict[str, Any], inst: int, value: str, **extra: Any) -> None:
    act(people["applicant"], inst, "submit_evaluation_materials", MATERIALS)
    act(people["authority"], inst, "grade_evaluation", {"grade": value, "opinion": "综合评估。", **extra})


@pytest.mark.parametrize("value", ["优秀", "良好", "合格"])
def test_passing_grades_keep_the_cycle(people: dict[str, Any], evaluation: int, value: str) -> None:
    supervisor, center_id = people["supervisor"], people["centers"]["a"]
    grade(people, evaluation, value)
    assert instance(supervisor, evaluation)["status"] == "completed"
    record = center(supervisor, center_id)
    assert record["status"] == "established" and record["profile"]["last_evaluation_grade"] == value
    every_step_cites_an_article(supervisor, evaluation)


def test_fail_revokes_at_once(people: dict[str, Any], evaluation: int) -> None:
    supervisor = people["supervisor"]
    grade(people, evaluation, "不合格")
    assert center(supervisor, people["centers"]["a"])["status"] == "revoked"
    assert status_changes(supervisor, evaluation) == [("established", "revoked", "第二十二条")]
    every_step_cites_an_article(supervisor, evaluation)


def test_false_materials_or_interference_can_only_be_a_fail(people: dict[str, Any], evaluation: int) -> None:
    act(people["applicant"], evaluation, "submit_evaluation_materials", MATERIALS)
    act(people["authority"], evaluation, "grade_evaluation",
        {"grade": "合格", "fail_reason": "false_materials", "opinion": "材料不实。"}, status=422)
    act(people["authority"], evaluation, "grade_evaluation",
        {"grade": "不合格", "fail_reason": "interference", "opinion": "干扰评估工作。"})
    assert center(people["supervisor"], people["centers"]["a"])["status"] == "revoked"


def test_basic_pass_rectified_within_a_year_returns_to_the_cycle(people: dict[str, Any], evaluation: int) -> None:
    supervisor, center_id = people["supervisor"], people["centers"]["a"]
    grade(people, evaluation, "基本合格")
    assert center(supervisor, center_id)["status"] == "rectifying"
    [period] = [t for t in instance(supervisor, evaluation)["timers"] if t["element_id"] == "timer_rectification_end"]
    assert period["due_at"].startswith("2030-06-02T15:59:59")  # 1 year (第二十二条)
    [deadline] = [d for d in supervisor.get(f"/api/v1/centers/{center_id}/deadlines").get_json()
                  if d["kind"] == "rectification_end"]
    assert deadline["due"].startswith("2030-06-02T23:59:59") and deadline["article"] == "第二十二条"
    set_clock(supervisor, "2030-03-01T09:00:00+08:00")
    act(people["applicant"], evaluation, "submit_rectification_report", {"report": "已完成全部整改事项。"})
    act(people["authority"], evaluation, "check_rectification", {"rectification": "completed", "opinion": "整改到位。"})
    assert center(supervisor, center_id)["status"] == "established"
    assert status_changes(supervisor, evaluation) == [("established", "rectifying", "第二十二条"),
                                                      ("rectifying", "established", "第二十二条")]
    every_step_cites_an_article(supervisor, evaluation)


def test_basic_pass_not_rectified_when_the_year_ends_is_revoked(app: Flask, people: dict[str, Any],
                                                                evaluation: int) -> None:
    supervisor, center_id = people["supervisor"], people["centers"]["a"]
    grade(people, evaluation, "基本合格")
    set_clock(supervisor, "2030-06-02T23:59:00+08:00")
    assert ready(supervisor, evaluation) == ["submit_rectification_report"]  # never early
    set_clock(supervisor, "2030-06-03T09:00:00+08:00")
    assert ready(supervisor, evaluation) == ["check_rectification"]
    with app.app_context():  # the check says that no report came
        from sqlalchemy import select

        from app.extensions import db
        from app.models import HumanTask, User
        from app.services.tasks.view import task_view

        checker = db.session.scalar(select(User).where(User.username == people["authority"].username))
        check = db.session.scalar(select(HumanTask.id).where(
            HumanTask.instance_id == evaluation, HumanTask.element_id == "check_rectification"))
        assert checker is not None and check is not None
        [said] = task_view(checker, check).warnings
    assert "2030-06-02" in said["message"] and "未（再）报送整改报告" in said["message"]
    assert said["article"] == "第二十二条"
    act(people["authority"], evaluation, "check_rectification", {"rectification": "not_completed", "opinion": "未整改。"})
    assert center(supervisor, center_id)["status"] == "revoked"
    assert status_changes(supervisor, evaluation)[-1] == ("rectifying", "revoked", "第二十二条")
    every_step_cites_an_article(supervisor, evaluation)


def test_an_unfinished_rectification_before_the_year_ends_goes_on_rectifying(
        people: dict[str, Any], evaluation: int) -> None:
    """第二十二条 "限期1年进行整改……未完成整改的，撤销": found unfinished before the year is out, the center keeps its
    year; once the year has ended, the check must conclude."""
    supervisor, center_id = people["supervisor"], people["centers"]["a"]
    grade(people, evaluation, "基本合格")
    set_clock(supervisor, "2030-03-01T09:00:00+08:00")
    act(people["applicant"], evaluation, "submit_rectification_report", {"report": "部分整改事项已完成。"})
    act(people["authority"], evaluation, "check_rectification", {"rectification": "continue", "opinion": "尚有两项未完成。"})
    assert center(supervisor, center_id)["status"] == "rectifying"  # not revoked before its year is out
    assert ready(supervisor, evaluation) == ["submit_rectification_report"]
    [period] = [t for t in instance(supervisor, evaluation)["timers"] if t["element_id"] == "timer_rectification_end"]
    assert period["due_at"].startswith("2030-06-02T15:59:59")  # the same year's end, not a new year
    set_clock(supervisor, "2030-06-03T09:00:00+08:00")  # the year ends without a second report
    assert ready(supervisor, evaluation) == ["check_rectification"]
    act(people["authority"], evaluation, "check_rectification", {"rectification": "continue", "opinion": "再给时间。"})
    assert ready(supervisor, evaluation) == ["check_rectification"]  # after the year only a conclusion can follow
    act(people["authority"], evaluation, "check_rectification", {"rectification": "not_completed", "opinion": "未整改。"})
    assert center(supervisor, center_id)["status"] == "revoked"
    every_step_cites_an_article(supervisor, evaluation)


def test_a_rectifying_center_is_not_evaluated_again_until_it_has_rectified(app: Flask, people: dict[str, Any],
                                                                          evaluation: int) -> None:
    grade(people, evaluation, "基本合格")
    refused = people["supervisor"].post("/api/v1/instances", json={"process_key": "jinzhong_evaluation",
                                                                    "center_id": people["centers"]["a"],
                                                                    "data": {"cycle": 2}})
    assert refused.status_code == 409


def test_absence_without_reason_is_a_fail(people: dict[str, Any], evaluation: int) -> None:
    supervisor = people["supervisor"]
    [timer] = instance(supervisor, evaluation)["timers"]
    assert timer["element_id"] == "timer_materials_absent" and timer["due_at"].startswith("2029-07-02T15:59:59")
    set_clock(supervisor, "2029-07-03T09:00:00+08:00")
    assert ready(supervisor, evaluation) == ["handle_absence"]
    act(supervisor, evaluation, "handle_absence", {"action": "new_deadline", "note": "中心搬迁，申请延期。"})
    assert ready(supervisor, evaluation) == ["submit_evaluation_materials"]
    set_clock(supervisor, "2029-08-03T09:00:00+08:00")
    act(supervisor, evaluation, "handle_absence", {"action": "absent_without_reason", "note": "多次通知仍未报送。"})
    assert center(supervisor, people["centers"]["a"])["status"] == "revoked"
    [done] = [e for e in events(supervisor, evaluation) if e["element_id"] == "grade_absent"]
    assert done["article"] == "第二十二条"
    every_step_cites_an_article(supervisor, evaluation)


def test_the_next_cycle_starts_three_years_later(app: Flask, people: dict[str, Any], evaluation: int) -> None:
    supervisor, center_id = people["supervisor"], people["centers"]["a"]
    grade(people, evaluation, "良好")
    rewind_clock(app, "2032-06-01T09:00:00+08:00")
    set_clock(supervisor, "2032-06-02T09:00:00+08:00")
    assert len(evaluations(supervisor, center_id)) == 2


def test_the_rectification_check_starts_without_the_evaluations_opinion(app: Flask, people: dict[str, Any],
                                                                         evaluation: int) -> None:
    from sqlalchemy import select

    from app.extensions import db
    from app.models import User
    from app.services.tasks.view import task_view

    grade(people, evaluation, "基本合格")  # the authority's opinion: 综合评估。
    set_clock(people["supervisor"], "2030-03-01T09:00:00+08:00")
    act(people["applicant"], evaluation, "submit_rectification_report", {"report": "已完成全部整改事项。"})
    check = task(people["authority"], evaluation, "check_rectification")["id"]
    with app.test_request_context():
        authority = db.session.scalar(select(User).where(User.username == people["authority"].username))
        assert authority is not None
        values = task_view(authority, check).values
    assert "opinion" not in values, values  # another form's answer is not this finding
