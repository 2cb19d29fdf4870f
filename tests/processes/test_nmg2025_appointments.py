"""nmg2025 council list (第十四条) and director appointment (第十六条): each follows its chain in the text.

第十四条: 理事会名单经组织单位审核后报科技厅备案. 第十六条: 主任（执行主任）由牵头建设单位推荐，组织单位审核，报科技厅备案后，
理事会（董事会）聘任 (issue 9, finding 8).
"""
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

COUNCIL = [
    {"name": "张明", "organisation": "包头市人民政府", "represents": "sponsor", "position": "chairman"},
    {"name": "李华", "organisation": "包头示范稀土集团有限公司", "represents": "lead", "position": "member"},
    {"name": "王芳", "organisation": "内蒙古大学", "represents": "co_builder", "position": "member"},
]
DIRECTOR = {"name": "赵强", "age": 50, "title": "senior", "fulltime": True, "directs_other_platform": False,
            "months_at_center_per_year": 12}
PART_TIME = {**DIRECTOR, "fulltime": False}

COUNCIL_LIST = {"appointment": "council", "council_members": COUNCIL, "explanation": "首届理事会组成。",
                "supporting_documents": FILE}
RECOMMENDATION = {"appointment": "director", "director": DIRECTOR, "explanation": "牵头建设单位推荐赵强任主任。",
                  "supporting_documents": FILE}


@pytest.fixture
def submitted(app: Flask, people: dict[str, Any]) -> Any:
    rewind_clock(app, "2026-03-01T09:00:00+08:00")

    def begin(body: dict[str, Any]) -> int:
        return start_and_submit(people["applicant"], "nmg2025_appointments", people["centers"]["a"], "submit_appointment", body)

    return begin


def _completed(trail: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(element, lane) of the user tasks in the order they were completed."""
    return [(e["element_id"], e["payload"]["lane"]) for e in trail
            if e["kind"] == "element_completed" and e["payload"]["type"] == "UserTask"]


def test_director_chain_recommend_review_file_appoint(people: dict[str, Any], submitted: Any) -> None:
    supervisor, center_id = people["supervisor"], people["centers"]["a"]
    inst = submitted(RECOMMENDATION)
    assert ready(supervisor, inst) == ["sponsor_director_review"]
    act(people["sponsor"], inst, "sponsor_director_review", {"decision": "approve"})
    # 报科技厅备案后，理事会（董事会）聘任: filed with 科技厅 before the council can appoint
    trail = events(supervisor, inst)
    filed = [(e["element_id"], e["payload"]["role"]) for e in trail if e["kind"] == "notification"]
    assert filed == [("file_director_with_authority", "authority")]
    assert ready(supervisor, inst) == ["council_appoint_director"]
    assert "director" not in center(supervisor, center_id)["profile"]  # not before the council appoints
    act(people["council"], inst, "council_appoint_director", {"decision": "approve", "appointed_on": "2026-03-10"})
    assert instance(supervisor, inst)["status"] == "completed"
    profile = center(supervisor, center_id)["profile"]
    assert profile["director"] == DIRECTOR and profile["director_appointed_on"] == "2026-03-10"
    trail = events(supervisor, inst)
    assert _completed(trail) == [("submit_appointment", "applicant"), ("sponsor_director_review", "sponsor"),
                                 ("council_appoint_director", "council")]
    [updated] = [e for e in trail if e["kind"] == "center_updated"]
    assert updated["article"] == "第十六条" and updated["payload"]["after"]["profile"]["director"] == DIRECTOR
    articles = {e["element_id"]: e["article"] for e in trail if e["kind"] == "element_completed"}
    assert articles["file_director_with_authority"] == articles["council_appoint_director"] == "第十六条"
    every_step_cites_an_article(supervisor, inst)


def test_director_checks_of_article_16_reach_the_reviewer(people: dict[str, Any], submitted: Any) -> None:
    inst = submitted({**RECOMMENDATION, "director": PART_TIME})  # part-time, no executive director
    data = instance(people["supervisor"], inst)
    review = next(t for t in data["ready_tasks"] if t["element_id"] == "sponsor_director_review")
    assert review  # the checks report; the 组织单位 decides ("一般为全职全时")
    [checked] = [e for e in events(people["supervisor"], inst)
                 if e["kind"] == "element_completed" and e["element_id"] == "check_director"]
    assert checked["article"] == "第十六条"
    act(people["sponsor"], inst, "sponsor_director_review",
        {"decision": "return", "comment": "主任为兼职，请同时推荐全职全时执行主任（第十六条）。"})
    act(people["applicant"], inst, "revise_appointment",
        {**RECOMMENDATION, "director": PART_TIME, "executive_director": {"name": "钱伟", "fulltime": True}})
    act(people["sponsor"], inst, "sponsor_director_review", {"decision": "approve"})
    act(people["council"], inst, "council_appoint_director", {"decision": "approve"})
    profile = center(people["supervisor"], people["centers"]["a"])["profile"]
    assert profile["executive_director"] == {"name": "钱伟", "fulltime": True}
    assert profile["executive_director_fulltime"] is True


def test_council_list_reviewed_by_sponsor_and_filed_with_authority(people: dict[str, Any], submitted: Any) -> None:
    supervisor, center_id = people["supervisor"], people["centers"]["a"]
    inst = submitted(COUNCIL_LIST)
    assert ready(supervisor, inst) == ["sponsor_council_review"]
    act(people["sponsor"], inst, "sponsor_council_review", {"decision": "approve"})
    assert instance(supervisor, inst)["status"] == "completed"
    assert center(supervisor, center_id)["profile"]["council"] == COUNCIL
    trail = events(supervisor, inst)
    assert _completed(trail) == [("submit_appointment", "applicant"), ("sponsor_council_review", "sponsor")]
    assert [(e["element_id"], e["payload"]["role"]) for e in trail if e["kind"] == "notification"] == [
        ("file_council_with_authority", "authority")]
    [updated] = [e for e in trail if e["kind"] == "center_updated"]
    assert updated["article"] == "第十四条" and updated["payload"]["after"]["profile"] == {"council": COUNCIL}
    every_step_cites_an_article(supervisor, inst)


@pytest.mark.parametrize("body,reviewer,element", [
    (COUNCIL_LIST, "sponsor", "sponsor_council_review"),
    (RECOMMENDATION, "sponsor", "sponsor_director_review"),
    (RECOMMENDATION, "council", "council_appoint_director"),
])
def test_return_needs_a_reason_and_goes_back_to_the_applicant(
    people: dict[str, Any], submitted: Any, body: dict[str, Any], reviewer: str, element: str,
) -> None:
    supervisor = people["supervisor"]
    inst = submitted(body)
    if element == "council_appoint_director":
        act(people["sponsor"], inst, "sponsor_director_review", {"decision": "approve"})
    refused = act(people[reviewer], inst, element, {"decision": "return"}, status=422)
    assert "comment" in refused["errors"]
    act(people[reviewer], inst, element, {"decision": "return", "comment": "请补充推荐函。"})
    assert ready(supervisor, inst) == ["revise_appointment"]
    [returned] = [e for e in events(supervisor, inst)
                  if e["kind"] == "element_completed" and e["element_id"] == element]
    assert returned["article"] in ("第十四条", "第十六条")
    act(people["applicant"], inst, "revise_appointment", body)
    first = "sponsor_council_review" if body is COUNCIL_LIST else "sponsor_director_review"
    assert ready(supervisor, inst) == [first]
    every_step_cites_an_article(supervisor, inst)


@pytest.mark.parametrize("body,reviewer,element", [
    (COUNCIL_LIST, "sponsor", "sponsor_council_review"),
    (RECOMMENDATION, "council", "council_appoint_director"),
])
def test_rejected_leaves_the_center_unchanged(
    people: dict[str, Any], submitted: Any, body: dict[str, Any], reviewer: str, element: str,
) -> None:
    supervisor = people["supervisor"]
    inst = submitted(body)
    if element == "council_appoint_director":
        act(people["sponsor"], inst, "sponsor_director_review", {"decision": "approve"})
    act(people[reviewer], inst, element, {"decision": "reject", "comment": "不符合要求。"})
    assert result(supervisor, inst)["outcome"] == "rejected"
    assert center(supervisor, people["centers"]["a"])["profile"] == {}
    assert not [e for e in events(supervisor, inst) if e["kind"] == "center_updated"]


def test_form_needs_the_list_or_the_director(people: dict[str, Any], submitted: Any) -> None:
    started = start(people["applicant"], "nmg2025_appointments", people["centers"]["a"])
    body = act(people["applicant"], started["id"], "submit_appointment",
               {"appointment": "director", "explanation": "推荐。"}, status=422)
    assert "director" in body["errors"]


def test_revoked_center_is_refused(app: Flask, people: dict[str, Any]) -> None:
    rewind_clock(app, "2026-03-01T09:00:00+08:00")
    orgs = people["authority"].get(f"/api/v1/centers/{people['centers']['a']}").get_json()["organisations"]
    created = people["authority"].post("/api/v1/centers", json={
        "name": "已撤销测试中心", "policy": "nmg2025", "status": "revoked", "organisations": orgs,
        "approved_at": "2025-09-10"})
    assert created.status_code == 201, created.get_json()
    response = people["applicant"].post("/api/v1/instances", json={
        "process_key": "nmg2025_appointments", "center_id": created.get_json()["id"], "data": {}})
    assert response.status_code == 409, response.get_json()
    assert "不能" in response.get_json()["message"]
