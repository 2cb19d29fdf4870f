"""nmg2025 annual report (第二十九条) driven through the API with the simulated clock."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask

from app.services.time.tick import run_tick
from tests.conftest import Actor
from tests.processes.support import GOOD_REPORT, complete_task, instance, set_clock
from tests.support import set_stored_clock


def start_report(people: dict[str, Any], year: int = 2026) -> dict[str, Any]:
    response = people["supervisor"].post(
        "/api/v1/instances",
        json={"process_key": "nmg2025_annual_report", "center_id": people["centers"]["a"], "data": {"report_year": year}},
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def only_task(actor: Actor, element_id: str) -> dict[str, Any]:
    tasks = [t for t in actor.get("/api/v1/tasks").get_json() if t["element_id"] == element_id]
    assert len(tasks) == 1, tasks
    return tasks[0]


def complete(actor: Actor, element_id: str, data: dict[str, Any], status: int = 200) -> Any:
    return complete_task(actor, only_task(actor, element_id)["id"], data, status)


@pytest.fixture
def started(people: dict[str, Any]) -> dict[str, Any]:
    set_clock(people["supervisor"], "2026-12-01T09:00:00+08:00")
    return start_report(people)


def test_start_computes_deadline_and_arms_timers(people: dict[str, Any], started: dict[str, Any]) -> None:
    assert started["status"] == "running"
    assert started["data"]["due_at"] == "2027-01-31T23:59:59+08:00"
    [task] = started["ready_tasks"]
    assert (task["element_id"], task["lane"], task["article"]) == ("submit_report", "applicant", "第二十九条")
    assert task["due_at"].startswith("2027-01-31T15:59:59")
    timers = {t["element_id"]: t["due_at"] for t in started["timers"]}
    assert timers["timer_overdue"].startswith("2027-01-31T15:59:59")
    assert "timer_reminder" in timers


def test_approved_by_both_reviewers(people: dict[str, Any], started: dict[str, Any]) -> None:
    complete(people["applicant"], "submit_report", GOOD_REPORT)
    complete(people["local_authority"], "sponsor_review", {"decision": "approve", "comment": "同意"})
    complete(people["authority"], "authority_review", {"decision": "approve"})
    final = instance(people["supervisor"], started["id"])
    assert final["status"] == "completed"
    events = people["supervisor"].get(f"/api/v1/instances/{started['id']}/events").get_json()
    done = [e for e in events if e["kind"] == "instance_completed"]
    assert done[0]["payload"]["result"]["report_status"] == "accepted"
    submitted = [e for e in events if e["element_id"] == "submit_report"]
    assert submitted[0]["actor"] == people["applicant"].username
    assert all(e["article"] for e in events if e["kind"] == "element_completed")


@pytest.mark.parametrize("reviewer,element", [("local_authority", "sponsor_review"), ("authority", "authority_review")])
def test_return_and_resubmit(people: dict[str, Any], started: dict[str, Any], reviewer: str, element: str) -> None:
    complete(people["applicant"], "submit_report", GOOD_REPORT)
    if element == "authority_review":
        complete(people["local_authority"], "sponsor_review", {"decision": "approve"})
    complete(people[reviewer], element, {"decision": "return", "comment": "请补充建设运行数据"})
    complete(people["applicant"], "revise_report", GOOD_REPORT)
    complete(people["local_authority"], "sponsor_review", {"decision": "approve"})
    complete(people["authority"], "authority_review", {"decision": "approve"})
    assert instance(people["supervisor"], started["id"])["status"] == "completed"


def test_rejected(people: dict[str, Any], started: dict[str, Any]) -> None:
    complete(people["applicant"], "submit_report", GOOD_REPORT)
    complete(people["local_authority"], "sponsor_review", {"decision": "reject", "comment": "数据严重失实"})
    events = people["supervisor"].get(f"/api/v1/instances/{started['id']}/events").get_json()
    assert events[-1]["kind"] == "instance_completed"
    assert events[-1]["payload"]["result"]["report_status"] == "rejected"


def test_reminder_then_escalation_never_early(people: dict[str, Any], started: dict[str, Any]) -> None:
    supervisor, applicant = people["supervisor"], people["applicant"]
    set_clock(supervisor, "2027-01-01T23:59:59+08:00")  # exactly the reminder time: not yet
    assert applicant.get("/api/v1/notifications").get_json() == []
    assert {t["element_id"] for t in instance(supervisor, started["id"])["timers"]} == {"timer_reminder", "timer_overdue"}
    moved = set_clock(supervisor, "2027-01-02T00:00:00+08:00")
    assert moved["timers_fired"] >= 1  # center B's report (started by the scheduler) has its own reminder
    assert {t["element_id"] for t in instance(supervisor, started["id"])["timers"]} == {"timer_overdue"}
    set_clock(supervisor, "2027-01-31T23:59:59+08:00")  # the deadline itself is still on time
    assert not [t for t in supervisor.get("/api/v1/tasks").get_json() if t["element_id"] == "escalate_overdue"]
    moved = set_clock(supervisor, "2027-02-01T00:00:00+08:00")
    assert moved["timers_fired"] >= 1
    [escalation] = [t for t in supervisor.get("/api/v1/tasks").get_json()
                    if t["element_id"] == "escalate_overdue" and t["instance_id"] == started["id"]]
    assert escalation["lane"] == "supervisor"
    still_open = instance(supervisor, started["id"])
    assert "submit_report" in {t["element_id"] for t in still_open["ready_tasks"]}
    events = supervisor.get(f"/api/v1/instances/{started['id']}/events").get_json()
    fired = [e for e in events if e["kind"] == "timer_fired"]
    assert [e["element_id"] for e in fired] == ["timer_reminder", "timer_overdue"]
    notes = [e for e in events if e["kind"] == "notification"]
    assert [n["payload"]["template"] for n in notes] == ["annual_report_reminder", "annual_report_overdue"]
    assert notes[0]["payload"]["recipients"] == [applicant.username]
    [reminder] = applicant.get("/api/v1/notifications?unread=true").get_json()
    assert "2027年1月31日 23:59" in reminder["body"] and reminder["read_at"] is None
    assert applicant.post(f"/api/v1/notifications/{reminder['id']}/read").get_json()["read_at"]
    assert applicant.get("/api/v1/notifications?unread=true").get_json() == []
    assert people["applicant_b"].post(f"/api/v1/notifications/{reminder['id']}/read").status_code == 404


def test_invalid_report_gets_field_errors_in_chinese(people: dict[str, Any], started: dict[str, Any]) -> None:
    bad = {**GOOD_REPORT, "fulltime_researchers": -3}
    del bad["summary"]
    body = complete(people["applicant"], "submit_report", bad, status=422)
    assert body["code"] == 422
    assert "summary" in body["errors"] and "fulltime_researchers" in body["errors"]
    assert any("必填" in m for m in body["errors"]["summary"])
    english = people["applicant"].post(
        f"/api/v1/tasks/{only_task(people['applicant'], 'submit_report')['id']}/complete",
        json={"data": bad}, headers={"Accept-Language": "en"},
    ).get_json()
    assert english["message"].isascii()
    assert english["errors"]["summary"] == ["Summary of last year is required"]  # the field by its English label
    assert only_task(people["applicant"], "submit_report")["state"] == "ready"  # nothing was lost


def test_other_centers_users_cannot_see_or_complete(people: dict[str, Any], started: dict[str, Any]) -> None:
    task = only_task(people["applicant"], "submit_report")
    assert people["applicant_b"].get("/api/v1/tasks").get_json() == []
    response = people["applicant_b"].post(f"/api/v1/tasks/{task['id']}/complete", json={"data": GOOD_REPORT})
    assert response.status_code == 404  # another center's task: not revealed
    assert people["applicant_b"].get(f"/api/v1/instances/{started['id']}").status_code == 404
    assert people["sponsor"].post(f"/api/v1/tasks/{task['id']}/complete", json={"data": GOOD_REPORT}).status_code == 403


def test_local_st_department_reviews_not_the_organising_unit(people: dict[str, Any], started: dict[str, Any]) -> None:
    """第二十九条 "经地方科技管理部门审核通过后报科技厅": the center's local S&T department reviews, not the 组织单位."""
    complete(people["applicant"], "submit_report", GOOD_REPORT)
    review = only_task(people["local_authority"], "sponsor_review")
    assert (review["lane"], review["name"], review["article"]) == ("local_authority", "地方科技管理部门审核", "第二十九条")
    sponsor = people["sponsor"]  # the 组织单位 (第五条) of the same center: sees the center, not the review
    assert not [t for t in sponsor.get("/api/v1/tasks").get_json() if t["element_id"] == "sponsor_review"]
    assert sponsor.post(f"/api/v1/tasks/{review['id']}/complete", json={"data": {"decision": "approve"}}).status_code == 403
    other = people["local_authority_b"]  # center B's local S&T department: center A's task is not revealed
    assert not [t for t in other.get("/api/v1/tasks").get_json() if t["instance_id"] == started["id"]]
    assert other.get(f"/api/v1/tasks/{review['id']}").status_code == 404
    assert other.post(f"/api/v1/tasks/{review['id']}/complete", json={"data": {"decision": "approve"}}).status_code == 404
    complete(people["local_authority"], "sponsor_review", {"decision": "approve", "comment": "同意"})
    assert only_task(people["authority"], "authority_review")["instance_id"] == started["id"]
    events = people["supervisor"].get(f"/api/v1/instances/{started['id']}/events").get_json()
    [reviewed] = [e for e in events if e["element_id"] == "sponsor_review" and e["kind"] == "element_completed"]
    assert reviewed["actor"] == people["local_authority"].username


def test_completed_task_conflicts(people: dict[str, Any], started: dict[str, Any]) -> None:
    task = only_task(people["applicant"], "submit_report")
    complete(people["applicant"], "submit_report", GOOD_REPORT)
    again = people["applicant"].post(f"/api/v1/tasks/{task['id']}/complete", json={"data": GOOD_REPORT})
    assert again.status_code == 409
    assert again.get_json()["code"] == 409


def test_escalation_ends_when_the_late_report_is_approved(people: dict[str, Any], started: dict[str, Any]) -> None:
    supervisor = people["supervisor"]
    set_clock(supervisor, "2027-02-01T00:00:00+08:00")
    assert [t for t in supervisor.get("/api/v1/tasks").get_json()
            if t["element_id"] == "escalate_overdue" and t["instance_id"] == started["id"]]
    complete(people["applicant"], "submit_report", GOOD_REPORT)  # late, but submitted (第三十一条(一) counts it)
    complete(people["local_authority"], "sponsor_review", {"decision": "approve"})
    complete(people["authority"], "authority_review", {"decision": "approve"})
    final = instance(supervisor, started["id"])
    assert final["status"] == "completed" and final["ready_tasks"] == []
    assert not [t for t in supervisor.get("/api/v1/tasks").get_json() if t["instance_id"] == started["id"]]


def test_no_reminder_for_a_report_started_after_its_deadline(app: Flask, people: dict[str, Any]) -> None:
    supervisor, applicant = people["supervisor"], people["applicant_b"]
    with app.app_context():  # the scheduler was down from before the report's start window until after its deadline
        set_stored_clock(datetime(2027, 3, 1, 1, 0, tzinfo=UTC))
        run_tick()  # center B's 2026 report is started now, late
    b_reports = [i for i in supervisor.get(f"/api/v1/instances?center_id={people['centers']['b']}").get_json()
                 if i["process_key"] == "nmg2025_annual_report"]
    [late] = [i for i in b_reports if i["business_key"].endswith(":2026")]  # due 2027-01-31, reminder 2027-01-01
    events = supervisor.get(f"/api/v1/instances/{late['id']}/events").get_json()
    assert [e["payload"]["template"] for e in events if e["kind"] == "notification"] == ["annual_report_overdue"]
    [skipped] = [e for e in events if e["kind"] == "notification_skipped"]
    assert skipped["payload"]["template"] == "annual_report_reminder"
    assert not [n for n in applicant.get("/api/v1/notifications").get_json()
                if n["template"] == "annual_report_reminder" and n["instance_id"] == late["id"]]


def test_an_overdue_report_stays_on_the_deadlines_until_submitted(people: dict[str, Any], started: dict[str, Any]) -> None:
    supervisor, center = people["supervisor"], people["centers"]["a"]

    def reports() -> list[tuple[str, bool]]:
        found = supervisor.get(f"/api/v1/centers/{center}/deadlines").get_json()
        return [(d["period"], d.get("overdue", False)) for d in found if d["kind"] == "annual_report"]

    assert reports() == [("2026年度", False)]
    set_clock(supervisor, "2027-02-05T09:00:00+08:00")
    assert reports() == [("2026年度", True), ("2027年度", False)]
    complete(people["applicant"], "submit_report", GOOD_REPORT)  # late: submitted, the deadline is met
    assert reports() == [("2027年度", False)]


def test_the_inbox_filters_by_instance(people: dict[str, Any], started: dict[str, Any]) -> None:
    later = start_report(people, 2027)
    everything = people["applicant"].get("/api/v1/tasks").get_json()
    assert {t["instance_id"] for t in everything} >= {started["id"], later["id"]}
    only = people["applicant"].get(f"/api/v1/tasks?instance_id={later['id']}").get_json()
    assert [t["instance_id"] for t in only] == [later["id"]]
