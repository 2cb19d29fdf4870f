"""The working-day calendar: working periods, and each year's holiday schedule (admin edits)."""
from __future__ import annotations

from typing import Any, cast

from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from app.api.auth import authenticate, current_user
from app.api.parsing import Blueprint
from app.api.responses import secured
from app.calendar import WorkingPeriod
from app.services.time import calendar_admin

PREFIX = "/calendar"
bp = Blueprint("calendar", __name__, description="工作日历")
bp.before_request(authenticate)


class WorkingPeriodQuerySchema(Schema):
    """Query of a working period: a start date and a number of working days."""

    start = fields.Date(required=True, metadata={"description": "起始日期 YYYY-MM-DD"})
    days = fields.Integer(required=True, validate=validate.Range(
        min=1, max=366, error=cast(str, _l("工作日天数必须在 1 到 366 之间"))))  # lazy: translated per request


class WorkingPeriodSchema(Schema):
    """A working period: its end, its working days, and the years it had to assume."""

    start = fields.Date()
    end = fields.Date()
    working_days = fields.List(fields.Date())
    assumed_years = fields.List(fields.Integer())
    warnings = fields.List(fields.String())


class CalendarDaySchema(Schema):
    """One day of a year's schedule that differs from Monday–Friday."""

    date = fields.Date(required=True)
    is_working = fields.Boolean(required=True)
    name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=80))


class CalendarYearSchema(Schema):
    """A year's holiday schedule and where it comes from."""

    year = fields.Integer()
    source = fields.String(metadata={"description": "database | library | assumed"})
    origin = fields.String(allow_none=True, metadata={"description": "csv | api | library (stored years)"})
    note = fields.String(allow_none=True)
    updated_at = fields.DateTime(allow_none=True)
    days = fields.List(fields.Nested(CalendarDaySchema))
    warnings = fields.List(fields.String())


class CalendarYearPutSchema(Schema):
    """Body that replaces a year's holiday schedule."""

    days = fields.List(fields.Nested(CalendarDaySchema), required=True)
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))


@bp.route("/working-period")
class WorkingPeriodView(MethodView):
    """Counts working days from a start date."""

    @secured(bp, 422)
    @bp.arguments(WorkingPeriodQuerySchema(), location="query")
    @bp.response(200, WorkingPeriodSchema)
    def get(self, query: dict[str, Any]) -> WorkingPeriod:
        """N working days from a start date; warns about years without a holiday schedule."""
        return calendar_admin.working_period(query["start"], query["days"])


@bp.route("/years/<int:year>")
class CalendarYearView(MethodView):
    """Reads and replaces one year's holiday schedule."""

    @secured(bp, 422)
    @bp.response(200, CalendarYearSchema)
    def get(self, year: int) -> dict[str, Any]:
        """A year's holidays and adjusted working days, and their source."""
        return calendar_admin.year_schedule(year)

    @secured(bp, 403, 422)
    @bp.arguments(CalendarYearPutSchema())
    @bp.response(200, CalendarYearSchema)
    def put(self, body: dict[str, Any], year: int) -> dict[str, Any]:
        """Replace a year's schedule (admin): the days that differ from Monday–Friday."""
        return calendar_admin.replace_year(current_user(), year, body["days"], note=body.get("note"))
