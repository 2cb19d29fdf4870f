"""The OpenAPI document says which errors each endpoint answers, with one error body, and how lists page."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

PENDING: tuple[str, ...] = ()  # path prefixes not yet documented (none)
METHODS = {"get", "post", "put", "patch", "delete"}


def _operations(app: Flask) -> list[tuple[str, str, dict[str, Any]]]:
    paths = app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    return [(path, method, op) for path, ops in paths.items() for method, op in ops.items()
            if method in METHODS and not path.startswith(PENDING)]


def test_one_error_body_for_every_error_status(app: Flask) -> None:
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    error = spec["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"code", "message", "errors"} and set(error["required"]) == {"code", "message"}
    for name, response in spec["components"]["responses"].items():
        assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}, name


def test_authenticated_endpoints_document_401(app: Flask) -> None:
    for path, method, op in _operations(app):
        if path in ("/api/v1/health", "/api/v1/ready"):  # liveness and readiness: no token
            assert "security" not in op and "401" not in op["responses"]
            continue
        assert op.get("security") == [{"bearerAuth": []}], (method, path)
        assert op["responses"]["401"] == {"$ref": "#/components/responses/UNAUTHORIZED"}, (method, path)


def test_endpoints_of_one_thing_document_404_and_bodies_422(app: Flask) -> None:
    for path, method, op in _operations(app):
        if "_id}" in path:
            assert "404" in op["responses"], (method, path)
        if "requestBody" in op or any(p["in"] == "query" for p in op.get("parameters", [])):
            assert "422" in op["responses"], (method, path)


@pytest.mark.parametrize("method,path,statuses", [
    ("post", "/api/v1/instances", {"401", "403", "404", "409", "422"}),
    ("post", "/api/v1/centers", {"401", "403", "422"}),
    ("put", "/api/v1/calendar/years/{year}", {"401", "403", "422"}),
    ("post", "/api/v1/clock", {"401", "403", "422"}),
    ("post", "/api/v1/tasks/{task_id}/complete", {"401", "403", "404", "409", "412", "422"}),
    ("post", "/api/v1/tasks/{task_id}/claim", {"401", "403", "404", "409"}),
    ("put", "/api/v1/tasks/{task_id}/draft", {"401", "403", "404", "409", "422"}),
])
def test_refusals_are_documented(app: Flask, method: str, path: str, statuses: set[str]) -> None:
    op = app.test_client().get("/api/v1/openapi.json").get_json()["paths"][path][method]
    assert statuses <= set(op["responses"])


def test_lists_document_paging(app: Flask) -> None:
    lists = 0
    for path, method, op in _operations(app):
        ok = op["responses"].get("200", {})
        schema = ok.get("content", {}).get("application/json", {}).get("schema", {})
        if method != "get" or schema.get("type") != "array" or path.endswith("/deadlines") \
                or path == "/api/v1/processes":
            continue
        lists += 1
        assert {"limit", "offset"} <= {p["name"] for p in op["parameters"]}, path
        assert ok["headers"]["X-Total-Count"] == {"$ref": "#/components/headers/X_TOTAL_COUNT"}, path
    assert lists == 7  # tasks, instances, events, centers, notifications, definition versions, designer drafts


def test_instance_read_documents_its_etag(app: Flask) -> None:
    op = app.test_client().get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/instances/{instance_id}"]["get"]
    assert op["responses"]["200"]["headers"]["ETag"] == {"$ref": "#/components/headers/ETAG"}
