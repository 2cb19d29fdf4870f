"""jinzhong revocation (第二十三条): a supervisor starts it citing one of the five grounds; 市科技局 decides."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.processes.jinzhong_support import jinzhong_people
from tests.processes.support import (
    FILE,
    act,
    center,
    every_step_cites_an_article,
    instance,
    outcome,
    start,
    status_changes,
)
from tests.processes.support import ready_elements as ready

GROUNDS = ["第二十三条(一)", "第二十三条(二)", "第二十三条(三)", "第二十三条(四)", "第二十三条(五)"]


@pytest.fixture
def people(app: Flask, client: FlaskClient) -> dict[str, Any]:
    return jinzhong_people(app, client, "2026-07-01T09:00:00+08:00")


@pytest.mark.parametrize("ground", GROUNDS)
def test_each_ground_revokes_citing_itself(people: dict[str, Any], ground: str) -> None:
    supervisor, center_id = people["supervisor"], people["centers"]["a"]
    inst = start(supervisor, "jinzhong_revocation", center_id)["id"]
    act(supervisor, inst, "verify_grounds", {"ground": ground, "facts": "经核实。", "evidence": FILE})
    act(people["authority"], inst, "authority_revocation_decision", {"decision": "approve"})
    assert center(supervisor, center_id)["status"] == "revoked"
    assert status_changes(supervisor, inst) == [("established", "revoked", ground)]
    every_step_cites_an_article(supervisor, inst)


def test_a_ground_outside_the_article_is_refused(people: dict[str, Any]) -> None:
    supervisor = people["supervisor"]
    inst = start(supervisor, "jinzhong_revocation", people["centers"]["a"])["id"]
    act(supervisor, inst, "verify_grounds", {"ground": "第二十三条(六)", "facts": "经核实。"}, status=422)


def test_returned_for_more_material_then_declined(people: dict[str, Any]) -> None:
    supervisor, authority, center_id = people["supervisor"], people["authority"], people["centers"]["a"]
    inst = start(supervisor, "jinzhong_revocation", center_id)["id"]
    act(supervisor, inst, "verify_grounds", {"ground": "第二十三条(二)", "facts": "信用中国有记录。"})
    act(authority, inst, "authority_revocation_decision", {"decision": "return"}, status=422)
    act(authority, inst, "authority_revocation_decision", {"decision": "return", "comment": "请附信用记录截图。"})
    assert ready(supervisor, inst) == ["supplement_case"]
    act(supervisor, inst, "supplement_case", {"ground": "第二十三条(二)", "facts": "已补充。", "evidence": FILE})
    act(authority, inst, "authority_revocation_decision", {"decision": "reject", "comment": "记录已修复。"})
    assert outcome(supervisor, inst) == "not_revoked" and center(supervisor, center_id)["status"] == "established"
    every_step_cites_an_article(supervisor, inst)


def test_revocation_ends_the_centers_other_procedures(people: dict[str, Any]) -> None:
    supervisor, center_id = people["supervisor"], people["centers"]["a"]
    change = start(people["applicant"], "jinzhong_major_change", center_id)["id"]
    inst = start(supervisor, "jinzhong_revocation", center_id)["id"]
    assert supervisor.post("/api/v1/instances", json={"process_key": "jinzhong_revocation",
                                                       "center_id": center_id}).status_code == 409  # one at a time
    act(supervisor, inst, "verify_grounds", {"ground": "第二十三条(五)", "facts": "受到行政处罚。"})
    act(people["authority"], inst, "authority_revocation_decision", {"decision": "approve"})
    assert instance(supervisor, change)["status"] == "terminated"
    assert supervisor.post("/api/v1/instances", json={"process_key": "jinzhong_annual_report", "center_id": center_id,
                                                       "data": {"report_year": 2026}}).status_code == 409
