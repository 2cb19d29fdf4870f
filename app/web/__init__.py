"""Server-rendered pages (Jinja, Flask-Babel): views parse, call one service, render. No business logic here.

Shared by every page module:
- a module under app/web defines a blueprint named `bp` and is listed in BLUEPRINT_MODULES;
- `app.web.auth.current_staff()` is the logged-in `User` (pass it to services), `login_required` and
  `app.web.auth.roles_required(*roles)` protect views;
- templates extend `base.html` (blocks `title`, `content`, `scripts`); filters `local_dt`, `local_date`,
  `role_label`, `status_label`, `category_label`, `event_kind_label`, `event_details`,
  `process_label`, `subject` (a business key as 2026年度 / 第2周期), the globals `actor_names(events)`, `people_names(logins)` and the `form_fields.html` macros are available everywhere;
- a DomainError raised by a service renders `errors.html` with its status (404/403/409/422) outside /api/.
"""
from __future__ import annotations

from datetime import date, datetime
from importlib import import_module
from typing import Any

from flask import Flask, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from app.articles import article_label
from app.errors import DomainError
from app.extensions import csrf, login_manager
from app.i18n import step_name
from app.labels import (
    CATEGORY_LABELS,
    POLICY_LABELS,
    PROCEDURE_LABELS,
    RULE_TITLES,
    STATUS_LABELS,
    procedure_name,
    role_name,
    subject,
)
from app.services.centers.profile_keys import SYSTEM_PROFILE
from app.services.infrastructure.forms import TEXT_MAX
from app.services.monitoring import event_text
from app.vocabulary import OVERSIGHT_ROLES, ProcessKey
from app.web.check_text import check_messages, check_reason, data_path_label
from app.web.form_decoding import input_name

# modules under app/web that define a blueprint named `bp`, registered in this order
BLUEPRINT_MODULES: list[str] = ["auth", "inbox", "tasks", "centers", "files", "monitor", "dashboard", "clock",
                                 "notifications", "designer"]



def init_web(app: Flask) -> None:
    """Register login, CSRF (not on the bearer-token API), filters and the web blueprints."""
    # settings (upload and request limits, cookies, the login rate) come from app/config.py
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("请先登录")
    login_manager.login_message_category = "info"
    csrf.init_app(app)
    for rule in app.url_map.iter_rules():  # the JSON API authenticates by bearer token: no cookie, no CSRF
        if rule.rule.startswith("/api/") and "." in rule.endpoint:
            blueprint = app.blueprints.get(rule.endpoint.split(".", 1)[0])
            if blueprint is not None:
                csrf.exempt(blueprint)

    app.jinja_env.filters.update(
        local_dt=local_dt, local_date=local_date, role_label=role_label, status_label=status_label,
        policy_label=policy_label, procedure_label=procedure_label, input_name=input_name,
        category_label=category_label, step_name=step_name, rule_title=rule_title, event_kind_label=event_text.kind_label,
        event_details=event_text.details,
        process_label=event_text.process_label, article=article_label, check_reason=check_reason, subject=subject,
    )
    app.jinja_env.globals["check_messages"] = check_messages
    app.jinja_env.globals["data_path_label"] = data_path_label
    app.jinja_env.globals["text_max"] = TEXT_MAX
    app.jinja_env.globals["actor_names"] = event_text.actor_names
    app.jinja_env.globals["people_names"] = event_text.people_names
    # data a form does not declare (the procedures' own keys, e.g. a center's field) is labelled as the profile is
    app.jinja_env.globals["known_field"] = lambda name: SYSTEM_PROFILE.get(name, {})
    app.jinja_env.tests["startingwith"] = lambda value, prefix: str(value).startswith(prefix)
    app.context_processor(_layout_context)
    _wrap_error_handlers(app)
    for name in BLUEPRINT_MODULES:
        app.register_blueprint(import_module(f"app.web.{name}").bp)
    # browsers ask for /favicon.ico whatever the page links: answer it rather than log a 404 per visitor
    app.add_url_rule("/favicon.ico", "favicon", lambda: redirect(url_for("static", filename="favicon.svg"), 301))


def local_dt(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A datetime shown in China Standard Time."""
    from app.clock import CHINA

    return value.astimezone(CHINA).strftime(fmt) if value else ""


def local_date(value: datetime | date | None) -> str:
    """A date (or the China-time date of a datetime)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return local_dt(value, "%Y-%m-%d")
    return value.isoformat()


def role_label(role: str | None, policy: str | None = None) -> str:
    """A role key in the user's language, as the policy's text calls it when the policy is given."""
    return role_name(role, policy)


def status_label(status: str | None) -> str:
    """A center, instance or task status in the user's language."""
    return str(STATUS_LABELS.get(status or "", status or ""))


def policy_label(policy: str | None) -> str:
    """A policy key in the user's language."""
    return str(POLICY_LABELS.get(policy or "", policy or ""))


def procedure_label(procedure: str | None) -> str:
    """A procedure key (`annual_report`, or a process key `nmg2025_annual_report`) in the user's language."""
    key = procedure or ""
    parsed = ProcessKey.parse(key)
    if key not in PROCEDURE_LABELS and parsed.policy in POLICY_LABELS:
        return procedure_name(parsed.policy, parsed.procedure)
    return str(PROCEDURE_LABELS.get(key, procedure or ""))


def rule_title(rule: str | None) -> str:
    """An automated check rule's title in the user's language (empty for a rule without one)."""
    return str(RULE_TITLES.get(rule or "", ""))


def category_label(category: str | None) -> str:
    """A center category (`field`, `comprehensive`) in the user's language."""
    return str(CATEGORY_LABELS.get(category or "", category or ""))


def _layout_context() -> dict[str, Any]:
    from flask_babel import get_locale
    from flask_login import current_user

    from app.services.infrastructure.notifications import unread_count
    from app.web.auth import current_staff

    unread = unread_count(current_staff()) if current_user.is_authenticated else 0
    return {"oversight_roles": OVERSIGHT_ROLES, "current_locale": str(get_locale() or "zh_CN"),
            "unread_notifications": unread}


def _wrap_error_handlers(app: Flask) -> None:
    """Pages get HTML error pages; /api/ keeps the JSON handlers registered before us."""
    spec = app.error_handler_spec[None][None]
    api_domain = spec.get(DomainError)
    api_http = spec.get(HTTPException)

    @app.errorhandler(DomainError)
    def _domain(err: DomainError) -> Any:
        if request.path.startswith("/api/") and api_domain is not None:
            return api_domain(err)
        return render_template("errors.html", status=err.status, message=err.message), err.status

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException) -> Any:
        if request.path.startswith("/api/") and api_http is not None:
            return api_http(err)
        if err.response is not None:
            return err
        if (err.code or 500) < 400:
            return err
        return render_template("errors.html", status=err.code, message=_http_message(err)), err.code or 500


def _http_message(err: HTTPException) -> str:
    from flask_babel import gettext as _

    code = err.code or 500
    messages = {
        400: _("请求无效：表单可能已过期，请返回刷新页面后重试"),
        403: _("您无权访问该页面"),
        404: _("页面不存在，或您无权查看"),
        405: _("不支持该请求方法"),
        413: _("上传的文件过大"),
        429: str(err.description or _("操作过于频繁，请稍后再试")),
    }
    return messages.get(code, _("服务器内部错误"))
