"""national_establishment (第三条, 第十一至十六条, 第六条2, 第三十二条) through the API: both categories, every path."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.processes.national_support import (
    COMPREHENSIVE_KEYS,
    COMPREHENSIVE_PROPOSAL,
    CULTIVATION,
    FIELD_INTENTION,
    FIELD_KEYS,
    LEGAL_ENTITY,
    SPONSOR,
    checklist,
    create_center,
    national_people,
)
from tests.processes.support import (
    FILE,
    act,
    center,
    events,
    every_step_cites_an_article,
    instance,
    outcome,
    start,
    status_changes,
    task,
)
from tests.processes.support import ready_elements as ready


@pytest.fixture
def people(app: Flask, client: FlaskClient) -> dict[str, Any]:
    return national_people(app, client)


def plans(actor: Any, center_id: int) -> list[dict[str, Any]]:
    rows = actor.get(f"/api/v1/instances?center_id={center_id}").get_json()
    return [r for r in rows if r["process_key"] == "national_operation_plan"]


# ---- comprehensive (综合类, 第十二、十三条) -----------------------------------------------------------------

def comprehensive(people: dict[str, Any]) -> tuple[int, int]:
    center_id = create_center(people, "comprehensive")
    started = start(people["authority"], "national_establishment", center_id)
    assert [t["element_id"] for t in started["ready_tasks"]] == ["comprehensive_layout"]
    act(people["authority"], started["id"], "comprehensive_layout",
        {"regional_strategy": "长三角一体化发展", "partners": "国家发展改革委、沪苏浙皖人民政府", "decision": "proceed"})
    act(people["applicant"], started["id"], "comprehensive_proposal", COMPREHENSIVE_PROPOSAL)
    return center_id, int(started["id"])


def test_comprehensive_case_by_case_deliberation_approves_and_names(people: dict[str, Any]) -> None:
    supervisor, authority = people["supervisor"], people["authority"]
    center_id, inst = comprehensive(people)
    deliberation = task(authority, inst, "comprehensive_deliberation")
    assert (deliberation["lane"], deliberation["article"]) == ("authority", "第十二条")
    form = authority.get(f"/api/v1/tasks/{deliberation['id']}").get_json()["form"]
    assert set(form["properties"]["conditions"]["properties"]) == set(COMPREHENSIVE_KEYS)  # 第十三条 1–5
    # every item needs its evidence; an unmet item refuses the approval (第十三条 基本条件)
    act(authority, inst, "comprehensive_deliberation",
        {"conditions": {k: {"met": True} for k in COMPREHENSIVE_KEYS}, "decision": "approve",
         "naming_part": "长三角", "naming_part_en": "Yangtze River Delta"}, status=422)
    act(authority, inst, "comprehensive_deliberation",
        {"conditions": checklist(COMPREHENSIVE_KEYS, unmet=("domains",)), "decision": "approve",
         "naming_part": "长三角", "naming_part_en": "Yangtze River Delta"}, status=422)
    # 第十三条5 “组织架构一般采取……”: a guideline — explained in the evidence, it does not block the approval
    act(authority, inst, "comprehensive_deliberation",
        {"conditions": checklist(COMPREHENSIVE_KEYS, unmet=("structure",)), "decision": "approve",
         "naming_part": "长三角", "naming_part_en": "Yangtze River Delta"})
    assert instance(supervisor, inst)["status"] == "completed" and outcome(supervisor, inst) == "approved"
    record = center(supervisor, center_id)
    assert record["status"] == "established" and record["approved_at"] == "2026-07-01"
    assert record["name"] == "长三角国家技术创新中心"
    assert record["profile"]["name_en"] == "Yangtze River Delta National Center of Technology Innovation"
    assert record["profile"]["legal_entity"] == LEGAL_ENTITY and record["profile"]["sponsor"] == SPONSOR
    assert record["profile"]["admitted_cycle"] == 1
    assert status_changes(supervisor, inst) == [("proposed", "established", "第十二条")]
    [warning] = [e for e in events(supervisor, inst) if e["kind"] == "warning"]  # the guideline departed from
    assert warning["article"] == "第十三条5" and "structure 的依据" in warning["payload"]["message"]
    [plan] = plans(supervisor, center_id)  # 第十七条: the first cycle's plan starts on approval
    assert plan["business_key"] == f"national_operation_plan:{center_id}:cycle-1"
    assert ready(supervisor, plan["id"]) == ["adopt_charter"]
    [named] = [e for e in events(supervisor, inst) if e["element_id"] == "compose_name" and e["kind"] == "element_completed"]
    assert named["article"] == "第三十二条"
    every_step_cites_an_article(supervisor, inst)


@pytest.mark.parametrize("decision", ["return", "reject"])
def test_comprehensive_return_and_reject_need_a_reason(people: dict[str, Any], decision: str) -> None:
    supervisor, authority = people["supervisor"], people["authority"]
    center_id, inst = comprehensive(people)
    body = {"conditions": checklist(COMPREHENSIVE_KEYS, unmet=("support",)), "decision": decision}
    act(authority, inst, "comprehensive_deliberation", body, status=422)
    act(authority, inst, "comprehensive_deliberation", {**body, "comment": "地方支持措施尚不明确。"})
    if decision == "return":
        assert ready(supervisor, inst) == ["comprehensive_proposal"]
    else:
        assert outcome(supervisor, inst) == "rejected"
        assert center(supervisor, center_id)["status"] == "proposed"
        assert status_changes(supervisor, inst) == []
    every_step_cites_an_article(supervisor, inst)


def test_comprehensive_not_laid_out(people: dict[str, Any]) -> None:
    supervisor, authority = people["supervisor"], people["authority"]
    center_id = create_center(people, "comprehensive")
    inst = start(authority, "national_establishment", center_id)["id"]
    act(authority, inst, "comprehensive_layout",
        {"regional_strategy": "某区域", "partners": "某省", "decision": "stop"}, status=422)
    act(authority, inst, "comprehensive_layout",
        {"regional_strategy": "某区域", "partners": "某省", "decision": "stop", "comment": "坚持“少而精”原则，暂不布局。"})
    assert outcome(supervisor, inst) == "not_laid_out" and center(supervisor, center_id)["status"] == "proposed"
    every_step_cites_an_article(supervisor, inst)


def test_a_center_without_category_gets_one_first(people: dict[str, Any]) -> None:
    supervisor, authority = people["supervisor"], people["authority"]
    center_id = create_center(people, None)
    started = start(authority, "national_establishment", center_id)
    assert task(authority, started["id"], "choose_category")["article"] == "第三条"
    act(authority, started["id"], "choose_category", {"category": "field"})
    assert ready(supervisor, started["id"]) == ["publish_priority_fields"]
    assert center(supervisor, center_id)["category"] == "field"


# ---- field (领域类, 第十四至十六条) -----------------------------------------------------------------------

def to_consultation(people: dict[str, Any]) -> tuple[int, int]:
    """Priority fields published, intention accepted into cultivation, preparations done, recommended."""
    center_id = create_center(people, "field")
    inst = start(people["authority"], "national_establishment", center_id)["id"]
    act(people["authority"], inst, "publish_priority_fields",
        {"layout_year": 2026, "priority_fields": ["先进储能", "工业软件"], "layout_documents": FILE})
    act(people["applicant"], inst, "field_intention", FIELD_INTENTION)
    act(people["sponsor"], inst, "sponsor_intention_review", {"decision": "cultivate"})
    assert center(people["supervisor"], center_id)["status"] == "cultivating"
    act(people["applicant"], inst, "cultivation_preparation", CULTIVATION)
    act(people["sponsor"], inst, "sponsor_recommendation", {"decision": "recommend", "recommendation_documents": FILE})
    return center_id, inst


def test_field_center_cultivated_recommended_selected_and_named(people: dict[str, Any]) -> None:
    supervisor, authority = people["supervisor"], people["authority"]
    center_id, inst = to_consultation(people)
    consult = task(people["expert"], inst, "expert_consultation")
    assert (consult["lane"], consult["article"]) == ("expert", "第十六条4")
    act(people["expert"], inst, "expert_consultation", {"conditions": checklist(FIELD_KEYS), "opinion": "具备组建条件。"})
    selection = task(authority, inst, "authority_selection")
    assert selection["article"] == "第十六条4"
    act(authority, inst, "authority_selection", {"decision": "approve"}, status=422)  # naming is required
    act(authority, inst, "authority_selection",
        {"decision": "approve", "naming_part": "先进储能", "naming_part_en": "Advanced Energy Storage"})
    record = center(supervisor, center_id)
    assert record["status"] == "established"
    assert record["name"] == "国家先进储能技术创新中心"
    assert record["profile"]["name_en"] == "National Center of Technology Innovation for Advanced Energy Storage"
    assert record["profile"]["council"] == CULTIVATION["council_members"]
    assert record["profile"]["legal_entity"] == LEGAL_ENTITY
    assert status_changes(supervisor, inst) == [("proposed", "cultivating", "第十六条3"),
                                                ("cultivating", "established", "第十六条4")]
    assert not [e for e in events(supervisor, inst) if e["kind"] == "warning"]  # within the year's priority fields
    assert len(plans(supervisor, center_id)) == 1
    every_step_cites_an_article(supervisor, inst)


def test_an_unmet_field_condition_allows_only_defer_or_reject(people: dict[str, Any]) -> None:
    supervisor, authority = people["supervisor"], people["authority"]
    center_id, inst = to_consultation(people)
    act(people["expert"], inst, "expert_consultation",
        {"conditions": checklist(FIELD_KEYS, unmet=("talent",)), "opinion": "全职全时核心技术团队尚未形成。"})
    assert ready(supervisor, inst) == ["authority_unmet_conditions"]
    act(authority, inst, "authority_unmet_conditions", {"decision": "approve", "comment": "x"}, status=422)
    act(authority, inst, "authority_unmet_conditions", {"decision": "defer", "comment": "继续培育核心团队。"})
    assert ready(supervisor, inst) == ["cultivation_preparation"]  # 成熟一个、启动一个: back to cultivation
    assert center(supervisor, center_id)["status"] == "cultivating"
    act(people["applicant"], inst, "cultivation_preparation", CULTIVATION)
    act(people["sponsor"], inst, "sponsor_recommendation", {"decision": "recommend", "recommendation_documents": FILE})
    act(people["expert"], inst, "expert_consultation",
        {"conditions": checklist(FIELD_KEYS, unmet=("talent",)), "opinion": "仍未形成。"})
    act(authority, inst, "authority_unmet_conditions", {"decision": "reject", "comment": "不具备第十五条5的条件。"})
    assert outcome(supervisor, inst) == "rejected" and center(supervisor, center_id)["status"] == "cultivating"
    every_step_cites_an_article(supervisor, inst)


@pytest.mark.parametrize("decision", ["defer", "reject"])
def test_selection_defers_or_rejects_a_mature_center(people: dict[str, Any], decision: str) -> None:
    supervisor, authority = people["supervisor"], people["authority"]
    _, inst = to_consultation(people)
    act(people["expert"], inst, "expert_consultation", {"conditions": checklist(FIELD_KEYS), "opinion": "具备。"})
    act(authority, inst, "authority_selection", {"decision": decision}, status=422)
    act(authority, inst, "authority_selection", {"decision": decision, "comment": "本年度择重布局其他领域。"})
    if decision == "defer":
        assert ready(supervisor, inst) == ["cultivation_preparation"]
    else:
        assert outcome(supervisor, inst) == "rejected"


@pytest.mark.parametrize("step,decision,expected", [
    ("sponsor_intention_review", "return", ["field_intention"]),
    ("sponsor_intention_review", "reject", "not_cultivated"),
    ("sponsor_recommendation", "return", ["cultivation_preparation"]),
    ("sponsor_recommendation", "reject", "not_recommended"),
])
def test_sponsor_returns_or_declines(people: dict[str, Any], step: str, decision: str, expected: Any) -> None:
    supervisor, sponsor = people["supervisor"], people["sponsor"]
    center_id = create_center(people, "field")
    inst = start(people["authority"], "national_establishment", center_id)["id"]
    act(people["authority"], inst, "publish_priority_fields", {"layout_year": 2026, "priority_fields": ["先进储能"]})
    act(people["applicant"], inst, "field_intention", FIELD_INTENTION)
    if step == "sponsor_recommendation":
        act(sponsor, inst, "sponsor_intention_review", {"decision": "cultivate"})
        act(people["applicant"], inst, "cultivation_preparation", CULTIVATION)
    assert task(sponsor, inst, step)["lane"] == "sponsor"
    act(sponsor, inst, step, {"decision": decision}, status=422)  # a return or refusal names its reason
    act(sponsor, inst, step, {"decision": decision, "comment": "请补充。"})
    if isinstance(expected, list):
        assert ready(supervisor, inst) == expected
    else:
        assert outcome(supervisor, inst) == expected
    every_step_cites_an_article(supervisor, inst)


def test_establishment_starts_only_for_a_proposed_center(people: dict[str, Any]) -> None:
    response = people["authority"].post("/api/v1/instances", json={
        "process_key": "national_establishment", "center_id": people["centers"]["a"]})
    assert response.status_code == 409 and "第十一条" in response.get_json()["message"]


def test_an_intention_outside_the_years_priority_fields_is_flagged_for_the_sponsor(
        app: Flask, people: dict[str, Any]) -> None:
    """第十六条1: 科技部按年度提出优先布局的领域安排 — the text does not refuse another field: the sponsor sees a warning."""
    supervisor = people["supervisor"]
    inst = start(people["authority"], "national_establishment", create_center(people, "field"))["id"]
    act(people["authority"], inst, "publish_priority_fields", {"layout_year": 2026, "priority_fields": ["工业软件"]})
    act(people["applicant"], inst, "field_intention", FIELD_INTENTION)
    [warning] = [e for e in events(supervisor, inst) if e["kind"] == "warning"]
    assert warning["article"] == "第十六条1" and "先进储能" in warning["payload"]["message"]
    assert ready(supervisor, inst) == ["sponsor_intention_review"]
    with app.app_context():  # the sponsor deciding sees it on the task page
        from sqlalchemy import select

        from app.extensions import db
        from app.models import HumanTask, User
        from app.services.tasks.view import task_view

        sponsor = db.session.scalar(select(User).where(User.username == people["sponsor"].username))
        task_id = db.session.scalar(select(HumanTask.id).where(
            HumanTask.instance_id == inst, HumanTask.element_id == "sponsor_intention_review"))
        assert sponsor is not None and task_id is not None
        [shown] = task_view(sponsor, task_id).warnings
    assert shown["article"] == "第十六条1" and "先进储能" in shown["message"]
