"""jinzhong annual report (第二十条, 第二十三条(三)) driven through the API with the simulated clock and the scheduler."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.processes.jinzhong_support import established_center, jinzhong_people, university_profile
from tests.processes.support import (
    FILE,
    act,
    center,
    events,
    every_step_cites_an_article,
    instance,
    result,
    set_clock,
    start,
    status_changes,
)
from tests.processes.support import ready_elements as ready

REPORT = {"summary": "2026年度完成智能装备关键部件攻关三项，新增发明专利五件，服务企业四十家。",
          "plan": "2027年度建成中试平台，开展液压件可靠性共性技术攻关，引进高层次人才三名。"}


@pytest.fixture
def people(app: Flask, client: FlaskClient) -> dict[str, Any]:
    return jinzhong_people(app, client, "2026-11-30T09:00:00+08:00")


def reports(actor: Any, center_id: int) -> list[dict[str, Any]]:
    rows = actor.get(f"/api/v1/instances?center_id={center_id}&limit=500").get_json()
    return [r for r in rows if r["process_key"] == "jinzhong_annual_report"]


def test_the_scheduler_starts_the_report_due_on_31_january(people: dict[str, Any]) -> None:
    supervisor, center_id = people["supervisor"], people["centers"]["a"]  # established 2026-06-01
    set_clock(supervisor, "2026-12-03T09:00:00+08:00")
    [started] = reports(supervisor, center_id)
    assert started["started_by"] == "system" and started["business_key"].endswith(f":{center_id}:2026")
    detail = instance(supervisor, started["id"])
    assert detail["data"]["due_at"] == "2027-01-31T23:59:59+08:00"
    timers = {t["element_id"]: t for t in detail["timers"]}
    assert timers["timer_overdue"]["due_at"].startswith("2027-01-31T15:59:59")
    assert timers["timer_overdue"]["article"] == "第二十条" and "timer_reminder" in timers
    # 第二十五条: the trial ended on 2026-01-21; a running center's report goes on, with the lapse in its trail
    [warning] = [e for e in events(supervisor, started["id"]) if e["kind"] == "warning"]
    assert warning["payload"]["code"] == "policy_out_of_force" and "2026-01-21" in warning["payload"]["message"]


def test_both_parts_are_required(people: dict[str, Any]) -> None:
    inst = start(people["supervisor"], "jinzhong_annual_report", people["centers"]["a"], {"report_year": 2026})["id"]
    act(people["applicant"], inst, "submit_report", {"summary": REPORT["summary"]}, status=422)
    act(people["applicant"], inst, "submit_report", {"plan": REPORT["plan"]}, status=422)
    act(people["applicant"], inst, "submit_report", REPORT)


def test_host_and_cobuilders_then_county_then_city_bureau(people: dict[str, Any]) -> None:
    supervisor = people["supervisor"]
    inst = start(supervisor, "jinzhong_annual_report", people["centers"]["a"], {"report_year": 2026})["id"]
    act(people["applicant"], inst, "submit_report", REPORT)
    assert ready(supervisor, inst) == ["host_review"]
    act(people["council"], inst, "host_review", {"decision": "approve"})
    act(people["sponsor"], inst, "sponsor_review", {"decision": "return", "comment": "请补充经费使用情况。"})
    act(people["applicant"], inst, "revise_report", REPORT)
    act(people["council"], inst, "host_review", {"decision": "approve"})
    act(people["sponsor"], inst, "sponsor_review", {"decision": "approve"})
    act(people["authority"], inst, "authority_review", {"decision": "approve"})
    assert result(supervisor, inst)["report_status"] == "accepted"
    every_step_cites_an_article(supervisor, inst)


def _returned_notes(actor: Any, inst: int) -> list[dict[str, Any]]:
    notes = actor.get("/api/v1/notifications?limit=100")
    assert notes.status_code == 200, notes.get_json()
    return [n for n in notes.get_json() if n["instance_id"] == inst and n["template"] == "task_returned"]


def test_a_return_tells_the_applicant_what_to_redo_and_why(people: dict[str, Any]) -> None:
    supervisor, applicant = people["supervisor"], people["applicant"]
    inst = start(supervisor, "jinzhong_annual_report", people["centers"]["a"], {"report_year": 2026})["id"]
    act(applicant, inst, "submit_report", REPORT)
    act(people["council"], inst, "host_review", {"decision": "approve"})
    assert _returned_notes(applicant, inst) == []  # an approval returns nothing
    act(people["sponsor"], inst, "sponsor_review", {"decision": "return", "comment": "请补充经费使用情况。"})
    [note] = _returned_notes(applicant, inst)
    assert note["title"] == f"退回修改：{center(supervisor, people['centers']['a'])['name']}"
    revise = [t for t in applicant.get(f"/api/v1/instances/{inst}").get_json()["ready_tasks"]
              if t["element_id"] == "revise_report"]
    assert revise and f"“{revise[0]['name']}”已退回修改" in note["body"] and "意见：请补充经费使用情况。" in note["body"]
    assert _returned_notes(people["sponsor"], inst) == [] and _returned_notes(people["council"], inst) == []
    trail = [e for e in events(supervisor, inst) if e["kind"] == "notification"]
    assert any(e["payload"].get("template") == "task_returned" and applicant.username in e["payload"]["recipients"]
               for e in trail)
    act(applicant, inst, "revise_report", REPORT)
    act(people["council"], inst, "host_review", {"decision": "approve"})
    act(people["sponsor"], inst, "sponsor_review", {"decision": "approve"})
    assert len(_returned_notes(applicant, inst)) == 1  # the later approvals added none


def test_a_local_university_host_skips_the_county_department(people: dict[str, Any]) -> None:
    supervisor = people["supervisor"]
    center_id = established_center(people, university_profile())
    inst = start(supervisor, "jinzhong_annual_report", center_id, {"report_year": 2026})["id"]
    act(people["applicant"], inst, "submit_report", REPORT)
    act(people["council"], inst, "host_review", {"decision": "approve"})
    assert ready(supervisor, inst) == ["authority_review"]
    act(people["authority"], inst, "authority_review", {"decision": "reject", "comment": "内容不实。"})
    assert result(supervisor, inst)["report_status"] == "rejected"
    assert not [e for e in events(supervisor, inst) if e["element_id"] == "sponsor_review"]
    every_step_cites_an_article(supervisor, inst)


def test_reminder_before_and_escalation_after_31_january(people: dict[str, Any]) -> None:
    supervisor = people["supervisor"]
    inst = start(supervisor, "jinzhong_annual_report", people["centers"]["a"], {"report_year": 2026})["id"]
    set_clock(supervisor, "2027-01-05T09:00:00+08:00")
    assert "send_reminder" in [e["element_id"] for e in events(supervisor, inst)]
    set_clock(supervisor, "2027-01-31T23:59:00+08:00")
    assert ready(supervisor, inst) == ["submit_report"]  # never early
    set_clock(supervisor, "2027-02-01T09:00:00+08:00")
    assert sorted(ready(supervisor, inst)) == ["escalate_overdue", "submit_report"]
    act(supervisor, inst, "escalate_overdue", {"action": "urged", "note": "已电话督促。"})
    act(people["applicant"], inst, "submit_report", REPORT)  # late, still reviewed
    assert ready(supervisor, inst) == ["host_review"]


def test_an_accepted_report_closes_an_open_escalation(people: dict[str, Any]) -> None:
    supervisor = people["supervisor"]
    inst = start(supervisor, "jinzhong_annual_report", people["centers"]["a"], {"report_year": 2026})["id"]
    set_clock(supervisor, "2027-02-02T09:00:00+08:00")
    act(people["applicant"], inst, "submit_report", REPORT)
    assert sorted(ready(supervisor, inst)) == ["escalate_overdue", "host_review"]
    act(people["council"], inst, "host_review", {"decision": "approve"})
    act(people["sponsor"], inst, "sponsor_review", {"decision": "approve"})
    act(people["authority"], inst, "authority_review", {"decision": "approve"})
    assert instance(supervisor, inst)["status"] == "completed" and ready(supervisor, inst) == []
    assert result(supervisor, inst)["report_status"] == "accepted"


def test_supervisor_starts_the_disqualification_of_23_3_from_the_escalation(people: dict[str, Any]) -> None:
    supervisor, authority, center_id = people["supervisor"], people["authority"], people["centers"]["a"]
    inst = start(supervisor, "jinzhong_annual_report", center_id, {"report_year": 2026})["id"]
    set_clock(supervisor, "2027-03-01T09:00:00+08:00")
    act(supervisor, inst, "escalate_overdue", {"action": "revocation_started", "note": "多次督促仍未报送。"})
    [follow] = [e for e in events(supervisor, inst) if e["kind"] == "procedure_started"]
    assert follow["article"] == "第二十三条(三)" and follow["payload"]["process_key"] == "jinzhong_revocation"
    revocation = follow["payload"]["instance_id"]
    case = instance(supervisor, revocation)["data"]
    assert case["ground"] == "第二十三条(三)" and "2026年度报告未在2027-01-31前报送" in case["facts"]
    act(supervisor, revocation, "verify_grounds", {"ground": "第二十三条(三)", "facts": case["facts"], "evidence": FILE})
    act(authority, revocation, "authority_revocation_decision", {"decision": "approve", "decision_document_number": "市科发〔2027〕3号"})
    assert center(supervisor, center_id)["status"] == "revoked"
    assert status_changes(supervisor, revocation) == [("established", "revoked", "第二十三条(三)")]
    assert instance(supervisor, inst)["status"] == "terminated"  # the report's open task ends with the center
    every_step_cites_an_article(supervisor, revocation)


@pytest.mark.parametrize(("step", "lane"), [("host_review", "council"), ("sponsor_review", "sponsor"),
                                            ("authority_review", "authority")])
def test_each_reviewer_may_return_or_reject(people: dict[str, Any], step: str, lane: str) -> None:
    supervisor = people["supervisor"]
    inst = start(supervisor, "jinzhong_annual_report", people["centers"]["a"], {"report_year": 2026})["id"]
    chain = [("host_review", "council"), ("sponsor_review", "sponsor"), ("authority_review", "authority")]
    before = chain[:chain.index((step, lane))]
    act(people["applicant"], inst, "submit_report", REPORT)
    for element, role in before:
        act(people[role], inst, element, {"decision": "approve"})
    act(people[lane], inst, step, {"decision": "return"}, status=422)  # a return needs a comment
    act(people[lane], inst, step, {"decision": "return", "comment": "请补充当年工作计划的进度安排。"})
    act(people["applicant"], inst, "revise_report", REPORT)
    for element, role in before:
        act(people[role], inst, element, {"decision": "approve"})
    act(people[lane], inst, step, {"decision": "reject", "comment": "报告内容与实际不符。"})
    assert result(supervisor, inst)["report_status"] == "rejected"
    every_step_cites_an_article(supervisor, inst)
