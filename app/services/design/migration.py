"""Move running instances to another version with SpiffWorkflow's diff and migrate, one instance at a time."""
from __future__ import annotations

from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from app import clock
from app.engine.runtime import EngineError
from app.engine.versions import apply_migration, plan_migration
from app.engine.views import StepOutcome
from app.extensions import db
from app.models import HumanTask, ProcessDefinition, ProcessInstance, User
from app.services import transactions
from app.services.design.definitions import definition_version
from app.services.design.guard import require_designer
from app.services.infrastructure.deploy import process_of
from app.services.running.events import add_event
from app.services.running.starting import begin_instance
from app.services.running.steps import lock_instance, open_workflow, record_step
from app.vocabulary import OPEN_STATUSES, InstanceStatus, TaskState


def _candidates(process_key: str, target_id: int, instance_ids: list[int] | None) -> list[int]:
    query = select(ProcessInstance.id).where(ProcessInstance.process_key == process_key,
                                             ProcessInstance.status.in_(OPEN_STATUSES),
                                             ProcessInstance.definition_id != target_id)
    if instance_ids is not None:
        query = query.where(ProcessInstance.id.in_(instance_ids))
    return list(db.session.scalars(query.order_by(ProcessInstance.id)))


def migrate_instances(user: User, process_key: str, to_version: int, instance_ids: list[int] | None,
                      dry_run: bool) -> list[dict[str, Any]]:
    """Per instance: safe or not (and why), what moves; without `dry_run` the safe ones move, each in its own
    transaction under its lock and with an event in its trail; the unsafe ones stay, with the reason recorded."""
    require_designer(user, process_key)
    target = definition_version(process_key, to_version)
    results = []
    ids = _candidates(process_key, target.id, instance_ids)
    for missing in sorted(set(instance_ids or []) - set(ids)):
        results.append({"instance_id": missing, "safe": False, "migrated": False, "from_version": None,
                        "to_version": to_version, "moved": [], "reasons": [
                            {"change": "not_applicable", "message": _("该实例不存在、已结束、不属于此流程或已在目标版本")}]})
    for instance_id in ids:
        with transactions.edge():
            results.append(_migrate_one(user, instance_id, target, dry_run))
    return sorted(results, key=lambda r: r["instance_id"])


def _migrate_one(user: User, instance_id: int, target: ProcessDefinition, dry_run: bool) -> dict[str, Any]:
    instance = lock_instance(instance_id)
    if instance.status == InstanceStatus.SUSPENDED:  # stepping it would run the engine: resume it first
        return {"instance_id": instance.id, "safe": False, "migrated": False, "from_version": None,
                "to_version": target.version, "moved": [], "reasons": [
                    {"change": "suspended", "message": _("流程实例已暂停：恢复后才能迁移")}]}
    source = db.session.get(ProcessDefinition, instance.definition_id)
    workflow = open_workflow(instance)
    new = process_of(target)
    plan = plan_migration(workflow, new)
    reasons = [{**r, "message": _reason(r)} for r in plan.reasons]
    result = {"instance_id": instance.id, "safe": plan.safe, "migrated": False,
              "from_version": source.version if source else None, "to_version": target.version,
              "moved": plan.moved, "reasons": reasons}
    now = clock.now()
    payload = {"from_version": result["from_version"], "to_version": target.version, "moved": plan.moved}
    if dry_run:
        return result
    with force_locale("zh_CN"):  # the audit trail is stored in the default language, whoever acted
        versions = _("第 %(a)s 版 → 第 %(b)s 版", a=result["from_version"], b=target.version)
        stored = "；".join([versions, *(_reason(r) for r in plan.reasons)])
    if not plan.safe:
        add_event(instance, now, user.username, "migration_refused",
                  payload={**payload, "reasons": plan.reasons, "message": stored})
        return result
    before = StepOutcome(ready_before={t.task_id for t in workflow.ready_tasks()},
                         timers_before={t.task_id: t for t in workflow.waiting_timers()})
    try:
        apply_migration(workflow, plan, new)
        outcome = workflow.fire_timers(now)
    except EngineError as err:
        transactions.rollback()
        return {**result, "safe": False, "reasons": [{"change": "engine", "message": str(err)}]}
    outcome.ready_before, outcome.timers_before = before.ready_before, before.timers_before
    instance.definition_id = target.id
    add_event(instance, now, user.username, "instance_migrated", payload={**payload, "message": stored})
    record_step(instance, workflow, outcome, user.username, now, start=begin_instance)
    for task in workflow.ready_tasks():  # a task kept across the move shows its new name, form and article
        db.session.execute(HumanTask.__table__.update().where(
            HumanTask.task_uuid == task.task_id, HumanTask.state == TaskState.READY).values(
            element_id=task.element_id, name=task.name, form_key=task.form_key, article=task.article))
    return {**result, "migrated": True}


def _reason(reason: dict[str, str]) -> str:
    return _("已%(state)s的“%(name)s”在新版本中%(change)s", state=_state(reason["state"]), name=reason["name"],
             change=_change(reason["change"]))


def _state(state: str) -> str:
    return {"COMPLETED": _("完成"), "STARTED": _("开始"), "ERROR": _("出错"), "CANCELLED": _("取消"),
            "WAITING": _("在等待")}.get(state, _("进行"))


def _change(change: str) -> str:
    return {"removed": _("被删除"), "changed": _("被修改"), "subprocess": _("所调用的子流程被修改"),
            "relative_timer": _("会从迁移时起重新计时（相对定时器）")}.get(change, change)
