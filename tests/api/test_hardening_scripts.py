"""BPMN scripts run under limits: time, size of the values they build, and no visibly endless loop deployed.

A script past a limit fails its step with the element id and the reason (422), the transaction rolls back and
the database lock is free again (the next write succeeds at once); the instance stays where it was.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.engine import script_limits
from app.errors import ProcessError
from app.extensions import db
from app.models import ProcessDefinition
from app.services.infrastructure.deploy import deploy_file
from tests.api.test_sandbox_after_load import (
    SCRIPT_ELEMENT,
    assert_refused_after_load,
    bpmn,
    insert_definition,
    write_process,
)

# deployable: only running them shows the limit
RUNAWAY = {
    "hidden_endless_loop": "x = 0\nwhile x >= 0:\n    x += 1",
    "swallowing_except": "x = 0\nwhile x >= 0:\n    try:\n        x += 1\n    except:\n        pass",
    "huge_power": "x = 10**(10**8)",
    "huge_repeat": "x = 'a'*(10**9)",
    "doubling": "s = 'a'\nfor i in range(100):\n    s += s",
    "exponential_recursion": "def f(n):\n    return f(n - 1) + f(n - 1) if n else 1\nx = f(80)",
    "padding": "x = 'a'.ljust(10**9)",
    "join": "x = ','.join(['a' * 1000] * 2000)",
    "percent_width": "x = '%1000000000d' % 1",
    "shift": "x = 1 << (10**9)",
}
DEPLOY_REFUSED = {
    "while_true": "while True:\n    x = 1",
    "while_one_nested_break": "while 1:\n    for i in range(3):\n        break",
    "fstring_width": "x = f'{{1:>1000000000}}'",
}
DEPLOY_ACCEPTED = {"while_true_with_break": "n = 0\nwhile True:\n    n += 1\n    if n > 3:\n        break"}


@pytest.fixture(autouse=True)
def short_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(script_limits, "TIME_LIMIT_S", 0.3)


def _refused_quickly_and_lock_free(app: Flask, people: dict[str, Any], key: str, marker: Path) -> None:
    began = time.monotonic()
    assert_refused_after_load(app, people, key, marker)
    assert time.monotonic() - began < 15
    # the lock is free: another write goes through at once
    response = people["supervisor"].post("/api/v1/instances", json={
        "process_key": "nmg2025_annual_report", "center_id": people["centers"]["b"], "data": {"report_year": 2026}})
    assert response.status_code == 201, response.get_json()


def test_a_visibly_endless_loop_deployed_before_the_rule_never_starts(
        app: Flask, people: dict[str, Any], tmp_path: Path) -> None:
    key = "nmg2025_limit_while_true"
    insert_definition(app, key, bpmn(key, "x = 0\nwhile True:\n    x += 1", tmp_path / "marker"))
    response = people["supervisor"].post(
        "/api/v1/instances", json={"process_key": key, "center_id": people["centers"]["a"], "data": {}})
    assert response.status_code == 422 and SCRIPT_ELEMENT in response.get_json()["message"]


@pytest.mark.parametrize("variant", sorted(RUNAWAY))
def test_a_runaway_script_fails_its_step_with_the_reason(
        app: Flask, people: dict[str, Any], tmp_path: Path, variant: str) -> None:
    key = f"nmg2025_limit_{variant}"
    path, root = write_process(tmp_path, f"limit_{variant}", bpmn(key, RUNAWAY[variant], tmp_path / "marker"))
    with app.app_context():
        deploy_file(path, root)
        db.session.commit()
    _refused_quickly_and_lock_free(app, people, key, tmp_path / "marker")
    applicant = people["applicant"]
    [task] = [t for t in applicant.get("/api/v1/tasks").get_json() if t["element_id"] == "fill_form"]
    message = applicant.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {}}).get_json()["message"]
    assert "上限" in message or "时限" in message, message


@pytest.mark.parametrize("variant", sorted(DEPLOY_REFUSED))
def test_deploy_refuses_a_visibly_endless_loop(app: Flask, tmp_path: Path, variant: str) -> None:
    key = f"nmg2025_refused_{variant}"
    path, root = write_process(tmp_path, f"refused_{variant}", bpmn(key, DEPLOY_REFUSED[variant], tmp_path / "m"))
    with app.app_context():
        with pytest.raises(ProcessError) as caught:
            deploy_file(path, root)
        db.session.rollback()
        assert db.session.scalar(select(func.count()).where(ProcessDefinition.key == key)) == 0
    assert caught.value.errors is not None and caught.value.errors["bpmn"][0]["element_id"] == SCRIPT_ELEMENT


def test_deploy_accepts_a_loop_that_can_end(app: Flask, tmp_path: Path) -> None:
    key = "nmg2025_limit_bounded"
    path, root = write_process(tmp_path, "limit_bounded", bpmn(key, DEPLOY_ACCEPTED["while_true_with_break"],
                                                                tmp_path / "m"))
    with app.app_context():
        assert [d.created for d in deploy_file(path, root)] == [True]
        db.session.rollback()


@pytest.mark.parametrize(("source", "lines"), [
    ("while True:\n    pass", [1]), ("while 1:\n    while True:\n        break", [1]),
    ("while x:\n    pass", []), ("while True:\n    return_ = 1\n    break", []),
    ("def f():\n    while True:\n        return 1", []), ("while True:\n    raise ValueError()", []),
])
def test_unbounded_loops_are_those_that_visibly_never_end(source: str, lines: list[int]) -> None:
    assert script_limits.unbounded_loops(source) == lines
