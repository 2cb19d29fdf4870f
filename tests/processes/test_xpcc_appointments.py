"""xpcc appointments (第十三至十五条): the council nominates and appoints the full-time director and the expert
committee (≥ 7, half or more from outside), checked before they are recorded."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.processes.support import FILE, act, center, events, instance, result, start, task
from tests.processes.support import ready_elements as ready
from tests.processes.xpcc_support import every_element_cites_its_article, xpcc_people

RESOLUTION = {"council_resolution": FILE}


def director(fulltime: bool = True) -> dict[str, Any]:
    return {"appointment": "director", "director": {"name": "王主任", "fulltime": fulltime}, **RESOLUTION}


def committee(total: int, external: int) -> dict[str, Any]:
    members = [{"name": f"专家{i + 1}", "external": i < external} for i in range(total)]
    return {"appointment": "expert_committee", "expert_committee": {"members": members, "term_years": 3}, **RESOLUTION}


@pytest.fixture
def people(app: Flask, client: FlaskClient) -> dict[str, Any]:
    return xpcc_people(app, client, datetime.fromisoformat("2027-03-01T09:00:00+08:00"))


def nominate(people: dict[str, Any], body: dict[str, Any]) -> int:
    """The center starts the procedure (the council is not a starter role); the council's task comes first."""
    started = start(people["applicant"], "xpcc_appointments", people["centers"]["a"])
    [first] = started["ready_tasks"]
    assert (first["element_id"], first["lane"], first["article"]) == ("submit_appointment", "council", "第十三条")
    act(people["council"], started["id"], "submit_appointment", body)
    return int(started["id"])


def test_the_council_nominates_and_appoints_a_fulltime_director(people: dict[str, Any]) -> None:
    supervisor, council = people["supervisor"], people["council"]
    inst = nominate(people, director())
    [checked] = [e for e in events(supervisor, inst) if e["element_id"] == "check_appointment"]
    assert checked["article"] == "第十四条、第十五条"
    appointing = task(council, inst, "appoint_director")
    assert (appointing["lane"], appointing["article"]) == ("council", "第十四条")
    act(council, inst, "appoint_director", {"decision": "appoint"}, status=422)  # the date
    act(council, inst, "appoint_director", {"decision": "appoint", "appointed_on": "2027-03-05"})
    assert result(supervisor, inst)["outcome"] == "director_appointed"
    recorded = center(supervisor, people["centers"]["a"])["profile"]["director"]
    assert recorded == {"name": "王主任", "fulltime": True, "appointed_on": "2027-03-05"}
    [updated] = [e for e in events(supervisor, inst) if e["kind"] == "center_updated"]
    assert updated["article"] == "第十四条"
    every_element_cites_its_article(supervisor, inst)


def test_a_parttime_director_goes_back_to_the_council(people: dict[str, Any]) -> None:
    supervisor, council = people["supervisor"], people["council"]
    inst = nominate(people, director(fulltime=False))
    revising = task(council, inst, "revise_appointment")
    shown = council.get(f"/api/v1/tasks/{revising['id']}").get_json()["data"]["check_results"]
    [failed] = [r for r in shown["results"] if r["rule"] == "director_fulltime"]
    assert failed["passed"] is False and failed["article"] == "第十四条"
    act(council, inst, "revise_appointment", {"decision": "resubmit", **director(fulltime=True)})
    assert ready(supervisor, inst) == ["appoint_director"]
    act(council, inst, "appoint_director", {"decision": "withdraw", "comment": "人选另议。"})
    assert result(supervisor, inst)["outcome"] == "withdrawn"
    assert "director" not in center(supervisor, people["centers"]["a"])["profile"]


@pytest.mark.parametrize("total,external,passed", [
    (6, 6, False), (7, 3, False), (7, 4, True), (8, 4, True), (8, 3, False), (9, 5, True),
])
def test_the_expert_committee_is_checked_before_it_is_recorded(
    people: dict[str, Any], total: int, external: int, passed: bool,
) -> None:
    supervisor = people["supervisor"]
    inst = nominate(people, committee(total, external))
    profile = center(supervisor, people["centers"]["a"])["profile"]
    if passed:
        assert instance(supervisor, inst)["status"] == "completed"
        assert result(supervisor, inst)["outcome"] == "expert_committee_appointed"
        assert len(profile["expert_committee"]["members"]) == total
        [updated] = [e for e in events(supervisor, inst) if e["kind"] == "center_updated"]
        assert updated["article"] == "第十五条"
    else:
        assert ready(supervisor, inst) == ["revise_appointment"] and "expert_committee" not in profile
    every_element_cites_its_article(supervisor, inst)


def test_a_failed_committee_is_corrected_or_withdrawn(people: dict[str, Any]) -> None:
    supervisor, council = people["supervisor"], people["council"]
    inst = nominate(people, committee(7, 3))
    act(council, inst, "revise_appointment", {"decision": "resubmit", **committee(7, 3)})
    assert ready(supervisor, inst) == ["revise_appointment"]  # checked again, still short
    act(council, inst, "revise_appointment", {"decision": "withdraw", **committee(7, 3)})
    assert result(supervisor, inst)["outcome"] == "withdrawn"


def test_the_form_asks_for_what_is_appointed(people: dict[str, Any]) -> None:
    started = start(people["applicant"], "xpcc_appointments", people["centers"]["a"])
    act(people["council"], started["id"], "submit_appointment", {"appointment": "director", **RESOLUTION}, status=422)
    act(people["council"], started["id"], "submit_appointment", {**director(), "council_resolution": []}, status=422)
