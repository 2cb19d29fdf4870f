"""Helpers shared by the process test modules: seeded people, the stored clock and the API calls actors make.

Two styles of task helpers live here because the suites assert on them differently:
`ready_tasks`/`complete` (nmg2020 modules: the actor's inbox tasks of an element) and
`task`/`act`/`ready_elements` (nmg2025 modules: exactly one ready task, element ids of an instance).
"""
from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import Actor
from tests.support import seed_people, set_stored_clock

FILE = [{"name": "建设方案.pdf", "file_id": "file-0001"}]
GOOD_REPORT = {
    "summary": "本年度围绕现代煤化工关键技术开展攻关，完成中试两项，新增授权发明专利十二件。",
    "achievements": "突破煤制烯烃催化剂寿命瓶颈，成果在两家企业转化应用。",
    "problems": "高端人才引进难，部分大型仪器依赖进口。",
    "next_year_plan": "完成万吨级示范线建设，新增专职研究人员十名。",
    "fulltime_researchers": 42,
    "annual_operating_funds": 800,
}

# nmg2025 profile passing the 第十条, 第十五至十七条 and 第十九条 checks (handlers/checks/nmg2025.py)
GOOD_PROFILE: dict[str, Any] = {
    "submission_date": "2025-08-28",
    "units": [
        {"name": "包头示范稀土集团有限公司", "role": "lead", "kind": "enterprise"},
        {"name": "内蒙古大学", "role": "co_builder", "kind": "university"},
    ],
    "annual_operating_funds": 800,
    "rd_floor_area": 3600,
    "equipment_value": 2600,
    "fulltime_researchers": 45,
    "fulltime_fixed_staff": 60,
    "single_hired_staff": 40,
    "director": {"age": 52, "title": "senior", "fulltime": True, "directs_other_platform": False,
                 "months_at_center_per_year": 12},
    "executive_director_fulltime": True,
    "technical_committee": [
        {"name": f"委员{i}", "from_lead_or_cobuilder": i < 3, "is_chair": i == 8} for i in range(9)
    ],
    "branches": [
        {"name": "包头稀土永磁攻关基地", "kind": "key_technology"},
        {"name": "赤峰成果转化基地", "kind": "transformation"},
    ],
    "strategic_directed": False,
}


# ---- people and the clock ------------------------------------------------------------------------------


def nmg2020_people(app: Flask, client: FlaskClient, moment: datetime) -> dict[str, Any]:
    """nmg2020 centers A and B (approved 2026-06-01) with one user per role, the stored clock pinned at `moment`."""
    with app.app_context():
        set_stored_clock(moment)
        seeded = seed_people("nmg2020")
    return {"centers": seeded["centers"],
            **{key: Actor(client, token, name, role) for key, (name, role, token) in seeded["users"].items()}}


def rewind_clock(app: Flask, iso: str) -> None:
    """Test setup only: put the simulated clock at `iso` (the API itself never moves it backwards)."""
    with app.app_context():
        set_stored_clock(datetime.fromisoformat(iso).astimezone(UTC))


def set_clock(actor: Actor, iso: str) -> dict[str, Any]:
    """Move the simulated clock forward through the API (runs the tick)."""
    response = actor.post("/api/v1/clock", json={"now": iso})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


# ---- tasks ---------------------------------------------------------------------------------------------


def ready_tasks(actor: Actor, instance_id: int, element_id: str) -> list[dict[str, Any]]:
    """The actor's inbox tasks `element_id` of an instance."""
    return [t for t in actor.get("/api/v1/tasks").get_json()
            if t["instance_id"] == instance_id and t["element_id"] == element_id]


def with_uploaded_files(actor: Actor, task_id: int, value: Any) -> Any:
    """`value` with every `{name, file_id}` attachment entry uploaded to the task and referring to its stored id."""
    if isinstance(value, dict) and set(value) == {"name", "file_id"}:
        response = actor.client.post(f"/api/v1/tasks/{task_id}/files", headers=actor.headers(),
                                     data={"file": (io.BytesIO(f"{value['name']}".encode()), value["name"])},
                                     content_type="multipart/form-data")
        assert response.status_code == 201, response.get_json()
        return {"name": value["name"], "file_id": response.get_json()["file_id"]}
    if isinstance(value, dict):
        return {k: with_uploaded_files(actor, task_id, v) for k, v in value.items()}
    if isinstance(value, list):
        return [with_uploaded_files(actor, task_id, v) for v in value]
    return value


def complete_task(actor: Actor, task_id: int, data: dict[str, Any], status: int = 200) -> Any:
    """Complete task `task_id` with form `data` (its attachments uploaded first), expecting HTTP `status`."""
    if status in (200, 422):
        data = with_uploaded_files(actor, task_id, data)
    response = actor.post(f"/api/v1/tasks/{task_id}/complete", json={"data": data})
    assert response.status_code == status, response.get_json()
    return response.get_json()


def complete(actor: Actor, instance_id: int, element_id: str, data: dict[str, Any], status: int = 200) -> Any:
    """Complete the actor's only inbox task `element_id` of an instance (nmg2020 style)."""
    [task] = ready_tasks(actor, instance_id, element_id)
    return complete_task(actor, task["id"], data, status)


def task(actor: Actor, instance_id: int, element_id: str) -> dict[str, Any]:
    """The one ready task `element_id` of an instance in the actor's inbox."""
    found = ready_tasks(actor, instance_id, element_id)
    assert len(found) == 1, (element_id, ready_elements(actor, instance_id))
    return found[0]


def act(actor: Actor, instance_id: int, element_id: str, data: dict[str, Any], status: int = 200) -> Any:
    """Complete the actor's task `element_id` of an instance with form `data` (nmg2025 style)."""
    return complete_task(actor, task(actor, instance_id, element_id)["id"], data, status)


def ready_elements(actor: Actor, instance_id: int) -> list[str]:
    """Element ids of the instance's ready tasks."""
    return [t["element_id"] for t in instance(actor, instance_id)["ready_tasks"]]


# ---- instances and centers -----------------------------------------------------------------------------


def start(actor: Actor, process_key: str, center_id: int, data: dict[str, Any] | None = None) -> dict[str, Any]:
    response = actor.post("/api/v1/instances", json={"process_key": process_key, "center_id": center_id,
                                                     "data": data or {}})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def instance(actor: Actor, instance_id: int) -> dict[str, Any]:
    return actor.get(f"/api/v1/instances/{instance_id}").get_json()


def events(actor: Actor, instance_id: int) -> list[dict[str, Any]]:
    return list(actor.get(f"/api/v1/instances/{instance_id}/events").get_json())


def outcome(actor: Actor, instance_id: int) -> Any:
    """The outcome of a completed instance, or None while it runs."""
    done = [e for e in events(actor, instance_id) if e["kind"] == "instance_completed"]
    return done[0]["payload"]["result"].get("outcome") if done else None


def result(actor: Actor, instance_id: int) -> dict[str, Any]:
    """The result summary of a completed instance."""
    done = [e for e in events(actor, instance_id) if e["kind"] == "instance_completed"]
    assert len(done) == 1, "instance not completed"
    return dict(done[0]["payload"]["result"])


def status_changes(actor: Actor, instance_id: int) -> list[tuple[str, str, str]]:
    """(from, to, article) of every center status change the instance made."""
    return [(e["payload"]["from"], e["payload"]["to"], e["article"])
            for e in events(actor, instance_id) if e["kind"] == "center_status_changed"]


def every_step_cites_an_article(actor: Actor, instance_id: int) -> None:
    steps = [e for e in events(actor, instance_id) if e["kind"] in ("element_completed", "timer_fired")]
    assert steps and all(e["article"] for e in steps), [e["element_id"] for e in steps if not e["article"]]


def center(actor: Actor, center_id: int) -> dict[str, Any]:
    return dict(actor.get(f"/api/v1/centers/{center_id}").get_json())


def create_center(people: dict[str, Any], *, policy: str = "nmg2025",
                  name: str = "内蒙古自治区稀土新材料技术创新中心（拟建）", **fields: Any) -> int:
    """A new center of `policy` registered by its authority, played by center A's organisations."""
    authority = people["authority"]
    orgs = authority.get(f"/api/v1/centers/{people['centers']['a']}").get_json()["organisations"]
    body = {"name": name, "policy": policy, "category": "field", "organisations": orgs, **fields}
    response = authority.post("/api/v1/centers", json=body)
    assert response.status_code == 201, response.get_json()
    return int(response.get_json()["id"])


def decline_running_revocation(people: dict[str, Any], center_id: int, ground: str = "第三十一条(一)") -> None:
    """科技厅 declines the center's running nmg2025 revocation (e.g. the 第三十一条(一) one a clock jump over two
    unreported years started), so that a later step can start one of its own."""
    supervisor = people["supervisor"]
    [running] = [i for i in supervisor.get(f"/api/v1/instances?center_id={center_id}").get_json()
                 if i["process_key"] == "nmg2025_revocation" and i["status"] != "completed"]
    act(supervisor, running["id"], "verify_grounds", {"ground": ground, "facts": "经核实。", "evidence": FILE})
    act(people["authority"], running["id"], "authority_revocation_decision", {"decision": "reject", "comment": "不予撤销。"})


def start_and_submit(actor: Actor, process_key: str, center_id: int, element_id: str,
                     body: dict[str, Any]) -> int:
    """Start `process_key`, check that `element_id` is its first task, complete it with `body`; the instance id."""
    started = start(actor, process_key, center_id)
    assert [t["element_id"] for t in started["ready_tasks"]] == [element_id]
    act(actor, started["id"], element_id, body)
    return int(started["id"])
