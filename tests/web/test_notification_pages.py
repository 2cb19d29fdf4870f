"""Notifications in the browser: the bell's unread count, the list, mark read, open the task a reminder concerns."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.web.conftest import csrf_token, logged_in, set_clock, start_annual_report


def text(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return str(response.get_data(as_text=True))


@pytest.fixture
def report(app: Flask, staff: dict[str, Any]) -> int:
    set_clock(app, "2026-12-01T09:00:00+08:00")
    return start_annual_report(app, staff)


def _notify(app: Flask, who: Any, instance_id: int | None = None, title: str = "年度报告即将到期：测试中心") -> int:
    from app import clock
    from app.extensions import db
    from app.models import Notification, User

    with app.app_context():
        user = db.session.query(User).filter_by(username=who.username).one()
        note = Notification(user_id=user.id, instance_id=instance_id, template="annual_report_reminder", title=title,
                            body="测试中心 的 2026 年度报告须于 2027年1月31日 23:59 前报送，请尽快填报。",
                            created_at=clock.now())
        db.session.add(note)
        db.session.commit()
        return int(note.id)


def test_bell_counts_unread_and_the_list_marks_read(app: Flask, staff: dict[str, Any]) -> None:
    client = logged_in(app, staff["applicant"])
    assert 'data-testid="unread-count"' not in text(client.get("/"))
    first, _second = _notify(app, staff["applicant"]), _notify(app, staff["applicant"], title="第二条通知")
    home = text(client.get("/"))
    assert 'data-testid="notification-bell"' in home and 'data-testid="unread-count">2<' in home
    listing = text(client.get("/notifications"))
    assert "年度报告即将到期：测试中心" in listing and "第二条通知" in listing and listing.count('data-testid="mark-read"') == 2
    response = client.post(f"/notifications/{first}/read",
                           data={"csrf_token": csrf_token(listing), "next": "/notifications"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/notifications")
    assert 'data-testid="unread-count">1<' in text(client.get("/"))
    unread = text(client.get("/notifications?unread=1"))
    assert "第二条通知" in unread and "年度报告即将到期" not in unread


def test_someone_elses_notification_is_404(app: Flask, staff: dict[str, Any]) -> None:
    note = _notify(app, staff["applicant"])
    other = logged_in(app, staff["authority"])
    assert other.get(f"/notifications/{note}/open").status_code == 404
    token = csrf_token(text(other.get("/notifications")))
    assert other.post(f"/notifications/{note}/read", data={"csrf_token": token}).status_code == 404


def test_opening_a_reminder_leads_to_my_task(app: Flask, staff: dict[str, Any], report: int) -> None:
    from app.extensions import db
    from app.models import HumanTask

    note = _notify(app, staff["applicant"], instance_id=report)
    with app.app_context():
        task_id = db.session.query(HumanTask.id).filter_by(instance_id=report, element_id="submit_report").scalar()
    response = logged_in(app, staff["applicant"]).get(f"/notifications/{note}/open")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/tasks/{task_id}")
    supervisor_note = _notify(app, staff["supervisor"], instance_id=report)
    response = logged_in(app, staff["supervisor"]).get(f"/notifications/{supervisor_note}/open")
    assert response.headers["Location"].endswith(f"/monitor/instances/{report}")


def test_browser_bell_leads_from_the_reminder_to_the_report(page: Any, live_server: Any, staff: dict[str, Any]) -> None:
    from tests.web.conftest import browser_login, screenshot

    set_clock(live_server.app, "2026-12-01T09:00:00+08:00")
    start_annual_report(live_server.app, staff)
    moved = live_server.app.test_client().post(  # through the clock door, which fires the due timers
        "/api/v1/clock", json={"now": "2027-01-02T09:00:00+08:00"},
        headers={"Authorization": f"Bearer {staff['supervisor'].token}"})
    assert moved.status_code == 200 and moved.get_json()["timers_fired"] >= 1  # the reminder (due 2027-01-31)
    browser_login(page, staff["applicant"])
    assert page.inner_text("[data-testid=unread-count]") == "1"
    page.click("[data-testid=notification-bell]")
    page.wait_for_selector("[data-testid=notification-list]")
    assert "2027年1月31日" in page.inner_text("[data-testid=notification-list]")
    screenshot(page, "notifications-01-list")
    page.click("[data-testid=open-notification]")
    page.wait_for_selector("[data-testid=task-form]")
    assert page.locator("[data-testid=unread-count]").count() == 0
