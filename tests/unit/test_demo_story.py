"""The demo tells a coherent story: the centers' history lived through the real procedures up to today.

Loaded once per backend with the simulated clock at 2 December 2026 (a database without instances may set it):
earlier years' reports approved, exactly one report overdue, one procedure waiting at each stage, no notification
about a deadline that had passed when it was sent, and loading it again changes nothing but the credentials.
"""
from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.models import Center, Event, HumanTask, Notification, ProcessInstance, User
from app.services.infrastructure.demo import seed_demo
from app.services.time import deadlines
from app.vocabulary import InstanceStatus
from tests.support import set_stored_clock

TODAY = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)  # 10:00 China time

# the stage each named center is in: its procedure waits at these steps (lanes)
STAGES = {
    "兵团示范智慧灌溉技术创新中心（拟建）": ("xpcc_establishment", {"plan_argumentation", "site_evaluation"}),  # experts
    "兵团示范农业装备技术创新中心": ("xpcc_preparation", set()),  # the construction period's timer
    "兵团示范棉花育种技术创新中心": ("xpcc_major_change", {"authority_change_approval"}),
    "长江示范国家技术创新中心": ("national_major_change", {"authority_change_approval"}),
    "内蒙古自治区稀土功能材料技术创新中心": ("nmg2020_evaluation", {"expert_evaluation"}),
    "晋中市智能装备技术创新中心": ("jinzhong_evaluation", {"submit_rectification_report"}),  # rectifying
}


def _ready(instance_id: int) -> set[str]:
    return set(db.session.scalars(select(HumanTask.element_id).where(HumanTask.instance_id == instance_id,
                                                                     HumanTask.state == "ready")))


def test_the_demo_centers_have_lived_until_today(app: Flask) -> None:
    with app.app_context():
        set_stored_clock(TODAY)
        began = time.perf_counter()
        seeded = seed_demo()
        print(f"demo with its history loaded in {time.perf_counter() - began:.1f} s")
        assert clock.now() == TODAY
        centers = {c.name: c for c in db.session.scalars(select(Center))}
        # the printed credentials list the centers as their history left them
        assert {c["name"]: c["status"] for c in seeded["centers"]} == {n: c.status for n, c in centers.items()}
        instances = list(db.session.scalars(select(ProcessInstance).order_by(ProcessInstance.id)))

        # every report due before today is approved, but one: nmg2020's 2025 report, escalated to the supervisor
        reports = [i for i in instances if i.process_key.endswith("_annual_report")]
        due = [(i, deadlines.annual_report_due(i.process_key.split("_")[0], int(str(i.business_key).split(":")[-1])))
               for i in reports]
        past = [(i, d) for i, d in due if d is not None and d < TODAY]
        assert len(past) >= 8  # 2024 and 2025 reports of several centers
        overdue = [i for i, _ in past if i.status != InstanceStatus.COMPLETED]
        assert [i.business_key for i in overdue] == [
            f"nmg2020_annual_report:{centers['内蒙古自治区稀土功能材料技术创新中心'].id}:2025"]
        assert _ready(overdue[0].id) == {"submit_report", "escalate_overdue"}
        for report, _ in past:
            if report is not overdue[0]:
                result = db.session.scalar(select(Event.payload).where(Event.instance_id == report.id,
                                                                       Event.kind == "instance_completed"))
                assert result is not None and "rejected" not in str(result), report.business_key
        # the center pages' 法定期限: exactly that report is listed overdue
        listed = [(c.name, d.period) for c in centers.values() for d in deadlines.center_deadlines(c, TODAY)
                  if d.kind == "annual_report" and d.overdue]
        assert listed == [("内蒙古自治区稀土功能材料技术创新中心", "2025年度")]

        # one procedure waiting at each stage
        for name, (key, waiting) in STAGES.items():
            [running] = [i for i in instances if i.center_id == centers[name].id and i.process_key == key
                         and i.status == InstanceStatus.RUNNING]
            assert _ready(running.id) == waiting, (name, key)
        assert centers["晋中市智能装备技术创新中心"].status == "rectifying"
        assert centers["兵团示范农业装备技术创新中心"].status == "under_construction"
        assert {c.status for n, c in centers.items() if "拟建" in n or n in ("晋中市功能食品技术创新中心",
                                                                           "晋中市新型建材技术创新中心")} == {"proposed"}

        # people did it, on the days it happened: events in the past, acts by the demo's people
        first, last = db.session.execute(select(func.min(Event.at), func.max(Event.at))).one()
        assert first < datetime(2024, 6, 1, tzinfo=UTC) and last <= TODAY
        actors = set(db.session.scalars(select(HumanTask.completed_by).where(HumanTask.completed_by.is_not(None))))
        assert actors and actors <= set(db.session.scalars(select(User.username)))

        # no notification sent after the deadline it announces; the unread ones are about what is still open
        for note in db.session.scalars(select(Notification)):
            if note.template == "annual_report_reminder":
                instance = db.session.get(ProcessInstance, note.instance_id)
                assert instance is not None
                year = int(str(instance.business_key).split(":")[-1])
                assert note.created_at < deadlines.annual_report_due(instance.process_key.split("_")[0], year)  # type: ignore[operator]
        unread = list(db.session.scalars(select(Notification).where(Notification.read_at.is_(None))))
        assert {n.template for n in unread} == {"annual_report_reminder", "annual_report_overdue"}
        assert {n.instance_id for n in unread} == {overdue[0].id}

        # loading it again adds nothing (fresh credentials only)
        counts = [db.session.scalar(select(func.count()).select_from(m)) for m in (Center, ProcessInstance, Event)]
        again: dict[str, Any] = seed_demo()
        assert [db.session.scalar(select(func.count()).select_from(m)) for m in (Center, ProcessInstance, Event)] == counts
        assert len(again["users"]) == db.session.scalar(select(func.count()).select_from(User))
