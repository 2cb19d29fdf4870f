"""Tasks the HTTP way: `ETag` on a task, `If-Match` on its completion (412 when stale), a paged inbox."""
from __future__ import annotations

from typing import Any

from tests.processes.support import GOOD_REPORT, set_clock


def _report(people: dict[str, Any], year: int = 2026) -> dict[str, Any]:
    set_clock(people["supervisor"], "2026-12-01T09:00:00+08:00")
    started = people["supervisor"].post("/api/v1/instances", json={
        "process_key": "nmg2025_annual_report", "center_id": people["centers"]["a"], "data": {"report_year": year},
    })
    assert started.status_code == 201, started.get_json()
    body: dict[str, Any] = started.get_json()
    return body


def test_completion_with_a_stale_if_match_is_412_and_writes_nothing(people: dict[str, Any]) -> None:
    started = _report(people)
    task_id = started["ready_tasks"][0]["id"]
    applicant = people["applicant"]
    read = applicant.get(f"/api/v1/tasks/{task_id}")
    tag = read.headers["ETag"]
    assert tag == f'"instance-{started["id"]}-v{read.get_json()["instance_version"]}"'
    stale = tag.replace(f'-v{read.get_json()["instance_version"]}"', '-v0"')
    refused = applicant.post(f"/api/v1/tasks/{task_id}/complete", json={"data": GOOD_REPORT},
                             headers={"If-Match": stale})
    assert refused.status_code == 412 and refused.get_json()["code"] == 412
    assert applicant.get(f"/api/v1/tasks/{task_id}").get_json()["state"] == "ready"
    done = applicant.post(f"/api/v1/tasks/{task_id}/complete", json={"data": GOOD_REPORT}, headers={"If-Match": tag})
    assert done.status_code == 200 and done.get_json()["state"] == "completed"


def test_the_body_version_still_answers_409(people: dict[str, Any]) -> None:
    started = _report(people)
    task_id = started["ready_tasks"][0]["id"]
    stale = people["applicant"].post(f"/api/v1/tasks/{task_id}/complete",
                                     json={"data": GOOD_REPORT, "instance_version": 0})
    assert stale.status_code == 409


def test_the_inbox_is_paged_in_sql_with_its_total(people: dict[str, Any]) -> None:
    for year in (2026, 2027, 2028):
        _report(people, year)
    applicant = people["applicant"]
    first = applicant.get("/api/v1/tasks?limit=2")
    assert first.status_code == 200 and len(first.get_json()) == 2 and first.headers["X-Total-Count"] == "3"
    rest = applicant.get("/api/v1/tasks?limit=2&offset=2")
    assert len(rest.get_json()) == 1 and rest.headers["X-Total-Count"] == "3"
    ids = [t["id"] for t in first.get_json() + rest.get_json()]
    assert len(set(ids)) == 3
    assert applicant.get("/api/v1/tasks?limit=0").status_code == 422
