"""Users, organisations and API-token authentication."""
from __future__ import annotations

import hashlib
import secrets

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from werkzeug.security import generate_password_hash

from app.errors import InvalidSubmission, Unauthenticated
from app.extensions import db
from app.models import Organisation, User
from app.models.people import ROLES
from app.services import transactions


def token_digest(token: str) -> str:
    """What is stored of an API token: its SHA-256 (tokens are random, so no salt is needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


# built once: a statement with literal values is keyed for SQLAlchemy's compiled cache on every call (issue 16)
_BY_TOKEN = select(User).where(User.token_hash == bindparam("digest"))


def authenticate_token(token: str) -> User:
    """The active user owning API token `token`."""
    user = db.session.scalar(_BY_TOKEN, {"digest": token_digest(token)})
    if user is None or not user.active:
        raise Unauthenticated(_("令牌无效或已停用"))
    return user


def organisation(name: str, kind: str, policy: str | None = None) -> Organisation:
    """Find or create an organisation by name; the caller commits."""
    found = db.session.scalar(select(Organisation).where(Organisation.name == name))
    if found is None:
        found = Organisation(name=name, kind=kind, policy=policy)
        db.session.add(found)
        db.session.flush()
    return found


def hash_password(password: str) -> str:
    """The stored hash of `password`, by the configured method (TIC_PASSWORD_HASH; werkzeug's scrypt by default)."""
    return generate_password_hash(password, method=current_app.config.get("TIC_PASSWORD_HASH", "scrypt"))


def create_user(
    username: str, role: str, *, display_name: str | None = None, organisation_id: int | None = None,
    policy: str | None = None, password: str | None = None, token: str | None = None, email: str | None = None,
) -> tuple[User, str]:
    """Create a user with a password hash and a fresh API token; returns (user, token). Caller commits."""
    if role not in ROLES:
        raise InvalidSubmission(_("角色无效"), {"role": [_("角色必须是 %(choices)s 之一", choices="、".join(ROLES))]})
    if db.session.scalar(select(User).where(User.username == username)) is not None:
        raise InvalidSubmission(_("用户名已存在"), {"username": [_("用户名 %(name)s 已被使用", name=username)]})
    token = token or secrets.token_urlsafe(24)
    user = User(
        username=username, display_name=display_name or username, role=role, organisation_id=organisation_id,
        policy=policy, password_hash=hash_password(password) if password else None,
        token_hash=token_digest(token), email=email or None,
    )
    db.session.add(user)
    db.session.flush()
    return user, token


def register_user(username: str, role: str, *, organisation_name: str | None = None, policy: str | None = None,
                  password: str | None = None) -> tuple[User, str]:
    """Create a user (and its organisation by name when new) in one transaction; returns (user, token)."""
    with transactions.edge():
        org_id = organisation(organisation_name, role, policy).id if organisation_name else None
        return create_user(username, role, organisation_id=org_id, policy=policy, password=password)
