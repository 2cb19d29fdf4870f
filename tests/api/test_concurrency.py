"""Two people complete the same task at the same moment: exactly one wins, the other gets 409."""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from flask import Flask

from app.extensions import db
from app.services.infrastructure.deploy import deploy_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

TRIALS = 100


def _race(app: Flask, token: str, task_id: int) -> list[int]:
    barrier = threading.Barrier(2)
    statuses: list[int] = []
    lock = threading.Lock()

    def attempt() -> None:
        client = app.test_client()
        barrier.wait()
        response = client.post(
            f"/api/v1/tasks/{task_id}/complete", json={"data": {"note": "同时提交"}},
            headers={"Authorization": f"Bearer {token}"},
        )
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(statuses)


def test_exactly_one_completion_wins(app: Flask, people: dict[str, Any]) -> None:
    with app.app_context():
        deploy_file(FIXTURES / "nmg2025" / "two_step_probe.bpmn", FIXTURES)
        db.session.commit()
    applicant = people["applicant"]
    outcomes = []
    for _ in range(TRIALS):
        started = people["supervisor"].post("/api/v1/instances", json={
            "process_key": "nmg2025_two_step_probe", "center_id": people["centers"]["a"]}).get_json()
        task_id = started["ready_tasks"][0]["id"]
        outcomes.append(_race(app, applicant.token, task_id))
        detail = applicant.get(f"/api/v1/instances/{started['id']}").get_json()
        # the winner's step happened once: exactly one review is waiting
        assert [t["element_id"] for t in detail["ready_tasks"]] == ["probe_review"]
        events = people["supervisor"].get(f"/api/v1/instances/{started['id']}/events").get_json()
        assert sum(1 for e in events if e["element_id"] == "probe_submit") == 1
    assert all(o == [200, 409] for o in outcomes), [o for o in outcomes if o != [200, 409]][:5]
