"""A step continues the workflow this process kept after writing the stored state (app/services/running/
kept_workflows.py) instead of restoring it — only when the stored state is still exactly that, only after its
transaction committed, and (the test suite's TIC_WORKFLOW_CACHE_CHECK) proven equal to the stored state."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from app.engine.runtime import Workflow
from app.extensions import db
from app.models import ProcessInstance
from app.services import transactions
from app.services.infrastructure.definitions import process_for_definition
from app.services.running import kept_workflows
from app.services.running.steps import lock_instance, open_workflow
from tests.support import start_bench_instance


@pytest.fixture
def restores(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Counts the workflows restored from a stored state (Workflow.load)."""
    calls: list[int] = []
    original = Workflow.load.__func__  # type: ignore[attr-defined]

    def counted(cls: type[Workflow], state: str, process: Any) -> Workflow:
        calls.append(1)
        return original(cls, state, process)  # type: ignore[no-any-return]

    monkeypatch.setattr(Workflow, "load", classmethod(counted))
    kept_workflows.forget_all()
    yield calls
    kept_workflows.forget_all()


def _complete(people: dict[str, Any], task_id: int) -> dict[str, Any]:
    done = people["applicant"].post(f"/api/v1/tasks/{task_id}/complete", json={"data": {}})
    assert done.status_code == 200, done.get_json()
    body: dict[str, Any] = done.get_json()
    return body


def test_steps_continue_the_kept_workflow(app: Flask, people: dict[str, Any], tmp_path: Path,
                                          restores: list[int]) -> None:
    started = start_bench_instance(app, people, tmp_path)
    task_id = started["ready_tasks"][0]["id"]
    for _step in range(3):
        body = _complete(people, task_id)
        task_id = body["next_tasks"][0]["id"] if body["next_tasks"] else None
    assert body["instance_status"] == "completed"
    assert restores == []  # the start kept its workflow; each completion continued the one before it


def test_a_state_written_elsewhere_is_restored(app: Flask, people: dict[str, Any], tmp_path: Path,
                                               restores: list[int]) -> None:
    started = start_bench_instance(app, people, tmp_path)
    with app.app_context():  # another process steps the instance: the stored state is no longer ours
        instance = lock_instance(started["id"])
        workflow = Workflow.load(instance.state, process_for_definition(instance.definition_id))
        workflow._wf.data["stepped_elsewhere"] = True
        db.session.execute(ProcessInstance.__table__.update().where(ProcessInstance.id == instance.id)
                           .values(state=workflow.dumps()))
        transactions.commit()
    restores.clear()
    body = _complete(people, started["ready_tasks"][0]["id"])
    assert restores == [1] and body["instance_status"] == "running"


def test_a_rolled_back_step_keeps_nothing(app: Flask, people: dict[str, Any], tmp_path: Path,
                                          restores: list[int]) -> None:
    started = start_bench_instance(app, people, tmp_path)
    with app.app_context():
        instance = lock_instance(started["id"])
        workflow = open_workflow(instance)  # taken out of the cache: nobody else steps it meanwhile
        assert restores == []
        kept_workflows.keep(instance.id, instance.definition_id, "a state never committed", workflow)
        transactions.rollback()
        instance = lock_instance(started["id"])
        open_workflow(instance)
        assert restores == [1]  # neither the taken workflow nor the rolled-back one was kept
        transactions.rollback()


def test_a_kept_workflow_that_diverged_fails_the_check(app: Flask, people: dict[str, Any], tmp_path: Path,
                                                       restores: list[int]) -> None:
    started = start_bench_instance(app, people, tmp_path)
    with app.app_context():
        assert app.config["TIC_WORKFLOW_CACHE_CHECK"]
        instance = lock_instance(started["id"])
        workflow = open_workflow(instance)
        workflow._wf.data["changed_without_writing"] = True  # a step that changed the workflow and did not write it
        kept_workflows.keep(instance.id, instance.definition_id, instance.state, workflow)
        transactions.commit()
        instance = lock_instance(started["id"])
        with pytest.raises(kept_workflows.KeptWorkflowDiverged):
            open_workflow(instance)
        transactions.rollback()


def test_no_cache_restores_every_step(app: Flask, people: dict[str, Any], tmp_path: Path,
                                      restores: list[int]) -> None:
    app.config["TIC_WORKFLOW_CACHE"] = 0
    started = start_bench_instance(app, people, tmp_path)
    _complete(people, started["ready_tasks"][0]["id"])
    assert restores == [1]
