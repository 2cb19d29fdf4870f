"""national_major_change (第二十六条, 第六条2, 第三十二条) through the API: written application → sponsor → 科技部."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.processes.national_support import create_center, national_people
from tests.processes.support import (
    FILE,
    act,
    center,
    events,
    every_step_cites_an_article,
    outcome,
    start,
    task,
)
from tests.processes.support import ready_elements as ready

LEGAL = {"name": "某某中心有限公司", "credit_code": "91320000MA1XXXXX0X", "registered_address": "江苏省南京市"}


@pytest.fixture
def people(app: Flask, client: FlaskClient) -> dict[str, Any]:
    return national_people(app, client)


def request(people: dict[str, Any], center_id: int, body: dict[str, Any]) -> int:
    started = start(people["applicant"], "national_major_change", center_id)
    assert task(people["applicant"], started["id"], "submit_change_request")["article"] == "第二十六条"
    act(people["applicant"], started["id"], "submit_change_request", body)
    return int(started["id"])


def approve(people: dict[str, Any], inst: int) -> None:
    assert task(people["sponsor"], inst, "sponsor_change_review")["lane"] == "sponsor"
    act(people["sponsor"], inst, "sponsor_change_review", {"decision": "approve"})
    assert task(people["authority"], inst, "authority_change_approval")["article"] == "第二十六条"
    act(people["authority"], inst, "authority_change_approval", {"decision": "approve"})


@pytest.mark.parametrize("category,name,name_en", [
    ("comprehensive", "粤港澳大湾区国家技术创新中心", "Guangdong-Hong Kong-Macao Greater Bay Area National Center of Technology Innovation"),
    ("field", "国家粤港澳大湾区技术创新中心", "National Center of Technology Innovation for Guangdong-Hong Kong-Macao Greater Bay Area"),
])
def test_new_name_follows_the_naming_rule_of_the_category(
    people: dict[str, Any], category: str, name: str, name_en: str,
) -> None:
    """第三十二条 in both languages, by category, applied to an approved name change."""
    supervisor = people["supervisor"]
    center_id = create_center(people, category, status="established", approved_at="2026-06-01",
                              profile={"legal_entity": LEGAL})
    body = {"change_items": ["name", "registered_address"], "reasons": "扩大服务区域。", "written_application": FILE,
            "naming_part": "粤港澳大湾区", "naming_part_en": "Guangdong-Hong Kong-Macao Greater Bay Area",
            "new_registered_address": "广东省深圳市"}
    act(people["applicant"], start(people["applicant"], "national_major_change", center_id)["id"],
        "submit_change_request", {**body, "naming_part": None}, status=422)
    inst = request(people, center_id, body)
    approve(people, inst)
    assert outcome(supervisor, inst) == "approved"
    record = center(supervisor, center_id)
    assert record["name"] == name and record["profile"]["name_en"] == name_en
    assert record["profile"]["legal_entity"] == {**LEGAL, "registered_address": "广东省深圳市"}
    assert record["profile"]["last_major_change"]["items"] == ["name", "registered_address"]
    [updated] = [e for e in events(supervisor, inst) if e["kind"] == "center_updated"]
    assert updated["article"] == "第二十六条"
    every_step_cites_an_article(supervisor, inst)


def test_other_major_matter_keeps_the_name(people: dict[str, Any]) -> None:
    supervisor, center_id = people["supervisor"], people["centers"]["a"]
    before = center(supervisor, center_id)["name"]
    inst = request(people, center_id, {"change_items": ["other"], "other_matters": "调整研发方向。", "reasons": "产业需求变化。",
                                       "written_application": FILE})
    approve(people, inst)
    record = center(supervisor, center_id)
    assert record["name"] == before and record["profile"]["last_major_change"]["other_matters"] == "调整研发方向。"


@pytest.mark.parametrize("actor,element,decision", [
    ("sponsor", "sponsor_change_review", "return"), ("sponsor", "sponsor_change_review", "reject"),
    ("authority", "authority_change_approval", "return"), ("authority", "authority_change_approval", "reject"),
])
def test_return_or_refusal(people: dict[str, Any], actor: str, element: str, decision: str) -> None:
    supervisor, center_id = people["supervisor"], people["centers"]["a"]
    before = center(supervisor, center_id)
    inst = request(people, center_id, {"change_items": ["registered_address"], "new_registered_address": "上海市",
                                       "reasons": "迁址。", "written_application": FILE})
    if element == "authority_change_approval":
        act(people["sponsor"], inst, "sponsor_change_review", {"decision": "approve"})
    act(people[actor], inst, element, {"decision": decision}, status=422)
    act(people[actor], inst, element, {"decision": decision, "comment": "理由不充分。"})
    if decision == "return":
        assert ready(supervisor, inst) == ["submit_change_request"]
    else:
        assert outcome(supervisor, inst) == "rejected"
        assert center(supervisor, center_id)["profile"] == before["profile"]
    every_step_cites_an_article(supervisor, inst)
