"""Serialize workflow state without the embedded spec; specs come from the deployed-version cache."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

_specs_for_restore: ContextVar[tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]] | None] = ContextVar(
    "specs_for_restore", default=None
)


class SpeclessWorkflowConverter(BpmnWorkflowConverter):  # type: ignore[misc]
    """Writes a workflow without its spec (more than half of the bytes) and restores it from the cache."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        """Serialize the workflow's tasks, subprocesses and pending events, leaving out its spec."""
        dct: dict[str, Any] = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any]) -> BpmnWorkflow:
        """Rebuild a workflow from its serialized state and the spec given by `restore_specs()`."""
        specs = _specs_for_restore.get()
        if specs is None:
            raise RuntimeError("restore_specs() must provide the spec before a workflow is deserialized")
        spec, subprocess_specs = specs
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _make_serializer() -> BpmnWorkflowSerializer:
    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = SpeclessWorkflowConverter
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))


SERIALIZER = _make_serializer()


@contextmanager
def restore_specs(spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]) -> Iterator[None]:
    """Make `spec` the one the next deserialisation in this context attaches to the state."""
    token = _specs_for_restore.set((spec, subprocess_specs))
    try:
        yield
    finally:
        _specs_for_restore.reset(token)


def dumps(workflow: BpmnWorkflow) -> str:
    """The workflow's state as JSON, without its spec."""
    return str(SERIALIZER.serialize_json(workflow))


def loads(state: str, spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]) -> BpmnWorkflow:
    """Restore a workflow's state onto its (cached) spec."""
    with restore_specs(spec, subprocess_specs):
        return SERIALIZER.deserialize_json(state)
