"""HTTP hardening shared by every door (pages and API): request limits, strict JSON, security headers.

`init_http(app)` is called by the factory before the API and the pages register, so its request hooks run
first: a body or parameter no service could handle is refused here with 404/413/422, never a 500.
"""
from __future__ import annotations

from flask import Flask

from app.http import headers, json_body, limits


def init_http(app: Flask) -> None:
    """Install the bounded request class and converters, the strict JSON check and the security headers."""
    limits.init_limits(app)
    json_body.init_json_body(app)
    headers.init_headers(app)
