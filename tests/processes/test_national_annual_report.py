"""national_annual_report (第二十五条) through the API: filed through the sponsor with 科技部; the configured due date."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.processes.national_support import national_people
from tests.processes.support import (
    act,
    events,
    every_step_cites_an_article,
    outcome,
    result,
    set_clock,
    start,
    task,
)
from tests.processes.support import ready_elements as ready

REPORT = {
    "progress": "完成关键技术攻关6项。", "problems": "高端人才不足。", "next_steps": "引进领军人才。",
    "objective_data": [{"indicator": "研发投入", "value": 12000, "unit": "万元"}],
}


@pytest.fixture
def people(app: Flask, client: FlaskClient) -> dict[str, Any]:
    return national_people(app, client, "2027-01-10T09:00:00+08:00")


@pytest.fixture
def report(people: dict[str, Any]) -> int:
    started = start(people["authority"], "national_annual_report", people["centers"]["a"], {"report_year": 2026})
    return int(started["id"])


def test_report_reviewed_by_the_sponsor_and_filed_with_most(people: dict[str, Any], report: int) -> None:
    supervisor = people["supervisor"]
    submit = task(people["applicant"], report, "submit_report")
    # the text sets no date: configured (policy.yaml annual_report, 31 March), shown as configured
    assert submit["due_at"].startswith("2027-03-31T15:59:59") and submit["article"] == "第二十五条"
    deadlines = supervisor.get(f"/api/v1/centers/{people['centers']['a']}/deadlines").get_json()
    [due] = [d for d in deadlines if d["kind"] == "annual_report"]
    assert (due["configured"], due["article"], due["period"]) == (True, "第二十五条", "2026年度")
    act(people["applicant"], report, "submit_report", {**REPORT, "objective_data": []}, status=422)  # 客观数据
    act(people["applicant"], report, "submit_report", REPORT)
    review = task(people["sponsor"], report, "sponsor_review")
    assert (review["lane"], review["article"]) == ("sponsor", "第二十五条")
    act(people["sponsor"], report, "sponsor_review", {"decision": "approve"})
    filing = task(people["authority"], report, "authority_filing")
    assert filing["article"] == "第二十五条"
    act(people["authority"], report, "authority_filing", {"decision": "file"})
    assert outcome(supervisor, report) == "filed" and result(supervisor, report)["report_status"] == "filed"
    every_step_cites_an_article(supervisor, report)


@pytest.mark.parametrize("actor,element", [("sponsor", "sponsor_review"), ("authority", "authority_filing")])
def test_returned_report_is_revised_and_reviewed_again(
    people: dict[str, Any], report: int, actor: str, element: str,
) -> None:
    act(people["applicant"], report, "submit_report", REPORT)
    if element == "authority_filing":
        act(people["sponsor"], report, "sponsor_review", {"decision": "approve"})
    act(people[actor], report, element, {"decision": "return"}, status=422)
    act(people[actor], report, element, {"decision": "return", "comment": "请补充客观数据。"})
    assert ready(people["supervisor"], report) == ["revise_report"]
    act(people["applicant"], report, "revise_report", REPORT)
    assert ready(people["supervisor"], report) == ["sponsor_review"]


def test_reminder_then_overdue_escalation_only_urges(people: dict[str, Any], report: int) -> None:
    supervisor = people["supervisor"]
    set_clock(supervisor, "2027-03-02T00:00:00+08:00")  # 30 days before the end of the configured day
    notes = [e for e in events(supervisor, report) if e["kind"] == "notification"]
    assert [n["payload"]["role"] for n in notes] == ["applicant"]
    set_clock(supervisor, "2027-04-01T00:00:00+08:00")
    assert sorted(ready(supervisor, report)) == ["escalate_overdue", "submit_report"]
    escalation = task(supervisor, report, "escalate_overdue")
    form = supervisor.get(f"/api/v1/tasks/{escalation['id']}").get_json()["form"]
    assert "第三十条" in form["description"]  # no removal ground: the text names no consequence
    act(supervisor, report, "escalate_overdue", {"action": "urged", "note": "已电话督促。"})
    act(people["applicant"], report, "submit_report", REPORT)  # a late report goes on
    assert ready(supervisor, report) == ["sponsor_review"]
    assert not [e for e in events(supervisor, report) if e["kind"] == "procedure_started"]
    every_step_cites_an_article(supervisor, report)


def test_filing_a_late_report_closes_its_open_escalation(people: dict[str, Any], report: int) -> None:
    supervisor = people["supervisor"]
    set_clock(supervisor, "2027-04-01T00:00:00+08:00")
    assert "escalate_overdue" in ready(supervisor, report)
    act(people["applicant"], report, "submit_report", REPORT)
    act(people["sponsor"], report, "sponsor_review", {"decision": "approve"})
    act(people["authority"], report, "authority_filing", {"decision": "file"})
    assert ready(supervisor, report) == [] and outcome(supervisor, report) == "filed"
