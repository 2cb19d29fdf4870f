"""The demo centers' history, lived through the real procedures on the simulated clock.

On a database without any instance the clock is set back to the first approval of a demo center and moved forward
to today the way the scheduler moves it (every due timer fired at its moment, the recurring starts of every week),
while the demo's people start procedures and complete their tasks through the same services as the browser and
the API: each annual report is submitted and approved before its reminder, but the one a center leaves overdue,
and each center's `story` steps are taken on their days. What the centers show today (states, deadlines, timers,
events, notifications) is what those procedures made.
"""
from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from app import clock
from app.errors import DomainError
from app.extensions import db
from app.models import Center, HumanTask, Notification, ProcessInstance, User
from app.services.infrastructure.demo_data import FORM_DATA, DemoCenter, Step
from app.services.infrastructure.files import Upload, new_file_id
from app.services.infrastructure.notifications import mark_read
from app.services.running.instances import start_instance
from app.services.tasks import actions
from app.services.tasks.attachments import NewFile
from app.services.time import deadlines
from app.services.time.tick import advance_to
from app.vocabulary import OPEN_STATUSES, REPORTING_STATUSES, TaskState, business_key

# a report is submitted this long before it is due: after its start (60 days before, by the next tick at the
# latest), and reviewed (a day a step) before its reminder (30 days before)
REPORT_SUBMITTED_BEFORE_DUE = timedelta(days=40)


@dataclass(frozen=True)
class Scene:
    """A step of one center on its day (reports: the center's report of `report_year`)."""

    at: datetime
    center: Center
    step: Step
    report_year: int | None = None


def history_possible() -> bool:
    """The history can be lived only on a database without any process instance (the clock then may move back)."""
    return db.session.scalar(select(ProcessInstance.id).limit(1)) is None


@contextmanager
def simulated_clock() -> Iterator[None]:
    """Run on the stored simulated clock, also where the application runs on the system clock (then restored)."""
    mode = current_app.config.get("TIC_CLOCK")
    current_app.config["TIC_CLOCK"] = "simulated"
    try:
        yield
    finally:
        current_app.config["TIC_CLOCK"] = mode


def at(day: date, hour: int = 9) -> datetime:
    """`day` at `hour` o'clock China time."""
    return datetime.combine(day, time(hour, 30), tzinfo=clock.CHINA)


def live(centers: list[tuple[Center, DemoCenter]], today: datetime) -> None:
    """Live the scenes of `centers` up to `today` (the clock stands at the first approval), then reach `today`."""
    for scene in sorted(_scenes(centers, today), key=lambda s: (s.at, s.center.id)):
        advance_to(scene.at)
        _play(scene)
    advance_to(today)
    _read_what_was_acted_on()


def _read_what_was_acted_on() -> None:
    """A notification is read when its recipient next acted in its procedure, or when the procedure ended."""
    for note in list(db.session.scalars(select(Notification).where(Notification.read_at.is_(None),
                                                                   Notification.instance_id.is_not(None)))):
        user, instance = db.session.get(User, note.user_id), db.session.get(ProcessInstance, note.instance_id)
        if user is None or instance is None:
            continue
        acted = db.session.scalar(select(func.min(HumanTask.completed_at)).where(
            HumanTask.instance_id == instance.id, HumanTask.completed_by == user.username,
            HumanTask.completed_at >= note.created_at))
        ended = instance.updated_at if instance.status not in OPEN_STATUSES else None
        if acted is not None or ended is not None:
            mark_read(user, note.id, min(m for m in (acted, ended) if m is not None))


def _scenes(centers: list[tuple[Center, DemoCenter]], today: datetime) -> Iterator[Scene]:
    for center, spec in centers:
        for step in spec.story:
            if at(step.on) < today:
                yield Scene(at(step.on), center, step)
        if spec.approved_at is None or center.status not in REPORTING_STATUSES:
            continue
        for year in range(spec.approved_at.year, today.astimezone(clock.CHINA).year + 1):
            due = deadlines.annual_report_due(center.policy, year)
            if due is None or year == spec.overdue_report or not deadlines.owes_annual_report(center, year):
                continue
            submitted = at((due - REPORT_SUBMITTED_BEFORE_DUE).astimezone(clock.CHINA).date())
            if submitted < today:
                yield Scene(submitted, center, Step(submitted.date(), "annual_report"), report_year=year)


def _play(scene: Scene) -> None:
    """Start or take up the scene's procedure and complete its ready tasks up to the step's `until`."""
    step, center = scene.step, scene.center
    key = f"{center.policy}_{step.procedure}"
    if step.start_as is not None:
        starter = None if step.start_as == "system" else _person(center, step.start_as)
        instance = start_instance(starter, key, center.id, dict(step.data))
    else:
        instance = _open_instance(center, key, scene.report_year)
    while (task := _next_task(instance.id)) is not None and task.element_id != step.until:
        data, uploads = _form(center, task, step)
        actions.complete(_person(center, str(task.lane), task.organisation_id), task.id, data, new_files=uploads)
        advance_to(clock.now() + timedelta(days=1), tick_at_target=False)
    if step.until is not None and (task is None or task.element_id != step.until):
        raise DomainError(_("演示中心 %(name)s 的 %(key)s 未停在 %(until)s", name=center.name, key=key, until=step.until))


def _open_instance(center: Center, key: str, report_year: int | None) -> ProcessInstance:
    query = select(ProcessInstance).where(ProcessInstance.center_id == center.id, ProcessInstance.process_key == key,
                                          ProcessInstance.status.in_(OPEN_STATUSES))
    if report_year is not None:
        query = query.where(ProcessInstance.business_key == business_key(key, {"center_id": center.id,
                                                                              "report_year": report_year}))
    instance = db.session.scalar(query.order_by(ProcessInstance.id.desc()).limit(1))
    if instance is None:
        raise DomainError(_("演示中心 %(name)s 没有进行中的 %(key)s", name=center.name, key=key))
    return instance


def _next_task(instance_id: int) -> HumanTask | None:
    return db.session.scalar(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                     HumanTask.state == TaskState.READY).order_by(HumanTask.id).limit(1))


def _person(center: Center, role: str, organisation_id: int | None = None) -> User:
    """The demo person of `role` in the center's organisation of that role (or the task's organisation)."""
    if organisation_id is None:
        organisation_id = next((o.organisation_id for o in center.organisations if o.role == role), None)
    user = db.session.scalar(select(User).where(User.role == role, User.organisation_id == organisation_id)
                             .order_by(User.id).limit(1))
    if user is None:
        raise DomainError(_("演示中心 %(name)s 没有 %(role)s 的演示用户", name=center.name, role=role))
    return user


def _form(center: Center, task: HumanTask, step: Step) -> tuple[dict[str, Any], list[NewFile]]:
    """The form data of the task (the step's, else FORM_DATA's, else an approval) with its documents as uploads."""
    data = step.forms.get(task.element_id) or FORM_DATA.get((center.policy, task.element_id)) \
        or {"decision": "approve", "comment": "同意。"}
    uploads: list[NewFile] = []
    return _with_uploads(data, "", uploads), uploads


def _with_uploads(value: Any, path: str, uploads: list[NewFile]) -> Any:
    if isinstance(value, dict) and set(value) == {"name", "file_id"}:
        upload = NewFile(new_file_id(), path, Upload(value["name"], "application/pdf",
                                                     io.BytesIO(b"%PDF-1.4\n% demo\n")))
        uploads.append(upload)
        return {"name": value["name"], "file_id": upload.file_id}
    if isinstance(value, dict):
        return {k: _with_uploads(v, f"{path}/{k}" if path else k, uploads) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_uploads(v, path, uploads) for v in value]
    return value
