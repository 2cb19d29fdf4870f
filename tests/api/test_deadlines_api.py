"""GET /api/v1/centers/{id}/deadlines and the annual-report start rule, through the API."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask

from app.extensions import db
from app.models import ClockState


@pytest.fixture
def clock_2025(app: Flask, people: dict[str, Any]) -> dict[str, Any]:
    """The simulated clock put back to 2025-10-01 09:00 China time (tests only: the API never moves it back)."""
    with app.app_context():
        db.session.merge(ClockState(id=1, now=datetime(2025, 10, 1, 1, 0, tzinfo=UTC)))
        db.session.commit()
    return people


def create(people: dict[str, Any], **body: Any) -> int:
    body = {"name": f"测试中心{body['policy']}{body.get('approved_at')}", "status": "established", **body}
    response = people["admin"].post("/api/v1/centers", json=body)
    assert response.status_code == 201, response.get_json()
    return int(response.get_json()["id"])


def deadlines(people: dict[str, Any], center_id: int, who: str = "admin") -> dict[str, dict[str, Any]]:
    response = people[who].get(f"/api/v1/centers/{center_id}/deadlines")
    assert response.status_code == 200, response.get_json()
    return {d["kind"]: d for d in response.get_json()}


def test_nmg2025_worked_example(clock_2025: dict[str, Any]) -> None:
    people = clock_2025
    center_id = create(people, policy="nmg2025", status="approved_for_preparation", approved_at="2025-09-10")
    found = deadlines(people, center_id)
    assert found["preparation_end"] == {
        "kind": "preparation_end", "period": "筹建期 2025-09-10 至 2027-09-10", "due": "2027-09-10T23:59:59+08:00",
        "article": "第二十条", "configured": False, "note": None,
    }
    assert found["annual_report"]["due"] == "2026-01-31T23:59:59+08:00"
    assert found["annual_report"]["period"] == "2025年度" and found["annual_report"]["article"] == "第二十九条"


def test_nmg2020_after_june_reports_from_the_next_year(clock_2025: dict[str, Any]) -> None:
    people = clock_2025
    late = deadlines(people, create(people, policy="nmg2020", approved_at="2025-08-01"))["annual_report"]
    assert late["period"] == "2026年度" and late["due"] == "2027-03-31T23:59:59+08:00"
    early = deadlines(people, create(people, policy="nmg2020", approved_at="2025-04-01"))["annual_report"]
    assert early["period"] == "2025年度" and early["due"] == "2026-03-31T23:59:59+08:00"
    assert early["article"] == "三(六)1"


def test_xpcc_construction_end(clock_2025: dict[str, Any]) -> None:
    people = clock_2025
    found = deadlines(people, create(people, policy="xpcc", status="under_construction", approved_at="2025-05-20"))
    assert found["construction_end"]["due"] == "2028-05-20T23:59:59+08:00"
    assert found["construction_end"]["article"] == "第十二条5"
    assert found["annual_report"]["configured"] is True


def test_29_february_and_jinzhong_notice(clock_2025: dict[str, Any]) -> None:
    people = clock_2025
    leap = deadlines(people, create(people, policy="nmg2025", status="approved_for_preparation",
                                    approved_at="2024-02-29"))
    assert leap["preparation_end"]["due"] == "2026-02-28T23:59:59+08:00"
    notice = deadlines(people, create(people, policy="jinzhong", status="proposed",
                                      profile={"public_notice_start": "2025-09-29"}))
    assert notice["public_notice_end"]["due"] == "2025-10-11T23:59:59+08:00"
    assert notice["public_notice_end"]["article"] == "第七条(五)"


def test_deadlines_follow_center_visibility(people: dict[str, Any]) -> None:
    center_a = people["centers"]["a"]
    assert people["applicant"].get(f"/api/v1/centers/{center_a}/deadlines").status_code == 200
    assert people["supervisor"].get(f"/api/v1/centers/{center_a}/deadlines").status_code == 200
    assert people["applicant_b"].get(f"/api/v1/centers/{center_a}/deadlines").status_code == 404
    assert people["admin"].get("/api/v1/centers/99999/deadlines").status_code == 404
    assert people["applicant"].client.get(f"/api/v1/centers/{center_a}/deadlines").status_code == 401
    for item in people["applicant"].get(f"/api/v1/centers/{center_a}/deadlines").get_json():
        assert item["due"].endswith("T23:59:59+08:00") and item["article"]


def test_annual_report_start_refuses_a_year_before_approval(people: dict[str, Any]) -> None:
    response = people["supervisor"].post("/api/v1/instances", json={
        "process_key": "nmg2025_annual_report", "center_id": people["centers"]["a"], "data": {"report_year": 2024}})
    assert response.status_code == 422
    assert "尚未批准" in response.get_json()["errors"]["data.report_year"][0]
