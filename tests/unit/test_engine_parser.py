"""parse_bundle: what a BPMN designer is told when a file cannot be deployed, and what a good file yields."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.engine.parser import BpmnDefinitionError, ParsedProcess, parse_bundle

BPMN_DIR = Path(__file__).parent / "bpmn"
GATEWAY = "gateway_loop.bpmn"
TIMER = "boundary_timer.bpmn"
KEYS = {GATEWAY: "unit_gateway_loop", TIMER: "unit_boundary_timer", "catch_timers.bpmn": "unit_catch_timers"}


def xml_of(file_name: str) -> str:
    return (BPMN_DIR / file_name).read_text(encoding="utf-8")


def parse(file_name: str, xml: str | None = None) -> ParsedProcess:
    return parse_bundle({file_name: xml if xml is not None else xml_of(file_name)}, KEYS[file_name])


def refused(file_name: str, xml: str) -> BpmnDefinitionError:
    with pytest.raises(BpmnDefinitionError) as caught:
        parse(file_name, xml)
    return caught.value


def replaced(xml: str, old: str, new: str, count: int = -1) -> str:
    assert old in xml, old
    return xml.replace(old, new, count)


def line_of(xml: str, needle: str) -> int:
    return xml[: xml.index(needle)].count("\n") + 1


def test_fixtures_parse() -> None:
    for file_name in KEYS:
        process = parse(file_name)
        assert process.key == KEYS[file_name]
    assert parse(GATEWAY).name == "审核与退回修改"


# ---- reserved element ids ------------------------------------------------------------------------


@pytest.mark.parametrize("element_id,reserved", [
    ("start_review", "Start"), ("end_approved", "End"), ("review_material", "Root"),
])
def test_reserved_element_ids_are_refused(element_id: str, reserved: str) -> None:
    xml = replaced(xml_of(GATEWAY), element_id, reserved)
    err = refused(GATEWAY, xml)
    assert err.element_id == reserved
    assert err.file_name == GATEWAY
    assert "Start/End/Root" in err.reason
    assert err.line == line_of(xml, f'id="{reserved}"')
    assert f"{GATEWAY}:{err.line} 元素 {reserved}" in str(err)
    assert err.as_dict() == {"file": GATEWAY, "element_id": reserved, "reason": err.reason, "line": err.line}


def test_start_as_element_id_is_refused() -> None:
    err = refused(GATEWAY, replaced(xml_of(GATEWAY), "start_review", "Start"))
    assert err.element_id == "Start"


def test_reserved_name_as_a_flow_id_or_name_is_fine() -> None:
    xml = replaced(xml_of(GATEWAY), "Flow_start_to_init", "Flow_Start")
    xml = replaced(xml, 'name="审核启动"', 'name="Start"')
    parse(GATEWAY, xml)


# ---- XML and XSD errors ----------------------------------------------------------------------------


def test_xml_syntax_error_reports_its_line() -> None:
    xml = replaced(xml_of(GATEWAY), "</bpmn:userTask>", "</bpmn:userTsk>", 1)
    err = refused(GATEWAY, xml)
    assert err.element_id == ""
    assert err.file_name == GATEWAY
    assert err.line == line_of(xml, "</bpmn:userTsk>")
    assert "XML 语法错误" in err.reason
    assert f"{GATEWAY}:{err.line}" in str(err)


def test_truncated_file_is_a_syntax_error_with_a_line() -> None:
    xml = xml_of(GATEWAY)
    err = refused(GATEWAY, xml[: xml.index("</bpmn:process>")])
    assert "XML 语法错误" in err.reason
    assert isinstance(err.line, int) and err.line > 1


def test_unknown_bpmn_element_is_reported_by_xsd_validation() -> None:
    xml = replaced(xml_of(GATEWAY), "<bpmn:laneSet", '<bpmn:approvalStep id="bogus" />\n    <bpmn:laneSet', 1)
    err = refused(GATEWAY, xml)
    assert err.file_name == GATEWAY
    assert "approvalStep" in err.reason
    assert err.line == line_of(xml, "<bpmn:approvalStep")


def test_invalid_attribute_value_is_reported_by_xsd_validation() -> None:
    xml = replaced(xml_of(GATEWAY), 'name="审核结论"', 'name="审核结论" gatewayDirection="Sideways"', 1)
    err = refused(GATEWAY, xml)
    assert "gatewayDirection" in err.reason
    assert err.line == line_of(xml, 'gatewayDirection="Sideways"')


def test_duplicate_element_id_is_reported_by_xsd_validation() -> None:
    xml = replaced(xml_of(GATEWAY), 'id="count_return"', 'id="revise_material"', 1)
    err = refused(GATEWAY, xml)
    assert "revise_material" in err.reason
    assert isinstance(err.line, int)


# ---- expressions and scripts: refused at parse time, naming the element -------------------------


DUNDER = "().__class__"


@pytest.mark.parametrize("file_name,old,new,element_id", [
    pytest.param(GATEWAY, "decision == 'return'", f"decision == {DUNDER}.__name__", "gateway_decision",
                 id="gateway-condition"),
    pytest.param(GATEWAY, "return_count += 1", f"x = {DUNDER}.__base__.__subclasses__()", "count_return",
                 id="script"),
    pytest.param(GATEWAY, "return_count += 1", "__import__('os').system('true')", "count_return",
                 id="script-import"),
    pytest.param(GATEWAY, "return_count += 1", "return_count +=", "count_return", id="script-syntax"),
    pytest.param(TIMER, ">due_at</bpmn:timeDate>", f">{DUNDER}</bpmn:timeDate>", "timer_overdue",
                 id="timer-expression"),
    pytest.param(TIMER, '<spiffworkflow:property name="due" value="due_at" />\n        </spiffworkflow:properties>',
                 '<spiffworkflow:property name="due" value="due_at" />\n        </spiffworkflow:properties>\n'
                 f"        <spiffworkflow:preScript>x = {DUNDER}</spiffworkflow:preScript>",
                 "submit_report", id="pre-script"),
    pytest.param(TIMER, '<spiffworkflow:property name="due" value="due_at" />\n        </spiffworkflow:properties>',
                 '<spiffworkflow:property name="due" value="due_at" />\n        </spiffworkflow:properties>\n'
                 f"        <spiffworkflow:postScript>x = {DUNDER}</spiffworkflow:postScript>",
                 "submit_report", id="post-script"),
])
def test_dunder_or_invalid_code_is_refused_at_parse_time(file_name: str, old: str, new: str, element_id: str) -> None:
    xml = replaced(xml_of(file_name), old, new)
    err = refused(file_name, xml)
    assert err.element_id == element_id
    assert f"元素 {element_id}" in str(err)
    assert "表达式或脚本无效" in err.reason


def test_dunder_in_condition_names_the_gateway_and_quotes_the_expression() -> None:
    err = refused(GATEWAY, replaced(xml_of(GATEWAY), "decision == 'reject'", f"{DUNDER} is not None"))
    assert err.element_id == "gateway_decision"
    assert DUNDER in err.reason and "__class__" in err.reason


def test_dunder_in_service_parameter_is_refused_at_parse_time() -> None:
    xml = replaced(xml_of(TIMER), "value=\"'supervisor'\"", f'value="{DUNDER}.__name__"')
    err = refused(TIMER, xml)
    assert err.element_id == "notify_overdue"


def test_dunder_in_due_property_is_refused_at_parse_time() -> None:
    xml = replaced(xml_of(TIMER), 'name="due" value="due_at"', f'name="due" value="{DUNDER}"')
    err = refused(TIMER, xml)
    assert err.element_id == "submit_report"


# ---- extension properties ----------------------------------------------------------------------------


def test_exclusive_gateway_keeps_its_extension_properties() -> None:
    spec = parse(GATEWAY).spec
    gateway = spec.task_specs["gateway_decision"]
    assert type(gateway).__name__ == "ExclusiveGateway"
    assert gateway.extensions["properties"] == {"article": "第二十一条"}
    assert gateway.bpmn_name == "审核结论"


def test_parallel_gateway_keeps_its_extension_properties() -> None:
    spec = parse("catch_timers.bpmn").spec
    assert spec.task_specs["fork_waiting"].extensions["properties"] == {"article": "第三十条"}
    assert spec.task_specs["join_waiting"].extensions["properties"] == {"article": "第三十条"}


def test_task_properties_and_lanes_are_read() -> None:
    spec = parse(TIMER).spec
    submit = spec.task_specs["submit_report"]
    assert submit.extensions["properties"] == {"article": "第二十九条", "due": "due_at"}
    assert submit.lane == "applicant"
    assert spec.task_specs["escalate_overdue"].lane == "supervisor"
    assert spec.task_specs["timer_overdue"].extensions["properties"]["article"] == "第三十一条"
