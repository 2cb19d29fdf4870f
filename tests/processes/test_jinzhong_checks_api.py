"""POST /api/v1/checks/jinzhong: a host self-checks its profile against 第八条 and 第十一条 before applying."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.processes.jinzhong_support import GOOD_PROFILE, jinzhong_people


@pytest.fixture
def people(app: Flask, client: FlaskClient) -> dict[str, Any]:
    return jinzhong_people(app, client)


def test_a_host_self_checks_its_profile(people: dict[str, Any]) -> None:
    four_units = [*GOOD_PROFILE["units"], {"name": "晋中学院", "role": "co_builder", "kind": "university"},
                  {"name": "山西农业大学", "role": "co_builder", "kind": "university"}]
    response = people["applicant"].post("/api/v1/checks/jinzhong", json={"profile": {
        **GOOD_PROFILE, "units": four_units, "rd_spend_3y_lead": 499}})
    assert response.status_code == 200, response.get_json()
    results = {r["rule"]: r for r in response.get_json()}
    assert set(results["rd_spend_lead"]) >= {"rule", "article", "passed", "reason", "missing"}
    assert results["rd_spend_lead"]["passed"] is False and results["rd_spend_lead"]["article"] == "第八条(七)"
    assert "499" in results["rd_spend_lead"]["reason"] and "500" in results["rd_spend_lead"]["reason"]
    # 第八条(一) 申报单位原则上不超过3家: four units are a warning for the reviewer, not a failed condition
    assert results["unit_count"]["warning"] is True and "原则上" in results["unit_count"]["reason"]
    assert all(r["passed"] for k, r in results.items() if k not in ("rd_spend_lead", "unit_count"))
