"""Security headers on every answer: pages, API, static files and errors.

The pages load scripts only from this site (no inline script runs: the JSON data islands are
`type="application/json"`); no other site may frame them. The Swagger UI page of flask-smorest carries
one inline script of its own, allowed by its hash and on that page only.
"""
from __future__ import annotations

import base64
import hashlib
import re

from flask import Flask, Response, current_app, request

CSP = ("default-src 'self'; script-src 'self'{extra}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
       "frame-ancestors 'none'")
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S)


def _docs_path() -> str:
    config = current_app.config
    return f"{config.get('OPENAPI_URL_PREFIX', '')}/{config.get('OPENAPI_SWAGGER_UI_PATH', '')}".replace("//", "/")


def _script_hashes(response: Response) -> str:
    """The hashes of the inline scripts of flask-smorest's own Swagger UI page (that page only)."""
    if request.path.rstrip("/") != _docs_path().rstrip("/") or response.direct_passthrough:
        return ""
    digests = {base64.b64encode(hashlib.sha256(body).digest()).decode()
               for body in _INLINE_SCRIPT.findall(response.get_data())}
    return "".join(f" 'sha256-{d}'" for d in sorted(digests))


def _allowed_methods() -> str:
    """The methods the requested URL answers (for `Allow` on 405: the JSON and HTML error pages drop werkzeug's)."""
    methods = set(current_app.url_map.bind_to_environ(request.environ).allowed_methods())
    return ", ".join(sorted(methods | ({"HEAD"} if "GET" in methods else set())))


def add_security_headers(response: Response) -> Response:
    """`after_request`: the headers above, the Content-Security-Policy, and `Allow` on every 405."""
    if response.status_code == 405 and "Allow" not in response.headers:
        response.headers["Allow"] = _allowed_methods()
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers.setdefault("Content-Security-Policy", CSP.format(extra=_script_hashes(response)))
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def init_headers(app: Flask) -> None:
    """Add the headers to every response."""
    app.after_request(add_security_headers)
