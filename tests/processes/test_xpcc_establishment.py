"""xpcc establishment (第九至十二条, 第二十七条) driven through the API with the simulated clock."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from handlers import policy_data
from tests.processes.support import act, center, events, instance, result, set_clock, start, status_changes, task
from tests.processes.support import ready_elements as ready
from tests.processes.xpcc_support import (
    ENTERPRISE_PROFILE,
    LAYOUT,
    PLAN_PASS,
    RECOMMEND,
    SITE_PASS,
    UNIVERSITY_PROFILE,
    application,
    create_center,
    drive_to_review,
    every_element_cites_its_article,
    with_loss,
    xpcc_people,
)


@pytest.fixture
def people(app: Flask, client: FlaskClient) -> dict[str, Any]:
    return xpcc_people(app, client, datetime.fromisoformat("2025-04-10T09:00:00+08:00"))


@pytest.fixture
def proposed(people: dict[str, Any]) -> dict[str, Any]:
    center_id = create_center(people, status="proposed")
    started = start(people["authority"], "xpcc_establishment", center_id)
    return {"center_id": center_id, "id": started["id"], "started": started}


def checks_shown(people: dict[str, Any], inst: int, element: str = "review_conditions") -> dict[str, Any]:
    reviewing = task(people["authority"], inst, element)
    return dict(people["authority"].get(f"/api/v1/tasks/{reviewing['id']}").get_json()["data"]["check_results"])


def approve_through_experts(people: dict[str, Any], inst: int) -> None:
    act(people["authority"], inst, "review_conditions", {"decision": "approve"})
    assert sorted(ready(people["supervisor"], inst)) == ["plan_argumentation", "site_evaluation"]
    act(people["expert"], inst, "plan_argumentation", PLAN_PASS)
    assert ready(people["supervisor"], inst) == ["site_evaluation"]  # both, not either
    act(people["expert"], inst, "site_evaluation", SITE_PASS)


@pytest.mark.parametrize("profile", [ENTERPRISE_PROFILE, UNIVERSITY_PROFILE], ids=["enterprise-led", "university-led"])
def test_five_steps_approve_and_start_the_three_year_construction(
    people: dict[str, Any], proposed: dict[str, Any], profile: dict[str, Any],
) -> None:
    supervisor, authority, inst, center_id = people["supervisor"], people["authority"], proposed["id"], proposed["center_id"]
    [first] = proposed["started"]["ready_tasks"]
    assert (first["element_id"], first["lane"], first["article"]) == ("record_layout", "authority", "第十二条1")
    act(authority, inst, "record_layout", LAYOUT)
    applying = task(people["applicant"], inst, "submit_application")
    assert (applying["lane"], applying["article"]) == ("applicant", "第十二条2")
    act(people["applicant"], inst, "submit_application", application(profile))
    recommending = task(people["sponsor"], inst, "cultivate_and_recommend")
    assert (recommending["lane"], recommending["article"]) == ("sponsor", "第十二条3")
    act(people["sponsor"], inst, "cultivate_and_recommend", RECOMMEND)
    found = checks_shown(people, inst)
    assert found["all_passed"] is True and found["warnings"] == []
    assert {r["article"] for r in found["results"]} >= {"第十一条1", "第十一条2", "第十五条"}
    [checked] = [e for e in events(supervisor, inst) if e["element_id"] == "check_conditions"]
    assert checked["article"] == "第十一条"
    assert task(authority, inst, "review_conditions")["article"] == "第十二条4"
    approve_through_experts(people, inst)
    approving = task(authority, inst, "approve_establishment")
    assert (approving["lane"], approving["article"]) == ("authority", "第十二条5")
    set_clock(supervisor, "2025-05-20T10:00:00+08:00")
    act(authority, inst, "approve_establishment", {"decision": "approve"}, status=422)  # the document number
    act(authority, inst, "approve_establishment", {"decision": "approve", "approval_document_number": "兵科发〔2025〕8号"})

    assert instance(supervisor, inst)["status"] == "completed" and result(supervisor, inst)["outcome"] == "approved"
    record = center(supervisor, center_id)
    pattern = policy_data.load("xpcc")["naming"]["pattern"]
    assert record["name"] == pattern.format(field="农业装备") == "兵团农业装备技术创新中心"  # 第二十七条
    assert record["status"] == "under_construction" and record["approved_at"] == "2025-05-20"
    assert record["profile"]["units"] == profile["units"]
    assert status_changes(supervisor, inst) == [("proposed", "under_construction", "第十二条5")]
    trail = events(supervisor, inst)
    assert [e["article"] for e in trail if e["kind"] == "center_updated"] == ["第十二条5"]
    [named] = [e for e in trail if e["element_id"] == "name_center"]
    assert named["article"] == "第二十七条"
    [follow] = [e for e in trail if e["kind"] == "procedure_started"]
    assert (follow["article"], follow["payload"]["process_key"]) == ("第十二条5", "xpcc_preparation")
    [end] = [d for d in supervisor.get(f"/api/v1/centers/{center_id}/deadlines").get_json()
             if d["kind"] == "construction_end"]
    assert (end["due"], end["article"]) == ("2028-05-20T23:59:59+08:00", "第十二条5")  # procedures.md worked example
    [timer] = instance(supervisor, follow["payload"]["instance_id"])["timers"]
    assert timer["due_at"].startswith("2028-05-20T15:59:59") and timer["article"] == "第十二条5"
    every_element_cites_its_article(supervisor, inst)


@pytest.mark.parametrize("year", [0, 1, 2])
def test_a_loss_in_one_year_is_shown_to_the_reviewer_who_returns(
    people: dict[str, Any], proposed: dict[str, Any], year: int,
) -> None:
    authority, inst = people["authority"], proposed["id"]
    drive_to_review(people, inst, with_loss(ENTERPRISE_PROFILE, year))
    assert ready(authority, inst) == ["review_unmet_conditions"]
    found = checks_shown(people, inst, "review_unmet_conditions")
    assert found["all_passed"] is False and found["failed_rules"] == ["lead_enterprise_no_loss"]
    [failed] = [r for r in found["results"] if not r["passed"]]
    assert failed["article"] == "第十一条2" and f"{2022 + year} 年度亏损" in failed["reason"]
    act(authority, inst, "review_unmet_conditions", {"decision": "return"}, status=422)  # a return gives its reason
    act(authority, inst, "review_unmet_conditions",
        {"decision": "return", "comment": f"{2022 + year}年度亏损，不符合第十一条2。"})
    assert ready(authority, inst) == ["revise_application"]
    act(people["applicant"], inst, "revise_application", application(ENTERPRISE_PROFILE))
    act(people["sponsor"], inst, "cultivate_and_recommend", RECOMMEND)
    assert checks_shown(people, inst)["all_passed"] is True


def test_a_university_lead_with_one_xpcc_enterprise_fails_and_a_legal_entity_warning_does_not(
    people: dict[str, Any], proposed: dict[str, Any],
) -> None:
    profile = {**UNIVERSITY_PROFILE, "units": UNIVERSITY_PROFILE["units"][:2], "independent_legal_entity": False,
               "independent_management": {"people": True, "finance": True, "assets": True}}
    drive_to_review(people, proposed["id"], profile)
    found = checks_shown(people, proposed["id"], "review_unmet_conditions")
    assert found["failed_rules"] == ["research_lead_cobuilders"] and found["warnings"] == ["legal_entity"]
    # the reviewer decides: a failed check does not stop the procedure by itself, but the reason is recorded
    act(people["authority"], proposed["id"], "review_unmet_conditions", {"decision": "approve"}, status=422)
    act(people["authority"], proposed["id"], "review_unmet_conditions",
        {"decision": "approve", "comment": "第三家兵团企业已签署共建协议，待补充。"})
    assert sorted(ready(people["supervisor"], proposed["id"])) == ["plan_argumentation", "site_evaluation"]


def test_a_warning_alone_goes_to_the_plain_review(people: dict[str, Any], proposed: dict[str, Any]) -> None:
    """第十一条1 原则上: not yet a legal entity, with 人、财、物 relatively independent, is a warning, not a failure."""
    profile = {**ENTERPRISE_PROFILE, "independent_legal_entity": False,
               "independent_management": {"people": True, "finance": True, "assets": True}}
    drive_to_review(people, proposed["id"], profile)
    found = checks_shown(people, proposed["id"])
    assert found["all_passed"] is True and found["warnings"] == ["legal_entity"]
    act(people["authority"], proposed["id"], "review_conditions", {"decision": "approve"})
    assert sorted(ready(people["supervisor"], proposed["id"])) == ["plan_argumentation", "site_evaluation"]


def test_sponsor_returns_then_recommends(people: dict[str, Any], proposed: dict[str, Any]) -> None:
    inst = proposed["id"]
    act(people["authority"], inst, "record_layout", LAYOUT)
    act(people["applicant"], inst, "submit_application", application(ENTERPRISE_PROFILE))
    act(people["sponsor"], inst, "cultivate_and_recommend", {**RECOMMEND, "decision": "return"}, status=422)
    act(people["sponsor"], inst, "cultivate_and_recommend", {**RECOMMEND, "recommendation_letter": []}, status=422)
    act(people["sponsor"], inst, "cultivate_and_recommend", {**RECOMMEND, "decision": "return", "comment": "补充考核指标。"})
    assert ready(people["sponsor"], inst) == ["revise_application"]
    act(people["applicant"], inst, "revise_application", application(ENTERPRISE_PROFILE))
    assert ready(people["sponsor"], inst) == ["cultivate_and_recommend"]


def test_the_plan_names_the_six_contents_of_article_12(people: dict[str, Any], proposed: dict[str, Any]) -> None:
    inst = proposed["id"]
    act(people["authority"], inst, "record_layout", LAYOUT)
    body = application(ENTERPRISE_PROFILE)
    del body["assessment_indicators"]
    act(people["applicant"], inst, "submit_application", body, status=422)


def test_authority_returns_after_the_experts(people: dict[str, Any], proposed: dict[str, Any]) -> None:
    inst = proposed["id"]
    drive_to_review(people, inst, ENTERPRISE_PROFILE)
    approve_through_experts(people, inst)
    act(people["authority"], inst, "approve_establishment", {"decision": "return", "comment": "按专家意见完善考核指标。"})
    assert ready(people["authority"], inst) == ["revise_application"]
    act(people["applicant"], inst, "revise_application", application(ENTERPRISE_PROFILE))
    act(people["sponsor"], inst, "cultivate_and_recommend", RECOMMEND)
    assert ready(people["authority"], inst) == ["review_conditions"]


REJECTIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "record_layout": ("authority", {**LAYOUT, "decision": "reject", "comment": "与现有布局重复，坚持少而精。"}),
    "cultivate_and_recommend": ("sponsor", {**RECOMMEND, "decision": "reject", "comment": "不予推荐。"}),
    "review_conditions": ("authority", {"decision": "reject", "comment": "不符合第十一条。"}),
    "approve_establishment": ("authority", {"decision": "reject", "comment": "论证未通过。"}),
}


@pytest.mark.parametrize("stage", list(REJECTIONS))
def test_rejection_at_each_stage_ends_without_a_status_change(
    people: dict[str, Any], proposed: dict[str, Any], stage: str,
) -> None:
    supervisor, inst = people["supervisor"], proposed["id"]
    if stage != "record_layout":
        act(people["authority"], inst, "record_layout", LAYOUT)
        act(people["applicant"], inst, "submit_application", application(ENTERPRISE_PROFILE))
    if stage in ("review_conditions", "approve_establishment"):
        act(people["sponsor"], inst, "cultivate_and_recommend", RECOMMEND)
    if stage == "approve_establishment":
        approve_through_experts(people, inst)
    role, body = REJECTIONS[stage]
    act(people[role], inst, stage, body)
    assert instance(supervisor, inst)["status"] == "completed" and result(supervisor, inst)["outcome"] == "rejected"
    assert center(supervisor, proposed["center_id"])["status"] == "proposed"
    assert status_changes(supervisor, inst) == []
    every_element_cites_its_article(supervisor, inst)


def test_establishment_starts_only_for_a_proposed_center(people: dict[str, Any]) -> None:
    response = people["authority"].post("/api/v1/instances", json={
        "process_key": "xpcc_establishment", "center_id": people["centers"]["a"], "data": {}})
    assert response.status_code == 409 and "第十二条" in response.get_json()["message"]


def test_self_check_endpoint_runs_the_same_checks(people: dict[str, Any]) -> None:
    response = people["applicant"].post("/api/v1/checks/xpcc", json={"profile": with_loss(ENTERPRISE_PROFILE, 2)})
    assert response.status_code == 200
    found = {r["rule"]: r for r in response.get_json()}
    assert set(found["lead_enterprise_no_loss"]) >= {"rule", "article", "passed", "reason", "missing"}
    assert found["lead_enterprise_no_loss"]["passed"] is False and found["lead_enterprise_rd_ratio"]["passed"] is True
