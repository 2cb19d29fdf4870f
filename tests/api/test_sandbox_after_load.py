"""The script sandbox holds after a workflow was written to and loaded from the database.

A process whose user task is followed by a hostile script task: the instance is started through the API
(state written to the database), then the user task is completed through the API, so the script runs on a
workflow restored from the database. The step is refused (422 naming the script task), the marker file the
script tried to create does not exist, and the user task is still ready (nothing was lost).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from flask import Flask
from sqlalchemy import func, select

from app import clock
from app.engine.parser import ParsedProcess, TicBpmnParser, bundle_hash
from app.errors import ProcessError
from app.extensions import db
from app.models import ProcessDefinition, ProcessInstance
from app.services.infrastructure import definitions
from app.services.infrastructure.deploy import deploy_file
from tests.conftest import Actor

SCRIPT_ELEMENT = "run_script"
USER_ELEMENT = "fill_form"

TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  id="Definitions_{key}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="{key}" name="沙箱验证流程" isExecutable="true">
    <bpmn:laneSet id="LaneSet_{key}">
      <bpmn:lane id="Lane_applicant" name="applicant">
        <bpmn:flowNodeRef>start_probe</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>fill_form</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>run_script</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>end_probe</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start_probe" name="验证启动">
      <bpmn:extensionElements>
        <spiffworkflow:properties><spiffworkflow:property name="article" value="第一条" /></spiffworkflow:properties>
      </bpmn:extensionElements>
      <bpmn:outgoing>Flow_start_to_fill</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:userTask id="fill_form" name="填写材料">
      <bpmn:extensionElements>
        <spiffworkflow:properties><spiffworkflow:property name="article" value="第一条" /></spiffworkflow:properties>
      </bpmn:extensionElements>
      <bpmn:incoming>Flow_start_to_fill</bpmn:incoming>
      <bpmn:outgoing>Flow_fill_to_script</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:scriptTask id="run_script" name="自动处理">
      <bpmn:extensionElements>
        <spiffworkflow:properties><spiffworkflow:property name="article" value="第二条" /></spiffworkflow:properties>
      </bpmn:extensionElements>
      <bpmn:incoming>Flow_fill_to_script</bpmn:incoming>
      <bpmn:outgoing>Flow_script_to_end</bpmn:outgoing>
      <bpmn:script>{script}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:endEvent id="end_probe" name="验证结束">
      <bpmn:extensionElements>
        <spiffworkflow:properties><spiffworkflow:property name="article" value="第二条" /></spiffworkflow:properties>
      </bpmn:extensionElements>
      <bpmn:incoming>Flow_script_to_end</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_start_to_fill" sourceRef="start_probe" targetRef="fill_form" />
    <bpmn:sequenceFlow id="Flow_fill_to_script" sourceRef="fill_form" targetRef="run_script" />
    <bpmn:sequenceFlow id="Flow_script_to_end" sourceRef="run_script" targetRef="end_probe" />
  </bpmn:process>
</bpmn:definitions>
"""

# Scripts RestrictedPython compiles (so deploy accepts them); the sandbox must refuse them when they run.
RUNTIME_REFUSED = {
    "open": "open({marker!r}, 'w').write('escaped')",
    "getattr_dunder": "x = getattr(getattr((), '__cla' + 'ss__'), '__ba' + 'se__')\nopen({marker!r}, 'w')",
}
# Scripts refused when compiled: deploy rejects them, and so does loading a definition row inserted directly.
COMPILE_REFUSED = {
    "import": "__import__('os').system('touch {marker}')",
    "subclasses": "x = ().__class__.__base__.__subclasses__()\nopen({marker!r}, 'w')",
}


def bpmn(key: str, script: str, marker: Path) -> str:
    return TEMPLATE.format(key=key, script=escape(script.format(marker=str(marker))))


def write_process(tmp_path: Path, stem: str, xml: str) -> tuple[Path, Path]:
    root = tmp_path / "processes"
    (root / "nmg2025").mkdir(parents=True, exist_ok=True)
    path = root / "nmg2025" / f"{stem}.bpmn"
    path.write_text(xml, encoding="utf-8")
    return path, root


def insert_definition(app: Flask, key: str, xml: str) -> int:
    """A definition row written directly, bypassing deploy-time validation."""
    bundle = {f"nmg2025/{key.removeprefix('nmg2025_')}.bpmn": xml}
    with app.app_context():
        latest = db.session.scalar(select(func.max(ProcessDefinition.version)).where(ProcessDefinition.key == key))
        definition = ProcessDefinition(
            key=key, version=(latest or 0) + 1, name="沙箱验证流程", policy="nmg2025", content_hash=bundle_hash({"key": key, **bundle}),
            bundle=bundle, source_path=next(iter(bundle)), deployed_at=clock.now(),
        )
        db.session.add(definition)
        db.session.commit()
        return int(definition.id)


def unchecked_parse(key: str, xml: str) -> ParsedProcess:
    """The spec without parse_bundle's expression checks (what a validation bug would let through)."""
    parser = TicBpmnParser()
    parser.add_bpmn_str(xml.encode(), filename=f"{key}.bpmn")
    return ParsedProcess(key=key, name="unchecked", spec=parser.get_spec(key))


def start(people: dict[str, Any], key: str, status: int = 201) -> dict[str, Any]:
    response = people["supervisor"].post(
        "/api/v1/instances", json={"process_key": key, "center_id": people["centers"]["a"], "data": {}}
    )
    assert response.status_code == status, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def ready_task(actor: Actor, element_id: str) -> dict[str, Any]:
    tasks = [t for t in actor.get("/api/v1/tasks").get_json() if t["element_id"] == element_id]
    assert len(tasks) == 1, tasks
    return tasks[0]


def stored_state(app: Flask, instance_id: int) -> tuple[str, int, str]:
    with app.app_context():
        instance = db.session.get(ProcessInstance, instance_id)
        assert instance is not None
        return instance.state, instance.version, instance.status


def assert_refused_after_load(app: Flask, people: dict[str, Any], key: str, marker: Path) -> None:
    started = start(people, key)
    assert started["status"] == "running"
    assert [t["element_id"] for t in started["ready_tasks"]] == [USER_ELEMENT]
    state_before = stored_state(app, started["id"])
    assert USER_ELEMENT in state_before[0]  # the workflow lives in the database now

    applicant = people["applicant"]
    task = ready_task(applicant, USER_ELEMENT)
    for _attempt in range(2):  # refused every time, never half-applied
        response = applicant.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {"note": "材料已齐"}})
        assert response.status_code == 422, response.get_json()
        body = response.get_json()
        assert SCRIPT_ELEMENT in body["message"]
        assert body["errors"]["element_id"] == [SCRIPT_ELEMENT]
        assert not marker.exists()

    again = ready_task(applicant, USER_ELEMENT)
    assert (again["id"], again["state"]) == (task["id"], "ready")
    view = people["supervisor"].get(f"/api/v1/instances/{started['id']}").get_json()
    assert view["status"] == "running"
    assert [t["element_id"] for t in view["ready_tasks"]] == [USER_ELEMENT]
    assert stored_state(app, started["id"]) == state_before
    events = people["supervisor"].get(f"/api/v1/instances/{started['id']}/events").get_json()
    assert not [e for e in events if e["element_id"] in (USER_ELEMENT, SCRIPT_ELEMENT)]


@pytest.mark.parametrize("variant", sorted(RUNTIME_REFUSED))
def test_deployed_script_is_refused_after_load_from_database(
    app: Flask, people: dict[str, Any], tmp_path: Path, variant: str
) -> None:
    marker = tmp_path / f"marker_{variant}"
    key = f"nmg2025_sandbox_{variant}"
    path, root = write_process(tmp_path, f"sandbox_{variant}", bpmn(key, RUNTIME_REFUSED[variant], marker))
    with app.app_context():
        deployed = deploy_file(path, root)
        db.session.commit()
    assert [(d.key, d.created) for d in deployed] == [(key, True)]
    assert_refused_after_load(app, people, key, marker)


@pytest.mark.parametrize("variant", sorted(COMPILE_REFUSED))
def test_deploy_refuses_scripts_the_sandbox_cannot_compile(app: Flask, tmp_path: Path, variant: str) -> None:
    marker = tmp_path / f"marker_{variant}"
    key = f"nmg2025_sandbox_{variant}"
    path, root = write_process(tmp_path, f"sandbox_{variant}", bpmn(key, COMPILE_REFUSED[variant], marker))
    with app.app_context():
        with pytest.raises(ProcessError) as caught:
            deploy_file(path, root)
        db.session.rollback()
        assert db.session.scalar(select(func.count()).where(ProcessDefinition.key == key)) == 0
    assert SCRIPT_ELEMENT in caught.value.message
    assert caught.value.errors is not None
    assert caught.value.errors["bpmn"][0]["element_id"] == SCRIPT_ELEMENT
    assert not marker.exists()


@pytest.mark.parametrize("variant", sorted(COMPILE_REFUSED))
def test_directly_inserted_definition_is_refused_when_loaded(
    app: Flask, people: dict[str, Any], tmp_path: Path, variant: str
) -> None:
    marker = tmp_path / f"marker_{variant}"
    key = f"nmg2025_sandbox_{variant}"
    insert_definition(app, key, bpmn(key, COMPILE_REFUSED[variant], marker))
    body = start(people, key, status=422)
    assert SCRIPT_ELEMENT in body["message"]
    assert not marker.exists()
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(ProcessInstance.process_key == key)) == 0


@pytest.mark.parametrize("variant", sorted(COMPILE_REFUSED))
def test_unvalidated_spec_is_still_refused_by_the_script_engine_after_load(
    app: Flask, people: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variant: str
) -> None:
    """Even if parse-time validation were bypassed entirely, the restored workflow runs the restricted engine."""
    marker = tmp_path / f"marker_{variant}"
    key = f"nmg2025_sandbox_{variant}"
    xml = bpmn(key, COMPILE_REFUSED[variant], marker)
    definition_id = insert_definition(app, key, xml)
    with app.app_context():
        cache_key = (str(db.engine.url), definition_id)
    monkeypatch.setitem(definitions._by_id, cache_key, unchecked_parse(key, xml))
    assert_refused_after_load(app, people, key, marker)
