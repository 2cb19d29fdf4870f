"""Find a task for a caller: the access rule of every task action, in one place."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from app.errors import Forbidden, NotFound
from app.extensions import db
from app.models import Center, HumanTask, User
from app.services.people import access
from app.vocabulary import TaskState


def visible_task(user: User, task_id: int) -> HumanTask:
    """The task if the caller may see its center; NotFound otherwise (never revealing that it exists)."""
    task = db.session.get(HumanTask, task_id)
    center = db.session.get(Center, task.center_id) if task is not None and task.center_id else None
    if task is None or not access.may_see_task(user, task, center):
        raise NotFound(_("任务不存在：%(id)s", id=task_id))
    return task


def workable_task(user: User, task_id: int) -> HumanTask:
    """A visible task of the caller's lane and organisation; Forbidden for a visible task that is not theirs."""
    task = visible_task(user, task_id)
    if not access.may_work_on(user, task):
        raise Forbidden(_("该任务不属于您的角色或单位"))
    return task


def first_workable_task(user: User, instance_id: int) -> HumanTask | None:
    """The caller's first ready task on an instance (where a notification or a start leads them), if any."""
    ready = db.session.scalars(select(HumanTask).where(
        HumanTask.instance_id == instance_id, HumanTask.state == TaskState.READY).order_by(HumanTask.id))
    return next((task for task in ready if access.may_work_on(user, task)), None)
