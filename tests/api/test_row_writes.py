"""A step writes its instance and task with one Core UPDATE each (app/services/running/rows.py), keeping what the
ORM's flush guaranteed: the version check, the loaded object showing the new values, and a rollback (a
savepoint's too) making the object read the database again."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.models import HumanTask, ProcessInstance
from app.services import transactions
from app.services.running.rows import write_columns
from app.services.running.steps import lock_instance
from tests.support import start_bench_instance


def _row(instance_id: int) -> Any:
    return db.session.execute(select(ProcessInstance.__table__).where(ProcessInstance.id == instance_id)).one()


def test_a_completion_writes_task_and_instance_once(app: Flask, people: dict[str, Any], tmp_path: Path) -> None:
    started = start_bench_instance(app, people, tmp_path)
    with app.app_context():
        before = _row(started["id"]).version
    done = people["applicant"].post(f"/api/v1/tasks/{started['ready_tasks'][0]['id']}/complete",
                                    json={"data": {"note": "写入"}})
    body = done.get_json()
    assert done.status_code == 200 and body["instance_version"] == before + 1  # one version per step
    with app.app_context():
        task = db.session.get(HumanTask, started["ready_tasks"][0]["id"])
        assert task is not None and (task.state, task.completed_by, task.data, task.draft) == (
            "completed", people["applicant"].username, {"note": "写入"}, None)
        row = _row(started["id"])
        assert row.version == before + 1 and row.state and row.status == "running"


def test_a_stale_version_writes_nothing(app: Flask, people: dict[str, Any], tmp_path: Path) -> None:
    started = start_bench_instance(app, people, tmp_path)
    with app.app_context():
        instance = lock_instance(started["id"])
        version = instance.version
        db.session.execute(ProcessInstance.__table__.update().where(ProcessInstance.id == instance.id)
                           .values(version=version + 5))  # another writer moved it on underneath
        with pytest.raises(StaleDataError):
            write_columns(instance, {"state": "{}"})
        assert _row(instance.id).version == version + 5 and _row(instance.id).state != "{}"
        transactions.rollback()


def test_a_savepoint_rollback_forgets_the_written_values(app: Flask, people: dict[str, Any], tmp_path: Path) -> None:
    started = start_bench_instance(app, people, tmp_path)
    with app.app_context():
        instance = lock_instance(started["id"])
        version, state = instance.version, instance.state
        savepoint = db.session.begin_nested()
        write_columns(instance, {"state": "{}", "status": "error"})
        assert (instance.version, instance.state, instance.status) == (version + 1, "{}", "error")
        savepoint.rollback()
        assert (instance.version, instance.state, instance.status) == (version, state, "running")  # read again
        instance.status = "suspended"  # the ORM's own write after it checks the right version
        transactions.commit()
        assert _row(instance.id).version == version + 1 and _row(instance.id).status == "suspended"


def test_pending_orm_changes_are_written_with_the_values_in_one_update(
    app: Flask, people: dict[str, Any], tmp_path: Path,
) -> None:
    started = start_bench_instance(app, people, tmp_path)
    with app.app_context():
        instance = lock_instance(started["id"])
        version = instance.version
        instance.business_key = "pending-change"
        write_columns(instance, {"status": "suspended"})
        transactions.commit()
        row = _row(instance.id)
        assert (row.version, row.status, row.business_key) == (version + 1, "suspended", "pending-change")
