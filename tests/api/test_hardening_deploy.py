"""`tic deploy` on a broken BPMN file: one line naming the file, the line and the reason, no traceback."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from app.cli import main

BROKEN = """<?xml version="1.0"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">
<bpmn:process id="nmg2025_broken">
</bpmn:definitions>
"""


def test_deploy_of_malformed_xml_prints_one_line(app: Flask, tmp_path: Path) -> None:
    (tmp_path / "nmg2025").mkdir()
    (tmp_path / "nmg2025" / "nmg2025_broken.bpmn").write_text(BROKEN, encoding="utf-8")
    result = app.test_cli_runner().invoke(main, ["deploy", str(tmp_path)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    assert lines[0].startswith("Error: nmg2025/nmg2025_broken.bpmn:4: ")
    assert "XML" in lines[0]
