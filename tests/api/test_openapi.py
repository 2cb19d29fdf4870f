"""The committed OpenAPI document is the generated one (regenerate: .venv/bin/tic openapi write --format json docs/openapi.json)."""
from __future__ import annotations

import json
from pathlib import Path

from flask import Flask

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_committed_openapi_matches_generated(app: Flask) -> None:
    generated = app.test_client().get("/api/v1/openapi.json").get_json()
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert generated == committed, "API changed: regenerate docs/openapi.json and review the diff"


def test_contract_paths_present(app: Flask) -> None:
    paths = app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    for path in (
        "/api/v1/health", "/api/v1/processes", "/api/v1/centers", "/api/v1/centers/{center_id}",
        "/api/v1/instances", "/api/v1/instances/{instance_id}", "/api/v1/instances/{instance_id}/events",
        "/api/v1/tasks", "/api/v1/tasks/{task_id}", "/api/v1/tasks/{task_id}/complete", "/api/v1/clock",
    ):
        assert path in paths


def test_swagger_ui_is_served_from_local_assets(app: Flask) -> None:
    client = app.test_client()
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html and "//cdn" not in html and "unpkg" not in html
    asset = client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.data) > 100_000
    asset.close()
