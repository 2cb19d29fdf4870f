"""nmg2025 第三十一条(一): two consecutive years without an annual report start the revocation automatically."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.processes.support import (
    GOOD_REPORT,
    act,
    center,
    create_center,
    events,
    instance,
    rewind_clock,
    set_clock,
    status_changes,
)


def reports_of(people: dict[str, Any], center_id: int) -> dict[int, dict[str, Any]]:
    """The center's annual-report instances by report year (started by the scheduler)."""
    listed = people["supervisor"].get(f"/api/v1/instances?center_id={center_id}").get_json()
    return {int(i["data"]["report_year"]): i for i in listed if i["process_key"] == "nmg2025_annual_report"}


def revocations_of(people: dict[str, Any], center_id: int) -> list[dict[str, Any]]:
    listed = people["supervisor"].get(f"/api/v1/instances?center_id={center_id}").get_json()
    return [i for i in listed if i["process_key"] == "nmg2025_revocation"]


@pytest.fixture
def reporting(app: Flask, people: dict[str, Any]) -> int:
    """A center approved on 2025-09-10: it owes reports on 2025 (due 2026-01-31) and every later year."""
    rewind_clock(app, "2025-09-10T10:00:00+08:00")
    return create_center(people, name="内蒙古自治区现代煤化工技术创新中心", status="established",
                         approved_at="2025-09-10", established_at="2025-09-10")


def test_two_consecutive_missing_reports_start_revocation(people: dict[str, Any], reporting: int) -> None:
    supervisor, authority = people["supervisor"], people["authority"]
    set_clock(supervisor, "2026-02-01T00:00:00+08:00")  # the 2025 report is overdue: one missing year
    first = reports_of(people, reporting)[2025]
    trail = events(supervisor, first["id"])
    [counted] = [e for e in trail if e["element_id"] == "count_missing_reports"]
    assert counted["article"] == "第三十一条(一)"
    assert not [e for e in trail if e["kind"] == "procedure_started"]
    assert revocations_of(people, reporting) == []

    set_clock(supervisor, "2027-02-01T00:00:00+08:00")  # the 2026 report is overdue too: two in a row
    second = reports_of(people, reporting)[2026]
    [follow] = [e for e in events(supervisor, second["id"]) if e["kind"] == "procedure_started"]
    assert follow["article"] == "第三十一条(一)" and follow["element_id"] == "start_revocation"
    [revocation] = revocations_of(people, reporting)
    assert revocation["id"] == follow["payload"]["instance_id"]
    assert revocation["started_by"] == f"instance:{second['id']}"
    assert revocation["data"]["ground"] == "第三十一条(一)" and "连续2年" in revocation["data"]["facts"]
    # the supervisor still handles the overdue report; centers A and B (one missing year each) are untouched
    assert "escalate_overdue" in [t["element_id"] for t in instance(supervisor, second["id"])["ready_tasks"]]
    assert all(revocations_of(people, people["centers"][k]) == [] for k in ("a", "b"))

    act(supervisor, revocation["id"], "verify_grounds",
        {"ground": "第三十一条(一)", "facts": revocation["data"]["facts"]})
    act(authority, revocation["id"], "authority_revocation_decision", {"decision": "approve"})
    assert center(supervisor, reporting)["status"] == "revoked"
    assert status_changes(supervisor, revocation["id"]) == [("established", "revoked", "第三十一条(一)")]


def test_a_report_on_time_breaks_the_chain(people: dict[str, Any], reporting: int) -> None:
    supervisor = people["supervisor"]
    set_clock(supervisor, "2026-01-15T09:00:00+08:00")
    first = reports_of(people, reporting)[2025]
    act(people["applicant"], first["id"], "submit_report", GOOD_REPORT)
    set_clock(supervisor, "2027-02-01T00:00:00+08:00")  # 2026 missing, 2025 submitted on time
    second = reports_of(people, reporting)[2026]
    assert [e["element_id"] for e in events(supervisor, second["id"]) if e["kind"] == "procedure_started"] == []
    assert "escalate_overdue" in [t["element_id"] for t in instance(supervisor, second["id"])["ready_tasks"]]
    assert revocations_of(people, reporting) == []
    assert center(supervisor, reporting)["status"] == "established"


def test_a_late_report_is_a_submitted_report(people: dict[str, Any], reporting: int) -> None:
    """第三十一条(一) "连续2年未报送": the 2025 report, submitted after its deadline, is not a missing year."""
    supervisor = people["supervisor"]
    set_clock(supervisor, "2026-02-01T00:00:00+08:00")  # the 2025 report is overdue and escalated
    first = reports_of(people, reporting)[2025]
    assert "escalate_overdue" in [t["element_id"] for t in instance(supervisor, first["id"])["ready_tasks"]]
    set_clock(supervisor, "2026-03-10T09:00:00+08:00")
    act(people["applicant"], first["id"], "submit_report", GOOD_REPORT)  # late, but submitted
    set_clock(supervisor, "2027-02-01T00:00:00+08:00")  # the 2026 report is overdue: one missing year only
    second = reports_of(people, reporting)[2026]
    assert [e["element_id"] for e in events(supervisor, second["id"]) if e["kind"] == "procedure_started"] == []
    assert "escalate_overdue" in [t["element_id"] for t in instance(supervisor, second["id"])["ready_tasks"]]
    assert revocations_of(people, reporting) == []
    assert center(supervisor, reporting)["status"] == "established"

    set_clock(supervisor, "2028-02-01T00:00:00+08:00")  # 2026 and 2027 never submitted: two years in a row
    third = reports_of(people, reporting)[2027]
    [follow] = [e for e in events(supervisor, third["id"]) if e["kind"] == "procedure_started"]
    assert follow["article"] == "第三十一条(一)"
    [revocation] = revocations_of(people, reporting)
    assert "连续2年未报送年度报告" in revocation["data"]["facts"]


def test_the_overdue_escalation_proposes_no_revocation_of_its_own(people: dict[str, Any], reporting: int) -> None:
    """第三十一条(一) is checked when the report falls overdue and starts the revocation itself when it holds; below two
    years it does not apply: the escalation has no `revocation_proposed` option that would do nothing (finding 6)."""
    supervisor = people["supervisor"]
    set_clock(supervisor, "2026-02-01T00:00:00+08:00")  # one missing year: 第三十一条(一) does not hold
    first = reports_of(people, reporting)[2025]["id"]
    [escalation] = [t for t in instance(supervisor, first)["ready_tasks"] if t["element_id"] == "escalate_overdue"]
    form = supervisor.get(f"/api/v1/tasks/{escalation['id']}").get_json()["form"]
    assert form["properties"]["action"]["enum"] == ["urged", "extension_noted"]
    assert "连续2年未报送年度报告" in form["description"]
    act(supervisor, first, "escalate_overdue", {"action": "revocation_proposed", "note": "建议撤销。"}, status=422)
    act(supervisor, first, "escalate_overdue", {"action": "urged", "note": "已书面督促。"})
    assert revocations_of(people, reporting) == []

    set_clock(supervisor, "2027-02-01T00:00:00+08:00")  # two in a row: the revocation starts without the supervisor
    second = reports_of(people, reporting)[2026]["id"]
    [revocation] = revocations_of(people, reporting)
    assert revocation["data"]["ground"] == "第三十一条(一)"
    act(supervisor, second, "escalate_overdue", {"action": "extension_noted", "note": "中心说明审计延误。"})
    assert len(revocations_of(people, reporting)) == 1
