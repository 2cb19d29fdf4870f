"""The designer's validation: one small BPMN per rule that breaks it, unsafe XML refused, the repository passes."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import main
from app.services.design.problems import Problem
from app.services.design.safe_xml import MAX_BPMN_BYTES
from app.services.design.validation import validate_bpmn

ROOT = Path(__file__).resolve().parents[2]
PROCESSES, FORMS = ROOT / "processes", ROOT / "forms"

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="Definitions_t" targetNamespace="http://bpmn.io/schema/bpmn">
"""


def props(article: str = "第三十条", form: str | None = None) -> str:
    """The extension elements of a flow node."""
    form_prop = f'<spiffworkflow:property name="formKey" value="{form}" />' if form else ""
    return (f'<bpmn:extensionElements><spiffworkflow:properties><spiffworkflow:property name="article" value="{article}" />'
            f"{form_prop}</spiffworkflow:properties></bpmn:extensionElements>")


def process(body: str, *, pid: str = "nmg2025_major_change", lane: str = "applicant", extra_refs: str = "") -> bytes:
    """A process `start → review → gateway → (approve: end | return: review)` plus `body`."""
    return (HEAD + f"""<bpmn:process id="{pid}" name="测试" isExecutable="true">
  <bpmn:laneSet id="LaneSet_1"><bpmn:lane id="Lane_1" name="{lane}">
    <bpmn:flowNodeRef>review</bpmn:flowNodeRef>{extra_refs}</bpmn:lane></bpmn:laneSet>
  <bpmn:startEvent id="start_1" name="开始">{props()}<bpmn:outgoing>Flow_1</bpmn:outgoing></bpmn:startEvent>
  <bpmn:userTask id="review" name="审核">{props(form="nmg2025/change_review.json")}
    <bpmn:incoming>Flow_1</bpmn:incoming><bpmn:incoming>Flow_back</bpmn:incoming><bpmn:outgoing>Flow_2</bpmn:outgoing></bpmn:userTask>
  <bpmn:exclusiveGateway id="gateway_1" name="审核结论">{props()}<bpmn:incoming>Flow_2</bpmn:incoming>
    <bpmn:outgoing>Flow_ok</bpmn:outgoing><bpmn:outgoing>Flow_back</bpmn:outgoing></bpmn:exclusiveGateway>
  <bpmn:endEvent id="end_1" name="结束">{props()}<bpmn:incoming>Flow_ok</bpmn:incoming></bpmn:endEvent>
  <bpmn:sequenceFlow id="Flow_1" sourceRef="start_1" targetRef="review" />
  <bpmn:sequenceFlow id="Flow_2" sourceRef="review" targetRef="gateway_1" />
  <bpmn:sequenceFlow id="Flow_ok" sourceRef="gateway_1" targetRef="end_1">
    <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">decision == 'approve'</bpmn:conditionExpression></bpmn:sequenceFlow>
  <bpmn:sequenceFlow id="Flow_back" sourceRef="gateway_1" targetRef="review">
    <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">decision != 'approve'</bpmn:conditionExpression></bpmn:sequenceFlow>
  {body}
</bpmn:process></bpmn:definitions>""").encode()


def check(data: bytes, file_path: Path | None = None) -> list[Problem]:
    return validate_bpmn(data, processes_dir=PROCESSES, forms_dir=FORMS, file_path=file_path)


def rules(data: bytes) -> set[tuple[str, str]]:
    return {(p.element_id, p.rule) for p in check(data)}


def test_the_small_process_is_valid() -> None:
    assert check(process("")) == []


def test_every_message_is_chinese() -> None:
    broken = process("").replace(b'name="\xe5\xae\xa1\xe6\xa0\xb8"', b'name="review"')
    problems = check(broken)
    assert problems and all(any("\u4e00" <= ch <= "\u9fff" for ch in p.message) for p in problems)


@pytest.mark.parametrize("old,new,expected", [
    ('name="审核"', 'name="review"', ("review", "name_chinese")),
    ('<spiffworkflow:property name="article" value="第三十条" /><spiffworkflow:property name="formKey"',
     '<spiffworkflow:property name="formKey"', ("review", "article")),
    ('value="nmg2025/change_review.json"', 'value="nmg2025/no_such_form.json"', ("review", "form")),
    ("decision == 'approve'</bpmn:conditionExpression></bpmn:sequenceFlow>\n  <bpmn:sequenceFlow id=\"Flow_back\"",
     "verdict == 'approve'</bpmn:conditionExpression></bpmn:sequenceFlow>\n  <bpmn:sequenceFlow id=\"Flow_back\"",
     ("Flow_ok", "form_fields")),
    ('name="applicant"', 'name="janitor"', ("Lane_1", "lane_role")),
    ("<bpmn:flowNodeRef>review</bpmn:flowNodeRef>", "", ("review", "lane_role")),
    ('id="gateway_1"', 'id="gateway-1"', ("gateway-1", "id_convention")),
    ('id="end_1"', 'id="End"', ("End", "id_convention")),
    ("decision != 'approve'", "decision != 'approve' and import os", ("Flow_back", "script")),
    ("decision != 'approve'", "decision.__class__", ("Flow_back", "script")),
])
def test_each_rule_names_the_element(old: str, new: str, expected: tuple[str, str]) -> None:
    data = process("").decode().replace(old, new, 1).encode()
    assert expected in rules(data)


def test_process_id_follows_policy_and_procedure() -> None:
    assert ("nmg2025_gardening", "id_convention") in rules(process("", pid="nmg2025_gardening"))
    assert ("moon_establishment", "id_convention") in rules(process("", pid="moon_establishment"))
    wrong_file = check(process(""), PROCESSES / "nmg2025" / "evaluation.bpmn")
    assert ("nmg2025_major_change", "id_convention") in {(p.element_id, p.rule) for p in wrong_file}


SERVICE = """<bpmn:serviceTask id="notify_1" name="通知"><bpmn:extensionElements>
  <spiffworkflow:properties><spiffworkflow:property name="article" value="第三十条" /></spiffworkflow:properties>
  <spiffworkflow:serviceTaskOperator id="{op}" resultVariable="r">
  <spiffworkflow:parameters><spiffworkflow:parameter id="role" type="str" value="'applicant'" /></spiffworkflow:parameters>
  </spiffworkflow:serviceTaskOperator></bpmn:extensionElements></bpmn:serviceTask>"""


def test_service_task_operator_must_be_registered() -> None:
    assert ("notify_1", "operator") in rules(process(SERVICE.format(op="launch_rockets")))
    assert ("notify_1", "operator") not in rules(process(SERVICE.format(op="notify")))


def _timer(expression: str, kind: str = "timeDuration") -> bytes:
    body = f"""<bpmn:boundaryEvent id="timer_1" name="逾期" attachedToRef="review" cancelActivity="false">{props()}
      <bpmn:outgoing>Flow_t</bpmn:outgoing><bpmn:timerEventDefinition id="TimerEventDefinition_1">
      <bpmn:{kind} xsi:type="bpmn:tFormalExpression">{expression}</bpmn:{kind}></bpmn:timerEventDefinition></bpmn:boundaryEvent>
      <bpmn:endEvent id="end_t" name="逾期结束">{props()}<bpmn:incoming>Flow_t</bpmn:incoming></bpmn:endEvent>
      <bpmn:sequenceFlow id="Flow_t" sourceRef="timer_1" targetRef="end_t" />"""
    return process(body, extra_refs="<bpmn:flowNodeRef>timer_1</bpmn:flowNodeRef>")


@pytest.mark.parametrize("expression,kind", [
    ("P2Y", "timeDuration"),                      # unquoted: parses, fails when reached
    ("'two years'", "timeDuration"),
    ("'2026-03-31T23:59:59'", "timeDate"),        # no offset
    ("'31 March'", "timeDate"),
    ("'R3/P1Y'", "timeCycle"),
    ("", "timeDuration"),
])
def test_invalid_timer_expressions(expression: str, kind: str) -> None:
    assert ("timer_1", "timer") in rules(_timer(expression, kind))


@pytest.mark.parametrize("expression,kind", [
    ("'P2Y'", "timeDuration"), ("'2026-03-31T23:59:59+08:00'", "timeDate"),
    ("'R3/2026-01-01T00:00:00+08:00/P1Y'", "timeCycle"), ("due_at", "timeDate"),
])
def test_valid_timer_expressions(expression: str, kind: str) -> None:
    assert check(_timer(expression, kind)) == []


def test_a_task_with_two_unconditioned_outgoing_flows() -> None:
    body = """<bpmn:endEvent id="end_2" name="另一结束">""" + props() + """<bpmn:incoming>Flow_x</bpmn:incoming></bpmn:endEvent>
      <bpmn:sequenceFlow id="Flow_x" sourceRef="start_1" targetRef="end_2" />"""
    assert ("start_1", "task_outgoing") in rules(process(body))


MACHINE_LOOP = """<bpmn:intermediateCatchEvent id="wait_1" name="等待一月">{props}<bpmn:incoming>Flow_l1</bpmn:incoming>
  <bpmn:incoming>Flow_l4</bpmn:incoming><bpmn:outgoing>Flow_l2</bpmn:outgoing>
  <bpmn:timerEventDefinition id="TimerEventDefinition_l"><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">'P1M'</bpmn:timeDuration>
  </bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
  <bpmn:scriptTask id="count_1" name="计数">{props}<bpmn:incoming>Flow_l2</bpmn:incoming><bpmn:outgoing>Flow_l3</bpmn:outgoing>
  <bpmn:script>{script}</bpmn:script></bpmn:scriptTask>
  <bpmn:exclusiveGateway id="gateway_loop" name="是否继续" default="Flow_l5">{props}<bpmn:incoming>Flow_l3</bpmn:incoming>
  <bpmn:outgoing>Flow_l4</bpmn:outgoing><bpmn:outgoing>Flow_l5</bpmn:outgoing></bpmn:exclusiveGateway>
  <bpmn:endEvent id="end_l" name="循环结束">{props}<bpmn:incoming>Flow_l5</bpmn:incoming></bpmn:endEvent>
  <bpmn:sequenceFlow id="Flow_l2" sourceRef="wait_1" targetRef="count_1" />
  <bpmn:sequenceFlow id="Flow_l3" sourceRef="count_1" targetRef="gateway_loop" />
  <bpmn:sequenceFlow id="Flow_l4" sourceRef="gateway_loop" targetRef="wait_1">
    <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{condition}</bpmn:conditionExpression></bpmn:sequenceFlow>
  <bpmn:sequenceFlow id="Flow_l5" sourceRef="gateway_loop" targetRef="end_l" />"""


def _loop(script: str, condition: str) -> bytes:
    body = MACHINE_LOOP.format(props=props(), script=script, condition=condition)
    data = process(body).decode()
    # the approval leads into the monthly loop instead of the end
    data = data.replace('targetRef="end_1">', 'targetRef="wait_1">').replace(
        '<bpmn:endEvent id="end_1" name="结束">' + props() + '<bpmn:incoming>Flow_ok</bpmn:incoming></bpmn:endEvent>', "")
    return data.replace("<bpmn:incoming>Flow_l1</bpmn:incoming>", "<bpmn:incoming>Flow_ok</bpmn:incoming>").encode()


def test_a_machine_loop_without_a_bound() -> None:
    assert ("gateway_loop", "loop_bound") in rules(_loop("checked = True", "checked"))


def test_a_machine_loop_with_a_counter_is_bounded() -> None:
    assert ("gateway_loop", "loop_bound") not in rules(_loop("rounds = (rounds if 'rounds' in dir() else 0) + 1",
                                                             "rounds &lt; 12"))


def test_a_return_loop_through_a_person_is_bounded_by_people() -> None:
    assert all(p.rule != "loop_bound" for p in check(process("")))


def test_xsd_and_engine_parse_errors() -> None:
    bad_xsd = process("").replace(b'<bpmn:startEvent id="start_1"', b'<bpmn:startEvent id="start_1" bogus="1"')
    assert [p.rule for p in check(bad_xsd)] == ["xsd"]
    assert check(bad_xsd)[0].message.startswith("不符合 BPMN 2.0 XSD")
    dangling = process("").replace(b'targetRef="review" />', b'targetRef="reviewx" />', 1)
    assert [(p.element_id, p.rule) for p in check(dangling)] == [("start_1", "parse")]
    assert check(dangling)[0].message.startswith("SpiffWorkflow 无法解析")


def test_a_call_activity_calls_a_known_process() -> None:
    call = ('<bpmn:callActivity id="call_1" name="调用公示" calledElement="{target}">' + props()
            + "</bpmn:callActivity>")
    assert ("call_1", "call_target") in rules(process(call.format(target="common_nothing")))
    assert ("call_1", "call_target") not in rules(process(call.format(target="nmg2025_revocation")))


def test_external_entities_are_refused() -> None:
    xxe = b"""<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="p" name="&x;"/></bpmn:definitions>"""
    problems = check(xxe)
    assert [p.rule for p in problems] == ["xml_unsafe"]
    assert "root:" not in " ".join(p.message for p in problems)


def test_billion_laughs_is_refused() -> None:
    lol = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)]
    bomb = f'<?xml version="1.0"?><!DOCTYPE lolz [{"".join(lol)}]><lolz>&lol9;</lolz>'.encode()
    assert [p.rule for p in check(bomb)] == ["xml_unsafe"]
    assert [p.rule for p in check(bomb.decode().encode("utf-16"))] in (["xml_unsafe"], ["xml_syntax"])


def test_oversized_and_malformed_documents() -> None:
    assert [p.rule for p in check(b" " * (MAX_BPMN_BYTES + 1))] == ["xml_size"]
    assert [p.rule for p in check(b"<bpmn:definitions")] == ["xml_syntax"]


def test_every_repository_bpmn_passes() -> None:
    result = CliRunner().invoke(main, ["validate", str(PROCESSES)])
    assert result.exit_code == 0, result.output


def test_the_cli_prints_one_line_per_problem_and_exits_1(tmp_path: Path) -> None:
    broken = tmp_path / "nmg2025" / "major_change.bpmn"
    broken.parent.mkdir()
    broken.write_bytes(process("").replace("审核".encode(), b"review", 1))
    result = CliRunner().invoke(main, ["validate", str(broken)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == len(check(broken.read_bytes(), broken)) >= 1
    assert "review: [name_chinese]" in lines[0]


def test_a_script_loop_that_never_ends_is_refused() -> None:
    body = """<bpmn:scriptTask id="spin" name="空转">""" + props() + """<bpmn:script>while True:
    x = 1</bpmn:script></bpmn:scriptTask>"""
    problems = [p for p in check(process(body)) if p.element_id == "spin"]
    assert [p.rule for p in problems] == ["script"] and "while" in problems[0].message
