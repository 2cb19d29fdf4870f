"""Find a task for a caller: the access rule of every task action, in one place."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import bindparam, select

from app.errors import Forbidden, NotFound
from app.extensions import db
from app.models import HumanTask, User
from app.services.people import access
from app.vocabulary import TaskState

# built once with bound parameters: SQLAlchemy keys a statement of literal values for its cache on every call,
# which cost more than running it (scripts/bench); `session.get` builds its statement per call too
_TASK = select(HumanTask).where(HumanTask.id == bindparam("task_id"))
# an instance's ready tasks, in the order they became ready (its answer and the caller's next tasks)
READY_TASKS = select(HumanTask).where(HumanTask.instance_id == bindparam("instance_id"),
                                      HumanTask.state == TaskState.READY).order_by(HumanTask.id)


def visible_task(user: User, task_id: int) -> HumanTask:
    """The task if the caller may see its center; NotFound otherwise (never revealing that it exists)."""
    task = db.session.scalar(_TASK, {"task_id": task_id})
    if task is None or not access.may_see_task(user, task):
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
    return next(iter(workable_ready_tasks(user, instance_id)), None)


def workable_ready_tasks(user: User, instance_id: int) -> list[HumanTask]:
    """The instance's ready tasks the caller may work on, in the order they became ready."""
    return [task for task in db.session.scalars(READY_TASKS, {"instance_id": instance_id}) if access.may_work_on(user, task)]
