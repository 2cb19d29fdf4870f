"""nmg2025 major changes (第三十条): approval path (一) vs filing path (二), chosen by the change items."""
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
    start_and_submit,
)
from tests.processes.support import ready_elements as ready

NEW_UNITS = [
    {"name": "内蒙古示范稀土集团有限公司", "role": "lead", "kind": "enterprise"},
    {"name": "内蒙古工业大学", "role": "co_builder", "kind": "university"},
]
NEW_DIRECTOR = {"age": 48, "title": "senior", "fulltime": True, "directs_other_platform": False,
                "months_at_center_per_year": 12}


def request(items: list[str], profile: dict[str, Any]) -> dict[str, Any]:
    return {"change_items": items, "description": "变更前后情况说明。", "reason": "牵头建设单位重组。",
            "profile": profile, "council_resolution": FILE}


LEAD_UNIT = request(["lead_unit"], {"units": NEW_UNITS})
DIRECTOR = request(["director"], {"director": NEW_DIRECTOR})


@pytest.fixture
def change(app: Flask, people: dict[str, Any]) -> Any:
    rewind_clock(app, "2027-03-01T09:00:00+08:00")

    def begin(body: dict[str, Any]) -> int:
        return start_and_submit(people["applicant"], "nmg2025_major_change", people["centers"]["a"], "submit_change_request", body)

    return begin


def test_approval_path_council_sponsor_authority(people: dict[str, Any], change: Any) -> None:
    supervisor = people["supervisor"]
    inst = change(LEAD_UNIT)
    assert ready(supervisor, inst) == ["council_review"]
    act(people["council"], inst, "council_review", {"decision": "approve"})
    act(people["sponsor"], inst, "sponsor_change_review", {"decision": "approve"})
    assert center(supervisor, people["centers"]["a"])["profile"].get("units") is None  # not before 科技厅 approves
    act(people["authority"], inst, "authority_change_approval", {"decision": "approve"})
    assert instance(supervisor, inst)["status"] == "completed"
    assert center(supervisor, people["centers"]["a"])["profile"]["units"] == NEW_UNITS
    trail = events(supervisor, inst)
    [updated] = [e for e in trail if e["kind"] == "center_updated"]
    assert updated["article"] == "第三十条(一)" and updated["payload"]["after"]["profile"] == {"units": NEW_UNITS}
    articles = {e["element_id"]: e["article"] for e in trail if e["kind"] == "element_completed"}
    assert articles["council_review"] == articles["authority_change_approval"] == "第三十条(一)"
    assert "council_decision" not in articles
    every_step_cites_an_article(supervisor, inst)


def test_filing_path_needs_no_approval(people: dict[str, Any], change: Any) -> None:
    supervisor = people["supervisor"]
    inst = change(DIRECTOR)
    assert ready(supervisor, inst) == ["council_decision"]
    act(people["council"], inst, "council_decision", {"decision": "approve"})
    assert instance(supervisor, inst)["status"] == "completed"
    assert center(supervisor, people["centers"]["a"])["profile"]["director"] == NEW_DIRECTOR
    trail = events(supervisor, inst)
    assert [e["article"] for e in trail if e["kind"] == "center_updated"] == ["第三十条(二)"]
    filed = [(e["element_id"], e["payload"]["role"]) for e in trail if e["kind"] == "notification"]
    assert filed == [("file_with_sponsor", "sponsor"), ("file_with_authority", "authority")]
    lanes = {e["payload"]["lane"] for e in trail if e["kind"] == "element_completed" and e["payload"]["type"] == "UserTask"}
    assert lanes == {"applicant", "council"}  # no review by the organising unit or 科技厅
    every_step_cites_an_article(supervisor, inst)


def test_any_item_of_paragraph_one_takes_the_approval_path(people: dict[str, Any], change: Any) -> None:
    inst = change(request(["director", "co_builders"], {"director": NEW_DIRECTOR, "units": NEW_UNITS}))
    assert ready(people["supervisor"], inst) == ["council_review"]


@pytest.mark.parametrize("reviewer,element", [
    ("council", "council_review"), ("sponsor", "sponsor_change_review"), ("authority", "authority_change_approval"),
])
def test_return_and_resubmit(people: dict[str, Any], change: Any, reviewer: str, element: str) -> None:
    inst = change(LEAD_UNIT)
    for role, step in (("council", "council_review"), ("sponsor", "sponsor_change_review")):
        if step == element:
            break
        act(people[role], inst, step, {"decision": "approve"})
    act(people[reviewer], inst, element, {"decision": "return", "comment": "请附理事会决议原件。"})
    assert ready(people["supervisor"], inst) == ["revise_change_request"]
    act(people["applicant"], inst, "revise_change_request", LEAD_UNIT)
    assert ready(people["supervisor"], inst) == ["council_review"]


def test_revised_request_is_routed_again(people: dict[str, Any], change: Any) -> None:
    inst = change(LEAD_UNIT)
    act(people["council"], inst, "council_review", {"decision": "return", "comment": "牵头单位不变，仅更换主任。"})
    act(people["applicant"], inst, "revise_change_request", DIRECTOR)
    assert ready(people["supervisor"], inst) == ["council_decision"]
    act(people["council"], inst, "council_decision", {"decision": "approve"})
    assert center(people["supervisor"], people["centers"]["a"])["profile"]["director"] == NEW_DIRECTOR


@pytest.mark.parametrize("reviewer,element,body", [
    ("council", "council_review", LEAD_UNIT), ("sponsor", "sponsor_change_review", LEAD_UNIT),
    ("authority", "authority_change_approval", LEAD_UNIT), ("council", "council_decision", DIRECTOR),
])
def test_rejected_change_leaves_the_center_unchanged(
    people: dict[str, Any], change: Any, reviewer: str, element: str, body: dict[str, Any],
) -> None:
    supervisor = people["supervisor"]
    inst = change(body)
    for role, step in (("council", "council_review"), ("sponsor", "sponsor_change_review")):
        if step == element or element == "council_decision":
            break
        act(people[role], inst, step, {"decision": "approve"})
    act(people[reviewer], inst, element, {"decision": "reject", "comment": "不符合第三十条要求。"})
    assert result(supervisor, inst)["outcome"] == "rejected"
    assert center(supervisor, people["centers"]["a"])["profile"] == {}
    assert not [e for e in events(supervisor, inst) if e["kind"] == "center_updated"]


def test_change_request_form_needs_an_item_and_data(people: dict[str, Any], change: Any) -> None:
    started = start(people["applicant"], "nmg2025_major_change", people["centers"]["a"])
    body = act(people["applicant"], started["id"], "submit_change_request",
               {**DIRECTOR, "change_items": [], "profile": {}}, status=422)
    assert "change_items" in body["errors"] and "profile" in body["errors"]
