"""Tests for the RestrictedPython-based script engine running inside real SpiffWorkflow workflows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from app.engine.script_engine import (
    RestrictedEnvironment,
    RestrictedScriptEngine,
    ServiceTaskError,
    compile_restricted_cached,
)

NS = (
    'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"'
)
INTERNAL_NAMES = {"__builtins__", "_getattr_", "_getitem_", "_write_", "_getiter_", "_print", "_print_",
                  "_iter_unpack_sequence_", "_unpack_sequence_", "_inplacevar_"}


def _linear(body: str) -> str:
    """A process: start -> body (element id 'task') -> end."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions {NS} id="defs" targetNamespace="http://example.com/test">
  <bpmn:process id="proc" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    {body}
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="task"/>
    <bpmn:sequenceFlow id="f2" sourceRef="task" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>"""


def _script_xml(script: str) -> str:
    """A process with one script task."""
    body = f"<bpmn:script>{escape(script)}</bpmn:script>"
    return _linear(f'<bpmn:scriptTask id="task">{body}</bpmn:scriptTask>')


def _service_xml(params: dict[str, str]) -> str:
    """A process with one service task calling operator 'op' with int parameters."""
    items = "".join(f'<spiffworkflow:parameter id="{k}" type="int" value={quoteattr(v)}/>'
                    for k, v in params.items())
    return _linear(
        '<bpmn:serviceTask id="task"><bpmn:extensionElements>'
        '<spiffworkflow:serviceTaskOperator id="op" resultVariable="r">'
        f"<spiffworkflow:parameters>{items}</spiffworkflow:parameters>"
        "</spiffworkflow:serviceTaskOperator></bpmn:extensionElements></bpmn:serviceTask>"
    )


GATEWAY_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions {NS} id="defs" targetNamespace="http://example.com/test">
  <bpmn:process id="proc" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:exclusiveGateway id="gw" default="to_low"/>
    <bpmn:scriptTask id="high"><bpmn:script>branch = 'high'</bpmn:script></bpmn:scriptTask>
    <bpmn:scriptTask id="low"><bpmn:script>branch = 'low'</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="gw"/>
    <bpmn:sequenceFlow id="to_high" sourceRef="gw" targetRef="high">
      <bpmn:conditionExpression>amount &gt; 100 and 'vip' in tags</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="to_low" sourceRef="gw" targetRef="low"/>
    <bpmn:sequenceFlow id="h_end" sourceRef="high" targetRef="end"/>
    <bpmn:sequenceFlow id="l_end" sourceRef="low" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>"""


def _workflow(tmp_path: Path, xml: str, data: dict[str, Any] | None = None,
              engine: PythonScriptEngine | None = None) -> BpmnWorkflow:
    """Parse the XML and build a workflow whose start task carries `data`."""
    path = tmp_path / "proc.bpmn"
    path.write_text(xml, encoding="utf-8")
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(path))
    wf = BpmnWorkflow(parser.get_spec("proc"), parser.get_subprocess_specs("proc"),
                      script_engine=engine or RestrictedScriptEngine())
    for task in wf.get_tasks(state=TaskState.READY):
        task.data.update(data or {})
    return wf


def _data(wf: BpmnWorkflow, spec_name: str = "task") -> dict[str, Any]:
    """Data of the (first) task with the given spec name."""
    return dict(wf.get_tasks(spec_name=spec_name)[0].data)


def _serializer() -> BpmnWorkflowSerializer:
    """The serializer the application uses."""
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))


@pytest.mark.parametrize(("script", "initial", "expected"), [
    ("y = x * 2", {"x": 3}, {"x": 3, "y": 6}),
    ("items = [i for i in range(3)]", {}, {"items": [0, 1, 2]}),
    ("total += 5", {"total": 1}, {"total": 6}),
    ("d['k'] = 1", {"d": {}}, {"d": {"k": 1}}),
    ("u = 'a'.upper() + str(d.get('k'))", {"d": {"k": 2}}, {"d": {"k": 2}, "u": "A2"}),
    ("s = sorted({v: k for k, v in zip('ab', [2, 1])}.items())", {}, {"s": [(1, "b"), (2, "a")]}),
    ("due = (datetime(2024, 1, 1) + timedelta(days=1)).isoformat()", {}, {"due": "2024-01-02T00:00:00"}),
    ("print('hello')\nf = len\nm = math\nok = max(1, 2)", {}, {"ok": 2}),
], ids=["multiply", "comprehension", "augassign", "item-assign", "methods", "builtins", "datetime",
        "cleanup"])
def test_allowed_script_leaves_only_data(tmp_path: Path, script: str, initial: dict[str, Any],
                                         expected: dict[str, Any]) -> None:
    """Allowed scripts run and leave only JSON-serialisable data variables behind."""
    wf = _workflow(tmp_path, _script_xml(script), initial)
    wf.do_engine_steps()
    assert wf.is_completed()
    data = _data(wf)
    assert data == expected
    assert not INTERNAL_NAMES & data.keys()
    json.dumps(data)


@pytest.mark.parametrize(("amount", "tags", "branch"), [
    (500, ["vip"], "high"), (500, [], "low"), (50, ["vip"], "low"),
])
def test_gateway_condition_uses_task_data(tmp_path: Path, amount: int, tags: list[str], branch: str) -> None:
    """Exclusive gateway conditions are evaluated against task data."""
    wf = _workflow(tmp_path, GATEWAY_XML, {"amount": amount, "tags": tags})
    wf.do_engine_steps()
    assert wf.is_completed()
    assert _data(wf, "end")["branch"] == branch


ESCAPES = {
    "dunder-import": "leaked = __import__('os').mkdir(MARKER)",
    "import": "import os\nleaked = os.mkdir(MARKER)",
    "open-write": "leaked = open(MARKER, 'w').write('pwned')",
    "open-read": "leaked = open('/etc/passwd').read()",
    "subclasses": "leaked = ().__class__.__base__.__subclasses__()",
    "getattr-dunder": "leaked = str(getattr(1, '__class__'))",
    "eval": "leaked = eval('1')",
    "exec": "exec('leaked = 1')",
    "compile": "leaked = compile('1', 'x', 'eval')",
    "globals": "leaked = globals()",
    "str-format": "leaked = '{0.__class__}'.format(1)",
    "system-exit": "raise SystemExit(1)",
}


def _assert_refused(wf: BpmnWorkflow, marker: Path) -> None:
    """Running the workflow raises, creates no marker and stores no `leaked` variable."""
    with pytest.raises(WorkflowTaskException):
        wf.do_engine_steps()
    assert not marker.exists()
    assert all("leaked" not in task.data for task in wf.get_tasks())


@pytest.mark.parametrize("script", ESCAPES.values(), ids=ESCAPES.keys())
def test_escape_is_refused(tmp_path: Path, script: str) -> None:
    """Sandbox escapes in a script task raise and have no side effect."""
    marker = tmp_path / "marker"
    wf = _workflow(tmp_path, _script_xml(script.replace("MARKER", repr(str(marker)))))
    _assert_refused(wf, marker)


@pytest.mark.parametrize("script", ESCAPES.values(), ids=ESCAPES.keys())
def test_escape_is_refused_after_restore(tmp_path: Path, script: str) -> None:
    """Escapes stay refused on a deserialized workflow once the engine is re-attached."""
    marker = tmp_path / "marker"
    wf = _workflow(tmp_path, _script_xml(script.replace("MARKER", repr(str(marker)))))
    serializer = _serializer()
    restored = serializer.deserialize_json(serializer.serialize_json(wf))
    restored.script_engine = RestrictedScriptEngine()  # the application's loader must do this
    _assert_refused(restored, marker)


def test_restored_workflow_defaults_to_unrestricted_engine(tmp_path: Path) -> None:
    """Trap: the engine is not serialized, a restored workflow silently gets plain exec/eval."""
    wf = _workflow(tmp_path, _script_xml("leaked = ().__class__.__name__"))
    serializer = _serializer()
    restored = serializer.deserialize_json(serializer.serialize_json(wf))
    assert type(restored.script_engine) is not RestrictedScriptEngine
    assert not isinstance(restored.script_engine.environment, RestrictedEnvironment)
    restored.do_engine_steps()  # the dunder access succeeds under the default engine
    assert _data(restored)["leaked"] == "tuple"


def test_service_task_error_carries_context(tmp_path: Path) -> None:
    """A failing operator raises ServiceTaskError with element id, operator and cause."""
    boom = ValueError("boom")

    def caller(task: Any, operation_name: str, params: dict[str, Any]) -> Any:
        raise boom

    wf = _workflow(tmp_path, _service_xml({"x": "1+1"}), engine=RestrictedScriptEngine(caller))
    with pytest.raises(ServiceTaskError) as info:
        wf.do_engine_steps()
    err = info.value
    assert str(err).startswith("service task task: operator 'op' failed: ValueError: boom")
    assert (err.element_id, err.operator, err.__cause__) == ("task", "op", boom)
    assert err.task.task_spec.bpmn_id == "task"


def test_service_task_without_caller(tmp_path: Path) -> None:
    """A service task without a configured caller raises ServiceTaskError."""
    wf = _workflow(tmp_path, _service_xml({"x": "1"}))
    with pytest.raises(ServiceTaskError, match="no service caller configured"):
        wf.do_engine_steps()


def test_service_task_result_lands_in_result_variable(tmp_path: Path) -> None:
    """The operator result is stored under the resultVariable."""
    calls: list[tuple[str, dict[str, Any]]] = []

    def caller(task: Any, operation_name: str, params: dict[str, Any]) -> Any:
        calls.append((operation_name, params))
        return {"sum": params["x"] + params["y"]}

    wf = _workflow(tmp_path, _service_xml({"x": "1+1", "y": "base * 10"}), {"base": 3},
                   engine=RestrictedScriptEngine(caller))
    wf.do_engine_steps()
    assert wf.is_completed()
    assert calls == [("op", {"x": 2, "y": 30})]
    assert _data(wf)["r"] == {"sum": 32}


def test_service_parameter_expression_is_restricted(tmp_path: Path) -> None:
    """Service task parameter expressions are evaluated in the sandbox too."""
    wf = _workflow(tmp_path, _service_xml({"x": "().__class__"}), engine=RestrictedScriptEngine(lambda *a: 1))
    with pytest.raises(WorkflowTaskException):
        wf.do_engine_steps()


def test_compiled_code_is_cached() -> None:
    """Compiling the same source twice hits the lru_cache."""
    env = RestrictedEnvironment()
    env.evaluate("cache_probe + 1", {"cache_probe": 1})
    hits = compile_restricted_cached.cache_info().hits
    assert env.evaluate("cache_probe + 1", {"cache_probe": 2}) == 3
    assert compile_restricted_cached.cache_info().hits == hits + 1


def test_task_data_may_shadow_safe_names() -> None:
    """Task data named like a safe builtin (e.g. `date`) shadows it instead of failing."""
    context: dict[str, Any] = {"date": "2024-05-01", "len": 3}
    RestrictedEnvironment().execute("copy = date + str(len)", context)
    assert context == {"date": "2024-05-01", "len": 3, "copy": "2024-05-013"}
