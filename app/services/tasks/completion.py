"""Human tasks: the inbox, a task with its form, and completing it under the instance lock."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app import clock
from app.engine.runtime import EngineError, TaskNotReady
from app.errors import Conflict, Forbidden, NotFound, ProcessError
from app.extensions import db
from app.models import HumanTask, ProcessInstance, User
from app.services.infrastructure import forms
from app.services.people import access
from app.services.running.steps import commit_keeping_loaded, lock_instance, open_workflow, record_step, require_active


@dataclass
class TaskDetail:
    """A task, its form schema and the data to prefill it with."""

    task: HumanTask
    form: dict[str, Any] | None
    data: dict[str, Any]
    instance_version: int
    context: dict[str, Any] = field(default_factory=dict)  # what earlier steps recorded, for reviewers


def inbox(user: User, center_id: int | None = None, process_key: str | None = None) -> list[HumanTask]:
    """Ready tasks for the user's role in the user's organisation, soonest due first."""
    query = select(HumanTask).where(
        HumanTask.state == "ready", HumanTask.lane == user.role, HumanTask.organisation_id == user.organisation_id
    )
    if center_id is not None:
        query = query.where(HumanTask.center_id == center_id)
    if process_key is not None:
        query = query.join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id).where(
            ProcessInstance.process_key == process_key
        )
    return list(db.session.scalars(query.order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.id)))


def _task_for(user: User, task_id: int) -> HumanTask:
    task = db.session.get(HumanTask, task_id)
    if task is None:
        raise NotFound(f"任务不存在：{task_id}")
    if not access.may_work_on(user, task):
        raise Forbidden("该任务不属于您的角色或单位")
    return task


def task_detail(user: User, task_id: int) -> TaskDetail:
    """A task the user may work on, with its form and the instance data it shows."""
    task = _task_for(user, task_id)
    form = forms.form_schema(task.form_key) if task.form_key else None
    data: dict[str, Any] = {}
    context: dict[str, Any] = {}
    instance = lock_free_instance(task.instance_id)
    if task.state == "ready":
        workflow = open_workflow(instance)
        visible = workflow.task_data(task.task_uuid)
        props = (form or {}).get("properties", {})
        data = {k: v for k, v in visible.items() if k in props or k in ("center_name", "report_year", "due_at")}
        context = {k: v for k, v in visible.items() if not k.startswith("spiff__")}
    return TaskDetail(task, form, data, instance.version, context)


def lock_free_instance(instance_id: int) -> ProcessInstance:
    """Read an instance without locking it (for display)."""
    instance = db.session.get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFound(f"流程实例不存在：{instance_id}")
    return instance


def complete_task(user: User, task_id: int, data: dict[str, Any], expected_version: int | None = None) -> HumanTask:
    """Validate the form, then complete the task in one locked transaction; commits."""
    task = _task_for(user, task_id)
    if task.state != "ready":
        raise Conflict(f"任务 {task_id} 已不在待办状态（{task.state}）")
    forms.validate_submission(task.form_key, data)
    now = clock.now()
    try:
        instance = lock_instance(task.instance_id)
        if db.session.get_bind().dialect.name != "sqlite":
            db.session.refresh(task)  # SQLite's transaction began with the write lock: nothing can have changed
        if task.state != "ready":
            raise Conflict(f"任务 {task_id} 已被他人办理")
        if expected_version is not None and expected_version != instance.version:
            raise Conflict(f"流程实例已变化（版本 {instance.version}，您提交的是 {expected_version}）")
        require_active(instance)
        workflow = open_workflow(instance)
        outcome = workflow.complete(task.task_uuid, data, now)
        task.state, task.completed_at, task.completed_by, task.data = "completed", now, user.username, data
        record_step(instance, workflow, outcome, "system", now, submitted={task.task_uuid: user.username})
        commit_keeping_loaded()
    except TaskNotReady as err:
        db.session.rollback()
        raise Conflict(f"任务 {task_id} 已不可办理") from err
    except StaleDataError as err:
        db.session.rollback()
        raise Conflict("流程实例已被他人修改，请刷新后重试") from err
    except EngineError as err:
        db.session.rollback()
        raise ProcessError(f"流程在元素 {err.element_id} 处出错：{err.reason}", {"element_id": [err.element_id]}) from err
    except Exception:
        db.session.rollback()
        raise
    return task
