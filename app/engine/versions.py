"""Compare two versions of a process and move a running workflow onto a new one (SpiffWorkflow's diff/migrate)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import CycleTimerEventDefinition, DurationTimerEventDefinition
from SpiffWorkflow.bpmn.util.diff import SpecDiff, diff_workflow, migrate_workflow
from SpiffWorkflow.task import TaskState

from app.engine.parser import ParsedProcess
from app.engine.runtime import Workflow
from app.engine.serializer import SERIALIZER

# what a person or the engine has already done or is doing: a change to these makes a migration unsafe
_DONE = TaskState.COMPLETED | TaskState.STARTED | TaskState.ERROR | TaskState.CANCELLED


@dataclass(frozen=True)
class ElementChange:
    """One BPMN element that differs between two versions (attributes: the spec fields that changed)."""

    element_id: str
    name: str
    kind: str
    attributes: tuple[str, ...] = ()


@dataclass
class VersionDiff:
    """Elements added in, removed from and changed by the newer version."""

    added: list[ElementChange] = field(default_factory=list)
    removed: list[ElementChange] = field(default_factory=list)
    changed: list[ElementChange] = field(default_factory=list)


@dataclass
class MigrationPlan:
    """Whether a workflow may move to a new version: the reasons it may not, and what moves."""

    safe: bool
    reasons: list[dict[str, str]] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)  # element ids of waiting work that is re-planned
    _diff: Any = None


def _ref(spec: Any, attributes: list[str] | tuple[str, ...] = ()) -> ElementChange:
    return ElementChange(spec.bpmn_id, spec.bpmn_name or spec.bpmn_id, type(spec).__name__, tuple(sorted(attributes)))


def _visible(spec: Any) -> bool:
    return getattr(spec, "bpmn_id", None) is not None


def diff_versions(old: ParsedProcess, new: ParsedProcess) -> VersionDiff:
    """SpiffWorkflow's spec diff of the top-level process, by BPMN element (internal specs left out)."""
    spec_diff = SpecDiff(SERIALIZER.registry, old.spec, new.spec)
    result = VersionDiff(
        added=[_ref(s) for s in spec_diff.added if _visible(s)],
        removed=[_ref(s) for s in spec_diff.removed if _visible(s)],
        changed=[_ref(s, changes) for s, changes in spec_diff.changed.items() if _visible(s)],
    )
    for items in (result.added, result.removed, result.changed):
        items.sort(key=lambda c: c.element_id)
    return result


def plan_migration(workflow: Workflow, new: ParsedProcess) -> MigrationPlan:
    """Diff the running workflow against `new`: unsafe when a done or running element changed or went away."""
    wf = workflow._wf  # noqa: SLF001 - the engine package owns the library object
    top, subprocess_diffs = diff_workflow(SERIALIZER.registry, wf, new.spec, new.subprocess_specs)
    reasons: list[dict[str, str]] = []
    for task in top.removed + top.changed:
        spec = task.task_spec
        if task.state & _DONE and _visible(spec):
            what = "removed" if task in top.removed else "changed"
            reasons.append({"element_id": spec.bpmn_id, "name": spec.bpmn_name or spec.bpmn_id, "change": what,
                            "state": TaskState.get_name(task.state)})
    for sp_id, sp_diff in subprocess_diffs.items():
        if sp_diff is None or sp_diff.removed or sp_diff.changed:
            reasons.append({"element_id": str(sp_id), "name": str(sp_id), "change": "subprocess", "state": "RUNNING"})
    for task in wf.get_tasks(state=TaskState.WAITING):
        # waiting work is re-planned on the new version: a relative timer would start counting again from now
        definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(definition, DurationTimerEventDefinition | CycleTimerEventDefinition) and _visible(task.task_spec):
            reasons.append({"element_id": task.task_spec.bpmn_id, "name": task.task_spec.bpmn_name or task.task_spec.bpmn_id,
                            "change": "relative_timer", "state": "WAITING"})
    moved = sorted({t.task_spec.bpmn_id for t in wf.get_tasks(state=TaskState.READY | TaskState.WAITING)
                    if _visible(t.task_spec)})
    return MigrationPlan(safe=not reasons, reasons=reasons, moved=moved, _diff=(top, subprocess_diffs))


def apply_migration(workflow: Workflow, plan: MigrationPlan, new: ParsedProcess) -> None:
    """Move the workflow onto `new` (its waiting work is re-planned on the new version); the plan must be safe."""
    if not plan.safe:
        raise ValueError("an unsafe migration cannot be applied")
    wf = workflow._wf  # noqa: SLF001
    top, subprocess_diffs = plan._diff
    migrate_workflow(top, wf, new.spec)
    for sp_id, sp_diff in subprocess_diffs.items():
        sub = wf.subprocesses[sp_id]
        migrate_workflow(sp_diff, sub, new.subprocess_specs[sub.spec.name])
    wf.subprocess_specs = new.subprocess_specs
