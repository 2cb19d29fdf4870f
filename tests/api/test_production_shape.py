"""What an operator relies on: liveness, readiness, request ids in JSON logs, Prometheus metrics."""
from __future__ import annotations

import json
import logging
import os
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text

from app.extensions import db
from app.models import Timer
from app.observability.logs import JsonFormatter
from app.services.infrastructure.readiness import code_revision
from tests.support import set_stored_clock


def test_health_and_ready_need_no_token(client: Any) -> None:
    health = client.get("/api/v1/health")
    assert health.status_code == 200 and health.get_json()["status"] == "ok"
    ready = client.get("/api/v1/ready")
    assert ready.status_code == 200, ready.get_json()
    body = ready.get_json()
    assert body["ready"] is True and body["database"] is True
    assert body["migrations"] == {"database": code_revision(), "code": code_revision()}


def test_ready_is_503_while_migrations_are_behind(app: Flask, client: Any) -> None:
    with app.app_context():
        current = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        db.session.execute(text("UPDATE alembic_version SET version_num = '0001'"))
        db.session.commit()
    try:
        response = client.get("/api/v1/ready")
        assert response.status_code == 503
        assert response.get_json()["migrations"] == {"database": "0001", "code": current}
        assert response.get_json()["reason"]
    finally:
        with app.app_context():
            db.session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": current})
            db.session.commit()


def test_every_answer_names_its_request_and_logs_it_as_json(
        client: Any, people: dict[str, Any], caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="tic.access"):
        given = people["supervisor"].get("/api/v1/centers", headers={"X-Request-ID": "edge-42.a_b"})
        fresh = client.get("/api/v1/health", headers={"X-Request-ID": "bad id <script>" + "x" * 80})
    assert given.headers["X-Request-ID"] == "edge-42.a_b"
    assert re.fullmatch(r"[0-9a-f]{32}", fresh.headers["X-Request-ID"])
    records = [r for r in caplog.records if r.name == "tic.access"]
    by_id = {getattr(r, "request_id", None): r for r in records}
    assert {"edge-42.a_b", fresh.headers["X-Request-ID"]} <= set(by_id)
    line = json.loads(JsonFormatter().format(by_id["edge-42.a_b"]))
    assert line["request_id"] == "edge-42.a_b" and line["status"] == 200 and line["path"] == "/api/v1/centers"
    assert line["user"] == people["supervisor"].username and line["duration_ms"] >= 0
    assert line["level"] == "info" and line["ts"].endswith("+00:00")


def _metric(body: str, name: str, **labels: str) -> float:
    for line in body.splitlines():
        if not line.startswith(name) or line.startswith("#"):
            continue
        head, _space, value = line.rpartition(" ")
        if all(f'{k}="{v}"' in head for k, v in labels.items()) and (labels or head == name):
            return float(value)
    raise AssertionError(f"{name} {labels} not in the metrics")


def test_metrics_count_requests_and_show_the_work_behind(app: Flask, client: Any, people: dict[str, Any]) -> None:
    start = datetime.fromisoformat("2026-12-01T09:00:00+08:00")
    with app.app_context():
        set_stored_clock(start)
    response = people["supervisor"].post("/api/v1/instances", json={
        "process_key": "nmg2025_annual_report", "center_id": people["centers"]["a"], "data": {"report_year": 2026}})
    assert response.status_code == 201
    people["supervisor"].get("/api/v1/centers")
    with app.app_context():
        first_due = db.session.execute(text("SELECT min(due_at) FROM timer")).scalar_one()
        assert first_due is not None
        due = db.session.query(Timer).order_by(Timer.due_at).first()
        assert due is not None
        set_stored_clock(due.due_at + timedelta(hours=2))  # due two hours ago, the scheduler has not run
    body = client.get("/metrics").get_data(as_text=True)
    assert _metric(body, "tic_http_requests_total", endpoint="centers.Centers", status="200", method="GET") >= 1
    assert _metric(body, "tic_http_request_duration_seconds_count", endpoint="instances.Instances") >= 1
    assert _metric(body, "tic_timers_due") >= 1
    assert 2 * 3600 <= _metric(body, "tic_timer_lag_seconds") < 2 * 3600 + 60
    assert _metric(body, "tic_outbox_depth") >= 0 and _metric(body, "tic_timers_waiting") >= 1


def test_metrics_token(app: Flask, client: Any) -> None:
    app.config["TIC_METRICS_TOKEN"] = "s3cret-scrape"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer s3cret-scrape"}).status_code == 200


def test_the_workers_of_one_node_are_counted_together(tmp_path: Path) -> None:
    import subprocess

    import requests

    from tests.load.harness import TIC, Cluster

    url = f"sqlite:///{tmp_path / 'node.db'}"
    subprocess.run([TIC, "db", "upgrade"], env={**os.environ, "TIC_DATABASE_URL": url}, check=True,
                   capture_output=True)
    cluster = Cluster(url, webs=1, schedulers=0, workers=2)
    try:
        base, proc = cluster.start_web()
        cluster.web_procs.append(proc)
        for _ in range(8):
            assert requests.get(f"{base}/api/v1/health", timeout=10).status_code == 200
        for _ in range(4):  # whichever worker answers the scrape reports both workers' requests
            body = requests.get(f"{base}/metrics", timeout=10).text
            assert _metric(body, "tic_http_requests_total", endpoint="health.Health", status="200") == 8
    finally:
        cluster.stop()
