"""nmg2020 establishment (三(四) five steps, 三(二) checks, 附件 plan outline) driven through the API."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.processes.support import (
    complete,
    events,
    nmg2020_people,
    outcome,
    set_clock,
)
from tests.processes.support import instance as view
from tests.processes.support import ready_tasks as ready

COMMITTEE_OK = [{"name": f"外部专家{i}", "from_lead_or_cobuilder": False, "is_chair": i == 0} for i in range(6)] + [
    {"name": f"牵头单位专家{i}", "from_lead_or_cobuilder": True, "is_chair": False} for i in range(3)
]  # 3 of 9: exactly one third (三(二) 不超过三分之一)
COMMITTEE_BAD = [{"name": f"外部专家{i}", "from_lead_or_cobuilder": False, "is_chair": False} for i in range(5)] + [
    {"name": f"牵头单位专家{i}", "from_lead_or_cobuilder": True, "is_chair": i == 0} for i in range(4)
]
DIRECTOR = {"name": "张明", "age": 52, "title": "senior", "fulltime": True, "directs_other_platform": False,
            "months_at_center_per_year": 10}
PLAN: dict[str, Any] = {
    "center_name_proposed": "内蒙古自治区稀土新材料技术创新中心",
    "industry_field": "new_materials",
    "significance": "围绕稀土新材料产业链关键共性技术攻关和成果转化，建设贯穿上下游的协同创新平台。",
    "foundation": {"industry": "稀土资源储量和产业规模全国领先。", "platform": "依托国家级重点实验室两个。",
                   "talent": "专职研发人员一百二十人。", "regional": "包头稀土高新区集聚效应明显。"},
    "tasks": {"positioning": "稀土功能材料领域的创新高地。", "goals": "三年突破关键技术十项。",
              "construction_model": "研究院牵头，三家企业参与共建。", "operation_management": "独立法人，理事会决策制。",
              "framework": "中心本部加两个分中心。"},
    "funding": {"total": 12000, "regional_fiscal": 2000, "lead_unit": 8000, "rd_matching_funds": 2500},
    "schedule": [{"start": "2024-07-01", "end": "2025-06-30", "milestone": "完成中试平台建设。"}],
    "safeguards": "盟市政府设立专项资金并给予用地保障。",
    "profile": {
        "submission_date": "2024-03-01",
        "units": [{"name": "包头稀土研究院", "role": "lead", "kind": "institute"},
                  {"name": "北方稀土材料公司", "role": "co_builder", "kind": "enterprise"}],
        "construction_model": "university_institute_led",
        "technical_committee": COMMITTEE_OK,
        "director": DIRECTOR,
    },
}
BAD_PLAN = {**PLAN, "profile": {**PLAN["profile"], "technical_committee": COMMITTEE_BAD,
                                "director": {**DIRECTOR, "months_at_center_per_year": 8}}}
CONSULTATION = {"consultation_opinion": "方案定位清晰，建议细化分中心分工。", "site_visit_date": "2024-04-10",
                "site_visit_findings": "中试条件基本具备。", "improvement_suggestions": "补充经费筹措方案。", "maturity": "mature"}
EXPERT_OK = {"decision": "approve", "plan_review_opinion": "方案可行，目标明确，同意通过。", "site_evaluation_date": "2024-05-20",
             "site_evaluation_opinion": "现场条件符合要求。", "score": 86}
NOTICE = {"notice_start": "2024-06-03", "notice_end": "2024-06-09", "notice_channel": "自治区科技厅门户网站"}
APPROVAL = {"official_name": "内蒙古自治区稀土新材料技术创新中心", "document_number": "内科发〔2024〕88号",
            "approval_date": "2024-06-15"}


@pytest.fixture
def nmg(app: Flask, client: FlaskClient) -> dict[str, Any]:
    return nmg2020_people(app, client, datetime(2024, 3, 1, 1, 0, tzinfo=UTC))  # inside nmg2020's window


@pytest.fixture
def started(nmg: dict[str, Any]) -> dict[str, Any]:
    """A proposed center played by center A's organisations, and its establishment started by the applicant (its plan comes first)."""
    orgs = nmg["authority"].get(f"/api/v1/centers/{nmg['centers']['a']}").get_json()["organisations"]
    center = nmg["authority"].post("/api/v1/centers", json={
        "name": "稀土新材料技术创新中心（拟建）", "policy": "nmg2020", "status": "proposed", "organisations": orgs,
    }).get_json()
    response = nmg["applicant"].post("/api/v1/instances", json={"process_key": "nmg2020_establishment", "center_id": center["id"]})
    assert response.status_code == 201, response.get_json()
    return {**response.get_json(), "center": center["id"]}


def to_formal_application(nmg: dict[str, Any], iid: int, plan: dict[str, Any] = PLAN) -> None:
    complete(nmg["applicant"], iid, "prepare_plan", plan)
    complete(nmg["sponsor"], iid, "submit_intention", {"decision": "approve"})
    complete(nmg["expert"], iid, "expert_consultation", CONSULTATION)
    complete(nmg["applicant"], iid, "improve_plan", {**plan, "consultation_response": "已按专家意见补充经费筹措方案。"})


def to_notice(nmg: dict[str, Any], iid: int) -> None:
    to_formal_application(nmg, iid)
    complete(nmg["sponsor"], iid, "formal_application", {"decision": "approve"})
    complete(nmg["authority"], iid, "formal_review", {"decision": "approve"})
    complete(nmg["expert"], iid, "expert_review", EXPERT_OK)
    complete(nmg["authority"], iid, "publish_notice", NOTICE)


def test_five_steps_to_approval(nmg: dict[str, Any], started: dict[str, Any]) -> None:
    iid, authority = started["id"], nmg["authority"]
    [first] = started["ready_tasks"]
    assert (first["element_id"], first["lane"], first["article"], first["form_key"]) == (
        "prepare_plan", "applicant", "三(四)1", "nmg2020/establishment_plan.json")
    to_formal_application(nmg, iid)
    complete(nmg["sponsor"], iid, "formal_application", {"decision": "approve"})
    [review] = ready(authority, iid, "formal_review")
    detail = authority.get(f"/api/v1/tasks/{review['id']}").get_json()
    assert detail["data"]["checks"]["all_passed"] is True  # the 三(二) results reach the reviewer
    assert {r["article"] for r in detail["data"]["checks"]["results"]} == {"三(二)"}
    complete(authority, iid, "formal_review", {"decision": "approve"})
    complete(nmg["expert"], iid, "expert_review", EXPERT_OK)
    complete(authority, iid, "publish_notice", NOTICE)
    [timer] = view(authority, iid)["timers"]
    assert (timer["element_id"], timer["article"]) == ("timer_notice_end", "三(四)5")
    assert timer["due_at"].startswith("2024-06-09T15:59:59")
    set_clock(nmg["supervisor"], "2024-06-09T23:59:59+08:00")  # the last day of the notice is still running
    assert not ready(authority, iid, "notice_outcome")
    set_clock(nmg["supervisor"], "2024-06-10T00:00:00+08:00")
    complete(authority, iid, "notice_outcome", {"decision": "approve"})
    complete(authority, iid, "issue_approval", APPROVAL)

    assert view(authority, iid)["status"] == "completed"
    center = authority.get(f"/api/v1/centers/{started['center']}").get_json()
    assert (center["status"], center["name"], center["approved_at"], center["established_at"]) == (
        "established", "内蒙古自治区稀土新材料技术创新中心", "2024-06-15", "2024-06-15")
    assert center["profile"]["technical_committee"] == COMMITTEE_OK
    trail = events(authority, iid)
    assert [(e["payload"], e["article"]) for e in trail if e["kind"] == "center_status_changed"] == [
        ({"from": "proposed", "to": "established"}, "三(四)5")]
    [follow] = [e for e in trail if e["kind"] == "procedure_started"]
    assert follow["article"] == "三(六)2"
    child = view(authority, follow["payload"]["instance_id"])
    assert child["process_key"] == "nmg2020_preparation" and child["data"]["approval_document_number"] == "内科发〔2024〕88号"
    assert outcome(authority, iid) == "established"
    assert all(e["article"] for e in trail if e["kind"] in ("element_completed", "timer_fired"))


def test_intention_returned_then_not_recommended(nmg: dict[str, Any], started: dict[str, Any]) -> None:
    iid = started["id"]
    complete(nmg["applicant"], iid, "prepare_plan", PLAN)
    complete(nmg["sponsor"], iid, "submit_intention", {"decision": "return", "comment": "请补充产业基础数据"})
    [revise] = ready(nmg["applicant"], iid, "revise_intention_plan")
    assert nmg["applicant"].get(f"/api/v1/tasks/{revise['id']}").get_json()["data"]["center_name_proposed"] == PLAN[
        "center_name_proposed"]  # the plan comes back prefilled
    complete(nmg["applicant"], iid, "revise_intention_plan", PLAN)
    complete(nmg["sponsor"], iid, "submit_intention", {"decision": "reject", "comment": "与本地区产业布局不符"})
    assert outcome(nmg["authority"], iid) == "not_recommended"
    assert nmg["authority"].get(f"/api/v1/centers/{started['center']}").get_json()["status"] == "proposed"


def test_sponsor_returns_then_withdraws_formal_application(nmg: dict[str, Any], started: dict[str, Any]) -> None:
    iid = started["id"]
    to_formal_application(nmg, iid)
    complete(nmg["sponsor"], iid, "formal_application", {"decision": "return", "comment": "请落实法人实体注册"})
    complete(nmg["applicant"], iid, "revise_application", PLAN)
    complete(nmg["sponsor"], iid, "formal_application", {"decision": "reject", "comment": "建设条件暂不成熟"})
    assert outcome(nmg["authority"], iid) == "withdrawn"


def test_failed_checks_returned_and_resubmitted_then_rejected(nmg: dict[str, Any], started: dict[str, Any]) -> None:
    iid, authority = started["id"], nmg["authority"]
    to_formal_application(nmg, iid, BAD_PLAN)
    complete(nmg["sponsor"], iid, "formal_application", {"decision": "approve"})
    [review] = ready(authority, iid, "formal_review")
    assert review["article"] == "本地实践"  # 三(四)4 has no acceptance review and no 不予受理 (issue 9, finding 9)
    checks = authority.get(f"/api/v1/tasks/{review['id']}").get_json()["data"]["checks"]
    assert checks["all_passed"] is False
    assert set(checks["failed_rules"]) == {"committee_insider_share", "committee_chair_external", "director_months_at_center"}
    assert all(r["reason"] for r in checks["results"])
    complete(authority, iid, "formal_review", {"decision": "return", "comment": "技术指导委员会构成不符合三(二)"})
    complete(nmg["applicant"], iid, "revise_application", PLAN)
    complete(nmg["sponsor"], iid, "formal_application", {"decision": "approve"})
    [review] = ready(authority, iid, "formal_review")
    assert authority.get(f"/api/v1/tasks/{review['id']}").get_json()["data"]["checks"]["all_passed"] is True
    complete(authority, iid, "formal_review", {"decision": "reject", "comment": "同领域已有中心，避免重复建设"})
    assert outcome(authority, iid) == "rejected"
    assert not [e for e in events(authority, iid) if e["kind"] == "center_status_changed"]


@pytest.mark.parametrize("element,lane,data", [
    ("expert_review", "expert", {**EXPERT_OK, "decision": "reject", "comment": "关键技术路线不清晰"}),
    ("notice_outcome", "authority", {"decision": "reject", "objections": "收到实名异议：共建协议未签署", "comment": "异议成立"}),
])
def test_rejected_by_experts_or_by_objection(nmg: dict[str, Any], started: dict[str, Any], element: str, lane: str,
                                            data: dict[str, Any]) -> None:
    iid = started["id"]
    if element == "expert_review":
        to_formal_application(nmg, iid)
        complete(nmg["sponsor"], iid, "formal_application", {"decision": "approve"})
        complete(nmg["authority"], iid, "formal_review", {"decision": "approve"})
    else:
        to_notice(nmg, iid)
        set_clock(nmg["supervisor"], "2024-06-10T00:00:00+08:00")
    complete(nmg[lane], iid, element, data)
    assert outcome(nmg["authority"], iid) == "rejected"
    assert nmg["authority"].get(f"/api/v1/centers/{started['center']}").get_json()["status"] == "proposed"


def test_expert_return_goes_back_through_the_sponsor(nmg: dict[str, Any], started: dict[str, Any]) -> None:
    iid = started["id"]
    to_formal_application(nmg, iid)
    complete(nmg["sponsor"], iid, "formal_application", {"decision": "approve"})
    complete(nmg["authority"], iid, "formal_review", {"decision": "approve"})
    complete(nmg["expert"], iid, "expert_review", {**EXPERT_OK, "decision": "return", "comment": "请细化进度安排"})
    complete(nmg["applicant"], iid, "revise_application", PLAN)
    complete(nmg["sponsor"], iid, "formal_application", {"decision": "approve"})
    complete(nmg["authority"], iid, "formal_review", {"decision": "approve"})
    complete(nmg["expert"], iid, "expert_review", EXPERT_OK)
    assert ready(nmg["authority"], iid, "publish_notice")


def test_plan_form_follows_the_outline_and_the_naming_rule(nmg: dict[str, Any], started: dict[str, Any]) -> None:
    [task] = ready(nmg["applicant"], started["id"], "prepare_plan")
    form = nmg["applicant"].get(f"/api/v1/tasks/{task['id']}").get_json()["form"]
    titles = [form["properties"][k]["title"] for k in ("significance", "foundation", "tasks", "funding", "schedule", "safeguards")]
    assert titles == ["一、建设意义", "二、建设基础", "三、建设任务", "四、经费投入", "五、进度安排", "六、保障措施"]
    bad = {**PLAN, "center_name_proposed": "稀土新材料中心"}
    del bad["foundation"]
    body = complete(nmg["applicant"], started["id"], "prepare_plan", bad, status=422)
    assert set(body["errors"]) >= {"center_name_proposed", "foundation"}


@pytest.mark.parametrize("procedure,elements", [
    ("establishment", ["formal_review", "gateway_formal_review"]),
    ("major_change", ["council_decision", "gateway_council", "mark_council_rejected", "end_council_rejected"]),
])
def test_steps_the_text_does_not_have_are_marked_local_practice(procedure: str, elements: list[str]) -> None:
    """三(四)4 has no 不予受理 and 三(五) no council step: marked 本地实践, and their documentation says so."""
    root = ElementTree.parse(Path(__file__).resolve().parents[2] / "processes" / "nmg2020" / f"{procedure}.bpmn")
    ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
          "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
    for element_id in elements:
        [node] = root.findall(f".//*[@id='{element_id}']")
        [article] = node.findall(".//spiffworkflow:property[@name='article']", ns)
        assert article.get("value") == "本地实践", element_id
        documentation = node.findtext("bpmn:documentation", namespaces=ns) or ""
        assert documentation.startswith("本地实践") and ("三(四)4" in documentation or "三(五)" in documentation)
