"""Password login for the web pages: throttled verification, server-side sessions that logout revokes.

- Failed logins are rows in the database, so every worker and every node counts the same attempts. They are
  counted per account (TIC_LOGIN_LIMIT, e.g. `10/minute`: the account accepts no password for the rest of the
  window, even the right one) and per client address (TIC_LOGIN_ADDRESS_LIMIT, higher, so one guesser behind
  a shared proxy does not lock the whole office out before the account limits stop them).
- A login creates a `login_session` row; the session cookie carries its random key. Logout revokes the row,
  so a copied cookie stops working; so does deactivating the user.

The windows are wall-clock time (`datetime.now(UTC)`), not the simulated clock procedures run on.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from limits import parse as parse_limit
from sqlalchemy import delete, func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from app.errors import TooManyRequests, Unauthenticated
from app.extensions import db
from app.models import LoginFailure, LoginSession, User
from app.services import transactions

# compared against when the user does not exist, so both failures take the same time
_DUMMY_HASH = generate_password_hash("not-a-password")
ACCOUNT, ADDRESS = "account", "address"


def _now() -> datetime:
    return datetime.now(UTC)


def _window(setting: str) -> tuple[int, timedelta]:
    item = parse_limit(str(current_app.config[setting]))
    return item.amount, timedelta(seconds=item.get_expiry())


def _failures(scope: str, key: str, since: datetime) -> int:
    query = select(func.count()).select_from(LoginFailure).where(
        LoginFailure.scope == scope, LoginFailure.key == key, LoginFailure.at > since)
    return int(db.session.scalar(query) or 0)


def _throttled(username: str, address: str) -> bool:
    now = _now()
    for scope, key, setting in ((ACCOUNT, username, "TIC_LOGIN_LIMIT"), (ADDRESS, address, "TIC_LOGIN_ADDRESS_LIMIT")):
        amount, period = _window(setting)
        if _failures(scope, key, now - period) >= amount:
            return True
    return False


def _record_failure(username: str, address: str) -> None:
    now = _now()
    longest = max(_window("TIC_LOGIN_LIMIT")[1], _window("TIC_LOGIN_ADDRESS_LIMIT")[1])
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < now - longest))  # forget what no window sees
    db.session.add_all([LoginFailure(scope=ACCOUNT, key=username, at=now),
                        LoginFailure(scope=ADDRESS, key=address, at=now)])
    transactions.commit()


def verify_password(username: str, password: str, address: str = "") -> User:
    """The active user `username` if `password` matches; Unauthenticated otherwise (same message either way);
    TooManyRequests while the account or the address has used up its failed attempts."""
    name = username.strip()[:200]
    key = name.lower()
    address = (address or "unknown")[:200]
    if _throttled(key, address):
        raise TooManyRequests(_("登录尝试过于频繁，请稍后再试"))
    user = db.session.scalar(select(User).where(User.username == name))
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    matches = check_password_hash(stored, password)
    if user is None or not user.active or not user.password_hash or not matches:
        _record_failure(key, address)
        raise Unauthenticated(_("用户名或密码错误"))
    return user


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def begin_session(user: User) -> str:
    """Open a server-side session for `user`; returns the random key the session cookie carries. Commits."""
    key = secrets.token_urlsafe(32)
    db.session.add(LoginSession(id=_digest(key), user_id=user.id, created_at=_now()))
    transactions.commit()
    return key


def end_session(key: str | None) -> None:
    """Revoke the session whose cookie carries `key` (logout); a copied cookie no longer works. Commits."""
    if not key:
        return
    db.session.execute(update(LoginSession).where(LoginSession.id == _digest(key), LoginSession.revoked_at.is_(None))
                       .values(revoked_at=_now()))
    transactions.commit()


def load_user(user_id: int, key: str | None = None) -> User | None:
    """The active user with id `user_id` whose session `key` is open (not revoked), or None."""
    if not key:
        return None
    row = db.session.get(LoginSession, _digest(key))
    if row is None or row.revoked_at is not None or row.user_id != user_id:
        return None
    user = db.session.get(User, user_id)
    return user if user is not None and user.active else None
