"""Health, authentication, processes, centers, task detail and the clock's permissions."""
from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.processes.test_nmg2025_annual_report import set_clock, start_report
from tests.support import set_stored_clock


def test_health_needs_no_token(client: FlaskClient) -> None:
    body = client.get("/api/v1/health").get_json()
    assert body["status"] == "ok" and body["clock"] == "simulated"


@pytest.mark.parametrize("header", [None, "Bearer nope", "Basic abc"])
def test_bad_credentials_are_401_json(client: FlaskClient, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/tasks", headers=headers)
    assert response.status_code == 401
    body = response.get_json()
    assert body["code"] == 401 and body["message"]


def test_processes_lists_deployed_versions(people: dict[str, Any]) -> None:
    processes = people["supervisor"].get("/api/v1/processes").get_json()
    annual = [p for p in processes if p["key"] == "nmg2025_annual_report"]
    assert annual and annual[0]["version"] == 1 and annual[0]["policy"] == "nmg2025" and annual[0]["name"]


def test_create_and_read_center(people: dict[str, Any]) -> None:
    authority = people["authority"]
    orgs = authority.get(f"/api/v1/centers/{people['centers']['a']}").get_json()["organisations"]
    body = {
        "name": "内蒙古自治区稀土新材料技术创新中心", "policy": "nmg2025", "category": "field",
        "status": "approved_for_preparation", "approved_at": "2025-09-10", "organisations": orgs,
        "profile": {"fulltime_researchers": 30, "rd_floor_area": 3000},
    }
    created = authority.post("/api/v1/centers", json=body)
    assert created.status_code == 201, created.get_json()
    center = created.get_json()
    assert center["approved_at"] == "2025-09-10" and center["established_at"] is None
    assert center["organisations"] == orgs and center["profile"]["fulltime_researchers"] == 30
    assert authority.get(f"/api/v1/centers/{center['id']}").get_json()["name"] == body["name"]
    assert center["id"] in [c["id"] for c in authority.get("/api/v1/centers").get_json()]
    # a unit of another center does not see it
    assert people["applicant_b"].get(f"/api/v1/centers/{center['id']}").status_code == 404


def test_invalid_center_gets_field_errors(people: dict[str, Any]) -> None:
    response = people["authority"].post("/api/v1/centers", json={"policy": "mars", "organisations": {"sponsor": 999}})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert errors["name"] == ["必填项"]
    response = people["authority"].post("/api/v1/centers", json={"name": "某中心", "policy": "mars"})
    assert "policy" in response.get_json()["errors"]


def test_applicant_cannot_create_center(people: dict[str, Any]) -> None:
    response = people["applicant"].post("/api/v1/centers", json={"name": "某中心", "policy": "nmg2025"})
    assert response.status_code == 403


def test_task_detail_has_form_and_prefill(people: dict[str, Any]) -> None:
    set_clock(people["supervisor"], "2026-12-01T09:00:00+08:00")
    started = start_report(people)
    task_id = started["ready_tasks"][0]["id"]
    detail = people["applicant"].get(f"/api/v1/tasks/{task_id}").get_json()
    assert detail["form"]["$schema"].endswith("2020-12/schema")
    assert "summary" in detail["form"]["properties"]
    assert detail["data"]["report_year"] == 2026
    assert detail["instance_version"] >= 1
    assert people["applicant_b"].get(f"/api/v1/tasks/{task_id}").status_code == 404  # another center: not visible, not revealed


def test_stale_instance_version_is_409(people: dict[str, Any]) -> None:
    set_clock(people["supervisor"], "2026-12-01T09:00:00+08:00")
    started = start_report(people)
    task_id = started["ready_tasks"][0]["id"]
    from tests.processes.support import GOOD_REPORT

    stale = people["applicant"].post(
        f"/api/v1/tasks/{task_id}/complete", json={"data": GOOD_REPORT, "instance_version": 999}
    )
    assert stale.status_code == 409
    assert people["applicant"].get(f"/api/v1/tasks/{task_id}").get_json()["state"] == "ready"


@pytest.mark.parametrize("role", ["applicant", "authority", "sponsor"])
def test_only_admin_or_supervisor_moves_clock(people: dict[str, Any], role: str) -> None:
    assert people[role].post("/api/v1/clock", json={"advance": "P1D"}).status_code == 403


def test_clock_advance_and_validation(people: dict[str, Any]) -> None:
    supervisor = people["supervisor"]
    before = supervisor.get("/api/v1/clock").get_json()
    after = supervisor.post("/api/v1/clock", json={"advance": "P1D"}).get_json()
    assert after["now"] > before["now"]
    assert supervisor.post("/api/v1/clock", json={"advance": "one day"}).status_code == 422
    assert supervisor.post("/api/v1/clock", json={"now": "2000-01-01T00:00:00+08:00"}).status_code == 422
    assert people["admin"].post("/api/v1/clock", json={"advance": "PT1H"}).status_code == 200


def test_a_long_move_passes_through_the_years_between_and_a_typo_moves_nothing(
        app: Flask, people: dict[str, Any]) -> None:
    supervisor = people["supervisor"]
    with app.app_context():
        set_stored_clock(datetime(2026, 11, 1, 1, 0, tzinfo=UTC))  # before the 2026 report's start window
    refused = supervisor.post("/api/v1/clock", json={"advance": "P1000Y"})
    assert refused.status_code == 422 and "最多前进 20 年" in refused.get_json()["errors"]["advance"][0]
    assert supervisor.get("/api/v1/clock").get_json()["now"].startswith("2026-11-01")  # nothing moved
    moved = supervisor.post("/api/v1/clock", json={"advance": "P2Y"})  # to 2028-11-01, in one call
    assert moved.status_code == 200, moved.get_json()
    listed = supervisor.get(f"/api/v1/instances?center_id={people['centers']['a']}").get_json()
    years = sorted(i["data"]["report_year"] for i in listed if i["process_key"] == "nmg2025_annual_report")
    assert years == [2026, 2027]  # the 2026 report was not skipped: its window opened on the way


def test_system_clock_cannot_be_moved(database_url: str, people: dict[str, Any], app: Flask) -> None:
    app.config["TIC_CLOCK"] = "system"
    response = people["supervisor"].post("/api/v1/clock", json={"advance": "P1D"})
    assert response.status_code == 403
    assert people["supervisor"].get("/api/v1/clock").get_json()["mode"] == "system"


def test_demo_command_prints_working_credentials(app: Flask, client: FlaskClient) -> None:
    from app.cli import main

    with app.app_context():  # the demo's history up to April 2024 (the first xpcc center approved on 1 April)
        set_stored_clock(datetime(2024, 4, 2, 2, 0, tzinfo=UTC))
    result = app.test_cli_runner().invoke(main, ["demo", "--json"])
    assert result.exit_code == 0, result.output
    demo = json.loads(result.output)
    assert {c["policy"] for c in demo["centers"]} == {"national", "xpcc", "nmg2020", "nmg2025", "jinzhong"}
    by_name = {c["name"]: c for c in demo["centers"]}
    # jinzhong: both establishment paths (第七条) can be tried — a county host and a local-university host
    assert by_name["晋中市功能食品技术创新中心"]["status"] == by_name["晋中市新型建材技术创新中心"]["status"] == "proposed"
    assert {"jinzhong_university_applicant", "jinzhong_county_sponsor", "national_comprehensive_sponsor",
            "xpcc_university_applicant"} <= {u["name"] for u in demo["users"]}
    # xpcc 第十二条5: both demo centers are in their construction period, its timer armed by xpcc_preparation from
    # the approval on: the one approved on 1 April 2024 is in it, the other's approval is still to come
    xpcc = [c for c in demo["centers"] if c["policy"] == "xpcc" and c["status"] != "proposed"]
    assert len(xpcc) == 2 and {c["status"] for c in xpcc} == {"under_construction"}
    admin = next(u for u in demo["users"] if u["name"] == "xpcc_admin")
    running = {c["name"]: [i["process_key"] for i in client.get(
        f"/api/v1/instances?center_id={c['id']}", headers={"Authorization": f"Bearer {admin['token']}"}).get_json()]
        for c in xpcc}
    assert running == {"兵团示范棉花育种技术创新中心": ["xpcc_preparation"], "兵团示范农业装备技术创新中心": []}
    # national: one center of each category in force, and one of each proposed to try the establishment
    assert sorted((c["status"], c["category"]) for c in demo["centers"] if c["policy"] == "national") == [
        ("established", "comprehensive"), ("established", "field"), ("proposed", "comprehensive"), ("proposed", "field")]
    # a person's display name with the organisation, never a login name
    assert all(u["display_name"].endswith(f"（{u['organisation']}）") for u in demo["users"])
    assert len({u["name"] for u in demo["users"]}) == len(demo["users"])
    roles = {u["role"] for u in demo["users"]}
    assert roles == {"authority", "sponsor", "local_authority", "applicant", "council", "expert", "evaluator",
                     "supervisor", "designer", "admin"}
    user = next(u for u in demo["users"] if u["name"] == "nmg2025_applicant")
    assert set(user) >= {"name", "role", "policy", "organisation", "token", "password"}
    response = client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {user['token']}"})
    assert response.status_code == 200
