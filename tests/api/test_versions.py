"""Deployed versions: stored once per content, running instances keep theirs, new ones take the newest."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from app.errors import ProcessError
from app.services.infrastructure.deploy import deploy_directory, deploy_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _stage(root: Path, name_of_review: str) -> Path:
    target = root / "nmg2025" / "version_probe.bpmn"
    target.parent.mkdir(parents=True, exist_ok=True)
    xml = (FIXTURES / "nmg2025" / "two_step_probe.bpmn").read_text(encoding="utf-8")
    xml = xml.replace("nmg2025_two_step_probe", "nmg2025_version_probe")  # a key no other test deploys
    target.write_text(xml.replace('name="审核"', f'name="{name_of_review}"'), encoding="utf-8")
    return target


def test_new_version_for_new_instances_only(app: Flask, people: dict[str, Any], tmp_path: Path) -> None:
    supervisor = people["supervisor"]
    with app.app_context():
        _stage(tmp_path, "审核")
        first = deploy_directory(tmp_path)
        again = deploy_directory(tmp_path)
    assert [(d.key, d.version, d.created) for d in first] == [("nmg2025_version_probe", 1, True)]
    assert [(d.version, d.created) for d in again] == [(1, False)]  # same content: stored once

    body = {"process_key": "nmg2025_version_probe", "center_id": people["centers"]["a"]}
    old = supervisor.post("/api/v1/instances", json=body).get_json()
    with app.app_context():
        _stage(tmp_path, "复核")
        second = deploy_directory(tmp_path)
    assert [(d.version, d.created) for d in second] == [(2, True)]
    new = supervisor.post("/api/v1/instances", json=body).get_json()
    assert new["definition_id"] != old["definition_id"]

    applicant = people["applicant"]
    for started in (old, new):
        task_id = started["ready_tasks"][0]["id"]
        assert applicant.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {}}).status_code == 200
    names = {i["id"]: supervisor.get(f"/api/v1/instances/{i['id']}").get_json()["ready_tasks"][0]["name"]
             for i in (old, new)}
    assert names == {old["id"]: "审核", new["id"]: "复核"}
    listed = {p["key"]: p["version"] for p in supervisor.get("/api/v1/processes").get_json()}
    assert listed["nmg2025_version_probe"] == 2


@pytest.mark.parametrize("mutation,element_id", [
    (('id="probe_review"', 'id="Start"'), "Start"),
    (('<bpmn:incoming>flow_2</bpmn:incoming>', '<bpmn:incoming>flow_2</bpmn:incoming><bpmn:script>x = ().__class__</bpmn:script>'), None),
])
def test_broken_bpmn_names_the_element(app: Flask, tmp_path: Path, mutation: tuple[str, str], element_id: str | None) -> None:
    target = _stage(tmp_path, "审核")
    target.write_text(target.read_text(encoding="utf-8").replace(*mutation), encoding="utf-8")
    with app.app_context(), pytest.raises(ProcessError) as caught:
        deploy_file(target, tmp_path)
    detail = caught.value.errors["bpmn"][0] if caught.value.errors and "bpmn" in caught.value.errors else None
    assert detail is not None and detail["reason"]
    if element_id:
        assert detail["element_id"] == element_id
