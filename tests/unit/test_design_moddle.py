"""The modeler keeps what the engine reads: every repository BPMN survives bpmn-js's moddle with our
spiffworkflow extension (frontend/designer/spiffworkflow.json) without a warning or a lost element."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "frontend" / "designer" / "roundtrip.mjs"


@pytest.fixture
def node() -> str:
    found = shutil.which("node")
    if found is None or not (ROOT / "node_modules" / "bpmn-moddle").is_dir():
        pytest.skip("node and the npm packages are installed by scripts/setup")
    return found


def test_every_repository_bpmn_round_trips_through_the_modeler(node: str) -> None:
    result = subprocess.run([node, str(SCRIPT), str(ROOT / "processes")], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 lose something" in result.stdout


def test_an_element_the_extension_does_not_know_is_reported(node: str, tmp_path: Path) -> None:
    folder = tmp_path / "nmg2025"
    folder.mkdir()
    source = (ROOT / "processes" / "nmg2025" / "major_change.bpmn").read_text(encoding="utf-8")
    (folder / "major_change.bpmn").write_text(
        source.replace("<spiffworkflow:properties>", '<spiffworkflow:madeUp value="1" /><spiffworkflow:properties>', 1),
        encoding="utf-8")
    result = subprocess.run([node, str(SCRIPT), str(tmp_path)], capture_output=True, text=True, timeout=120,
                            check=False)
    assert result.returncode == 1 and "madeUp" in result.stdout
