"""Bearer-token authentication for API views."""
from __future__ import annotations

from flask import g, request
from flask_babel import gettext as _

from app.errors import Unauthenticated
from app.models import User
from app.services.people.users import authenticate_token


def authenticate() -> None:
    """`before_request` hook: resolve `Authorization: Bearer <token>` into `g.user`."""
    if request.method == "OPTIONS":
        return
    header = request.headers.get("Authorization", "")
    scheme, _space, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated(_("缺少认证信息：请使用 Authorization: Bearer <令牌>"))
    g.user = authenticate_token(token.strip())


def current_user() -> User:
    """The authenticated user of this request."""
    user: User = g.user
    return user
