"""The designer's API: validate, deploy with who/when/why, history, diff, drafts, migration; others get 403."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from app.extensions import db
from app.services.people.users import create_user
from tests.conftest import Actor, drop_designer_deploys
from tests.processes.support import act, events, instance, ready_elements, rewind_clock, start, start_and_submit

ROOT = Path(__file__).resolve().parents[2]
KEY = "nmg2025_major_change"
SOURCE = (ROOT / "processes" / "nmg2025" / "major_change.bpmn").read_text(encoding="utf-8")
LEAD_UNIT = {"change_items": ["lead_unit"], "description": "变更前后情况说明。", "reason": "牵头建设单位重组。",
             "profile": {"units": [{"name": "内蒙古工业大学", "role": "lead", "kind": "university"}]},
             "council_resolution": [{"name": "决议.pdf", "file_id": "file-0001"}]}
# v2 of the procedure: the organising unit's review renamed (downstream of a request waiting for the council)
RENAMED_REVIEW = SOURCE.replace('name="组织单位审核"', 'name="组织单位审核（修订）"', 1)
# a change to what a running request has already done: the submission task renamed
RENAMED_SUBMISSION = SOURCE.replace('name="填报重大事项变更申请"', 'name="填报重大事项变更申请（修订）"', 1)


@pytest.fixture
def designer(app: Flask, people: dict[str, Any], database_url: str) -> Iterator[Actor]:
    with app.app_context():
        _, token = create_user("nmg2025_designer", "designer", policy="nmg2025")
        _, other = create_user("nmg2025_designer_2", "designer", policy="nmg2025")
        _, foreign = create_user("jinzhong_designer", "designer", policy="jinzhong")
        db.session.commit()
    client = people["admin"].client
    people["designer_2"] = Actor(client, other, "nmg2025_designer_2", "designer")
    people["jinzhong_designer"] = Actor(client, foreign, "jinzhong_designer", "designer")
    rewind_clock(app, "2027-03-01T09:00:00+08:00")
    yield Actor(client, token, "nmg2025_designer", "designer")
    drop_designer_deploys(app, database_url)


def validate(actor: Actor, xml: str | bytes, content_type: str = "application/xml") -> Any:
    body = xml.encode() if isinstance(xml, str) else xml
    return actor.client.post("/api/v1/definitions/validate", data=body,
                             headers=actor.headers(**{"Content-Type": content_type}))


def deploy(actor: Actor, xml: str, comment: str = "第三十条：组织单位审核更名") -> Any:
    return actor.post("/api/v1/definitions", json={"xml": xml, "comment": comment})


def migrate(actor: Actor, to_version: int, dry_run: bool, ids: list[int] | None = None) -> Any:
    return actor.post("/api/v1/instances/migrate",
                      json={"process_key": KEY, "to_version": to_version, "instance_ids": ids, "dry_run": dry_run})


def test_validate_answers_problems_by_element(designer: Actor) -> None:
    assert validate(designer, SOURCE).get_json() == {"valid": True, "problems": []}
    broken = SOURCE.replace('name="组织单位审核"', 'name="sponsor review"', 1)
    body = validate(designer, broken).get_json()
    assert body["valid"] is False
    assert {"element_id": "sponsor_change_review", "rule": "name_chinese", "message": "流程节点须有中文名称"} in body["problems"]
    assert validate(designer, SOURCE, "application/json").status_code == 422


def test_external_entities_and_entity_bombs_are_refused(designer: Actor) -> None:
    xxe = SOURCE.replace('<?xml version="1.0" encoding="UTF-8"?>',
                         '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>')
    xxe = xxe.replace('name="组织单位审核"', 'name="&x;"', 1)
    body = validate(designer, xxe).get_json()
    assert [p["rule"] for p in body["problems"]] == ["xml_unsafe"]
    lol = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10 if i else "lol"}">' for i in range(10))
    bomb = f'<?xml version="1.0"?><!DOCTYPE b [{lol}]><b>&l9;</b>'
    assert [p["rule"] for p in validate(designer, bomb).get_json()["problems"]] == ["xml_unsafe"]
    refused = deploy(designer, xxe)
    assert refused.status_code == 422
    assert designer.get(f"/api/v1/definitions/{KEY}/versions").get_json()[0]["version"] == 1


def test_deploy_records_who_when_why_and_new_instances_take_it(designer: Actor, people: dict[str, Any]) -> None:
    assert deploy(designer, RENAMED_REVIEW, comment=" ").status_code == 422
    too_long = deploy(designer, RENAMED_REVIEW, comment="改" * 2001)  # the service's bound, on every door
    assert too_long.status_code == 422 and too_long.get_json()["errors"]["comment"]
    invalid = deploy(designer, SOURCE.replace('name="组织单位审核"', 'name="x"', 1))
    assert invalid.status_code == 422
    assert invalid.get_json()["errors"]["problems"][0]["rule"] == "name_chinese"
    created = deploy(designer, RENAMED_REVIEW)
    assert created.status_code == 201, created.get_json()
    assert created.get_json() == {"process_key": KEY, "version": 2}
    assert deploy(designer, RENAMED_REVIEW).status_code == 409  # same content: no new version
    as_xml = designer.post(  # the XML itself as the body, the reason in the query: the same door
        "/api/v1/definitions?comment=" + "同一版本再次提交", data=RENAMED_REVIEW.encode(),
        headers={"Content-Type": "application/xml"})
    assert as_xml.status_code == 409
    assert designer.post("/api/v1/definitions", data=RENAMED_REVIEW.encode(),
                         headers={"Content-Type": "application/xml"}).get_json()["errors"]["comment"]
    listed = designer.get(f"/api/v1/definitions/{KEY}/versions")
    history = listed.get_json()
    assert listed.headers["X-Total-Count"] == "2"
    assert [v["version"] for v in designer.get(f"/api/v1/definitions/{KEY}/versions?limit=1&offset=1").get_json()] == [1]
    assert [(v["version"], v["deployed_by"], v["comment"]) for v in history] == [
        (2, "nmg2025_designer", "第三十条：组织单位审核更名"), (1, None, None)]
    assert history[0]["deployed_at"]
    detail = designer.get(f"/api/v1/definitions/{KEY}/versions/2").get_json()
    assert "组织单位审核（修订）" in detail["xml"]
    diff = designer.get(f"/api/v1/definitions/{KEY}/versions/1/diff/2").get_json()
    assert diff["added"] == [] and diff["removed"] == []
    assert [(c["element_id"], c["name"]) for c in diff["changed"]] == [("sponsor_change_review", "组织单位审核")]
    assert "bpmn_name" in diff["changed"][0]["attributes"]
    started = start(people["applicant"], KEY, people["centers"]["a"])
    assert events(people["supervisor"], started["id"])[0]["payload"]["version"] == 2


def test_a_running_instance_stays_until_migrated_then_completes_on_the_new_version(
        designer: Actor, people: dict[str, Any]) -> None:
    running = start_and_submit(people["applicant"], KEY, people["centers"]["a"], "submit_change_request", LEAD_UNIT)
    assert deploy(designer, RENAMED_REVIEW).status_code == 201
    dry = migrate(designer, 2, dry_run=True).get_json()
    assert dry == [{"instance_id": running, "safe": True, "migrated": False, "from_version": 1, "to_version": 2,
                    "moved": ["council_review"], "reasons": []}]
    assert events(people["supervisor"], running)[-1]["kind"] != "instance_migrated"  # a dry run changes nothing
    done = migrate(designer, 2, dry_run=False, ids=[running]).get_json()
    assert done[0]["migrated"] is True
    trail = events(people["supervisor"], running)
    migrated = [e for e in trail if e["kind"] == "instance_migrated"]
    assert len(migrated) == 1 and migrated[0]["actor"] == "nmg2025_designer"
    assert migrated[0]["payload"] == {"from_version": 1, "to_version": 2, "moved": ["council_review"],
                                      "message": "第 1 版 → 第 2 版"}
    assert ready_elements(people["supervisor"], running) == ["council_review"]
    act(people["council"], running, "council_review", {"decision": "approve"})
    sponsor_task = instance(people["supervisor"], running)["ready_tasks"][0]
    assert sponsor_task["name"] == "组织单位审核（修订）"  # the new version's element
    act(people["sponsor"], running, "sponsor_change_review", {"decision": "approve"})
    act(people["authority"], running, "authority_change_approval", {"decision": "approve"})
    assert instance(people["supervisor"], running)["status"] == "completed"
    assert migrate(designer, 2, dry_run=True).get_json() == []  # nothing left to move


def test_an_unsafe_instance_stays_with_the_reason(designer: Actor, people: dict[str, Any]) -> None:
    running = start_and_submit(people["applicant"], KEY, people["centers"]["a"], "submit_change_request", LEAD_UNIT)
    assert deploy(designer, RENAMED_SUBMISSION).status_code == 201
    result = migrate(designer, 2, dry_run=False).get_json()
    assert len(result) == 1 and result[0]["safe"] is False and result[0]["migrated"] is False
    assert result[0]["reasons"][0]["element_id"] == "submit_change_request"
    assert "填报重大事项变更申请" in result[0]["reasons"][0]["message"]
    refused = [e for e in events(people["supervisor"], running) if e["kind"] == "migration_refused"]
    assert refused and refused[0]["payload"]["reasons"][0]["element_id"] == "submit_change_request"
    act(people["council"], running, "council_review", {"decision": "approve"})
    assert instance(people["supervisor"], running)["ready_tasks"][0]["name"] == "组织单位审核"  # still version 1
    listed = migrate(designer, 2, dry_run=True, ids=[running, 999999]).get_json()
    assert [(r["instance_id"], r["safe"]) for r in listed] == [(running, False), (999999, False)]


def test_drafts_are_per_designer(designer: Actor, people: dict[str, Any]) -> None:
    saved = designer.client.put(f"/api/v1/definitions/drafts/{KEY}", json={"xml": RENAMED_REVIEW, "base_version": 1},
                                headers=designer.headers())
    assert saved.status_code == 200 and saved.get_json()["base_version"] == 1
    assert designer.get(f"/api/v1/definitions/drafts/{KEY}").get_json()["xml"] == RENAMED_REVIEW
    assert [d["process_key"] for d in designer.get("/api/v1/definitions/drafts").get_json()] == [KEY]
    other = people["designer_2"]
    assert other.get(f"/api/v1/definitions/drafts/{KEY}").status_code == 404
    assert other.get("/api/v1/definitions/drafts").get_json() == []
    unsafe = designer.client.put(f"/api/v1/definitions/drafts/{KEY}", json={"xml": "<!DOCTYPE x><x/>"},
                                 headers=designer.headers())
    assert unsafe.status_code == 422
    assert designer.client.delete(f"/api/v1/definitions/drafts/{KEY}", headers=designer.headers()).status_code == 204
    assert designer.get(f"/api/v1/definitions/drafts/{KEY}").status_code == 404


ENDPOINTS = [
    ("post", "/api/v1/definitions/validate"), ("post", "/api/v1/definitions"),
    ("get", f"/api/v1/definitions/{KEY}/versions"), ("get", f"/api/v1/definitions/{KEY}/versions/1"),
    ("get", f"/api/v1/definitions/{KEY}/versions/1/diff/1"), ("get", "/api/v1/definitions/drafts"),
    ("get", f"/api/v1/definitions/drafts/{KEY}"), ("put", f"/api/v1/definitions/drafts/{KEY}"),
    ("delete", f"/api/v1/definitions/drafts/{KEY}"), ("post", "/api/v1/instances/migrate"),
]
BODIES: dict[str, Any] = {
    "/api/v1/definitions": {"xml": SOURCE, "comment": "x"}, f"/api/v1/definitions/drafts/{KEY}": {"xml": SOURCE},
    "/api/v1/instances/migrate": {"process_key": KEY, "to_version": 1, "dry_run": True},
}


@pytest.mark.parametrize("role", ["authority", "sponsor", "local_authority", "applicant", "council", "expert",
                                  "evaluator", "supervisor"])
def test_every_other_role_gets_403_on_every_designer_endpoint(designer: Actor, people: dict[str, Any], role: str) -> None:
    actor: Actor = people[role]
    for method, path in ENDPOINTS:
        if path.endswith("/validate"):
            response = validate(actor, SOURCE)
        else:
            response = getattr(actor.client, method)(path, json=BODIES.get(path), headers=actor.headers())
        assert response.status_code == 403, (role, method, path, response.get_json())


def test_a_designer_of_another_policy_cannot_deploy_or_migrate_here(designer: Actor, people: dict[str, Any]) -> None:
    foreign: Actor = people["jinzhong_designer"]
    assert deploy(foreign, RENAMED_REVIEW).status_code == 403
    assert foreign.post("/api/v1/instances/migrate", json={"process_key": KEY, "to_version": 1}).status_code == 403
    assert people["admin"].get(f"/api/v1/definitions/{KEY}/versions").status_code == 200


def test_a_suspended_instance_is_not_moved(app: Flask, designer: Actor, people: dict[str, Any]) -> None:
    from app.models import User
    from app.services.running import instance_admin

    running = start_and_submit(people["applicant"], KEY, people["centers"]["a"], "submit_change_request", LEAD_UNIT)
    with app.app_context():
        admin = db.session.scalar(sa.select(User).where(User.username == people["admin"].username))
        assert admin is not None
        instance_admin.suspend(admin, running, "核查材料")
    assert deploy(designer, RENAMED_REVIEW).status_code == 201
    result = migrate(designer, 2, dry_run=False).get_json()
    assert [(r["instance_id"], r["migrated"], r["reasons"][0]["change"]) for r in result] == [(running, False, "suspended")]
