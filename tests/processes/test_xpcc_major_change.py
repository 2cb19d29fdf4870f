"""xpcc major change (第二十条): written application → the sponsor's review → 兵团科技局 approval → record updated."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.processes.support import FILE, act, center, events, instance, result, start_and_submit, status_changes, task
from tests.processes.support import ready_elements as ready
from tests.processes.xpcc_support import every_element_cites_its_article, xpcc_people

NAME = {"change_items": ["name"], "new_name": "兵团智能农机装备技术创新中心", "reasons": "拓展至智能农机领域。",
        "application_letter": FILE}
ADDRESS = {"change_items": ["registered_address", "other"], "new_registered_address": "新疆石河子市北四路1号",
           "other_description": "增加共建单位新疆示范种业有限公司。", "reasons": "迁入新园区。", "application_letter": FILE}
APPROVE = {"decision": "approve", "approval_document_number": "兵科发〔2027〕3号"}


@pytest.fixture
def people(app: Flask, client: FlaskClient) -> dict[str, Any]:
    return xpcc_people(app, client, datetime.fromisoformat("2027-03-01T09:00:00+08:00"))


def apply(people: dict[str, Any], body: dict[str, Any]) -> int:
    return start_and_submit(people["applicant"], "xpcc_major_change", people["centers"]["a"],
                            "submit_change_request", body)


def test_a_new_name_is_approved_and_recorded(people: dict[str, Any]) -> None:
    supervisor, inst = people["supervisor"], apply(people, NAME)
    reviewing = task(people["sponsor"], inst, "sponsor_change_review")
    assert (reviewing["lane"], reviewing["article"]) == ("sponsor", "第二十条")
    act(people["sponsor"], inst, "sponsor_change_review", {"decision": "approve"})
    approving = task(people["authority"], inst, "authority_change_approval")
    assert (approving["lane"], approving["article"]) == ("authority", "第二十条")
    act(people["authority"], inst, "authority_change_approval", {"decision": "approve"}, status=422)  # document number
    act(people["authority"], inst, "authority_change_approval", APPROVE)
    assert instance(supervisor, inst)["status"] == "completed" and result(supervisor, inst)["outcome"] == "approved"
    assert center(supervisor, people["centers"]["a"])["name"] == "兵团智能农机装备技术创新中心"
    [updated] = [e for e in events(supervisor, inst) if e["kind"] == "center_updated"]
    assert updated["article"] == "第二十条" and updated["payload"]["before"]["name"] == "测试中心_a"
    assert status_changes(supervisor, inst) == []
    every_element_cites_its_article(supervisor, inst)


def test_registered_address_and_other_matters_go_to_the_profile(people: dict[str, Any]) -> None:
    supervisor, inst = people["supervisor"], apply(people, ADDRESS)
    act(people["sponsor"], inst, "sponsor_change_review", {"decision": "approve"})
    act(people["authority"], inst, "authority_change_approval", APPROVE)
    profile = center(supervisor, people["centers"]["a"])["profile"]
    assert profile["registered_address"] == "新疆石河子市北四路1号"
    assert profile["major_changes"] == [{"description": "增加共建单位新疆示范种业有限公司。", "approved_on": "2027-03-01",
                                         "document_number": "兵科发〔2027〕3号"}]
    assert center(supervisor, people["centers"]["a"])["name"] == "测试中心_a"


@pytest.mark.parametrize("body", [
    {**NAME, "new_name": "智能农机装备中心"},               # 第二十七条: 兵团××技术创新中心
    {**NAME, "new_name": ""},
    {**ADDRESS, "new_registered_address": " "},
    {**NAME, "application_letter": []},                     # 书面申请
    {**NAME, "change_items": []},
])
def test_the_written_application_is_validated(people: dict[str, Any], body: dict[str, Any]) -> None:
    started = people["applicant"].post("/api/v1/instances", json={
        "process_key": "xpcc_major_change", "center_id": people["centers"]["a"], "data": {}}).get_json()
    act(people["applicant"], started["id"], "submit_change_request", body, status=422)


@pytest.mark.parametrize("role,element", [("sponsor", "sponsor_change_review"),
                                          ("authority", "authority_change_approval")])
def test_return_and_reject(people: dict[str, Any], role: str, element: str) -> None:
    supervisor, inst = people["supervisor"], apply(people, NAME)
    if role == "authority":
        act(people["sponsor"], inst, "sponsor_change_review", {"decision": "approve"})
    act(people[role], inst, element, {"decision": "return"}, status=422)
    act(people[role], inst, element, {"decision": "return", "comment": "请说明更名理由。"})
    assert ready(supervisor, inst) == ["revise_change_request"]
    act(people["applicant"], inst, "revise_change_request", NAME)
    if role == "authority":
        act(people["sponsor"], inst, "sponsor_change_review", {"decision": "approve"})
    act(people[role], inst, element, {"decision": "reject", "comment": "不同意更名。"})
    assert result(supervisor, inst)["outcome"] == "rejected"
    assert center(supervisor, people["centers"]["a"])["name"] == "测试中心_a"
    assert [e for e in events(supervisor, inst) if e["kind"] == "center_updated"] == []
    every_element_cites_its_article(supervisor, inst)
