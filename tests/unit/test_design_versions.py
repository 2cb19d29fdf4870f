"""SpiffWorkflow's diff and migrate as the engine uses them: what differs between versions, when a move is safe."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.engine.parser import ParsedProcess, parse_bundle
from app.engine.runtime import Workflow
from app.engine.versions import apply_migration, diff_versions, plan_migration

SOURCE = (Path(__file__).resolve().parent / "bpmn" / "sequential.bpmn").read_text(encoding="utf-8")
KEY = "unit_sequential"
NOW = datetime(2026, 1, 5, 9, tzinfo=UTC)


def parsed(xml: str) -> ParsedProcess:
    return parse_bundle({"sequential.bpmn": xml}, KEY)


def at_sponsor() -> Workflow:
    """An instance whose application is filled in and whose sponsor's opinion is awaited."""
    workflow, _ = Workflow.start(parsed(SOURCE), {}, NOW)
    task = next(t for t in workflow.ready_tasks() if t.element_id == "fill_application")
    workflow.complete(task.task_id, {"applicant_name": "测试中心"}, NOW)
    assert [t.element_id for t in workflow.ready_tasks()] == ["sponsor_opinion"]
    return workflow


RENAMED_AUTHORITY = SOURCE.replace('name="科技厅批复"', 'name="科技厅审批"')
RENAMED_APPLICATION = SOURCE.replace('name="填写申请书"', 'name="填写建设申请书"')


def test_diff_names_the_changed_element_and_its_attribute() -> None:
    found = diff_versions(parsed(SOURCE), parsed(RENAMED_AUTHORITY))
    assert found.added == [] and found.removed == []
    assert [(c.element_id, c.name) for c in found.changed] == [("authority_approval", "科技厅批复")]
    assert "bpmn_name" in found.changed[0].attributes
    assert diff_versions(parsed(SOURCE), parsed(SOURCE)).changed == []


def test_a_change_ahead_of_the_instance_is_safe_and_the_instance_continues_on_the_new_version() -> None:
    workflow = at_sponsor()
    new = parsed(RENAMED_AUTHORITY)
    plan = plan_migration(workflow, new)
    assert plan.safe and plan.reasons == [] and plan.moved == ["sponsor_opinion"]
    apply_migration(workflow, plan, new)
    workflow.fire_timers(NOW)
    sponsor = next(t for t in workflow.ready_tasks() if t.element_id == "sponsor_opinion")
    workflow.complete(sponsor.task_id, {"opinion": "同意"}, NOW)
    assert [t.name for t in workflow.ready_tasks()] == ["科技厅审批"]  # the new version's element
    restored = Workflow.load(workflow.dumps(), new)  # and it persists on the new spec
    assert [t.element_id for t in restored.ready_tasks()] == ["authority_approval"]


def test_a_change_to_completed_work_is_unsafe_with_the_reason() -> None:
    workflow = at_sponsor()
    plan = plan_migration(workflow, parsed(RENAMED_APPLICATION))
    assert not plan.safe
    assert plan.reasons == [{"element_id": "fill_application", "name": "填写申请书", "change": "changed",
                             "state": "COMPLETED"}]
    with pytest.raises(ValueError):
        apply_migration(workflow, plan, parsed(RENAMED_APPLICATION))


def test_a_waiting_relative_timer_makes_a_move_unsafe_an_absolute_one_does_not() -> None:
    source = (Path(__file__).resolve().parent / "bpmn" / "catch_timers.bpmn").read_text(encoding="utf-8")
    old = parse_bundle({"catch_timers.bpmn": source}, "unit_catch_timers")
    new = parse_bundle({"catch_timers.bpmn": source.replace('name="期限均已届满"', 'name="两个期限均已届满"')},
                       "unit_catch_timers")
    workflow, _ = Workflow.start(old, {"deadline": "2026-03-31T23:59:59+08:00"}, NOW)
    assert {t.element_id for t in workflow.waiting_timers()} == {"wait_deadline", "wait_cooling_off"}
    plan = plan_migration(workflow, new)
    assert not plan.safe
    assert [(r["element_id"], r["change"]) for r in plan.reasons] == [("wait_cooling_off", "relative_timer")]
