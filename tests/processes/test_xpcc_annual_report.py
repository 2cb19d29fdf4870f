"""xpcc annual report (第十七条): configured due date, the sponsor's review, filing with 兵团科技局."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.processes.support import FILE, act, events, instance, result, set_clock, start, task
from tests.processes.support import ready_elements as ready
from tests.processes.xpcc_support import every_element_cites_its_article, messages, xpcc_people

REPORT = {"progress": "完成样机研制2台。", "problems": "高端人才不足。", "next_steps": "开展田间试验。",
          "operating_data": FILE}


@pytest.fixture
def people(app: Flask, client: FlaskClient) -> dict[str, Any]:
    return xpcc_people(app, client, datetime.fromisoformat("2027-01-10T09:00:00+08:00"))


@pytest.fixture
def report(people: dict[str, Any]) -> int:
    started = start(people["authority"], "xpcc_annual_report", people["centers"]["a"], {"report_year": 2026})
    return int(started["id"])


def test_the_due_date_is_configured_and_shown_as_such(people: dict[str, Any], report: int) -> None:
    applicant = people["applicant"]
    submitting = task(applicant, report, "submit_report")
    assert (submitting["lane"], submitting["article"]) == ("applicant", "第十七条")
    assert submitting["due_at"].startswith("2027-03-31T15:59:59")  # policy.yaml annual_report: 3-31, configured
    form = applicant.get(f"/api/v1/tasks/{submitting['id']}").get_json()["form"]
    assert "配置值" in form["description"]
    [due] = [d for d in applicant.get(f"/api/v1/centers/{people['centers']['a']}/deadlines").get_json()
             if d["kind"] == "annual_report"]
    assert (due["due"], due["configured"], due["article"]) == ("2027-03-31T23:59:59+08:00", True, "第十七条")
    assert due["note"]


def test_reviewed_by_the_sponsor_then_filed_with_the_authority(people: dict[str, Any], report: int) -> None:
    supervisor = people["supervisor"]
    act(people["applicant"], report, "submit_report", REPORT)
    reviewing = task(people["sponsor"], report, "sponsor_review")
    assert (reviewing["lane"], reviewing["article"]) == ("sponsor", "第十七条")
    assert ready(people["authority"], report) == ["sponsor_review"]
    assert [t for t in people["authority"].get("/api/v1/tasks").get_json() if t["instance_id"] == report] == []
    act(people["sponsor"], report, "sponsor_review", {"decision": "return"}, status=422)
    act(people["sponsor"], report, "sponsor_review", {"decision": "return", "comment": "请附建设运行数据明细。"})
    act(people["applicant"], report, "revise_report", REPORT)
    act(people["sponsor"], report, "sponsor_review", {"decision": "approve"})
    assert instance(supervisor, report)["status"] == "completed" and result(supervisor, report)["outcome"] == "filed"
    [filing] = messages(people["authority"], report)  # 备案: a notification, no decision
    assert "备案" in filing and "第十七条" in filing
    every_element_cites_its_article(supervisor, report)


def test_reminder_and_overdue_notice_then_a_late_report_is_still_filed(people: dict[str, Any], report: int) -> None:
    supervisor = people["supervisor"]
    set_clock(supervisor, "2027-03-01T23:59:59+08:00")
    assert messages(people["applicant"], report) == []  # never early
    set_clock(supervisor, "2027-03-02T00:00:00+08:00")
    [reminder] = messages(people["applicant"], report)
    assert "2027-03-31" in reminder and "配置" in reminder
    set_clock(supervisor, "2027-04-01T00:00:00+08:00")
    [overdue] = messages(supervisor, report)
    assert "配置的日期" in overdue and "第十七条" in overdue
    fired = [(e["element_id"], e["article"]) for e in events(supervisor, report) if e["kind"] == "timer_fired"]
    assert fired == [("timer_reminder", "第十七条"), ("timer_overdue", "第十七条")]
    act(people["applicant"], report, "submit_report", REPORT)  # the text sets no consequence: still filed
    act(people["sponsor"], report, "sponsor_review", {"decision": "approve"})
    assert result(supervisor, report)["outcome"] == "filed"
    every_element_cites_its_article(supervisor, report)


def test_the_scheduler_starts_each_centers_report(app: Flask, client: FlaskClient) -> None:
    people = xpcc_people(app, client, datetime.fromisoformat("2027-01-10T09:00:00+08:00"))
    supervisor = people["supervisor"]
    set_clock(supervisor, "2027-02-01T09:00:00+08:00")  # 60 days before the configured 2027-03-31
    started = [i for i in supervisor.get("/api/v1/instances").get_json() if i["process_key"] == "xpcc_annual_report"]
    assert sorted(i["center_id"] for i in started) == sorted(people["centers"].values())
    assert all(instance(supervisor, i["id"])["data"]["report_year"] == 2026 for i in started)
