"""The simulated-clock control (advance by a day / month / year) for admins and supervisors.

Templates include `monitor/_clock.html`; it renders only when `clock_control_enabled` (provided to every
template by this module's context processor) is true: simulated-clock mode and an admin or supervisor.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, has_request_context, redirect
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import HiddenField, SelectField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3; types-WTForms 3.2 lacks it
from wtforms.validators import DataRequired

from app import clock
from app.services.time import clock_control
from app.vocabulary import CLOCK_ROLES
from app.web.auth import current_staff, login_required, safe_next

bp = Blueprint("sim_clock", __name__)

ADVANCES = {"day": "P1D", "month": "P1M", "year": "P1Y"}


class AdvanceForm(FlaskForm):
    """Which step to advance by, and the page to return to."""

    step = SelectField(choices=[SelectChoice(k) for k in ADVANCES], validators=[DataRequired()])
    next = HiddenField()


def clock_control_enabled() -> bool:
    """True when the clock is simulated and the logged-in user may move it."""
    return bool(
        has_request_context() and clock.is_simulated() and current_user.is_authenticated
        and current_staff().role in CLOCK_ROLES
    )


@bp.app_context_processor
def _clock_context() -> dict[str, Any]:
    return {"clock_control_enabled": clock_control_enabled(), "clock_state": clock_control.read}


@bp.post("/clock/advance")
@login_required
def advance() -> Response:
    """Advance the simulated clock by one step; every timer that came due fires before the answer."""
    form = AdvanceForm()
    back = safe_next(form.next.data, "/monitor/instances")
    if not form.validate_on_submit():
        flash(_("请选择前进一天、一个月或一年"), "error")
        return redirect(back)
    result = clock_control.move(current_staff(), advance=ADVANCES[str(form.step.data)])
    flash(_("模拟时钟已前进至 %(now)s（北京时间）：触发定时事件 %(fired)s 个，自动发起流程 %(started)s 个",
            now=result["now"].astimezone(clock.CHINA).strftime("%Y-%m-%d %H:%M"),
            fired=result["timers_fired"], started=result["instances_started"]), "success")
    return redirect(back)
