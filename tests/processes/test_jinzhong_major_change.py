"""jinzhong major change (第十八条 approval; 第六条(四) filing) driven through the API."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.processes.jinzhong_support import established_center, jinzhong_people, university_profile
from tests.processes.support import (
    FILE,
    act,
    center,
    events,
    every_step_cites_an_article,
    outcome,
    start_and_submit,
)
from tests.processes.support import ready_elements as ready

RENAME = {"change_items": ["name"], "new_name": "晋中市高端装备技术创新中心", "change_description": "研究方向拓展至高端装备。",
          "written_application": FILE}


@pytest.fixture
def people(app: Flask, client: FlaskClient) -> dict[str, Any]:
    return jinzhong_people(app, client, "2026-07-01T09:00:00+08:00")


def test_a_new_name_is_reviewed_by_the_county_and_approved_by_the_city(people: dict[str, Any]) -> None:
    supervisor, center_id = people["supervisor"], people["centers"]["a"]
    inst = start_and_submit(people["applicant"], "jinzhong_major_change", center_id, "submit_change_request", RENAME)
    assert ready(supervisor, inst) == ["sponsor_review"]
    act(people["sponsor"], inst, "sponsor_review", {"decision": "approve"})
    act(people["authority"], inst, "authority_approval", {"decision": "approve", "approval_document_number": "市科发〔2026〕9号"})
    record = center(supervisor, center_id)
    assert record["name"] == "晋中市高端装备技术创新中心"
    assert record["profile"]["last_major_change"]["items"] == ["name"]
    [updated] = [e for e in events(supervisor, inst) if e["kind"] == "center_updated"]
    assert updated["article"] == "第十八条"
    every_step_cites_an_article(supervisor, inst)


def test_a_name_must_follow_article_24(people: dict[str, Any]) -> None:
    started = people["applicant"].post("/api/v1/instances", json={"process_key": "jinzhong_major_change",
                                                                   "center_id": people["centers"]["a"]}).get_json()
    act(people["applicant"], started["id"], "submit_change_request", {**RENAME, "new_name": "高端装备中心"}, status=422)
    act(people["applicant"], started["id"], "submit_change_request",
             {"change_items": ["host_unit"], "change_description": "依托单位重组。"}, status=422)  # the new host unit


def test_a_local_university_host_goes_straight_to_the_city(people: dict[str, Any]) -> None:
    supervisor = people["supervisor"]
    center_id = established_center(people, university_profile())
    body = {"change_items": ["host_unit"], "new_host_unit": "山西农业大学", "change_description": "依托单位调整。"}
    inst = start_and_submit(people["applicant"], "jinzhong_major_change", center_id, "submit_change_request", body)
    assert ready(supervisor, inst) == ["authority_approval"]
    act(people["authority"], inst, "authority_approval", {"decision": "approve"})
    assert center(supervisor, center_id)["profile"]["host_unit"] == "山西农业大学"


@pytest.mark.parametrize(("step", "lane"), [("sponsor_review", "sponsor"), ("authority_approval", "authority")])
def test_returns_and_rejections(people: dict[str, Any], step: str, lane: str) -> None:
    supervisor, center_id = people["supervisor"], people["centers"]["a"]
    inst = start_and_submit(people["applicant"], "jinzhong_major_change", center_id, "submit_change_request", RENAME)
    if step == "authority_approval":
        act(people["sponsor"], inst, "sponsor_review", {"decision": "approve"})
    act(people[lane], inst, step, {"decision": "return", "comment": "请补充理由。"})
    act(people["applicant"], inst, "submit_change_request", RENAME)
    if step == "authority_approval":
        act(people["sponsor"], inst, "sponsor_review", {"decision": "approve"})
    act(people[lane], inst, step, {"decision": "reject", "comment": "不同意变更。"})
    assert outcome(supervisor, inst) == "rejected"
    assert center(supervisor, center_id)["name"] == "测试中心_a"
    every_step_cites_an_article(supervisor, inst)


def test_adjustments_on_the_expert_committees_advice_are_filed(people: dict[str, Any]) -> None:
    supervisor, center_id = people["supervisor"], people["centers"]["a"]
    body = {"change_items": ["research_direction", "organisation_structure"], "change_description": "增设智能运维方向。",
            "expert_committee_advice": "专家委员会2026年会议建议。"}
    inst = start_and_submit(people["applicant"], "jinzhong_major_change", center_id, "submit_change_request", body)
    assert ready(supervisor, inst) == []  # a filing: no approval step
    assert center(supervisor, center_id)["profile"]["last_adjustment"]["items"] == body["change_items"]
    for role in ("sponsor", "authority"):
        notes = people[role].get("/api/v1/notifications").get_json()
        assert any("第六条(四)" in str(n) for n in notes), notes
    every_step_cites_an_article(supervisor, inst)
