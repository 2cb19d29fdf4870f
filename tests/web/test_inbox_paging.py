"""The web inbox filters, counts, sorts and pages in SQL: one page of rows, the total, counts over all my tasks."""
from __future__ import annotations

import re
from typing import Any

from flask import Flask

from app.extensions import db
from app.services.paging import Window
from tests.web.conftest import logged_in, set_clock, start_annual_report


def _page(app: Flask, who: Any, window: Window, **filters: Any) -> Any:
    from app.models import User
    from app.services.tasks.inbox import InboxFilters, inbox_page

    with app.app_context():
        user = db.session.get(User, who.id)
        page = inbox_page(user, InboxFilters(**filters), window)
        return page, [(r.task.id, r.subject, r.task.due_at) for r in page.rows]


def test_pages_sort_and_count_in_sql(app: Flask, staff: dict[str, Any]) -> None:
    set_clock(app, "2026-12-01T09:00:00+08:00")
    for year in (2027, 2026, 2028):  # due at the end of January after each year
        start_annual_report(app, staff, year=year)
    start_annual_report(app, staff, center="b", year=2026)  # another center's applicant: not in my inbox
    applicant = staff["applicant"]
    first, rows = _page(app, applicant, Window(limit=2))
    assert first.total == 3 and first.counts["all"] == 3 and len(rows) == 2
    assert [subject for _i, subject, _d in rows] == ["2026年度", "2027年度"]  # soonest due first, in SQL
    rest, more = _page(app, applicant, Window(limit=2, offset=2))
    assert rest.total == 3 and [s for _i, s, _d in more] == ["2028年度"]
    back, desc = _page(app, applicant, Window(limit=2), descending=True)
    assert [s for _i, s, _d in desc] == ["2028年度", "2027年度"] and back.total == 3
    assert first.policies == ["nmg2025"] and first.procedures == ["annual_report"] and len(first.centers) == 1
    none, nothing = _page(app, applicant, Window(limit=2), procedure="evaluation")
    assert none.total == 0 and nothing == [] and none.counts["all"] == 3  # counts stay over all my tasks
    center = first.centers[0][0]
    same, kept = _page(app, applicant, Window(limit=5), policy="nmg2025", center_id=center, procedure="annual_report")
    assert same.total == 3 and len(kept) == 3
    overdue, late = _page(app, applicant, Window(limit=5), due="overdue")
    assert overdue.total == 0 and overdue.counts["overdue"] == 0
    set_clock(app, "2027-02-10T09:00:00+08:00")  # the 2026 report is now overdue, 2027's not yet due
    overdue, late = _page(app, applicant, Window(limit=5), due="overdue")
    assert [s for _i, s, _d in late] == ["2026年度"] and overdue.counts["overdue"] == 1 == overdue.total


def test_the_page_shows_its_window_and_the_total(app: Flask, staff: dict[str, Any]) -> None:
    set_clock(app, "2026-12-01T09:00:00+08:00")
    for year in (2026, 2027, 2028):
        start_annual_report(app, staff, year=year)
    client = logged_in(app, staff["applicant"])
    html = client.get("/?offset=2").get_data(as_text=True)
    assert len(re.findall(r'data-task-id="\d+"', html)) == 1 and "2028年度" in html and "2026年度" not in html
    assert re.search(r'data-testid="inbox-total">[^<]*3', html)
    assert 'data-testid="count-all"><strong>3<' in html
    everything = client.get("/").get_data(as_text=True)
    assert len(re.findall(r'data-task-id="\d+"', everything)) == 3 and 'data-testid="inbox-pager"' not in everything
