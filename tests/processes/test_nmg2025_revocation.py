"""nmg2025 revocation (第三十一条 (一)–(七)): started by a supervisor citing a ground; 科技厅 decides."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.processes.support import (
    FILE,
    act,
    center,
    events,
    every_step_cites_an_article,
    instance,
    result,
    rewind_clock,
    start,
    status_changes,
    task,
)
from tests.processes.support import ready_elements as ready

GROUNDS = [f"第三十一条({n})" for n in "一二三四五六七"]


@pytest.fixture
def case(app: Flask, people: dict[str, Any]) -> Any:
    rewind_clock(app, "2028-05-01T09:00:00+08:00")

    def begin(ground: str) -> int:
        started = start(people["supervisor"], "nmg2025_revocation", people["centers"]["a"], {"ground": ground})
        assert [t["element_id"] for t in started["ready_tasks"]] == ["verify_grounds"]
        return int(started["id"])

    return begin


def verify(people: dict[str, Any], inst: int, ground: str, element: str = "verify_grounds") -> None:
    act(people["supervisor"], inst, element, {"ground": ground, "facts": "经核实，情形属实。", "evidence": FILE})


@pytest.mark.parametrize("ground", GROUNDS)
def test_each_ground_revokes_citing_itself(people: dict[str, Any], case: Any, ground: str) -> None:
    supervisor, authority = people["supervisor"], people["authority"]
    inst = case(ground)
    prefilled = supervisor.get(f"/api/v1/tasks/{task(supervisor, inst, 'verify_grounds')['id']}").get_json()
    assert prefilled["data"]["ground"] == ground and prefilled["lane"] == "supervisor"
    verify(people, inst, ground)
    decision = task(authority, inst, "authority_revocation_decision")
    assert (decision["lane"], decision["article"]) == ("authority", "第三十一条")
    act(authority, inst, "authority_revocation_decision", {"decision": "approve", "decision_document_number": "内科发〔2028〕9号"})
    assert instance(supervisor, inst)["status"] == "completed"
    assert center(supervisor, people["centers"]["a"])["status"] == "revoked"
    assert status_changes(supervisor, inst) == [("established", "revoked", ground)]
    notified = [e["payload"]["role"] for e in events(supervisor, inst) if e["kind"] == "notification"]
    assert notified == ["applicant", "sponsor"]
    every_step_cites_an_article(supervisor, inst)


def test_authority_may_decline(people: dict[str, Any], case: Any) -> None:
    supervisor = people["supervisor"]
    inst = case("第三十一条(四)")
    verify(people, inst, "第三十一条(四)")
    act(people["authority"], inst, "authority_revocation_decision", {"decision": "reject"}, status=422)
    act(people["authority"], inst, "authority_revocation_decision", {"decision": "reject", "comment": "事故影响有限，不予撤销。"})
    assert result(supervisor, inst)["outcome"] == "not_revoked"
    assert center(supervisor, people["centers"]["a"])["status"] == "established"
    assert status_changes(supervisor, inst) == []


def test_return_for_more_evidence(people: dict[str, Any], case: Any) -> None:
    supervisor, authority = people["supervisor"], people["authority"]
    inst = case("第三十一条(三)")
    verify(people, inst, "第三十一条(三)")
    act(authority, inst, "authority_revocation_decision", {"decision": "return", "comment": "请补充科研失信调查结论。"})
    assert ready(supervisor, inst) == ["supplement_case"]
    verify(people, inst, "第三十一条(三)", element="supplement_case")
    act(authority, inst, "authority_revocation_decision", {"decision": "approve"})
    assert status_changes(supervisor, inst) == [("established", "revoked", "第三十一条(三)")]


def test_ground_must_be_one_of_the_article(people: dict[str, Any], case: Any) -> None:
    inst = case("第三十一条(六)")
    body = act(people["supervisor"], inst, "verify_grounds", {"ground": "第三十一条(八)", "facts": "—"}, status=422)
    assert "ground" in body["errors"]


def test_only_the_authority_decides(people: dict[str, Any], case: Any) -> None:
    inst = case("第三十一条(六)")
    verify(people, inst, "第三十一条(六)")
    decision = task(people["authority"], inst, "authority_revocation_decision")
    refused = people["supervisor"].post(f"/api/v1/tasks/{decision['id']}/complete", json={"data": {"decision": "approve"}})
    assert refused.status_code == 403
    assert center(people["supervisor"], people["centers"]["a"])["status"] == "established"


def test_the_decision_cites_the_verified_ground(people: dict[str, Any], case: Any) -> None:
    supervisor = people["supervisor"]
    inst = case("第三十一条(五)")
    verify(people, inst, "第三十一条(五)")
    # the decision form shows the ground read-only; a different value sent back does not change what is cited
    act(people["authority"], inst, "authority_revocation_decision", {"decision": "approve", "ground": "第三十一条(七)"})
    assert status_changes(supervisor, inst) == [("established", "revoked", "第三十一条(五)")]


def test_a_center_registered_without_a_supervisor_organisation_routes_to_the_authoritys(
        app: Flask, people: dict[str, Any], case: Any) -> None:
    from sqlalchemy import delete

    from app.extensions import db
    from app.models import CenterOrganisation

    with app.app_context():  # as a center registered on the page, which names no 监督人员 organisation
        db.session.execute(delete(CenterOrganisation).where(
            CenterOrganisation.center_id == people["centers"]["a"], CenterOrganisation.role == "supervisor"))
        db.session.commit()
    inst = case(GROUNDS[0])
    assert ready(people["supervisor"], inst) == ["verify_grounds"]  # in the supervisors' inbox, not nobody's
    assert not [e for e in events(people["supervisor"], inst) if e["kind"] == "warning"]
    verify(people, inst, GROUNDS[0])
