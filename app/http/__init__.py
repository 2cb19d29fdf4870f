"""HTTP hardening shared by every door (pages and API): request limits, strict JSON, security headers.

`init_http(app)` is called by the factory before the API and the pages register, so its request hooks run
first: a body or parameter no service could handle is refused here with 404/413/422, never a 500.
"""
from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app.http import headers, json_body, limits


def init_http(app: Flask) -> None:
    """Install the bounded request class and converters, the strict JSON check and the security headers."""
    hops = int(app.config.get("TIC_PROXY_HOPS") or 0)
    if hops:  # behind reverse proxies: the client address and scheme they forward (login limits, secure cookies)
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    limits.init_limits(app)
    json_body.init_json_body(app)
    headers.init_headers(app)
