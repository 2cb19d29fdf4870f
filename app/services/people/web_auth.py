"""Password login for the web pages: verify credentials, load the user of a session."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from app.errors import Unauthenticated
from app.extensions import db
from app.models import User

# compared against when the user does not exist, so both failures take the same time
_DUMMY_HASH = generate_password_hash("not-a-password")


def verify_password(username: str, password: str) -> User:
    """The active user `username` if `password` matches; Unauthenticated otherwise (same message either way)."""
    user = db.session.scalar(select(User).where(User.username == username.strip()))
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    matches = check_password_hash(stored, password)
    if user is None or not user.active or not user.password_hash or not matches:
        raise Unauthenticated(_("用户名或密码错误"))
    return user


def load_user(user_id: int) -> User | None:
    """The active user with id `user_id` (for the login session), or None."""
    user = db.session.get(User, user_id)
    return user if user is not None and user.active else None
