"""Supervisors' pages with Flask's client: every view, access (403/404), CSRF, exports, the clock control."""
from __future__ import annotations

import re
from io import BytesIO
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.models import Event, HumanTask, ProcessInstance
from tests.web.conftest import create_web_user, csrf_token, logged_in, set_clock, start_annual_report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGES = ["/monitor/instances", "/monitor/deadlines", "/dashboard", "/dashboard/data.json"]


CJK = re.compile(r"[\u4e00-\u9fff]")

@pytest.fixture
def report(app: Flask, staff: dict[str, Any]) -> int:
    set_clock(app, "2026-12-01T09:00:00+08:00")
    return start_annual_report(app, staff)


@pytest.fixture
def supervisor(app: Flask, staff: dict[str, Any]) -> FlaskClient:
    return logged_in(app, staff["supervisor"])


def text(response: Any) -> str:
    return str(response.get_data(as_text=True))


def status_of(app: Flask, instance_id: int) -> str:
    with app.app_context():
        instance = db.session.get(ProcessInstance, instance_id)
        assert instance is not None
        return instance.status


@pytest.mark.parametrize("path", PAGES + ["/monitor/instances/1"])
def test_login_required(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("key", ["applicant", "sponsor", "expert", "applicant_b"])
@pytest.mark.parametrize("path", PAGES)
def test_other_roles_get_403(app: Flask, staff: dict[str, Any], report: int, key: str, path: str) -> None:
    assert logged_in(app, staff[key]).get(path).status_code == 403


@pytest.mark.parametrize("key", ["supervisor", "authority", "admin"])
@pytest.mark.parametrize("path", PAGES)
def test_oversight_roles_see_every_page(app: Flask, staff: dict[str, Any], report: int, key: str, path: str) -> None:
    assert logged_in(app, staff[key]).get(path).status_code == 200


def test_instance_list_filters_and_pagination(app: Flask, staff: dict[str, Any], supervisor: FlaskClient) -> None:
    set_clock(app, "2026-12-01T09:00:00+08:00")
    a = start_annual_report(app, staff, "a")
    b = start_annual_report(app, staff, "b")
    page = text(supervisor.get("/monitor/instances"))
    assert f'data-instance-id="{a}"' in page and f'data-instance-id="{b}"' in page and "测试中心_a" in page
    assert "内蒙古（2025版）·年度报告" in page and "2026年度" in page  # the procedure in words, not its key
    assert "nmg2025_annual_report" not in page.split('<tbody>')[1]
    narrowed = text(supervisor.get(f"/monitor/instances?center_id={staff['centers']['b']}&status=running"))
    assert f'data-instance-id="{b}"' in narrowed and f'data-instance-id="{a}"' not in narrowed
    assert "没有符合条件的流程实例" in text(supervisor.get("/monitor/instances?overdue=1"))
    assert "没有符合条件的流程实例" in text(supervisor.get("/monitor/instances?started_from=2026-12-02"))
    first = text(supervisor.get("/monitor/instances?per_page=1"))
    assert f'data-instance-id="{b}"' in first and 'data-testid="pagination"' in first and "page=2" in first
    second = text(supervisor.get("/monitor/instances?per_page=1&page=2"))
    assert f'data-instance-id="{a}"' in second and f'data-instance-id="{b}"' not in second


@pytest.mark.parametrize("query", ["started_from=not-a-date", "status=nonsense", "page=0", "center_id=999"])
def test_invalid_filters_are_reported(supervisor: FlaskClient, report: int, query: str) -> None:
    response = supervisor.get(f"/monitor/instances?{query}")
    assert response.status_code == 422 and 'class="form-errors"' in text(response)


def test_instance_list_export(app: Flask, staff: dict[str, Any], supervisor: FlaskClient, report: int) -> None:
    from app.models import User

    with app.app_context():
        db.session.get(User, staff["supervisor"].id).display_name = "周明"  # type: ignore[union-attr]
        db.session.commit()
    response = supervisor.get("/monitor/instances?status=running&format=xlsx")
    assert response.status_code == 200 and response.mimetype == XLSX
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(load_workbook(BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[0][0] == "实例编号" and [r[0] for r in rows[1:]] == [report]
    starter = rows[0].index("发起人")
    assert rows[1][starter] == "周明"  # the person, not the login


def test_instance_page(app: Flask, supervisor: FlaskClient, report: int) -> None:
    page = text(supervisor.get(f"/monitor/instances/{report}"))
    assert 'id="diagram"' in page and "bpmn-navigated-viewer.production.min.js" in page and "js/diagram.js" in page
    assert '\\"submit_report\\": \\"active\\"' not in page  # JSON, not double-encoded
    assert '"submit_report": "active"' in page and '"timer_overdue": "2027-01-31 23:59"' in page
    assert "流程启动" in page and "instance_started" not in page.replace('class="event-instance_started"', "")
    assert 'data-testid="form-suspend"' in page and 'data-testid="form-terminate"' in page
    assert 'data-testid="form-resume"' not in page
    assert 'name="csrf_token"' in page
    events = supervisor.get(f"/monitor/instances/{report}?format=xlsx")
    assert events.mimetype == XLSX
    rows = list(load_workbook(BytesIO(events.data)).active.iter_rows(values_only=True))
    assert rows[1][3] == "流程启动"
    assert not {r[2] for r in rows[1:]} & {"system", "scheduler"}  # actors by name, never the machine's words


def test_authority_sees_the_page_without_actions(app: Flask, staff: dict[str, Any], report: int) -> None:
    page = text(logged_in(app, staff["authority"]).get(f"/monitor/instances/{report}"))
    assert 'data-testid="form-suspend"' not in page and "只有管理员或本政策的监督人员" in page
    response = logged_in(app, staff["authority"]).post(f"/monitor/instances/{report}/suspend")
    assert response.status_code == 400  # no CSRF token


def test_instance_not_visible_is_404(app: Flask, staff: dict[str, Any], report: int) -> None:
    with app.app_context():
        from app.services.people.users import organisation

        org = organisation("xpcc 兵团科技局", "authority", "xpcc")
        db.session.commit()
        org_id = org.id
    other = create_web_user(app, "xpcc_supervisor", "supervisor", org_id, "xpcc")
    client = logged_in(app, other)
    assert client.get(f"/monitor/instances/{report}").status_code == 404
    assert client.get(f"/monitor/instances/{report}?format=xlsx").status_code == 404
    assert client.get("/monitor/instances/99999").status_code == 404
    assert f'data-instance-id="{report}"' not in text(client.get("/monitor/instances"))
    token = csrf_token(text(client.get("/monitor/instances")))
    response = client.post(f"/monitor/instances/{report}/suspend", data={"csrf_token": token, "reason": "越权"})
    assert response.status_code == 404
    assert status_of(app, report) == "running"


def _act(client: FlaskClient, instance_id: int, action: str, reason: str, version: str | None = None) -> Any:
    page = text(client.get(f"/monitor/instances/{instance_id}"))
    data = {"csrf_token": csrf_token(page), "reason": reason}
    if version is not None:
        data["version"] = version
    return client.post(f"/monitor/instances/{instance_id}/{action}", data=data)


def test_suspend_resume_terminate(app: Flask, supervisor: FlaskClient, report: int) -> None:
    response = _act(supervisor, report, "suspend", "核查材料")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/monitor/instances/{report}")
    assert status_of(app, report) == "suspended"
    page = text(supervisor.get(f"/monitor/instances/{report}"))
    assert "流程实例已暂停" in page and 'data-testid="form-resume"' in page and "核查材料" in page
    assert _act(supervisor, report, "resume", "核查完毕").status_code == 302
    assert status_of(app, report) == "running"
    assert _act(supervisor, report, "terminate", "中心已撤销").status_code == 302
    assert status_of(app, report) == "terminated"
    with app.app_context():
        kinds = [(e.kind, e.actor, (e.payload or {}).get("reason")) for e in db.session.scalars(
            select(Event).where(Event.instance_id == report, Event.kind.like("instance_%")).order_by(Event.id))]
        assert kinds[1:] == [("instance_suspended", "nmg2025_supervisor", "核查材料"),
                             ("instance_resumed", "nmg2025_supervisor", "核查完毕"),
                             ("instance_terminated", "nmg2025_supervisor", "中心已撤销")]
        assert {t.state for t in db.session.scalars(select(HumanTask).where(HumanTask.instance_id == report))} == {
            "cancelled"}
    page = text(supervisor.get(f"/monitor/instances/{report}"))
    assert "该流程实例已结束" in page and '"submit_report": "cancelled"' in page


def test_reason_is_required(app: Flask, supervisor: FlaskClient, report: int) -> None:
    response = _act(supervisor, report, "suspend", "   ")
    assert response.status_code == 422 and "必须填写原因" in text(response)
    assert status_of(app, report) == "running"


def test_invalid_transition_is_409(app: Flask, supervisor: FlaskClient, report: int) -> None:
    response = _act(supervisor, report, "resume", "未暂停")
    assert response.status_code == 409 and 'data-testid="action-error"' in text(response)
    stale = _act(supervisor, report, "suspend", "旧页面", version="0")
    assert stale.status_code == 409
    assert status_of(app, report) == "running"
    assert supervisor.post(f"/monitor/instances/{report}/explode", data={}).status_code in (400, 404)


def test_csrf_is_required(app: Flask, supervisor: FlaskClient, report: int) -> None:
    response = supervisor.post(f"/monitor/instances/{report}/suspend", data={"reason": "无令牌"})
    assert response.status_code == 400
    bad = supervisor.post(f"/monitor/instances/{report}/suspend", data={"reason": "假令牌", "csrf_token": "forged"})
    assert bad.status_code == 400
    assert supervisor.post("/clock/advance", data={"step": "day"}).status_code == 400
    assert status_of(app, report) == "running"


def test_deadlines_board(app: Flask, supervisor: FlaskClient, report: int) -> None:
    month = text(supervisor.get("/monitor/deadlines"))
    assert 'data-testid="late-list-empty"' in month and 'data-testid="upcoming-list-empty"' in month
    quarter = text(supervisor.get("/monitor/deadlines?days=90"))
    assert 'data-element-id="submit_report"' in quarter and 'data-element-id="timer_reminder"' in quarter
    assert 'data-policy="nmg2025"' in quarter and "nmg2025 applicant_a" in quarter
    flat = text(supervisor.get("/monitor/deadlines?days=90&group=none"))
    assert 'data-policy="nmg2025"' not in flat and 'data-element-id="submit_report"' in flat
    set_clock(app, "2027-02-03T09:00:00+08:00")
    late = text(supervisor.get("/monitor/deadlines"))
    assert 'data-testid="late-list"' in late and 'data-element-id="submit_report"' in late
    export = supervisor.get("/monitor/deadlines?format=xlsx&list=late")
    assert export.status_code == 200 and export.mimetype == XLSX
    book = load_workbook(BytesIO(export.data))
    assert book.sheetnames == ["逾期事项"]
    rows = list(book.active.iter_rows(values_only=True))
    assert "填报年度报告" in [r[4] for r in rows[1:]]


def test_dashboard_data(supervisor: FlaskClient, report: int) -> None:
    page = text(supervisor.get("/dashboard"))
    assert "echarts.min.js" in page and "js/dashboard.js" in page and "<script>" not in page
    assert 'data-testid="evaluations-due"' in page and "暂无即将到期的考核评估" in page
    data = supervisor.get("/dashboard/data.json").get_json()
    assert set(data) >= {"now", "centers_by_status", "annual_reports", "overdue_steps", "evaluations_due"}
    assert data["overdue_by_procedure"] == data["overdue_steps"]  # the earlier key stays for existing readers
    assert data["now"].startswith("2026-12-01T09:00:00") and data["now_text"] == "2026-12-01 09:00"
    assert data["centers_by_status"]["total"] == 2 and data["centers_by_status"]["policies"] == ["nmg2025"]
    assert data["centers_by_status"]["series"][0]["status"] == "established"
    assert data["centers_by_status"]["categories"] == ["内蒙古（2025版）"]
    supervisor.get("/lang/en")  # every label in the user's language
    english = supervisor.get("/dashboard/data.json").get_json()
    assert english["centers_by_status"]["categories"] == ["Inner Mongolia (2025)"]
    assert english["centers_by_status"]["series"][0]["name"] == "Established"
    assert "Evaluations falling due within 180 days" in text(supervisor.get("/dashboard"))
    # the timer lag is on the operator's page, for administrators only
    assert supervisor.get("/dashboard/operations").status_code == 403
    assert supervisor.get("/dashboard/operations.json").status_code == 403


def test_operations_page_for_administrators(app: Flask, staff: dict[str, Any], report: int) -> None:
    admin = logged_in(app, staff["admin"])
    page = text(admin.get("/dashboard/operations"))
    assert 'data-testid="chart-lag"' in page and "定时事件触发延迟" in page and "<script>" not in page
    assert 'href="/dashboard/operations"' in page  # in the admin's navigation, not in a supervisor's
    assert 'href="/dashboard/operations"' not in text(logged_in(app, staff["supervisor"]).get("/dashboard"))
    data = admin.get("/dashboard/operations.json").get_json()
    assert set(data) == {"now", "timer_lag"} and data["timer_lag"]["recent"]["n"] == 0


def test_clock_control(app: Flask, staff: dict[str, Any], supervisor: FlaskClient, report: int) -> None:
    page = text(supervisor.get("/monitor/instances"))
    assert 'data-testid="clock-control"' in page and "2026-12-01 09:00" in page
    response = supervisor.post("/clock/advance", data={"csrf_token": csrf_token(page), "step": "month",
                                                        "next": "/monitor/deadlines?days=90"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/monitor/deadlines?days=90")
    after = text(supervisor.get("/monitor/deadlines?days=90"))
    assert "2027-01-01 09:00" in after and "模拟时钟已前进至 2027-01-01 09:00" in after
    response = supervisor.post("/clock/advance", data={"csrf_token": csrf_token(page), "step": "day",
                                                        "next": "https://evil.example/"})
    assert response.headers["Location"].endswith("/monitor/instances")
    assert "2027-01-02 09:00" in text(supervisor.get("/monitor/instances"))
    with app.app_context():  # the reminder (due 1 January 23:59:59) fired on the way
        fired = db.session.scalar(select(Event).where(Event.instance_id == report, Event.kind == "timer_fired"))
        assert fired is not None and fired.element_id == "timer_reminder"
    bad = supervisor.post("/clock/advance", data={"csrf_token": csrf_token(page), "step": "century"})
    assert bad.status_code == 302 and "2027-01-02 09:00" in text(supervisor.get("/monitor/instances"))


@pytest.mark.parametrize("key", ["authority", "applicant"])
def test_clock_control_only_for_admin_and_supervisor(app: Flask, staff: dict[str, Any], report: int, key: str) -> None:
    client = logged_in(app, staff[key])
    page = text(client.get("/monitor/instances"))  # the applicant gets the 403 page, with the logout form
    assert 'data-testid="clock-control"' not in page
    token = csrf_token(page)
    assert client.post("/clock/advance", data={"csrf_token": token, "step": "day"}).status_code == 403


def test_english_pages(app: Flask, supervisor: FlaskClient, report: int) -> None:
    headers = {"Accept-Language": "en"}
    supervisor.get("/lang/en")
    page = text(supervisor.get(f"/monitor/instances/{report}", headers=headers))
    assert "Audit trail" in page and "Suspend" in page
    events = supervisor.get(f"/monitor/instances/{report}?format=xlsx", headers=headers)
    rows = list(load_workbook(BytesIO(events.data)).active.iter_rows(values_only=True))
    started = [r for r in rows[1:] if r[4]]  # the steps: their names and articles in English
    assert started and all(r[5] == "Art. 29" for r in started) and not any(CJK.search(str(r[4])) for r in started)
    assert "Overdue" in text(supervisor.get("/monitor/deadlines", headers=headers))
