"""HTTP hardening shared by every door (pages and API): request limits, strict JSON, security headers.

`init_http(app)` is called by the factory before the API and the pages register, so its request hooks run
first: a body or parameter no service could handle is refused here with 404/413/422, never a 500.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, current_app
from flask_babel import gettext as _
from sqlalchemy.exc import DataError
from werkzeug.middleware.proxy_fix import ProxyFix

from app.errors import InvalidSubmission
from app.http import headers, json_body, limits
from app.services import transactions


def init_http(app: Flask) -> None:
    """Install the bounded request class and converters, the strict JSON check and the security headers."""
    hops = int(app.config.get("TIC_PROXY_HOPS") or 0)
    if hops:  # behind reverse proxies: the client address and scheme they forward (login limits, secure cookies)
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    limits.init_limits(app)
    json_body.init_json_body(app)
    headers.init_headers(app)
    app.register_error_handler(DataError, _out_of_range)


def _out_of_range(err: DataError) -> Any:
    """A value the database cannot hold (an id beyond its INTEGER in a JSON body): 422, rolled back, not a 500."""
    transactions.rollback()
    refused = InvalidSubmission(_("提交的数值超出范围"), {"_request": [_("某个数值超出数据库可保存的范围")]})
    return current_app.handle_user_exception(refused)
