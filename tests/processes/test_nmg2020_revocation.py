"""nmg2020 revocation (三(六)3 grounds; a supervisor files the case, 科技厅 审定)."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.processes.support import (
    complete,
    events,
    nmg2020_people,
    outcome,
)
from tests.processes.support import ready_tasks as ready

GROUNDS = ["evaluation_failed_after_rectification", "missing_annual_report", "absent_from_evaluation", "fraud",
           "lead_unit_bankrupt", "illegal_or_noncompliant"]
CASE = {"ground": "fraud", "facts": "2027年度报告中研发投入数据经审计严重失实。",
        "evidence": [{"name": "审计报告.pdf", "file_id": "a-1"}]}
REVOKE = {"decision": "approve", "document_number": "内科发〔2027〕5号"}


@pytest.fixture
def nmg(app: Flask, client: FlaskClient) -> dict[str, Any]:
    return nmg2020_people(app, client, datetime(2027, 5, 10, 1, 0, tzinfo=UTC))


def center(nmg: dict[str, Any], key: str = "a") -> dict[str, Any]:
    return dict(nmg["authority"].get(f"/api/v1/centers/{nmg['centers'][key]}").get_json())


def start(nmg: dict[str, Any], key: str = "a") -> int:
    response = nmg["supervisor"].post("/api/v1/instances", json={
        "process_key": "nmg2020_revocation", "center_id": nmg["centers"][key]})
    assert response.status_code == 201, response.get_json()
    [task] = response.get_json()["ready_tasks"]
    assert (task["element_id"], task["lane"], task["article"]) == ("file_case", "supervisor", "三(六)3")
    return int(response.get_json()["id"])


def test_confirmed_ground_revokes_the_center(nmg: dict[str, Any]) -> None:
    iid = start(nmg)
    complete(nmg["supervisor"], iid, "file_case", CASE)
    [decision] = ready(nmg["authority"], iid, "authority_decision")
    assert decision["article"] == "三(六)3"
    complete(nmg["authority"], iid, "authority_decision", REVOKE)
    now = center(nmg)
    assert now["status"] == "revoked" and now["profile"]["revocation_ground"] == "fraud"
    assert now["profile"]["revocation_document_number"] == "内科发〔2027〕5号"
    trail = events(nmg["authority"], iid)
    assert [(e["payload"], e["article"]) for e in trail if e["kind"] == "center_status_changed"] == [
        ({"from": "established", "to": "revoked"}, "三(六)3")]
    [note] = [e for e in trail if e["kind"] == "notification"]
    assert note["payload"]["recipients"] == [nmg["applicant"].username]
    assert outcome(nmg["authority"], iid) == "revoked"
    assert center(nmg, "b")["status"] == "established"


def test_every_ground_of_the_text_can_be_filed_and_decided(nmg: dict[str, Any]) -> None:
    orgs = center(nmg)["organisations"]
    form = None
    for ground in GROUNDS:
        other = nmg["authority"].post("/api/v1/centers", json={
            "name": f"中心-{ground}", "policy": "nmg2020", "status": "established", "organisations": orgs}).get_json()["id"]
        response = nmg["supervisor"].post("/api/v1/instances", json={"process_key": "nmg2020_revocation", "center_id": other})
        iid = response.get_json()["id"]
        [task] = ready(nmg["supervisor"], iid, "file_case")
        form = form or nmg["supervisor"].get(f"/api/v1/tasks/{task['id']}").get_json()["form"]
        complete(nmg["supervisor"], iid, "file_case", {**CASE, "ground": ground})
        complete(nmg["authority"], iid, "authority_decision", REVOKE)
        revoked = nmg["authority"].get(f"/api/v1/centers/{other}").get_json()
        assert revoked["status"] == "revoked" and revoked["profile"]["revocation_ground"] == ground
    assert form is not None and form["properties"]["ground"]["enum"] == GROUNDS
    assert set(form["properties"]["ground"]["x-enum-articles"].values()) == {"三(六)3"}


def test_returned_for_more_evidence_then_not_confirmed(nmg: dict[str, Any]) -> None:
    iid = start(nmg)
    complete(nmg["supervisor"], iid, "file_case", CASE)
    complete(nmg["authority"], iid, "authority_decision", {"decision": "return", "comment": "请补充审计机构意见"})
    [revise] = ready(nmg["supervisor"], iid, "revise_case")
    assert nmg["supervisor"].get(f"/api/v1/tasks/{revise['id']}").get_json()["data"]["ground"] == "fraud"
    complete(nmg["supervisor"], iid, "revise_case", {**CASE, "facts": "补充：审计机构认定差错系统计口径所致。"})
    complete(nmg["authority"], iid, "authority_decision", {"decision": "reject", "comment": "不构成严重弄虚作假"})
    assert outcome(nmg["authority"], iid) == "not_revoked"
    assert center(nmg)["status"] == "established"
    assert not [e for e in events(nmg["authority"], iid) if e["kind"] == "center_status_changed"]


def test_revocation_needs_a_document_number_and_a_known_ground(nmg: dict[str, Any]) -> None:
    iid = start(nmg)
    body = complete(nmg["supervisor"], iid, "file_case", {**CASE, "ground": "late_fees"}, status=422)
    assert "ground" in body["errors"]
    complete(nmg["supervisor"], iid, "file_case", CASE)
    body = complete(nmg["authority"], iid, "authority_decision", {"decision": "approve"}, status=422)
    assert "document_number" in body["errors"]


def test_only_oversight_may_file_a_case(nmg: dict[str, Any]) -> None:
    iid = start(nmg)
    [task] = ready(nmg["supervisor"], iid, "file_case")
    response = nmg["applicant"].post(f"/api/v1/tasks/{task['id']}/complete", json={"data": CASE})
    assert response.status_code == 403


def test_an_already_revoked_center_cannot_be_revoked_again(nmg: dict[str, Any]) -> None:
    orgs = center(nmg)["organisations"]
    revoked = nmg["authority"].post("/api/v1/centers", json={
        "name": "已撤销的中心", "policy": "nmg2020", "status": "revoked", "organisations": orgs}).get_json()["id"]
    response = nmg["supervisor"].post("/api/v1/instances", json={"process_key": "nmg2020_revocation", "center_id": revoked})
    assert response.status_code == 409 and "已撤销" in response.get_json()["message"]
