"""Task actions — claim, unclaim, save a draft, complete — each one locked transaction that commits once.

The rules live here and nowhere else: the caller must see the task's center (else 404) and work in its lane
and organisation (else 403); a task claimed by a colleague can be drafted or completed only by that
colleague (409 naming them); a task that is no longer ready is a 409. Every action locks the instance row
first, so concurrent actions on one instance queue on one lock (no deadlock on PostgreSQL) and the loser of a
race gets 409.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from app import clock
from app.engine.runtime import EngineError, TaskNotReady
from app.errors import Conflict, InvalidSubmission, PreconditionFailed, ProcessError
from app.models import HumanTask, ProcessInstance, StoredFile, User
from app.services import transactions
from app.services.infrastructure import files as file_store
from app.services.infrastructure import forms
from app.services.infrastructure.files import Upload
from app.services.running.rows import write_columns
from app.services.running.starting import begin_instance
from app.services.running.steps import lock_instance, open_workflow, record_step, require_active
from app.services.tasks import attachments
from app.services.tasks.attachments import NewFile
from app.services.tasks.lookup import workable_ready_tasks, workable_task
from app.vocabulary import REVIEW_DECISION, REVIEW_REMARKS, TaskState


@dataclass
class Completed:
    """A completed task with where its instance stands: status, version and the caller's next ready tasks."""

    task: HumanTask
    instance_status: str
    instance_version: int
    next_tasks: list[HumanTask] = field(default_factory=list)


def _locked(user: User, task_id: int) -> tuple[HumanTask, ProcessInstance]:
    """The caller's task, re-read under its instance's lock, and the instance."""
    task = workable_task(user, task_id)
    instance = lock_instance(task.instance_id)
    transactions.reread(task)
    return task, instance


def _require_ready(task: HumanTask) -> None:
    if task.state != TaskState.READY:
        raise Conflict(_("该任务已办理完毕或已取消，未写入任何内容"))


def _require_not_taken(user: User, task: HumanTask) -> None:
    _require_ready(task)
    if task.claimed_by not in (None, user.username):
        raise Conflict(_("该任务已由 %(user)s 认领，只有认领人可以办理", user=task.claimed_by))


def _finish(work: Any, stored: list[StoredFile] | None = None) -> None:
    """Commit, or roll back and remove the contents of files stored in this transaction."""
    try:
        work()
        transactions.commit()
    except BaseException:
        transactions.rollback()
        attachments.discard(stored or [])
        raise


def claim(user: User, task_id: int) -> HumanTask:
    """Mark the task as mine so colleagues do not work on it too; Conflict if a colleague holds it."""
    task, instance = _locked(user, task_id)

    def work() -> None:
        _require_not_taken(user, task)
        if task.claimed_by is None:
            task.claimed_by, task.claimed_at = user.username, clock.now()

    _finish(work)
    return task


def unclaim(user: User, task_id: int) -> HumanTask:
    """Give a task I hold back to my colleagues; Conflict if I do not hold it."""
    task, instance = _locked(user, task_id)

    def work() -> None:
        _require_ready(task)
        if task.claimed_by != user.username:
            raise Conflict(_("您没有认领该任务"))
        task.claimed_by, task.claimed_at = None, None

    _finish(work)
    return task


def attach(user: User, task_id: int, upload: Upload, field: str = "file") -> StoredFile:
    """Store one document for a task before its form refers to it (the API's way to attach files)."""
    task, _instance = _locked(user, task_id)
    stored: list[StoredFile] = []

    def work() -> None:
        _require_not_taken(user, task)
        item = NewFile(file_store.new_file_id(), field, upload)
        attachments.validate_uploads([item])
        attachments.store_uploads(user, task, [item], stored)

    _finish(work, stored)
    return stored[0]


def save_draft(user: User, task_id: int, data: dict[str, Any], new_files: Sequence[NewFile] = ()) -> HumanTask:
    """Keep unfinished form data (and its new attachments) as my draft; claims the task if nobody holds it."""
    task, instance = _locked(user, task_id)
    stored: list[StoredFile] = []

    def work() -> None:
        _require_not_taken(user, task)
        schema = forms.form_schema(task.form_key) if task.form_key else {}
        forms.require_storable(schema, data)
        fresh = _referenced(schema, data, new_files)
        attachments.resolve(task, schema, data, fresh)
        attachments.validate_uploads(fresh)
        attachments.store_uploads(user, task, fresh, stored)
        task.draft = data
        if task.claimed_by is None:
            task.claimed_by, task.claimed_at = user.username, clock.now()

    _finish(work, stored)
    return task


def complete(
    user: User, task_id: int, data: dict[str, Any], *, new_files: Sequence[NewFile] = (),
    expected_version: int | None = None, precondition: Callable[[int, int], bool] | None = None,
) -> HumanTask:
    """Complete a task (see `complete_and_next`) and return it."""
    return complete_and_next(user, task_id, data, new_files=new_files, expected_version=expected_version,
                             precondition=precondition).task


def complete_and_next(
    user: User, task_id: int, data: dict[str, Any], *, new_files: Sequence[NewFile] = (),
    expected_version: int | None = None, precondition: Callable[[int, int], bool] | None = None,
) -> Completed:
    """Validate the form and its files, store the files, complete the task, clear my draft — one transaction.

    The answer also carries the instance's status and version after the step and the ready tasks of the
    instance the caller may work on next (read in the same transaction: no second round trip).

    `expected_version` (the body's `instance_version`) → 409 when the instance moved on; `precondition(instance id,
    version)` (an HTTP `If-Match`) → 412 when it no longer holds. Both are checked under the instance lock.
    """
    task, instance = _locked(user, task_id)
    stored: list[StoredFile] = []
    nexts: list[HumanTask] = []

    def work() -> None:
        _require_not_taken(user, task)
        if precondition is not None and not precondition(instance.id, instance.version):
            raise PreconditionFailed(_("数据在您读取后已被修改（If-Match 与当前 ETag 不符），未写入任何内容，请重新读取后再提交"))
        if expected_version is not None and expected_version != instance.version:
            raise Conflict(_("流程实例已变化（版本 %(now)s，您提交的是 %(sent)s）", now=instance.version,
                             sent=expected_version))
        require_active(instance)
        schema = forms.form_schema(task.form_key) if task.form_key else {}
        if not task.form_key:  # a form's validation reports unstorable numbers with its other problems
            forms.require_storable(schema, data)
        fresh = _referenced(schema, data, new_files)
        _validate(task, schema, data, fresh)
        attachments.validate_uploads(fresh)
        attachments.store_uploads(user, task, fresh, stored)
        now = clock.now()
        workflow = open_workflow(instance)
        outcome = workflow.complete(task.task_uuid, data, now)
        write_columns(task, {"state": TaskState.COMPLETED, "completed_at": now, "completed_by": user.username,
                             "data": data, "draft": None})
        record_step(instance, workflow, outcome, "system", now, start=begin_instance,
                    submitted={task.task_uuid: user.username}, said={task.task_uuid: _said(data)})
        nexts.extend(workable_ready_tasks(user, instance.id))

    try:
        _finish(work, stored)
    except TaskNotReady as err:
        raise Conflict(_("任务 %(id)s 已不可办理", id=task_id)) from err
    except StaleDataError as err:
        raise Conflict(_("流程实例已被他人修改，请刷新后重试")) from err
    except EngineError as err:
        raise ProcessError(_("流程在元素 %(element)s 处出错：%(reason)s", element=err.element_id, reason=err.reason),
                           {"element_id": [err.element_id]}) from err
    return Completed(task, instance.status, instance.version, nexts)


def _said(data: dict[str, Any]) -> dict[str, str]:
    """What a reviewer decided and wrote, for the step's audit event (the form's `decision`, `comment`, `opinion`)."""
    return {key: data[key] for key in (REVIEW_DECISION, *REVIEW_REMARKS) if isinstance(data.get(key), str) and data[key].strip()}


def _validate(task: HumanTask, schema: dict[str, Any], data: dict[str, Any], fresh: Sequence[NewFile]) -> None:
    """The form's own rules and the attachment rule, every problem reported at once."""
    errors: dict[str, Any] = {}
    checks: tuple[Callable[[], object], ...] = (
        lambda: attachments.resolve(task, schema, data, fresh),
        lambda: forms.validate_submission(task.form_key, data),
    )
    for check in checks:
        try:
            check()
        except InvalidSubmission as err:
            for path, messages in (err.errors or {}).items():
                errors.setdefault(path, []).extend(messages)
    if errors:
        raise InvalidSubmission(_("提交的表单有误，请按提示修改"), errors)


def _referenced(schema: dict[str, Any], data: dict[str, Any], new_files: Sequence[NewFile]) -> list[NewFile]:
    ids = set(attachments.referenced_ids(schema, data))
    return [n for n in new_files if n.file_id in ids]
