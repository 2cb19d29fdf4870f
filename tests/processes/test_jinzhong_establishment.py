"""jinzhong establishment (第七条(一)–(五), 第八条, 第十一条, 第二十四条) driven through the API with the simulated clock."""
from __future__ import annotations

from datetime import date
from typing import Any

import chinese_calendar
import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.processes.jinzhong_support import (
    GOOD_PROFILE,
    application,
    apply,
    create_center,
    jinzhong_people,
    start_establishment,
    to_notice,
    university_profile,
)
from tests.processes.support import (
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


@pytest.fixture
def people(app: Flask, client: FlaskClient) -> dict[str, Any]:
    return jinzhong_people(app, client, "2025-09-01T09:00:00+08:00")


def publish(people: dict[str, Any], inst: int, day: str) -> dict[str, Any]:
    """市科技局 publishes the notice starting `day`; the notice timer."""
    act(people["authority"], inst, "publish_notice", {"notice_start": day, "notice_channel": "晋中市科技局网站"})
    [timer] = instance(people["supervisor"], inst)["timers"]
    return dict(timer)


def test_county_path_notice_and_approval_name_the_center(people: dict[str, Any]) -> None:
    supervisor, authority = people["supervisor"], people["authority"]
    center_id, inst = start_establishment(people)
    assert ready(authority, inst) == ["publish_construction_notice"]
    act(authority, inst, "publish_construction_notice", {"notice_title": "2025年度建设通知", "priority_fields": "智能装备"})
    act(people["applicant"], inst, "prepare_application", application())
    # the host sees the automated check results before submitting (第七条(二), 第八条, 第十一条)
    shown = people["applicant"].get(f"/api/v1/tasks/{task(people['applicant'], inst, 'submit_application')['id']}")
    checks = shown.get_json()["context"]["check_results"]
    assert checks["all_passed"] is True and {r["article"] for r in checks["results"]} >= {"第八条(一)", "第十一条"}
    act(people["applicant"], inst, "submit_application", {"submission": "submit"})
    assert ready(supervisor, inst) == ["sponsor_review"]
    act(people["sponsor"], inst, "sponsor_review", {"decision": "approve"}, status=422)  # the written recommendation
    act(people["sponsor"], inst, "sponsor_review", {"decision": "approve", "recommendation": "同意推荐。"})
    act(authority, inst, "organise_review", {"decision": "approve"})
    act(people["expert"], inst, "expert_review", {"decision": "approve", "review_opinion": "通过。"})
    timer = publish(people, inst, "2025-09-15")
    # Monday 15 September + 5 working days: 15–19 September, the notice ends at the end of Friday 19 September
    assert (timer["element_id"], timer["article"]) == ("timer_notice_end", "第七条(五)")
    assert timer["due_at"].startswith("2025-09-19T15:59:59")
    [deadline] = [d for d in supervisor.get(f"/api/v1/centers/{center_id}/deadlines").get_json()
                  if d["kind"] == "public_notice_end"]
    assert deadline["due"].startswith("2025-09-19T23:59:59") and deadline["article"] == "第七条(五)"
    set_clock(supervisor, "2025-09-19T23:59:00+08:00")
    assert ready(supervisor, inst) == ["receive_objections"]  # never early
    set_clock(supervisor, "2025-09-20T09:00:00+08:00")
    assert ready(supervisor, inst) == ["issue_approval"]
    act(authority, inst, "issue_approval", {"approval_document_number": "市科发〔2025〕40号"})

    assert instance(supervisor, inst)["status"] == "completed"
    record = center(supervisor, center_id)
    assert record["name"] == "晋中市智能装备技术创新中心"  # 第二十四条
    assert record["status"] == "established" and record["approved_at"] == record["established_at"] == "2025-09-20"
    assert record["profile"]["fulltime_researchers"] == GOOD_PROFILE["fulltime_researchers"]
    assert status_changes(supervisor, inst) == [("proposed", "established", "第七条(五)")]
    named = [e for e in events(supervisor, inst) if e["kind"] == "center_updated" and e["element_id"] == "name_center"]
    assert named and named[0]["article"] == "第二十四条"
    every_step_cites_an_article(supervisor, inst)


def test_local_university_goes_straight_to_the_city_bureau(people: dict[str, Any]) -> None:
    supervisor = people["supervisor"]
    _, inst = start_establishment(people)
    apply(people, inst, university_profile())
    assert ready(supervisor, inst) == ["organise_review"]  # 第七条(三): no county review
    assert not [e for e in events(supervisor, inst) if e["element_id"] == "sponsor_review"]
    [route] = [e for e in events(supervisor, inst) if e["element_id"] == "route_application"]
    assert route["article"] == "第七条(三)"
    every_step_cites_an_article(supervisor, inst)


def test_city_level_unit_goes_straight_to_the_city_bureau(people: dict[str, Any]) -> None:
    profile = {**GOOD_PROFILE, "units": [{**GOOD_PROFILE["units"][0], "is_city_level": True}, GOOD_PROFILE["units"][1]]}
    _, inst = start_establishment(people)
    apply(people, inst, profile)
    assert ready(people["supervisor"], inst) == ["organise_review"]


def test_failed_checks_are_shown_and_the_host_may_revise(people: dict[str, Any]) -> None:
    applicant = people["applicant"]
    _, inst = start_establishment(people)
    act(people["authority"], inst, "publish_construction_notice", {"notice_title": "通知", "priority_fields": "装备"})
    act(applicant, inst, "prepare_application", application({**GOOD_PROFILE, "rd_floor_area": 999}))
    data = applicant.get(f"/api/v1/tasks/{task(applicant, inst, 'submit_application')['id']}").get_json()["context"]
    assert data["check_results"]["failed_rules"] == ["rd_floor_area"]
    act(applicant, inst, "submit_application", {"submission": "revise"})
    act(applicant, inst, "prepare_application", application())
    data = applicant.get(f"/api/v1/tasks/{task(applicant, inst, 'submit_application')['id']}").get_json()["context"]
    assert data["check_results"]["all_passed"] is True


@pytest.mark.parametrize(("step", "lane"), [("sponsor_review", "sponsor"), ("organise_review", "authority"),
                                            ("expert_review", "expert")])
def test_returns_go_back_to_the_host_and_rejections_end(people: dict[str, Any], step: str, lane: str) -> None:
    supervisor = people["supervisor"]
    _, inst = start_establishment(people)
    apply(people, inst)
    if step in ("organise_review", "expert_review"):
        act(people["sponsor"], inst, "sponsor_review", {"decision": "approve", "recommendation": "同意推荐。"})
    if step == "expert_review":
        act(people["authority"], inst, "organise_review", {"decision": "approve"})
    act(people[lane], inst, step, {"decision": "return"}, status=422)  # a return needs a reason
    extra = {"review_opinion": "需补充。"} if step == "expert_review" else {}
    act(people[lane], inst, step, {"decision": "return", "comment": "请补充合作协议。", **extra})
    assert ready(supervisor, inst) == ["prepare_application"]
    act(people["applicant"], inst, "prepare_application", application())
    act(people["applicant"], inst, "submit_application", {"submission": "submit"})
    if step in ("organise_review", "expert_review"):
        act(people["sponsor"], inst, "sponsor_review", {"decision": "approve", "recommendation": "同意推荐。"})
    if step == "expert_review":
        act(people["authority"], inst, "organise_review", {"decision": "approve"})
    act(people[lane], inst, step, {"decision": "reject", "comment": "不符合条件。", **extra})
    assert instance(supervisor, inst)["status"] == "completed" and outcome(supervisor, inst) == "rejected"
    every_step_cites_an_article(supervisor, inst)


def test_an_upheld_objection_during_the_notice_ends_the_application(people: dict[str, Any]) -> None:
    supervisor, authority = people["supervisor"], people["authority"]
    center_id, inst = start_establishment(people)
    to_notice(people, inst)
    publish(people, inst, "2025-09-15")
    set_clock(supervisor, "2025-09-17T10:00:00+08:00")
    act(authority, inst, "receive_objections", {"received_on": "2025-09-17", "objection_summary": "实验用房面积不实。"})
    act(authority, inst, "verify_objection", {"decision": "reject", "findings": "经现场核查属实。"}, status=422)
    act(authority, inst, "verify_objection", {"decision": "reject", "findings": "经现场核查属实。", "comment": "异议成立。"})
    assert outcome(supervisor, inst) == "rejected"
    assert center(supervisor, center_id)["status"] == "proposed"
    every_step_cites_an_article(supervisor, inst)


def test_a_dismissed_objection_lets_the_notice_run_to_its_end(people: dict[str, Any]) -> None:
    supervisor, authority = people["supervisor"], people["authority"]
    center_id, inst = start_establishment(people)
    to_notice(people, inst)
    publish(people, inst, "2025-09-15")
    set_clock(supervisor, "2025-09-16T10:00:00+08:00")
    act(authority, inst, "receive_objections", {"received_on": "2025-09-16", "objection_summary": "匿名异议。"})
    act(authority, inst, "verify_objection", {"decision": "approve", "findings": "经核查不属实。"})
    assert ready(supervisor, inst) == ["receive_objections"]  # the notice goes on
    [timer] = instance(supervisor, inst)["timers"]
    assert timer["due_at"].startswith("2025-09-19T15:59:59")
    set_clock(supervisor, "2025-09-22T09:00:00+08:00")
    act(authority, inst, "issue_approval", {"approval_document_number": "市科发〔2025〕41号"})
    assert center(supervisor, center_id)["status"] == "established"


@pytest.mark.parametrize(("start", "end", "days"), [
    # National Day 2025: 10-01…10-08 off, Sunday 09-28 and Saturday 10-11 are adjusted working days
    ("2025-09-29", "2025-10-11", ["2025-09-29", "2025-09-30", "2025-10-09", "2025-10-10", "2025-10-11"]),
    ("2025-09-26", "2025-10-09", ["2025-09-26", "2025-09-28", "2025-09-29", "2025-09-30", "2025-10-09"]),
    # Spring Festival 2025: 01-28…02-04 off, Sunday 01-26 and Saturday 02-08 are adjusted working days
    ("2025-01-24", "2025-02-06", ["2025-01-24", "2025-01-26", "2025-01-27", "2025-02-05", "2025-02-06"]),
    ("2025-02-03", "2025-02-10", ["2025-02-05", "2025-02-06", "2025-02-07", "2025-02-08", "2025-02-10"]),
])
def test_public_notice_counts_statutory_working_days(app: Flask, people: dict[str, Any], start: str, end: str,
                                                     days: list[str]) -> None:
    assert [d.isoformat() for d in chinese_calendar.get_workdays(date.fromisoformat(start), date.fromisoformat(end))] \
        == days  # the library agrees with the State Council schedule written above
    supervisor = people["supervisor"]
    if start < "2025-09-01":
        rewind_clock(app, f"{start}T08:00:00+08:00")
    center_id, inst = start_establishment(people)
    to_notice(people, inst)
    timer = publish(people, inst, start)
    assert timer["due_at"].startswith(f"{end}T15:59:59")
    receive = task(people["authority"], inst, "receive_objections")
    period = people["authority"].get(f"/api/v1/tasks/{receive['id']}").get_json()["context"]["notice_period"]
    assert period["working_days"] == days
    [deadline] = [d for d in supervisor.get(f"/api/v1/centers/{center_id}/deadlines").get_json()
                  if d["kind"] == "public_notice_end"]
    assert deadline["due"].startswith(f"{end}T23:59:59")


def test_the_application_is_prefilled_from_the_registered_center(people: dict[str, Any]) -> None:
    """A center registered with its units (e.g. the demo's local-university center) needs not type them again."""
    registered = {"field": "功能食品", "units": university_profile()["units"]}
    center_id = create_center(people, status="proposed", name="晋中市功能食品技术创新中心（拟建）", profile=registered)
    inst = start(people["authority"], "jinzhong_establishment", center_id)["id"]
    act(people["authority"], inst, "publish_construction_notice", {"notice_title": "通知", "priority_fields": "功能食品"})
    applicant = people["applicant"]
    shown = applicant.get(f"/api/v1/tasks/{task(applicant, inst, 'prepare_application')['id']}").get_json()["data"]
    assert shown["research_field"] == "功能食品" and shown["profile"]["units"] == registered["units"]
    act(applicant, inst, "prepare_application", {**application(), "research_field": shown["research_field"],
                                                 "profile": {**GOOD_PROFILE, **shown["profile"]}})
    act(applicant, inst, "submit_application", {"submission": "submit"})
    assert ready(people["supervisor"], inst) == ["organise_review"]  # 第七条(三): straight to 市科技局
