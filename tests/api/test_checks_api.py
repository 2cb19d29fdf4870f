"""POST /api/v1/checks/{policy}: the applicant's self-check runs the same handlers as the BPMN service tasks."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

import handlers
from app.errors import InvalidSubmission, NotFound
from app.services.centers.checks import check_profile
from handlers import HandlerContext
from tests.unit.test_checks_nmg2020 import FULL as FULL_2020
from tests.unit.test_checks_nmg2025 import FULL as FULL_2025

CHINA = timezone(timedelta(hours=8))
FAILING_2025 = {**FULL_2025, "fulltime_researchers": 29, "branches": FULL_2025["branches"] + [
    {"name": "第四分支", "kind": "research"}], "strategic_directed": True}
FAILING_2025.pop("single_hired_staff")


def operator_results(policy: str, profile: dict[str, Any]) -> dict[str, Any]:
    context = HandlerContext(data={"profile": profile}, now=datetime(2025, 9, 1, 9, tzinfo=CHINA), element_id="check")
    result: dict[str, Any] = handlers.call("run_checks", {"policy": policy, "profile": profile}, context)
    return result


@pytest.mark.parametrize("policy,profile", [
    ("nmg2025", FULL_2025), ("nmg2025", FAILING_2025), ("nmg2025", {}),
    ("nmg2020", FULL_2020), ("nmg2020", {"director": {"months_at_center_per_year": 8}}), ("nmg2020", {}),
], ids=["2025-full", "2025-failing", "2025-empty", "2020-full", "2020-failing", "2020-empty"])
def test_endpoint_returns_what_the_bpmn_operator_returns(
    people: dict[str, Any], policy: str, profile: dict[str, Any],
) -> None:
    response = people["applicant"].post(f"/api/v1/checks/{policy}", json={"profile": profile})
    assert response.status_code == 200, response.get_json()
    results = response.get_json()
    assert results == operator_results(policy, profile)["results"]
    assert all(set(r) == {"rule", "article", "passed", "reason", "missing", "warning"} for r in results)


def test_failing_profile_names_the_numbers(people: dict[str, Any]) -> None:
    results = people["applicant"].post("/api/v1/checks/nmg2025", json={"profile": FAILING_2025}).get_json()
    by_rule = {r["rule"]: r for r in results}
    assert by_rule["fulltime_researchers"]["passed"] is False
    assert "专职固定科研人员 29 人，低于第十条(二)要求的不少于 30 人" in by_rule["fulltime_researchers"]["reason"]
    assert "第十二条" in by_rule["fulltime_researchers"]["reason"]
    assert by_rule["single_hired_share"]["missing"] == ["single_hired_staff"]
    assert by_rule["branch_count"]["passed"] is False and by_rule["branch_kinds"]["passed"] is False
    assert by_rule["branch_count"]["warning"] is True  # 第十九条 一般不超过3个: a warning, not a failed condition
    outcome = operator_results("nmg2025", FAILING_2025)
    assert outcome["failed_rules"] == [r["rule"] for r in results if not r["passed"] and not r["warning"]]
    assert outcome["warnings"] == ["branch_count"]


def test_unknown_policy_is_404(people: dict[str, Any]) -> None:
    response = people["applicant"].post("/api/v1/checks/mars", json={"profile": {}})
    assert response.status_code == 404
    body = response.get_json()
    assert body["code"] == 404 and "mars" in body["message"]


@pytest.mark.parametrize("body", [
    {"profile": [1, 2]}, {"profile": "fulltime_researchers=30"}, {"profile": 30}, {"profile": None}, {},
    {"profile": {}, "extra": 1},
])
def test_non_object_profile_is_422(people: dict[str, Any], body: dict[str, Any]) -> None:
    response = people["applicant"].post("/api/v1/checks/nmg2025", json=body)
    assert response.status_code == 422
    assert response.get_json()["code"] == 422


def test_body_not_json_object_is_422(people: dict[str, Any]) -> None:
    assert people["applicant"].post("/api/v1/checks/nmg2025", json=[{"profile": {}}]).status_code == 422


@pytest.mark.parametrize("header", [None, "Bearer nope"])
def test_without_token_is_401(client: FlaskClient, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = client.post("/api/v1/checks/nmg2025", json={"profile": FULL_2025}, headers=headers)
    assert response.status_code == 401 and response.get_json()["code"] == 401


def test_english_accept_language_still_answers(people: dict[str, Any]) -> None:
    chinese = people["applicant"].post("/api/v1/checks/nmg2025", json={"profile": FAILING_2025}).get_json()
    english = people["applicant"].post("/api/v1/checks/nmg2025", json={"profile": FAILING_2025},
                                       headers={"Accept-Language": "en"})
    assert english.status_code == 200
    assert english.get_json() == chinese


@pytest.mark.parametrize("role", ["applicant", "sponsor", "authority", "expert", "supervisor", "admin"])
def test_any_signed_in_role_may_self_check(people: dict[str, Any], role: str) -> None:
    assert people[role].post("/api/v1/checks/nmg2020", json={"profile": FULL_2020}).status_code == 200


def test_service_rejects_unknown_policy_and_non_object(app: Flask) -> None:
    with app.app_context():  # the service reads the deployed policy.yaml (TIC_PROCESSES_DIR)
        with pytest.raises(NotFound):
            check_profile("jinzhong_unknown", {})
        for profile in ([], "x", 1, None):
            with pytest.raises(InvalidSubmission) as raised:
                check_profile("nmg2025", profile)
            assert raised.value.errors == {"profile": ["必须是对象"]}
        assert [r["rule"] for r in check_profile("nmg2020", FULL_2020)] == [
            "committee_insider_share", "committee_chair_external", "director_months_at_center"]
