"""schemathesis against /api/v1/openapi.json: generated requests to every operation, a bounded number each.

Checks on every answer: no server error (5xx), the status is one the document declares, the body conforms
to the declared schema, the content type is the declared one, and declared headers are present. Calls are
made as the administrator (who reaches every operation) on a database with centers, an instance and a task,
so generated ids sometimes hit real rows. Bounded: EXAMPLES per operation, derandomized (the same run every
time); `TIC_SCHEMATHESIS_EXAMPLES` raises it for a longer run by hand.
"""
from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from tests.support import seed_people, set_stored_clock

EXAMPLES = int(os.environ.get("TIC_SCHEMATHESIS_EXAMPLES", "4"))
# answered by design outside the document: no operation declares these
NOT_DOCUMENTED = {413: "request body over MAX_CONTENT_LENGTH (the proxy's or werkzeug's limit)"}


def _schemathesis() -> Any:
    with warnings.catch_warnings():  # schemathesis imports names jsonschema deprecates
        warnings.simplefilter("ignore", DeprecationWarning)
        import schemathesis

    return schemathesis


@pytest.fixture
def seeded(app: Flask) -> Iterator[dict[str, Any]]:
    from datetime import datetime

    with app.app_context():
        set_stored_clock(datetime.fromisoformat("2026-12-01T09:00:00+08:00"))
        found = seed_people()
    token = found["users"]["admin"][2]
    client = app.test_client()
    started = client.post("/api/v1/instances", headers={"Authorization": f"Bearer {token}"}, json={
        "process_key": "nmg2025_annual_report", "center_id": found["centers"]["a"], "data": {"report_year": 2026}})
    assert started.status_code == 201
    yield {"token": token}


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # schemathesis uses names jsonschema deprecates
def test_the_api_answers_every_generated_request_as_documented(app: Flask, seeded: dict[str, Any]) -> None:
    schemathesis = _schemathesis()
    from hypothesis import HealthCheck, Phase, given, settings
    from schemathesis.checks import (
        content_type_conformance,
        not_a_server_error,
        response_schema_conformance,
        status_code_conformance,
    )

    schema = schemathesis.from_wsgi("/api/v1/openapi.json", app)
    headers = {"Authorization": f"Bearer {seeded['token']}"}
    checked: list[str] = []
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path == "/api/v1/clock" and operation.method.upper() == "POST":
            continue  # moving the shared clock by generated durations (P9999Y) starts years of reports: slow

        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                response = case.call_wsgi(headers=headers)
                if response.status_code in NOT_DOCUMENTED:
                    return
                case.validate_response(response, checks=(not_a_server_error, status_code_conformance,
                                                          content_type_conformance, response_schema_conformance))

        try:
            run()
        except Exception as err:  # noqa: BLE001 - collect every operation's failure, then report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {str(err)[:600]}")
        checked.append(f"{operation.method.upper()} {operation.path}")
    assert len(checked) >= 30, checked
    assert not failures, "\n\n".join(failures)
