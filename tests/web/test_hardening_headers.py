"""Security headers on every answer: pages, API, static files, errors; no inline script may run."""
from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from tests.web.conftest import logged_in

EXPECTED = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"}
PATHS = ["/login", "/", "/monitor/instances", "/dashboard", "/centers", "/static/js/form.js", "/no-such-page",
         "/api/v1/health", "/api/v1/processes", "/api/v1/openapi.json", "/api/v1/tasks/1", "/api/v1/docs"]


def _directives(policy: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("path", PATHS)
def test_every_answer_carries_the_security_headers(app: Flask, staff: dict[str, Any], path: str) -> None:
    client = logged_in(app, staff["supervisor"])
    response = client.get(path, headers={"Authorization": f"Bearer {staff['supervisor'].token}"})
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (path, name)
    policy = _directives(response.headers["Content-Security-Policy"])
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    script = policy["script-src"]
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script and script[0] == "'self'"
    if path != "/api/v1/docs":
        assert script == ["'self'"], path
    response.close()  # a static file's handle


def test_the_swagger_page_allows_only_its_own_inline_script(app: Flask) -> None:
    import base64
    import hashlib

    response = app.test_client().get("/api/v1/docs")
    assert response.status_code == 200
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", response.get_data(as_text=True), re.S)
    assert inline  # flask-smorest's bootstrap script
    allowed = _directives(response.headers["Content-Security-Policy"])["script-src"][1:]
    assert sorted(allowed) == sorted(
        f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'" for body in set(inline))


def test_pages_have_no_inline_script_or_handler(app: Flask, staff: dict[str, Any]) -> None:
    client = logged_in(app, staff["supervisor"])
    for path in ("/", "/monitor/instances", "/monitor/deadlines", "/dashboard", "/centers", "/login"):
        html = client.get(path).get_data(as_text=True)
        executable = [m for m in re.findall(r"<script([^>]*)>", html)
                      if "src=" not in m and 'type="application/json"' not in m]
        assert not executable, (path, executable)
        assert not re.search(r"\son[a-z]+=", html), path


def test_secure_cookies_add_hsts(app: Flask) -> None:
    app.config["SESSION_COOKIE_SECURE"] = True
    assert app.test_client().get("/login").headers["Strict-Transport-Security"].startswith("max-age=")


def test_pages_and_api_docs_run_under_the_policy_in_chromium(page: Any, staff: dict[str, Any]) -> None:
    from tests.web.conftest import browser_login

    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.goto("/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title")  # the Swagger UI booted: its inline script ran
    browser_login(page, staff["admin"])
    for path in ("/dashboard", "/designer", "/monitor/instances"):  # ECharts, the bpmn-js modeler, the boards
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assert not violations, violations


@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("DELETE", "/api/v1/health", {"GET", "HEAD", "OPTIONS"}),
    ("PUT", "/api/v1/centers", {"GET", "HEAD", "POST", "OPTIONS"}),
    ("PUT", "/login", {"GET", "HEAD", "POST", "OPTIONS"}),
    ("DELETE", "/monitor/instances", {"GET", "HEAD", "OPTIONS"}),
])
def test_405_names_the_allowed_methods(app: Flask, method: str, path: str, allowed: set[str]) -> None:
    response = app.test_client().open(path, method=method)
    assert response.status_code == 405
    assert {m.strip() for m in response.headers["Allow"].split(",")} == allowed
