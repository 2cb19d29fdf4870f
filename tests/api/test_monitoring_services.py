"""Supervisor services: instance list and page, suspend/resume/terminate, the deadlines board, exports, charts."""
from __future__ import annotations

from datetime import date, datetime
from io import BytesIO
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select

from app import clock
from app.clock import CHINA
from app.errors import Conflict, Forbidden, InvalidSubmission, NotFound
from app.extensions import db
from app.models import Event, HumanTask, ProcessInstance, Timer, User
from app.services.monitoring import dashboard, overdue
from app.services.monitoring import instance_board as monitoring
from app.services.monitoring.instance_board import InstanceFilters
from app.services.people.users import create_user
from app.services.running import instance_admin, instances
from app.services.tasks import actions, inbox
from app.services.time.tick import run_tick
from tests.processes.support import GOOD_REPORT as REPORT


def user(people: dict[str, Any], key: str) -> User:
    found = db.session.scalar(select(User).where(User.username == people[key].username))
    assert found is not None
    return found


def at(iso: str) -> None:
    """Move the simulated clock without firing anything."""
    clock.set_simulated(datetime.fromisoformat(iso))
    db.session.commit()


def start(people: dict[str, Any], center: str = "a", year: int = 2026) -> int:
    instance = instances.start_instance(user(people, "supervisor"), "nmg2025_annual_report",
                                        people["centers"][center], {"report_year": year})
    return int(instance.id)


def complete(people: dict[str, Any], key: str, element_id: str, data: dict[str, Any]) -> None:
    actor = user(people, key)
    [task] = [t for t in inbox.inbox(actor).items if t.element_id == element_id]
    actions.complete(actor, task.id, data)


@pytest.fixture
def ctx(app: Flask, people: dict[str, Any]) -> Any:
    with app.app_context():
        at("2026-12-01T09:00:00+08:00")
        yield people


def test_list_filters_and_pagination(ctx: dict[str, Any]) -> None:
    a, b = start(ctx, "a"), start(ctx, "b")
    sup = user(ctx, "supervisor")
    everything = monitoring.list_instances(sup, InstanceFilters())
    assert [r.instance.id for r in everything.rows] == [b, a] and everything.total == 2
    assert everything.rows[0].center_name == "测试中心_b" and everything.rows[0].policy == "nmg2025"
    assert everything.rows[0].ready_tasks == 1 and everything.rows[0].overdue_tasks == 0

    def ids(**kw: Any) -> list[int]:
        return [r.instance.id for r in monitoring.list_instances(sup, InstanceFilters(**kw)).rows]

    assert ids(center_id=ctx["centers"]["a"]) == [a]
    assert ids(policy="nmg2025") == [b, a] and ids(policy="xpcc") == []
    assert ids(process_key="nmg2025_annual_report") == [b, a] and ids(process_key="nmg2025_establishment") == []
    assert ids(status="running") == [b, a] and ids(status="completed") == []
    assert ids(started_from=date(2026, 12, 1), started_to=date(2026, 12, 1)) == [b, a]
    assert ids(started_from=date(2026, 12, 2)) == [] and ids(started_to=date(2026, 11, 30)) == []
    first = monitoring.list_instances(sup, InstanceFilters(), page=1, per_page=1)
    second = monitoring.list_instances(sup, InstanceFilters(), page=2, per_page=1)
    assert (first.total, first.pages, [r.instance.id for r in first.rows]) == (2, 2, [b])
    assert [r.instance.id for r in second.rows] == [a]
    assert monitoring.list_instances(sup, InstanceFilters(), page=9, per_page=1).rows == []


def test_started_between_uses_china_days(ctx: dict[str, Any]) -> None:
    at("2026-12-01T23:30:00+08:00")  # 15:30 UTC: still 1 December in China
    a = start(ctx)
    sup = user(ctx, "supervisor")
    got = monitoring.list_instances(sup, InstanceFilters(started_from=date(2026, 12, 1), started_to=date(2026, 12, 1)))
    assert [r.instance.id for r in got.rows] == [a]


def test_overdue_filter_follows_the_simulated_clock(ctx: dict[str, Any]) -> None:
    a = start(ctx, "a")
    start(ctx, "b")
    complete(ctx, "applicant_b", "submit_report", REPORT)
    sup = user(ctx, "supervisor")
    at("2027-01-31T23:59:59+08:00")  # due exactly now: not yet late
    assert monitoring.list_instances(sup, InstanceFilters(overdue=True)).total == 0
    at("2027-02-01T00:00:01+08:00")
    late = monitoring.list_instances(sup, InstanceFilters(overdue=True))
    assert [r.instance.id for r in late.rows] == [a] and late.rows[0].overdue_tasks == 1


def test_only_oversight_roles_and_their_policy(ctx: dict[str, Any]) -> None:
    a = start(ctx)
    with pytest.raises(Forbidden):
        monitoring.list_instances(user(ctx, "applicant"), InstanceFilters())
    with pytest.raises(Forbidden):
        monitoring.instance_detail(user(ctx, "applicant"), a)
    other, _ = create_user("xpcc_supervisor", "supervisor", policy="xpcc")
    assert monitoring.list_instances(other, InstanceFilters()).total == 0
    with pytest.raises(NotFound):
        monitoring.instance_detail(other, a)
    assert monitoring.list_instances(user(ctx, "admin"), InstanceFilters()).total == 1
    assert monitoring.list_instances(user(ctx, "authority"), InstanceFilters()).total == 1
    with pytest.raises(NotFound):
        monitoring.instance_detail(user(ctx, "admin"), 9999)


def test_detail_has_diagram_states_timers_and_audit(ctx: dict[str, Any]) -> None:
    a = start(ctx)
    sup = user(ctx, "supervisor")
    detail = monitoring.instance_detail(sup, a)
    assert 'id="nmg2025_annual_report"' in detail.bpmn_xml
    assert detail.element_states["start_annual_report"] == "completed"
    assert detail.element_states["submit_report"] == "active"
    assert detail.element_states["timer_reminder"] == "waiting"
    assert detail.timer_due["timer_overdue"] == datetime(2027, 1, 31, 23, 59, 59, tzinfo=CHINA)
    assert detail.diagram_data()["timers"]["timer_overdue"] == "2027-01-31 23:59"
    assert [e.kind for e in detail.events][0] == "instance_started"
    assert detail.actions == ["suspend", "terminate"]
    assert monitoring.instance_detail(user(ctx, "authority"), a).actions == []

    complete(ctx, "applicant", "submit_report", REPORT)
    detail = monitoring.instance_detail(sup, a)
    assert detail.element_states["submit_report"] == "completed"
    assert detail.element_states["sponsor_review"] == "active"
    assert "timer_overdue" not in detail.timer_due
    assert [t.element_id for t in detail.ready_tasks] == ["sponsor_review"]


def test_suspend_blocks_timers_and_tasks_resume_restores(ctx: dict[str, Any]) -> None:
    a = start(ctx)
    sup = user(ctx, "supervisor")
    suspended = instance_admin.suspend(sup, a, "  核查材料真实性  ")
    assert suspended.status == "suspended"
    with pytest.raises(Conflict):
        complete(ctx, "applicant", "submit_report", REPORT)
    at("2027-01-02T00:00:00+08:00")  # the reminder came due
    run_tick()
    reminder = db.session.scalar(select(Timer).where(Timer.instance_id == a, Timer.element_id == "timer_reminder"))
    assert reminder is not None and reminder.state == "waiting"
    assert monitoring.instance_detail(sup, a).actions == ["resume", "terminate"]

    assert instance_admin.resume(sup, a, "核查完毕").status == "running"
    assert run_tick().timers_fired >= 1
    db.session.refresh(reminder)
    assert reminder.state == "fired" and reminder.lag_ms is not None and reminder.lag_ms > 0
    events = [e for e in db.session.scalars(select(Event).where(Event.instance_id == a).order_by(Event.id))]
    admin_events = [(e.kind, e.actor, (e.payload or {}).get("reason")) for e in events if e.kind.startswith("instance_")]
    assert admin_events[1:] == [
        ("instance_suspended", sup.username, "核查材料真实性"),
        ("instance_resumed", sup.username, "核查完毕"),
    ]
    complete(ctx, "applicant", "submit_report", REPORT)  # works again


def test_resume_returns_an_errored_instance_to_error(ctx: dict[str, Any]) -> None:
    a = start(ctx)
    instance = db.session.get(ProcessInstance, a)
    assert instance is not None
    instance.status = "error"
    db.session.commit()
    sup = user(ctx, "supervisor")
    instance_admin.suspend(sup, a, "排查")
    assert instance_admin.resume(sup, a, "排查完毕").status == "error"


@pytest.mark.parametrize("action", ["suspend", "resume", "terminate"])
def test_transitions_need_a_reason_and_the_right_role(ctx: dict[str, Any], action: str) -> None:
    a = start(ctx)
    do = getattr(instance_admin, action)
    with pytest.raises(InvalidSubmission) as err:
        do(user(ctx, "supervisor"), a, "   ")
    assert err.value.errors and "reason" in err.value.errors
    with pytest.raises(Forbidden):
        do(user(ctx, "authority"), a, "原因")
    with pytest.raises(Forbidden):
        do(user(ctx, "applicant"), a, "原因")
    with pytest.raises(NotFound):
        do(user(ctx, "applicant_b"), a, "原因")
    with pytest.raises(NotFound):
        do(user(ctx, "supervisor"), 9999, "原因")


def test_invalid_transitions_conflict(ctx: dict[str, Any]) -> None:
    a = start(ctx)
    sup = user(ctx, "supervisor")
    with pytest.raises(Conflict):
        instance_admin.resume(sup, a, "未暂停")
    instance_admin.suspend(sup, a, "暂停")
    with pytest.raises(Conflict):
        instance_admin.suspend(sup, a, "再次暂停")
    version = db.session.get(ProcessInstance, a).version  # type: ignore[union-attr]
    with pytest.raises(Conflict):
        instance_admin.resume(sup, a, "过期页面", expected_version=version - 1)
    instance_admin.terminate(sup, a, "终止", expected_version=version)
    for action in ("suspend", "resume", "terminate"):
        with pytest.raises(Conflict):
            getattr(instance_admin, action)(sup, a, "已终止")


def test_terminate_cancels_tasks_and_timers(ctx: dict[str, Any]) -> None:
    a = start(ctx)
    admin = user(ctx, "admin")
    terminated = instance_admin.terminate(admin, a, "中心已撤销，无需报送")
    assert terminated.status == "terminated"
    states = {t.state for t in db.session.scalars(select(HumanTask).where(HumanTask.instance_id == a))}
    assert states == {"cancelled"}
    assert {t.state for t in db.session.scalars(select(Timer).where(Timer.instance_id == a))} == {"cancelled"}
    assert [t for t in inbox.inbox(user(ctx, "applicant")).items if t.instance_id == a] == []
    event = db.session.scalar(select(Event).where(Event.kind == "instance_terminated"))
    assert event is not None and event.actor == admin.username
    assert event.payload == {"reason": "中心已撤销，无需报送", "previous_status": "running",
                             "cancelled_tasks": 1, "cancelled_timers": 2}
    detail = monitoring.instance_detail(admin, a)
    assert detail.element_states["submit_report"] == "cancelled" and detail.actions == []
    at("2027-03-01T00:00:00+08:00")
    assert run_tick().timers_fired == 0


def test_board_late_and_upcoming_by_window(ctx: dict[str, Any]) -> None:
    a = start(ctx, "a")
    sup = user(ctx, "supervisor")
    month = overdue.board(sup, 30)
    assert month.late == []
    assert [(i.kind, i.name) for i in month.upcoming] == []
    quarter = overdue.board(sup, 90)
    kinds = [(i.kind, i.element_id, i.center_id) for i in quarter.upcoming]
    # A: the reminder timer and the task (its overdue timer and the statutory deadline are the task's own due)
    # B: no instance yet, so the statutory annual-report deadline
    assert kinds == [
        ("timer", "timer_reminder", ctx["centers"]["a"]),
        ("task", "submit_report", ctx["centers"]["a"]),
        ("deadline", "annual_report", ctx["centers"]["b"]),
    ]
    task = quarter.upcoming[1]
    assert (task.instance_id, task.days, task.lane, task.organisation) == (a, 61, "applicant", "nmg2025 applicant_a")
    assert quarter.upcoming[2].organisation == "nmg2025 applicant_b" and quarter.upcoming[2].article == "第二十九条"
    [group] = quarter.upcoming_groups
    assert group.policy == "nmg2025" and group.count == 3
    assert [o.organisation for o in group.organisations] == ["nmg2025 applicant_a", "nmg2025 applicant_b"]

    at("2027-02-03T09:00:00+08:00")  # past due, the scheduler has not run yet
    late = overdue.board(sup, 30).late
    assert [(i.kind, i.element_id) for i in late] == [
        ("timer", "timer_reminder"), ("task", "submit_report"), ("timer", "timer_overdue"),
    ]
    assert late[1].days == 2
    run_tick()  # fires A's timers; starts B's report (late from its start)
    late = overdue.board(sup, 30).late
    assert {(i.kind, i.element_id, i.center_id) for i in late} == {
        ("task", "submit_report", ctx["centers"]["a"]), ("task", "submit_report", ctx["centers"]["b"]),
    }
    with pytest.raises(Forbidden):
        overdue.board(user(ctx, "sponsor"))


def test_board_export_parses_back(ctx: dict[str, Any]) -> None:
    start(ctx, "a")
    at("2027-02-03T09:00:00+08:00")
    data = overdue.export_board(user(ctx, "supervisor"), 90)
    book = load_workbook(BytesIO(data))
    assert book.sheetnames == ["逾期事项", "90天内到期"]
    rows = list(book["逾期事项"].iter_rows(values_only=True))
    assert rows[0][:8] == ("政策", "单位", "技术创新中心", "类别", "事项", "依据条款", "截止时间", "逾期天数")
    task_row = next(r for r in rows[1:] if r[3] == "待办任务")
    assert task_row[4] == "填报年度报告" and task_row[2] == "测试中心_a"
    assert task_row[6] == datetime(2027, 1, 31, 23, 59, 59)  # China time, as Excel has no zones
    assert book["逾期事项"].column_dimensions["E"].width >= 12
    only_late = load_workbook(BytesIO(overdue.export_board(user(ctx, "supervisor"), 30, "late")))
    assert only_late.sheetnames == ["逾期事项"]


def test_instance_and_event_exports(ctx: dict[str, Any]) -> None:
    a, b = start(ctx, "a"), start(ctx, "b")
    sup = user(ctx, "supervisor")
    book = load_workbook(BytesIO(monitoring.export_instances(sup, InstanceFilters())))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "实例编号" and "技术创新中心" in rows[0]
    assert [r[0] for r in rows[1:]] == [b, a]
    assert rows[1][8] == datetime(2026, 12, 1, 9, 0)
    narrowed = load_workbook(BytesIO(monitoring.export_instances(sup, InstanceFilters(center_id=ctx["centers"]["a"]))))
    assert [r[0] for r in list(narrowed.active.iter_rows(values_only=True))[1:]] == [a]
    instance_admin.suspend(sup, a, "核查")
    events = list(load_workbook(BytesIO(monitoring.export_events(sup, a))).active.iter_rows(values_only=True))
    assert events[0][:4] == ("序号", "时间", "操作人", "事件")
    assert events[-1][3] == "流程暂停" and events[-1][6] == "原因：核查"


def test_dashboard_numbers(ctx: dict[str, Any]) -> None:
    a = start(ctx, "a")
    start(ctx, "b")
    at("2027-01-05T09:00:00+08:00")
    sup = user(ctx, "supervisor")
    complete(ctx, "applicant", "submit_report", REPORT)
    data = dashboard.chart_data(sup)
    assert set(data) >= {"now", "centers_by_status", "annual_reports", "overdue_steps", "evaluations_due"}
    assert data["centers_by_status"] == {"categories": ["内蒙古（2025版）"], "policies": ["nmg2025"], "total": 2,
                                         "series": [{"name": "已成立", "status": "established", "data": [2]}]}
    reports = data["annual_reports"]
    # by policy and region (the center's 地方科技管理部门): A's report received, B's not yet (due 31 January)
    assert reports["report_year"] == 2026
    assert reports["categories"] == ["内蒙古（2025版）·nmg2025 local_authority_a", "内蒙古（2025版）·nmg2025 local_authority_b"]
    assert (reports["owed"], reports["received"], reports["missing"]) == ([1, 1], [1, 0], [0, 1])
    assert reports["past_due"] == [False, False]
    assert data["overdue_steps"]["total"] == 0 and data["evaluations_due"] == []
    at("2027-02-01T00:00:10+08:00")
    run_tick()  # B's reminder (due 1 January) and overdue timer fire now, a month and 11 s late
    data = dashboard.chart_data(sup)
    assert data["annual_reports"]["past_due"] == [True, True]
    # the overdue step, by procedure (in words) and the organisation that must act
    assert data["overdue_steps"] == {"categories": ["内蒙古（2025版）·年度报告"],
                                     "series": [{"name": "nmg2025 applicant_b", "data": [1]}], "total": 1}
    with pytest.raises(Forbidden):  # the timer lag is the operator's: an administrator's
        dashboard.operations_data(sup)
    lag = dashboard.operations_data(user(ctx, "admin"))["timer_lag"]
    assert lag["days"] == ["2027-02-01"] and lag["count"] == [2]
    assert lag["max"][0] == pytest.approx(30 * 86400 + 11)  # the reminder: due 1 Jan 23:59:59
    assert lag["p50"][0] == pytest.approx(11)
    # A's reminder never fired: submitting the report (after its due time, before any tick) cancelled it
    assert lag["recent"] == {"n": 2, "p50": lag["p50"][0], "p95": lag["max"][0], "max": lag["max"][0]}
    reminder = db.session.scalar(select(Timer).where(Timer.instance_id == a, Timer.element_id == "timer_reminder"))
    assert reminder is not None and reminder.state == "cancelled"



def test_dashboard_evaluations_falling_due(ctx: dict[str, Any]) -> None:
    sup = user(ctx, "supervisor")
    # established 1 June 2026: nmg2025 第三十二条 evaluates every three years, first on 1 June 2029
    at("2028-11-01T09:00:00+08:00")
    assert dashboard.chart_data(sup)["evaluations_due"] == []  # 212 days off: outside the 180-day window
    at("2029-01-01T09:00:00+08:00")
    due = dashboard.chart_data(sup)["evaluations_due"]
    assert [(e["center"], e["region"], e["due"], e["days"], e["article"]) for e in due] == [
        ("测试中心_a", "nmg2025 local_authority_a", "2029-06-01", 151, "第三十二条"),
        ("测试中心_b", "nmg2025 local_authority_b", "2029-06-01", 151, "第三十二条"),
    ]
    assert due[0]["policy"] == "内蒙古（2025版）" and "2026-06-01" in due[0]["period"]


def test_a_report_submitted_before_its_deadline_gives_way_to_the_next_years(ctx: dict[str, Any]) -> None:
    from app.models import Center
    from app.services.time.deadlines import center_deadlines

    def reports_listed() -> list[str]:
        center = db.session.get(Center, ctx["centers"]["a"])
        assert center is not None
        return [d.period for d in center_deadlines(center, clock.now()) if d.kind == "annual_report"]

    start(ctx, "a")
    assert reports_listed() == ["2026年度"]
    complete(ctx, "applicant", "submit_report", REPORT)  # 1 December, before the 31 January deadline
    assert reports_listed() == ["2027年度"]
