"""Policy data stays data: the checks of every door read policy.yaml under TIC_PROCESSES_DIR; no machine paths."""
from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask

import handlers
from app.engine.runtime import HANDLER_SERVICES
from handlers import HandlerContext
from tests.unit.test_checks_nmg2025 import FULL

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
MACHINE_PATH = re.compile("/" + "work/|/" + "home/")  # spelt in two halves so this file does not match itself


@pytest.fixture
def stricter(app: Flask, tmp_path: Path) -> Flask:
    """The app on a copy of processes/ where nmg2025 asks for 40 full-time researchers instead of 30."""
    root = tmp_path / "processes"
    shutil.copytree(ROOT / "processes", root)
    path = root / "nmg2025" / "policy.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["thresholds"]["fulltime_researchers"]["min"] = 40
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    app.config["TIC_PROCESSES_DIR"] = root
    return app


def _researchers(results: list[dict[str, Any]]) -> dict[str, Any]:
    return next(r for r in results if r["rule"] == "fulltime_researchers")


def test_the_self_check_reads_the_deployed_policy(stricter: Flask, people: dict[str, Any]) -> None:
    response = people["applicant"].post("/api/v1/checks/nmg2025", json={"profile": FULL})
    assert response.status_code == 200, response.get_json()
    result = _researchers(response.get_json())
    assert result["passed"] is False and "不少于 40 人" in result["reason"]


def test_the_bpmn_operator_reads_the_deployed_policy(stricter: Flask) -> None:
    context = HandlerContext(data={}, now=datetime(2025, 9, 1, tzinfo=UTC), element_id="check",
                             services=HANDLER_SERVICES)
    with stricter.app_context():
        outcome = handlers.call("run_checks", {"policy": "nmg2025", "profile": FULL}, context)
    assert _researchers(outcome["results"])["passed"] is False
    assert "fulltime_researchers" in outcome["failed_rules"]


def test_without_the_application_the_operator_reads_the_repository_policy() -> None:
    context = HandlerContext(data={}, now=datetime(2025, 9, 1, tzinfo=UTC), element_id="check")
    outcome = handlers.call("run_checks", {"policy": "nmg2025", "profile": FULL}, context)
    assert outcome["all_passed"] is True


def test_no_file_cites_a_path_of_one_machine() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for base in ("processes", "forms", "handlers", "app", "docs", "tests")
        for path in sorted((ROOT / base).rglob("*"))
        if path.is_file() and path.suffix in {".py", ".yaml", ".bpmn", ".json", ".md", ".html", ".txt", ".js"}
        and "vendor" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
        if MACHINE_PATH.search(line)
    ]
    assert found == []


@pytest.mark.parametrize("policy_file", sorted((ROOT / "processes").glob("*/policy.yaml")), ids=lambda p: p.parent.name)
def test_policy_yaml_cites_its_text_beside_the_repository(policy_file: Path) -> None:
    cited = re.findall(r"\.\./shared/seeds/([\w.]+\.txt)", policy_file.read_text(encoding="utf-8"))
    assert len(cited) == 1
    if SEEDS.is_dir():
        assert (ROOT / ".." / "shared" / "seeds" / cited[0]).is_file()
