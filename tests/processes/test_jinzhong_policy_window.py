"""jinzhong 第二十五条 (施行 2024-01-22, 试行期2年): after the trial a new establishment is warned about, not refused."""
from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.processes.jinzhong_support import create_center, jinzhong_people
from tests.processes.support import events, rewind_clock, start


@pytest.fixture
def people(app: Flask, client: FlaskClient) -> dict[str, Any]:
    return jinzhong_people(app, client, "2026-01-21T09:00:00+08:00")


def test_on_the_last_day_of_the_trial_nothing_is_warned(people: dict[str, Any]) -> None:
    inst = start(people["authority"], "jinzhong_establishment", create_center(people, status="proposed"))["id"]
    assert not [e for e in events(people["supervisor"], inst) if e["kind"] == "warning"]
    listed = {p["key"]: p for p in people["supervisor"].get("/api/v1/processes").get_json()}
    assert listed["jinzhong_establishment"]["in_force"] is True


def test_after_the_trial_an_establishment_starts_warned_and_records_who_went_on(app: Flask,
                                                                                  people: dict[str, Any]) -> None:
    authority = people["authority"]
    rewind_clock(app, "2026-01-22T09:00:00+08:00")
    listed = {p["key"]: p for p in authority.get("/api/v1/processes").get_json()}
    lapsed = listed["jinzhong_establishment"]
    assert lapsed["in_force"] is False and "2026-01-21" in lapsed["note"] and "试行期已满" in lapsed["note"]
    english = {p["key"]: p for p in authority.get("/api/v1/processes", headers={"Accept-Language": "en"}).get_json()}
    note = english["jinzhong_establishment"]["note"]
    assert "Measures of Jinzhong City" in note and "2026-01-21" in note and not re.search(r"[\u4e00-\u9fff]", note)
    inst = start(authority, "jinzhong_establishment", create_center(people, status="proposed"))["id"]
    [warning] = [e for e in events(people["supervisor"], inst) if e["kind"] == "warning"]
    assert warning["payload"]["code"] == "policy_out_of_force" and "试行期已满" in warning["payload"]["message"]
    assert warning["payload"]["started_by"] == authority.username  # who went on
    # running centers' procedures go on, each warned the same way
    report = start(people["supervisor"], "jinzhong_annual_report", people["centers"]["a"], {"report_year": 2026})["id"]
    [also] = [e for e in events(people["supervisor"], report) if e["kind"] == "warning"]
    assert also["payload"]["started_by"] == people["supervisor"].username


def test_before_the_text_takes_effect_an_establishment_is_refused(app: Flask, people: dict[str, Any]) -> None:
    rewind_clock(app, "2024-01-21T09:00:00+08:00")
    center_id = create_center(people, status="proposed")
    refused = people["authority"].post("/api/v1/instances", json={"process_key": "jinzhong_establishment",
                                                                   "center_id": center_id})
    assert refused.status_code == 422 and "2024-01-22" in refused.get_json()["errors"]["process_key"][0]
