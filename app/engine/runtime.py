"""Run a workflow until it blocks: start, complete a user task, fire due timers, report views."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any
from uuid import UUID

from flask_babel import gettext as _
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.task import Task, TaskState

import handlers
from app.engine import serializer
from app.engine.clock_hook import current_engine_time, engine_time
from app.engine.parser import ParsedProcess
from app.engine.script_engine import RestrictedScriptEngine
from app.engine.views import CompletedElement, ReadyTask, StepOutcome, WaitingTimer

_effects: ContextVar[list[dict[str, Any]] | None] = ContextVar("engine_effects", default=None)
HANDLER_SERVICES: dict[str, Callable[..., Any]] = {}
MAX_ENGINE_ROUNDS = 20
# A gateway back-edge nests each round of a loop one level deeper in SpiffWorkflow's task tree, and past depth
# 1000 the engine silently stops (spiffworkflow-notes.md, "Loops — the trap"). Every "return for revision" loop
# is capped here, well before that: a step that would leave a ready task deeper fails, naming the element.
MAX_TASK_DEPTH = 600


def provide_handler_service(name: str, function: Callable[..., Any]) -> None:
    """Make an application lookup available to handlers as `context.service(name)`."""
    HANDLER_SERVICES[name] = function


class EngineError(Exception):
    """The engine stopped on an element: the element id and the reason (the operator's real error)."""

    def __init__(self, element_id: str, reason: str) -> None:
        super().__init__(f"{element_id}: {reason}")
        self.element_id = element_id
        self.reason = reason


class TaskNotReady(Exception):
    """The task does not exist in this workflow or is not ready."""


def _call_service(task: Task, operation_name: str, params: dict[str, Any]) -> Any:
    context = handlers.HandlerContext(
        data=dict(task.data), now=current_engine_time(), element_id=task.task_spec.bpmn_id,
        services=HANDLER_SERVICES,
    )
    result = handlers.call(operation_name, params, context)
    sink = _effects.get()
    if sink is not None:
        sink.extend(context.effects)
    return result


SCRIPT_ENGINE = RestrictedScriptEngine(service_caller=_call_service)


def _properties(task: Task) -> dict[str, str]:
    return getattr(task.task_spec, "extensions", {}).get("properties", {}) or {}


def _element(task: Task) -> CompletedElement:
    spec = task.task_spec
    return CompletedElement(
        task_id=str(task.id),
        element_id=spec.bpmn_id,
        name=spec.bpmn_name or spec.bpmn_id,
        article=_properties(task).get("article"),
        lane=getattr(spec, "lane", None),
        kind=type(spec).__name__,
    )


def _parse_instant(value: Any) -> datetime:
    if isinstance(value, datetime):
        moment = value
    else:
        moment = TimerEventDefinition.get_datetime(str(value))
    if moment.tzinfo is None:
        raise ValueError(f"due value {value!r} has no UTC offset")
    return moment


class Workflow:
    """One workflow instance held in memory for the duration of a step."""

    def __init__(self, wf: BpmnWorkflow) -> None:
        self._wf = wf
        wf.script_engine = SCRIPT_ENGINE  # the script engine is not serialized: set it on every load

    @classmethod
    def start(cls, process: ParsedProcess, data: dict[str, Any], now: datetime) -> tuple[Workflow, StepOutcome]:
        """Create an instance of `process` with initial `data` and run it until it blocks."""
        workflow = cls(BpmnWorkflow(process.spec, process.subprocess_specs, script_engine=SCRIPT_ENGINE))
        workflow._wf.task_tree.data.update(data)
        outcome = workflow._run(now, lambda: None)
        return workflow, outcome

    @classmethod
    def load(cls, state: str, process: ParsedProcess) -> Workflow:
        """Restore a persisted state onto its parsed process."""
        return cls(serializer.loads(state, process.spec, process.subprocess_specs))

    def dumps(self) -> str:
        """The state to persist (without the spec)."""
        return serializer.dumps(self._wf)

    def complete(self, task_id: str, data: dict[str, Any], now: datetime) -> StepOutcome:
        """Complete ready user task `task_id` with form `data` and run until blocked."""
        task = self._ready_user_task(task_id)

        def finish() -> list[Task]:
            task.data.update(data)
            task.run()
            return [task]

        return self._run(now, finish)

    def fire_timers(self, now: datetime) -> StepOutcome:
        """Fire every timer whose due time has passed at `now` and run until blocked."""
        return self._run(now, lambda: None)

    def _ready_user_task(self, task_id: str) -> Task:
        try:
            task = self._wf.get_task_from_id(UUID(task_id))
        except (ValueError, SpiffWorkflowException):
            task = None
        if task is None or task.state != TaskState.READY or not task.task_spec.manual:
            raise TaskNotReady(task_id)
        return task

    def _run(self, now: datetime, action: Callable[[], list[Task] | None]) -> StepOutcome:
        outcome = StepOutcome(
            ready_before={str(t.id) for t in self._wf.get_tasks(state=TaskState.READY, manual=True)},
            timers_before={t.task_id: t for t in self.waiting_timers()},
        )
        with engine_time(now), self._collect_effects(outcome.effects):
            try:
                done = action() or []
                outcome.completed.extend(_element(t) for t in done)
                for _round in range(MAX_ENGINE_ROUNDS):
                    self._wf.refresh_timers()
                    self._wf.do_engine_steps(did_complete_task=lambda t: self._record(t, outcome))
                    # a timer armed in this step may already be due: it fires now, not on the next tick
                    if not self._wf.get_tasks(state=TaskState.READY, manual=False):
                        break
            except SpiffWorkflowException as err:
                raise self._engine_error(err) from err
        self._require_bounded_depth()
        return outcome

    def _require_bounded_depth(self) -> None:
        for task in self._wf.get_tasks(state=TaskState.READY | TaskState.WAITING):
            if task.depth > MAX_TASK_DEPTH:
                raise EngineError(str(getattr(task.task_spec, "bpmn_id", task.task_spec.name)),
                                  "该步骤已往复办理过多次（退回修改等循环超过上限），流程不能继续；请由监督人员终止后重新发起")

    @staticmethod
    def _record(task: Task, outcome: StepOutcome) -> None:
        if getattr(task.task_spec, "bpmn_id", None) is not None:
            outcome.completed.append(_element(task))

    @staticmethod
    @contextmanager
    def _collect_effects(sink: list[dict[str, Any]]) -> Iterator[None]:
        token = _effects.set(sink)
        try:
            yield
        finally:
            _effects.reset(token)

    @staticmethod
    def _engine_error(err: SpiffWorkflowException) -> EngineError:
        task = getattr(err, "task", None)
        spec = getattr(task, "task_spec", None) or getattr(err, "task_spec", None)
        element_id = getattr(spec, "bpmn_id", None) or "?"
        cause = err.__cause__ or getattr(err, "exception", None)
        reason = str(err) if cause is None or str(cause) in str(err) else f"{err} ({type(cause).__name__}: {cause})"
        return EngineError(element_id, reason)

    # ---- views -------------------------------------------------------------------------------------

    @property
    def status(self) -> str:
        """`completed`, `error` (a task failed) or `running` (waiting for people or timers)."""
        if self._wf.is_completed():
            return "completed"
        if self._wf.get_tasks(state=TaskState.ERROR):
            return "error"
        return "running"

    def ready_tasks(self) -> list[ReadyTask]:
        """User tasks a person can complete now."""
        result = []
        for task in self._wf.get_tasks(state=TaskState.READY, manual=True):
            props = _properties(task)
            due = props.get("due")
            try:
                due_at = _parse_instant(SCRIPT_ENGINE.evaluate(task, due)) if due else None
            except (SpiffWorkflowException, ValueError, TypeError) as err:
                raise EngineError(
                    task.task_spec.bpmn_id, _("截止时间表达式 due=%(due)r 无效：%(error)s", due=due, error=err)
                ) from err
            result.append(
                ReadyTask(
                    task_id=str(task.id),
                    element_id=task.task_spec.bpmn_id,
                    name=task.task_spec.bpmn_name or task.task_spec.bpmn_id,
                    lane=task.task_spec.lane,
                    form_key=props.get("formKey"),
                    article=props.get("article"),
                    due_at=due_at,
                    instructions=getattr(task.task_spec, "extensions", {}).get("instructionsForEndUser"),
                )
            )
        return result

    def waiting_timers(self) -> list[WaitingTimer]:
        """Armed timer events with their absolute due times."""
        timers = []
        for task in self._wf.event_manager.tasks.values():
            definition = getattr(task.task_spec, "event_definition", None)
            if not isinstance(definition, TimerEventDefinition):
                continue
            value = definition.details(task).value
            if value is None:
                continue
            if isinstance(definition, CycleTimerEventDefinition):
                value = value["next"]
            timers.append(
                WaitingTimer(
                    task_id=str(task.id),
                    element_id=task.task_spec.bpmn_id,
                    name=task.task_spec.bpmn_name or task.task_spec.bpmn_id,
                    article=_properties(task).get("article"),
                    due_at=_parse_instant(value),
                )
            )
        return timers

    def task_data(self, task_id: str) -> dict[str, Any]:
        """The data visible to a task (for prefilling its form)."""
        task = self._wf.get_task_from_id(UUID(task_id))
        return dict(task.data) if task is not None else {}

    def data(self) -> dict[str, Any]:
        """The workflow's result data (filled at the end event) or the last task's data."""
        if self._wf.data:
            return dict(self._wf.data)
        last = self._wf.last_task
        return dict(last.data) if last is not None else {}

    def element_states(self) -> dict[str, str]:
        """element id -> completed | active | waiting, for drawing the diagram."""
        states: dict[str, str] = {}
        rank = {"completed": 0, "waiting": 1, "active": 2}
        for task in self._wf.get_tasks():
            bpmn_id = getattr(task.task_spec, "bpmn_id", None)
            if bpmn_id is None:
                continue
            if task.state == TaskState.COMPLETED:
                state = "completed"
            elif task.state == TaskState.READY or task.state == TaskState.STARTED:
                state = "active"
            elif task.state == TaskState.WAITING:
                state = "waiting"
            else:
                continue
            if rank[state] >= rank.get(states.get(bpmn_id, ""), -1):
                states[bpmn_id] = state
        return states
