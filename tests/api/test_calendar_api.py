"""The calendar API and the `tic calendar` commands."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.cli import main
from tests.conftest import Actor

PERIOD = "/api/v1/calendar/working-period"


def put_year(actor: Actor, year: int, body: dict[str, Any]) -> Any:
    return actor.client.put(f"/api/v1/calendar/years/{year}", json=body, headers=actor.headers())


def test_working_period_worked_example(people: dict[str, Any]) -> None:
    response = people["applicant"].get(f"{PERIOD}?start=2025-09-29&days=5")
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {
        "start": "2025-09-29", "end": "2025-10-11",
        "working_days": ["2025-09-29", "2025-09-30", "2025-10-09", "2025-10-10", "2025-10-11"],
        "assumed_years": [], "warnings": [],
    }


def test_supervisor_sees_the_warning_for_an_unscheduled_year(people: dict[str, Any]) -> None:
    body = people["supervisor"].get(f"{PERIOD}?start=2099-01-01&days=5").get_json()
    assert body["assumed_years"] == [2099] and body["end"] == "2099-01-07"
    assert len(body["warnings"]) == 1 and "2099" in body["warnings"][0]


@pytest.mark.parametrize("query,field", [
    ("start=2025-09-29&days=0", "days"), ("start=2025-09-29&days=367", "days"), ("start=2025-09-29", "days"),
    ("start=2025-02-30&days=5", "start"), ("days=5", "start"), ("start=2025-09-29&days=x", "days"),
])
def test_working_period_422(people: dict[str, Any], query: str, field: str) -> None:
    response = people["applicant"].get(f"{PERIOD}?{query}")
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_working_period_needs_a_token(client: FlaskClient) -> None:
    assert client.get(f"{PERIOD}?start=2025-09-29&days=5").status_code == 401


def test_year_sources(people: dict[str, Any]) -> None:
    library = people["applicant"].get("/api/v1/calendar/years/2025").get_json()
    assert library["source"] == "library" and library["origin"] is None and library["warnings"] == []
    assert {"date": "2025-10-11", "is_working": True, "name": "国庆节（调休上班）"} in library["days"]
    assumed = people["applicant"].get("/api/v1/calendar/years/2099").get_json()
    assert assumed["source"] == "assumed" and assumed["days"] == [] and "2099" in assumed["warnings"][0]
    assert people["applicant"].get("/api/v1/calendar/years/1800").status_code == 422


def test_admin_replaces_a_year(people: dict[str, Any]) -> None:
    days = [{"date": "2099-01-01", "is_working": False, "name": "元旦"},
            {"date": "2099-01-03", "is_working": True, "name": "调休上班"}]
    response = put_year(people["admin"], 2099, {"days": days, "note": "国办发明电〔2098〕X号"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["source"] == "database" and body["origin"] == "api" and body["note"] == "国办发明电〔2098〕X号"
    assert body["days"] == days and body["warnings"] == []
    period = people["supervisor"].get(f"{PERIOD}?start=2099-01-01&days=3").get_json()
    assert period["working_days"] == ["2099-01-02", "2099-01-03", "2099-01-05"] and period["assumed_years"] == []
    # replacing again swaps the whole year
    again = put_year(people["admin"], 2099, {"days": days[:1]}).get_json()
    assert again["days"] == days[:1] and again["note"] is None
    assert people["applicant"].get("/api/v1/calendar/years/2099").get_json()["days"] == days[:1]


@pytest.mark.parametrize("role", ["supervisor", "authority", "applicant"])
def test_only_admin_may_replace_a_year(people: dict[str, Any], role: str) -> None:
    response = put_year(people[role], 2099, {"days": []})
    assert response.status_code == 403
    assert people["admin"].get("/api/v1/calendar/years/2099").get_json()["source"] == "assumed"


@pytest.mark.parametrize("body,field", [
    ({"days": [{"date": "2098-12-31", "is_working": False}]}, "days.0.date"),
    ({"days": [{"date": "2099-01-01", "is_working": False}, {"date": "2099-01-01", "is_working": True}]},
     "days.1.date"),
    ({"days": [{"date": "2099-01-01", "is_working": "maybe"}]}, "days"),
    ({}, "days"),
])
def test_replace_year_validation(people: dict[str, Any], body: dict[str, Any], field: str) -> None:
    response = put_year(people["admin"], 2099, body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]


def test_cli_import_and_seed(app: Flask, people: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "2099.csv"
    path.write_text("\ufeffdate,is_working,name\n2099-01-01,false,元旦\n2099-01-02,false,元旦\n"
                    "2099-01-04,true,元旦（调休上班）\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(main, ["calendar", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "2099" in result.output
    body = people["supervisor"].get("/api/v1/calendar/years/2099").get_json()
    assert body["source"] == "database" and body["origin"] == "csv" and len(body["days"]) == 3
    period = people["supervisor"].get(f"{PERIOD}?start=2099-01-01&days=2").get_json()
    assert period == {"start": "2099-01-01", "end": "2099-01-05", "working_days": ["2099-01-04", "2099-01-05"],
                      "assumed_years": [], "warnings": []}
    seeded = app.test_cli_runner().invoke(main, ["calendar", "seed", "2025"])
    assert seeded.exit_code == 0, seeded.output
    assert people["supervisor"].get("/api/v1/calendar/years/2025").get_json()["origin"] == "library"


def test_cli_import_reports_bad_lines_and_writes_nothing(app: Flask, people: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("date,is_working,name\n2099-01-01,false,元旦\n2099-02-30,false,x\n2100-01-01,nope,y\n",
                    encoding="utf-8")
    result = app.test_cli_runner().invoke(main, ["calendar", "import", str(path)])
    assert result.exit_code != 0
    assert "第 3 行" in result.output and "第 4 行" in result.output and "一次只能导入一个年度" in result.output
    assert people["supervisor"].get("/api/v1/calendar/years/2099").get_json()["source"] == "assumed"
    unknown = app.test_cli_runner().invoke(main, ["calendar", "seed", "2099"])
    assert unknown.exit_code != 0 and "2099" in unknown.output
