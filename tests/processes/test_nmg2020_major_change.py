"""nmg2020 major change (三(五)1 filing types vs 三(五)2 approval types; council first, 三(二))."""
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

NEW_DIRECTOR = {"name": "赵磊", "age": 48, "title": "senior", "fulltime": True, "months_at_center_per_year": 11}
DIRECTOR_CHANGE = {"change_type": "director", "description": "更换中心主任为赵磊。", "reason": "原主任退休。",
                   "profile": {"director": NEW_DIRECTOR},
                   "council_resolution": [{"name": "理事会决议.pdf", "file_id": "r-1"}]}
UNITS = [{"name": "包头稀土研究院", "role": "lead", "kind": "institute"},
         {"name": "内蒙古大学", "role": "co_builder", "kind": "university"}]
COBUILDER_CHANGE = {"change_type": "co_builders", "description": "增加内蒙古大学为共建单位。", "reason": "补强基础研究力量。",
                    "profile": {"units": UNITS}}


@pytest.fixture
def nmg(app: Flask, client: FlaskClient) -> dict[str, Any]:
    return nmg2020_people(app, client, datetime(2026, 11, 2, 1, 0, tzinfo=UTC))


def profile(nmg: dict[str, Any]) -> dict[str, Any]:
    return dict(nmg["authority"].get(f"/api/v1/centers/{nmg['centers']['a']}").get_json()["profile"])


def start(nmg: dict[str, Any]) -> int:
    response = nmg["applicant"].post("/api/v1/instances", json={
        "process_key": "nmg2020_major_change", "center_id": nmg["centers"]["a"]})
    assert response.status_code == 201, response.get_json()
    [task] = response.get_json()["ready_tasks"]
    assert (task["element_id"], task["lane"], task["article"]) == ("submit_change", "applicant", "三(五)")
    return int(response.get_json()["id"])


@pytest.fixture
def started(nmg: dict[str, Any]) -> int:
    return start(nmg)


def through_council(nmg: dict[str, Any], iid: int, change: dict[str, Any]) -> None:
    complete(nmg["applicant"], iid, "submit_change", change)
    complete(nmg["council"], iid, "council_decision", {"decision": "approve", "resolution_number": "理决〔2026〕3号"})


def test_each_filing_type_takes_the_filing_path(nmg: dict[str, Any]) -> None:
    for change_type in ("lead_reorganisation", "charter", "council_members", "committee_members", "director"):
        iid = start(nmg)
        through_council(nmg, iid, {**DIRECTOR_CHANGE, "change_type": change_type})
        [filing] = ready(nmg["sponsor"], iid, "sponsor_filing")
        assert filing["article"] == "三(五)1" and not ready(nmg["authority"], iid, "authority_approval")


def test_director_change_is_filed_with_sponsor_and_authority(nmg: dict[str, Any], started: int) -> None:
    through_council(nmg, started, DIRECTOR_CHANGE)
    [filing] = ready(nmg["sponsor"], started, "sponsor_filing")
    assert filing["article"] == "三(五)1"
    checks = nmg["sponsor"].get(f"/api/v1/tasks/{filing['id']}").get_json()["data"]["checks"]
    assert "director_months_at_center" not in checks["failed_rules"]  # 11 months: the merged profile is checked
    assert "committee_insider_share" in checks["failed_rules"]  # the center has no committee on record
    complete(nmg["sponsor"], started, "sponsor_filing", {"decision": "return", "comment": "请附主任聘用文件"})
    complete(nmg["applicant"], started, "revise_submission", DIRECTOR_CHANGE)
    complete(nmg["sponsor"], started, "sponsor_filing", {"decision": "approve"})
    complete(nmg["authority"], started, "authority_filing", {"decision": "approve"})
    assert profile(nmg)["director"] == NEW_DIRECTOR
    [updated] = [e for e in events(nmg["authority"], started) if e["kind"] == "center_updated"]
    assert updated["article"] == "三(五)1" and updated["payload"]["after"]["profile"] == {"director": NEW_DIRECTOR}
    assert outcome(nmg["authority"], started) == "filed"
    assert not ready(nmg["authority"], started, "authority_approval")


def test_each_approval_type_needs_the_authority_s_approval(nmg: dict[str, Any]) -> None:
    for n, change_type in enumerate(("lead_unit", "co_builders", "construction_model")):
        iid = start(nmg)
        units = [*UNITS, {"name": f"新增共建单位{n}", "role": "co_builder", "kind": "enterprise"}]
        through_council(nmg, iid, {**COBUILDER_CHANGE, "change_type": change_type, "profile": {"units": units}})
        [approval] = ready(nmg["authority"], iid, "authority_approval")
        assert approval["article"] == "三(五)2" and not ready(nmg["sponsor"], iid, "sponsor_filing")
        complete(nmg["authority"], iid, "authority_approval",
                 {"decision": "approve", "approval_document_number": "内科函〔2026〕12号"})
        assert profile(nmg)["units"] == units
        [updated] = [e for e in events(nmg["authority"], iid) if e["kind"] == "center_updated"]
        assert updated["article"] == "三(五)2"
        assert outcome(nmg["authority"], iid) == "approved"


def test_approval_returned_then_rejected(nmg: dict[str, Any], started: int) -> None:
    through_council(nmg, started, COBUILDER_CHANGE)
    complete(nmg["authority"], started, "authority_approval", {"decision": "return", "comment": "请附共建协议"})
    complete(nmg["applicant"], started, "revise_submission", COBUILDER_CHANGE)
    complete(nmg["authority"], started, "authority_approval", {"decision": "reject", "comment": "共建单位无相关研发基础"})
    assert outcome(nmg["authority"], started) == "rejected"
    assert "units" not in profile(nmg)
    assert not [e for e in events(nmg["authority"], started) if e["kind"] == "center_updated"]


def test_council_returns_then_rejects(nmg: dict[str, Any], started: int) -> None:
    complete(nmg["applicant"], started, "submit_change", DIRECTOR_CHANGE)
    [decision] = ready(nmg["council"], started, "council_decision")
    assert decision["article"] == "本地实践"  # 三(五) has no council step (issue 9, finding 9)
    complete(nmg["council"], started, "council_decision", {"decision": "return", "comment": "请说明人选考察情况"})
    complete(nmg["applicant"], started, "revise_change", DIRECTOR_CHANGE)
    complete(nmg["council"], started, "council_decision", {"decision": "reject", "comment": "人选不符合要求"})
    assert outcome(nmg["authority"], started) == "rejected_by_council"
    assert "director" not in profile(nmg)


def test_change_type_is_required(nmg: dict[str, Any], started: int) -> None:
    bad = {k: v for k, v in DIRECTOR_CHANGE.items() if k != "change_type"}
    assert "change_type" in complete(nmg["applicant"], started, "submit_change", bad, status=422)["errors"]
    assert "change_type" in complete(nmg["applicant"], started, "submit_change", {**bad, "change_type": "name"},
                                     status=422)["errors"]
