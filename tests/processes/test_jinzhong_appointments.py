"""jinzhong appointments (第六条(二), 第十一条): the host appoints and files; the committee is checked."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.processes.jinzhong_support import jinzhong_people
from tests.processes.support import act, center, every_step_cites_an_article, start_and_submit, task
from tests.processes.support import ready_elements as ready


def appointment(members: int = 9, from_host: int = 3, term: int = 5) -> dict[str, Any]:
    return {"appointment_document_number": "晋装〔2026〕5号",
            "director": {"name": "王建国", "age": 52, "title": "senior", "fulltime": True},
            "expert_committee": {"chair": "李华", "term_years": term,
                                 "members": [{"name": f"专家{i + 1}", "from_host": i < from_host} for i in range(members)]}}


@pytest.fixture
def people(app: Flask, client: FlaskClient) -> dict[str, Any]:
    return jinzhong_people(app, client, "2026-07-01T09:00:00+08:00")


def test_a_committee_meeting_article_11_is_filed(people: dict[str, Any]) -> None:
    supervisor, center_id = people["supervisor"], people["centers"]["a"]
    inst = start_and_submit(people["applicant"], "jinzhong_appointments", center_id, "submit_appointments", appointment())
    assert ready(supervisor, inst) == []  # 备案: no approval
    profile = center(supervisor, center_id)["profile"]
    assert profile["director"]["name"] == "王建国" and len(profile["expert_committee"]["members"]) == 9
    for role in ("sponsor", "authority"):
        assert any("第六条(二)" in str(n) for n in people[role].get("/api/v1/notifications").get_json())
    every_step_cites_an_article(supervisor, inst)


@pytest.mark.parametrize(("members", "from_host", "term", "rule"), [
    (8, 2, 5, "expert_committee_size"), (9, 4, 5, "expert_committee_host_share"), (9, 3, 6, "expert_committee_term")])
def test_a_committee_off_article_11_goes_to_the_city_bureau(people: dict[str, Any], members: int, from_host: int,
                                                             term: int, rule: str) -> None:
    supervisor, authority, center_id = people["supervisor"], people["authority"], people["centers"]["a"]
    inst = start_and_submit(people["applicant"], "jinzhong_appointments", center_id, "submit_appointments",
                            appointment(members, from_host, term))
    assert ready(supervisor, inst) == ["review_filing"]
    shown = authority.get(f"/api/v1/tasks/{task(authority, inst, 'review_filing')['id']}").get_json()["context"]
    failed = [r["rule"] for r in shown["committee_checks"]["results"] if not r["passed"]]
    assert failed == [rule]
    act(authority, inst, "review_filing", {"decision": "return"}, status=422)
    act(authority, inst, "review_filing", {"decision": "return", "comment": "请调整委员构成。"})
    act(people["applicant"], inst, "submit_appointments", appointment(members, from_host, term))
    act(authority, inst, "review_filing", {"decision": "approve", "comment": "记录在案，下届调整。"})
    assert center(supervisor, center_id)["profile"]["expert_committee"]["term_years"] == term
    every_step_cites_an_article(supervisor, inst)
