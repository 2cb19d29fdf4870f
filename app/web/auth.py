"""Login, logout and the language switch; the logged-in user for the other page modules."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import UserMixin, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from app.errors import TooManyRequests, Unauthenticated
from app.extensions import login_manager
from app.i18n import LANG_COOKIE, normalise
from app.i18n import lazy_text as _l
from app.models import User
from app.services.people import web_auth

bp = Blueprint("auth", __name__)
F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["bp", "current_staff", "login_required", "roles_required", "safe_next"]


class Staff(UserMixin):
    """The Flask-Login wrapper of a `User`; attribute access falls through to the user."""

    def __init__(self, user: User) -> None:
        self.user = user

    def get_id(self) -> str:
        """The session key: the user id."""
        return str(self.user.id)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.user, name)


SESSION_KEY = "sid"  # the key of the server-side session (web_auth.begin_session); logout revokes it


@login_manager.user_loader
def _load(user_id: str) -> Staff | None:
    user = web_auth.load_user(int(user_id), session.get(SESSION_KEY)) if user_id.isdigit() else None
    return Staff(user) if user is not None else None


def current_staff() -> User:
    """The logged-in user (the model services expect); call from views behind `login_required`."""
    return cast(Staff, current_user).user


def roles_required(*roles: str) -> Callable[[F], F]:
    """Decorator: logged in and one of `roles`, else 403."""

    def decorate(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_staff().role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorate


def safe_next(target: str | None, default: str = "/") -> str:
    """`target` if it is a path on this site, else `default` (no open redirects)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


class LoginForm(FlaskForm):
    """Username and password (with Flask-WTF's csrf_token)."""

    username = StringField(_l("用户名"), validators=[DataRequired(message=_l("请输入用户名")), Length(max=80)])
    password = PasswordField(_l("密码"), validators=[DataRequired(message=_l("请输入密码")), Length(max=200)])


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """The login page; on success, to `next` or the inbox."""
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    error, status = None, 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:  # failed attempts are counted per account and per address in the database (every worker)
            user = web_auth.verify_password(form.username.data or "", form.password.data or "",
                                            request.remote_addr or "")
        except (Unauthenticated, TooManyRequests) as err:
            error, status = err.message, err.status
        else:
            session.clear()  # no session fixation: a fresh session for the new login
            session[SESSION_KEY] = web_auth.begin_session(user)
            login_user(Staff(user))
            return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    """End the session (POST with the CSRF token)."""
    lang = session.get("lang")
    web_auth.end_session(session.get(SESSION_KEY))  # revoked server-side: a copied cookie stops working
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("您已退出登录"), "info")
    return redirect(url_for("auth.login"))


@bp.route("/lang/<code>")
def set_language(code: str) -> Response:
    """Switch the interface language (kept in the session and a cookie), back to the page we came from."""
    locale = normalise(code)
    if locale is None:
        abort(404)
    session["lang"] = locale
    back = safe_next(request.args.get("next") or _referrer_path())
    response = redirect(back)
    response.set_cookie(LANG_COOKIE, locale, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]))
    return response


def _referrer_path() -> str | None:
    referrer = request.referrer
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if parts.netloc and parts.netloc != request.host:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")
