"""Engine scenarios on app.engine.runtime.Workflow without the database.

Every scenario runs twice: `straight` keeps the Workflow object between steps, `restored` replaces it after
every step with `Workflow.load(wf.dumps(), parsed)` (what the application does between requests).
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from app.engine.clock_hook import current_engine_time, engine_time
from app.engine.parser import ParsedProcess, TicBpmnParser, parse_bundle
from app.engine.runtime import EngineError, TaskNotReady, Workflow
from app.engine.views import ReadyTask, StepOutcome
from handlers.registry import HandlerContext, operator

BPMN_DIR = Path(__file__).parent / "bpmn"
CHINA = ZoneInfo("Asia/Shanghai")
T0 = datetime(2027, 1, 4, 9, 0, tzinfo=CHINA)
FAILING_OPERATOR = "test_engine_runtime_always_fails"  # referenced by bpmn/failing_service.bpmn


@operator(FAILING_OPERATOR)
def _always_fails(params: Mapping[str, Any], context: HandlerContext) -> Any:
    raise ValueError(f"材料页数不足：{params['pages']} 页")


@cache
def _xml(file_name: str) -> str:
    return (BPMN_DIR / file_name).read_text(encoding="utf-8")


def _process_id(xml: str) -> str:
    match = re.search(r'<bpmn:process id="([^"]+)"', xml)
    assert match is not None
    return match.group(1)


@cache
def parsed(file_name: str) -> ParsedProcess:
    xml = _xml(file_name)
    return parse_bundle({file_name: xml}, _process_id(xml))


class Runner:
    """Drives one workflow; in `restored` mode the Workflow object is replaced by its reload after every step."""

    def __init__(self, process: ParsedProcess, restore: bool) -> None:
        self.process = process
        self.restore = restore
        self.wf: Workflow | None = None
        self.states: list[str] = []

    @property
    def workflow(self) -> Workflow:
        assert self.wf is not None, "start() first"
        return self.wf

    def _after_step(self) -> None:
        state = self.workflow.dumps()
        self.states.append(state)
        if self.restore:
            self.wf = Workflow.load(state, self.process)

    def start(self, data: dict[str, Any], now: datetime = T0) -> StepOutcome:
        self.wf, outcome = Workflow.start(self.process, data, now)
        self._after_step()
        return outcome

    def ready(self, element_id: str) -> ReadyTask:
        found = [t for t in self.workflow.ready_tasks() if t.element_id == element_id]
        assert len(found) == 1, (element_id, self.workflow.ready_tasks())
        return found[0]

    def ready_ids(self) -> list[str]:
        return sorted(t.element_id for t in self.workflow.ready_tasks())

    def complete(self, element_id: str, data: dict[str, Any], now: datetime = T0) -> StepOutcome:
        outcome = self.workflow.complete(self.ready(element_id).task_id, data, now)
        self._after_step()
        return outcome

    def fire_timers(self, now: datetime) -> StepOutcome:
        outcome = self.workflow.fire_timers(now)
        self._after_step()
        return outcome

    def timers(self) -> dict[str, datetime]:
        return {t.element_id: t.due_at for t in self.workflow.waiting_timers()}


@pytest.fixture(params=["straight", "restored"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def run(mode: str) -> Any:
    def make(file_name: str) -> Runner:
        return Runner(parsed(file_name), restore=mode == "restored")

    return make


def completed_ids(outcome: StepOutcome) -> list[str]:
    return [c.element_id for c in outcome.completed]


# ---- (1) three sequential user tasks in lanes --------------------------------------------------------


def test_sequential_user_tasks_in_lanes_pass_data_along(run: Any) -> None:
    r = run("sequential.bpmn")
    outcome = r.start({"center_name": "测试中心"})
    assert completed_ids(outcome) == ["start_sequential"]
    assert r.workflow.status == "running"

    first = r.ready("fill_application")
    assert (first.lane, first.name, first.article, first.form_key) == ("applicant", "填写申请书", "第十条", "unit/application.json")
    assert first.due_at is None
    assert r.workflow.task_data(first.task_id) == {"center_name": "测试中心"}
    outcome = r.complete("fill_application", {"project_name": "煤基新材料"})
    assert completed_ids(outcome) == ["fill_application"]
    assert [(c.lane, c.kind, c.article) for c in outcome.completed] == [("applicant", "UserTask", "第十条")]

    second = r.ready("sponsor_opinion")
    assert second.lane == "sponsor"
    assert r.workflow.task_data(second.task_id) == {"center_name": "测试中心", "project_name": "煤基新材料"}
    r.complete("sponsor_opinion", {"recommendation": "同意推荐"})

    third = r.ready("authority_approval")
    assert third.lane == "authority"
    assert r.workflow.task_data(third.task_id)["recommendation"] == "同意推荐"
    outcome = r.complete("authority_approval", {"approval_no": "内科发〔2027〕1号"})

    assert completed_ids(outcome) == ["authority_approval", "summarise", "end_sequential"]
    assert r.workflow.status == "completed"
    assert r.workflow.ready_tasks() == []
    assert r.workflow.data() == {
        "center_name": "测试中心",
        "project_name": "煤基新材料",
        "recommendation": "同意推荐",
        "approval_no": "内科发〔2027〕1号",
        "summary": "煤基新材料｜同意推荐｜内科发〔2027〕1号",
    }


def test_a_completed_task_cannot_be_completed_again(run: Any) -> None:
    r = run("sequential.bpmn")
    r.start({})
    task_id = r.ready("fill_application").task_id
    r.complete("fill_application", {"project_name": "甲"})
    with pytest.raises(TaskNotReady):
        r.workflow.complete(task_id, {"project_name": "乙"}, T0)
    with pytest.raises(TaskNotReady):
        r.workflow.complete("not-a-uuid", {}, T0)
    with pytest.raises(TaskNotReady):
        r.workflow.complete("00000000-0000-0000-0000-000000000000", {}, T0)
    assert r.ready_ids() == ["sponsor_opinion"]


# ---- (2) exclusive gateway with approve / return / reject ----------------------------------------


def _submit_and_review(r: Runner, decision: str) -> StepOutcome:
    r.start({})
    r.complete("submit_material", {"title": "申报书"})
    return r.complete("review_material", {"decision": decision})


def test_gateway_approve(run: Any) -> None:
    r = run("gateway_loop.bpmn")
    outcome = _submit_and_review(r, "approve")
    assert completed_ids(outcome) == ["review_material", "gateway_decision", "mark_approved", "end_approved"]
    gateway = outcome.completed[1]
    assert (gateway.kind, gateway.article, gateway.name) == ("ExclusiveGateway", "第二十一条", "审核结论")
    assert r.workflow.status == "completed"
    assert r.workflow.data()["outcome"] == "approved"
    assert r.workflow.data()["return_count"] == 0


def test_gateway_reject(run: Any) -> None:
    r = run("gateway_loop.bpmn")
    outcome = _submit_and_review(r, "reject")
    assert completed_ids(outcome) == ["review_material", "gateway_decision", "mark_rejected", "end_rejected"]
    assert r.workflow.status == "completed"
    assert r.workflow.data()["outcome"] == "rejected"


def test_gateway_return_loop_three_times_then_approve(run: Any) -> None:
    r = run("gateway_loop.bpmn")
    outcome = _submit_and_review(r, "return")
    for round_no in range(1, 4):
        assert completed_ids(outcome)[-2:] == ["gateway_decision", "count_return"]
        assert r.ready_ids() == ["revise_material"]
        revise = r.ready("revise_material")
        assert revise.lane == "applicant"
        assert r.workflow.task_data(revise.task_id)["return_count"] == round_no
        r.complete("revise_material", {"title": f"申报书（第{round_no}次修改）"})
        assert r.ready_ids() == ["review_material"]
        outcome = r.complete("review_material", {"decision": "return" if round_no < 3 else "approve"})
    assert completed_ids(outcome) == ["review_material", "gateway_decision", "mark_approved", "end_approved"]
    assert r.workflow.status == "completed"
    result = r.workflow.data()
    assert (result["outcome"], result["return_count"], result["title"]) == ("approved", 3, "申报书（第3次修改）")
    states = r.workflow.element_states()
    assert states["revise_material"] == states["count_return"] == states["end_approved"] == "completed"
    assert "mark_rejected" not in states and "end_rejected" not in states


def test_gateway_without_matching_condition_names_the_gateway(run: Any) -> None:
    r = run("gateway_loop.bpmn")
    with pytest.raises(EngineError) as caught:
        _submit_and_review(r, "maybe")
    assert caught.value.element_id == "gateway_decision"


def test_gateway_without_matching_condition_is_an_engine_error(run: Any) -> None:
    r = run("gateway_loop.bpmn")
    r.start({})
    r.complete("submit_material", {"title": "申报书"})
    before = r.states[-1]
    with pytest.raises(EngineError) as caught:
        r.workflow.complete(r.ready("review_material").task_id, {"decision": "maybe"}, T0)
    assert "gateway_decision" in str(caught.value)
    # the last persisted state is untouched: the task is still ready after a reload
    reloaded = Workflow.load(before, r.process)
    assert [t.element_id for t in reloaded.ready_tasks()] == ["review_material"]


# ---- (3) non-interrupting boundary timer -> notify service task -> task in another lane -------------


DUE = "2027-01-31T23:59:59+08:00"
DUE_AT = datetime(2027, 1, 31, 23, 59, 59, tzinfo=CHINA)


def test_boundary_timer_fires_only_after_due_then_notifies_and_escalates(run: Any) -> None:
    r = run("boundary_timer.bpmn")
    r.start({"due_at": DUE}, now=datetime(2027, 1, 1, 9, 0, tzinfo=CHINA))
    submit = r.ready("submit_report")
    assert submit.due_at == DUE_AT and submit.due_at.utcoffset() is not None
    assert r.timers() == {"timer_overdue": DUE_AT}
    assert r.workflow.element_states() == {
        "start_submission": "completed", "submit_report": "active", "timer_overdue": "waiting",
    }

    for not_yet in (DUE_AT - timedelta(days=1), DUE_AT - timedelta(microseconds=1), DUE_AT):
        outcome = r.fire_timers(not_yet)
        assert outcome.completed == [] and outcome.effects == [], not_yet
        assert r.ready_ids() == ["submit_report"]
        assert r.timers() == {"timer_overdue": DUE_AT}

    outcome = r.fire_timers(DUE_AT + timedelta(microseconds=1))
    assert completed_ids(outcome) == ["timer_overdue", "notify_overdue"]
    assert outcome.effects == [
        {"kind": "notification", "role": "supervisor", "template": "unit_overdue", "element_id": "notify_overdue"}
    ]
    assert r.ready_ids() == ["escalate_overdue", "submit_report"]  # non-interrupting: the task stays
    escalate = r.ready("escalate_overdue")
    assert (escalate.lane, escalate.article, escalate.name) == ("supervisor", "第三十一条", "督办逾期报送")
    assert r.workflow.task_data(escalate.task_id)["overdue_notice"] == {
        "queued": True, "role": "supervisor", "template": "unit_overdue",
    }
    assert r.timers() == {}
    assert r.workflow.element_states() == {
        "start_submission": "completed", "submit_report": "active", "timer_overdue": "completed",
        "notify_overdue": "completed", "escalate_overdue": "active",
    }

    # a timer fires once
    later = r.fire_timers(DUE_AT + timedelta(days=30))
    assert later.completed == [] and later.effects == []
    assert r.ready_ids() == ["escalate_overdue", "submit_report"]

    r.complete("escalate_overdue", {"measure": "约谈"}, now=DUE_AT + timedelta(days=31))
    assert r.workflow.status == "running"
    outcome = r.complete("submit_report", {"report": "补报"}, now=DUE_AT + timedelta(days=32))
    assert completed_ids(outcome) == ["submit_report", "end_submitted"]
    assert r.workflow.status == "completed"


def test_boundary_timer_is_disarmed_when_the_task_is_done_in_time(run: Any) -> None:
    r = run("boundary_timer.bpmn")
    r.start({"due_at": DUE}, now=datetime(2027, 1, 1, 9, 0, tzinfo=CHINA))
    outcome = r.complete("submit_report", {"report": "按时报送"}, now=DUE_AT)
    assert completed_ids(outcome) == ["submit_report", "end_submitted"]
    assert r.workflow.status == "completed"
    assert r.timers() == {}
    assert r.fire_timers(DUE_AT + timedelta(days=1)).completed == []
    assert "notify_overdue" not in r.workflow.element_states()


def test_step_runs_at_the_given_engine_time_only() -> None:
    moment = datetime(2031, 5, 6, 7, 8, 9, 123456, tzinfo=CHINA)
    with engine_time(moment):
        assert current_engine_time() == moment
    assert current_engine_time() != moment
    with pytest.raises(ValueError):
        with engine_time(datetime(2031, 5, 6)):
            pass


# ---- (4) timers against an engine time far in the future --------------------------------------------


DEADLINE = "2031-06-30T23:59:59+08:00"
DEADLINE_AT = datetime(2031, 6, 30, 23, 59, 59, tzinfo=CHINA)


def test_waiting_timers_report_aware_due_times_and_fire_at_far_future_engine_time(run: Any) -> None:
    r = run("catch_timers.bpmn")
    r.start({"deadline": DEADLINE}, now=T0)
    timers = r.workflow.waiting_timers()
    assert {t.element_id for t in timers} == {"wait_deadline", "wait_cooling_off"}
    for timer in timers:
        assert isinstance(timer.due_at, datetime)
        assert timer.due_at.tzinfo is not None and timer.due_at.utcoffset() == timedelta(0)
        assert timer.article == "第三十条"
    due = r.timers()
    assert due["wait_deadline"] == DEADLINE_AT
    assert due["wait_cooling_off"] == T0 + timedelta(days=30)  # counted from the engine time at arming
    assert r.workflow.element_states()["wait_deadline"] == "waiting"

    # the real clock is long past neither: only the engine time decides
    outcome = r.fire_timers(T0 + timedelta(days=30, microseconds=1))
    assert completed_ids(outcome) == ["wait_cooling_off"]
    assert r.timers() == {"wait_deadline": DEADLINE_AT}
    assert r.fire_timers(DEADLINE_AT).completed == []

    far_future = datetime(2099, 12, 31, 0, 0, tzinfo=UTC)
    outcome = r.fire_timers(far_future)
    assert completed_ids(outcome) == ["wait_deadline", "join_waiting"]
    assert r.timers() == {}
    assert r.ready_ids() == ["follow_up"]
    r.complete("follow_up", {"rectified": True}, now=far_future)
    assert r.workflow.status == "completed"


def test_a_deadline_already_past_on_the_real_clock_waits_for_the_engine_time(run: Any) -> None:
    r = run("catch_timers.bpmn")
    start = datetime(2001, 1, 1, 9, 0, tzinfo=CHINA)
    deadline = datetime(2001, 6, 30, 23, 59, 59, tzinfo=CHINA)
    outcome = r.start({"deadline": "2001-06-30T23:59:59+08:00"}, now=start)
    assert completed_ids(outcome) == ["start_waiting", "fork_waiting"]  # nothing fires on the real clock
    assert r.timers() == {"wait_deadline": deadline, "wait_cooling_off": start + timedelta(days=30)}
    outcome = r.fire_timers(deadline)
    assert completed_ids(outcome) == ["wait_cooling_off"]
    assert r.timers() == {"wait_deadline": deadline}
    outcome = r.fire_timers(deadline + timedelta(microseconds=1))
    assert completed_ids(outcome) == ["wait_deadline", "join_waiting"]
    assert r.ready_ids() == ["follow_up"]


# ---- (5) script task in the restricted sandbox ------------------------------------------------------


def test_script_task_computes_values_in_the_sandbox(run: Any) -> None:
    r = run("script_compute.bpmn")
    outcome = r.start({"raw_scores": ["95", "78", "62"], "evaluated_on": "2027-01-04"})
    assert completed_ids(outcome) == ["start_scoring", "compute_result"]
    assert outcome.completed[1].kind == "ScriptTask"
    data = r.workflow.task_data(r.ready("confirm_result").task_id)
    assert data["scores"] == [95, 78, 62]
    assert data["total"] == 235
    assert data["average"] == 78.33
    assert data["grades"] == sorted({"优秀", "良好", "合格"})
    assert data["passed"] is True
    assert data["rank"] == 1
    assert data["rectify_by"] == "2027-04-04"
    assert data["note"] == "平均分 78.33"
    # no sandbox helper (guards, builtins, modules) leaks into the task data
    assert not [k for k in data if k.startswith("_")]
    assert json.loads(json.dumps(data)) == data
    r.complete("confirm_result", {"confirmed": True})
    assert r.workflow.status == "completed"
    assert r.workflow.data()["average"] == 78.33


def test_script_sandbox_is_enforced_even_if_parse_time_validation_is_skipped() -> None:
    """A spec that slipped past parse_bundle's checks is still refused by the script engine at run time."""
    xml = _xml("script_compute.bpmn").replace(
        "note = '平均分 ' + str(average)", "note = ().__class__.__base__.__subclasses__()"
    )
    parser = TicBpmnParser()
    parser.add_bpmn_str(xml.encode(), filename="unchecked.bpmn")
    unchecked = ParsedProcess(key="unit_script_compute", name="unchecked", spec=parser.get_spec("unit_script_compute"))
    with pytest.raises(EngineError) as caught:
        Workflow.start(unchecked, {"raw_scores": ["1"], "evaluated_on": "2027-01-04"}, T0)
    assert caught.value.element_id == "compute_result"
    assert "__class__" in caught.value.reason


# ---- (6)/(7) status and element_states --------------------------------------------------------------


def test_status_and_element_states_through_a_run(run: Any) -> None:
    r = run("sequential.bpmn")
    r.start({})
    assert r.workflow.status == "running"
    assert r.workflow.element_states() == {"start_sequential": "completed", "fill_application": "active"}
    r.complete("fill_application", {"project_name": "甲"})
    assert r.workflow.element_states() == {
        "start_sequential": "completed", "fill_application": "completed", "sponsor_opinion": "active",
    }
    r.complete("sponsor_opinion", {"recommendation": "乙"})
    r.complete("authority_approval", {"approval_no": "丙"})
    assert r.workflow.status == "completed"
    assert set(r.workflow.element_states().values()) == {"completed"}
    assert set(r.workflow.element_states()) == {
        "start_sequential", "fill_application", "sponsor_opinion", "authority_approval", "summarise", "end_sequential",
    }


# ---- serialization -------------------------------------------------------------------------------


def test_serialized_state_has_no_spec_and_is_much_smaller_than_the_default(run: Any) -> None:
    r = run("boundary_timer.bpmn")
    r.start({"due_at": DUE}, now=T0)
    state = r.workflow.dumps()
    document = json.loads(state)
    assert "spec" not in document and "subprocess_specs" not in document
    default = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG)).serialize_json(r.workflow._wf)
    assert "spec" in json.loads(default)
    assert len(state) < 0.6 * len(default), (len(state), len(default))
    # a reload writes the same state again
    assert json.loads(Workflow.load(state, r.process).dumps()) == document


# ---- operator errors ---------------------------------------------------------------------------------


def test_operator_value_error_surfaces_as_engine_error(run: Any, mode: str) -> None:
    r = run("failing_service.bpmn")
    r.start({"page_count": 3})
    before = r.states[-1]
    with pytest.raises(EngineError) as caught:
        r.workflow.complete(r.ready("upload_material").task_id, {"files": ["申报书.pdf"]}, T0)
    err = caught.value
    assert err.element_id == "check_material"
    assert "ValueError" in err.reason
    assert "材料页数不足：3 页" in err.reason
    assert FAILING_OPERATOR in err.reason
    assert str(err).startswith("check_material: ")
    if mode == "straight":
        assert r.workflow.status == "error"  # the in-memory object is spoiled; callers discard it
    reloaded = Workflow.load(before, r.process)  # the persisted state lost nothing
    assert reloaded.status == "running"
    assert [t.element_id for t in reloaded.ready_tasks()] == ["upload_material"]


def test_dunder_in_service_parameter_is_refused_when_the_task_runs(mode: str) -> None:
    """Refused at deploy (see test_engine_parser); with that check bypassed, the sandbox refuses it when reached."""
    xml = _xml("boundary_timer.bpmn").replace("value=\"'supervisor'\"", 'value="().__class__.__name__"')
    parser = TicBpmnParser()
    parser.add_bpmn_str(xml.encode(), filename="unchecked_param.bpmn")
    unchecked = ParsedProcess("unit_boundary_timer", "未校验", parser.get_spec("unit_boundary_timer"),
                              parser.get_subprocess_specs("unit_boundary_timer"))
    r = Runner(unchecked, restore=mode == "restored")
    r.start({"due_at": DUE}, now=T0)
    with pytest.raises(EngineError) as caught:
        r.workflow.fire_timers(DUE_AT + timedelta(seconds=1))
    assert caught.value.element_id == "notify_overdue"
    assert "().__class__.__name__" in caught.value.reason


def test_bad_due_expression_surfaces_as_engine_error() -> None:
    xml = _xml("boundary_timer.bpmn").replace('name="due" value="due_at"', 'name="due" value="missing_variable"')
    wf, _ = Workflow.start(parse_bundle({"bad_due.bpmn": xml}, "unit_boundary_timer"), {"due_at": DUE}, T0)
    with pytest.raises(EngineError) as caught:
        wf.ready_tasks()
    assert caught.value.element_id == "submit_report"


def test_a_revision_loop_is_capped_before_the_engine_loses_its_way(run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """spiffworkflow-notes.md: each round of a back-edge loop nests deeper; past depth 1000 the engine stops silently.
    The runtime refuses the step that would go past MAX_TASK_DEPTH, naming the element, and changes nothing."""
    import app.engine.runtime as runtime

    monkeypatch.setattr(runtime, "MAX_TASK_DEPTH", 40)
    r = run("gateway_loop.bpmn")
    _submit_and_review(r, "return")
    rounds = 0
    with pytest.raises(EngineError) as caught:
        for rounds in range(1, 100):
            r.complete("revise_material", {"title": f"第{rounds}次修改"})
            r.complete("review_material", {"decision": "return"})
    assert 3 < rounds < 40 and caught.value.element_id in ("revise_material", "review_material")
    assert "超过上限" in caught.value.reason
