"""The inbox tells two tasks of one procedure apart: the report year or the cycle beside the procedure's name."""
from __future__ import annotations

from typing import Any

from flask import Flask

from app.labels import subject
from tests.web.conftest import logged_in, set_clock, start_annual_report


def test_subject_of_a_business_key(app: Flask) -> None:
    with app.app_context():
        assert subject("nmg2025_annual_report:3:2026") == "2026年度"
        assert subject("nmg2025_evaluation:3:cycle-2") == "第2周期"
        assert subject(None) is None and subject("nmg2025_major_change:3:x") is None


def test_two_reports_of_one_center_are_told_apart(app: Flask, staff: dict[str, Any]) -> None:
    set_clock(app, "2026-12-01T09:00:00+08:00")
    start_annual_report(app, staff, year=2026)
    start_annual_report(app, staff, year=2027)  # started early: two reports of one center in the inbox
    page = logged_in(app, staff["applicant"]).get("/").get_data(as_text=True)
    assert 'data-testid="task-subject">2027年度<' in page and 'data-testid="task-subject">2026年度<' in page
