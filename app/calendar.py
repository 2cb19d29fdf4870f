"""Working days: the State Council schedule (holidays and adjusted working weekends) with editable years.

The schedule of a year comes, in order, from (1) the `calendar_year`/`calendar_day` tables (imported or
edited by an administrator), (2) the `chinese_calendar` library for the years it knows, (3) the plain
Monday–Friday rule, reported as an assumption with a warning naming the year.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar
from sqlalchemy import select

from app.extensions import db
from app.models import CalendarDay, CalendarYear

DATABASE, LIBRARY, ASSUMED = "database", "library", "assumed"
_CHINESE_NAMES = {h.value: h.chinese for h in chinese_calendar.Holiday}


@dataclass
class WorkingPeriod:
    """N working days from a start date: the days counted, and which years had no schedule."""

    start: date
    end: date
    working_days: list[date]
    assumed_years: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def assumed_year_warning(year: int) -> str:
    """The warning shown when `year` has no holiday schedule."""
    return (f"{year}年尚无国务院节假日安排：该年按周一至周五为工作日推算，未计入法定节假日和调休，"
            f"请管理员导入{year}年日历后复核")


def library_knows(year: int) -> bool:
    """True when the `chinese_calendar` library has the published schedule of `year`."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def library_days(year: int) -> list[tuple[date, bool, str | None]]:
    """The library's days of `year` that differ from the Monday–Friday rule: (day, is_working, Chinese name)."""
    days = []
    day = date(year, 1, 1)
    while day.year == year:
        working = chinese_calendar.is_workday(day)
        if working != (day.weekday() < 5):
            _, name = chinese_calendar.get_holiday_detail(day)
            label = _CHINESE_NAMES.get(name, name) if name else None
            days.append((day, working, f"{label}（调休上班）" if working and label else label))
        day += timedelta(days=1)
    return days


def year_source(year: int) -> str:
    """Where the schedule of `year` comes from: `database`, `library` or `assumed`."""
    if db.session.get(CalendarYear, year) is not None:
        return DATABASE
    return LIBRARY if library_knows(year) else ASSUMED


class _Schedule:
    """Per-call cache: one lookup per year, never one query per day."""

    def __init__(self) -> None:
        self._years: dict[int, tuple[str, dict[date, bool]]] = {}
        self.assumed: list[int] = []

    def _year(self, year: int) -> tuple[str, dict[date, bool]]:
        if year not in self._years:
            source = year_source(year)
            overrides: dict[date, bool] = {}
            if source == DATABASE:
                rows = db.session.scalars(select(CalendarDay).where(
                    CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31)))
                overrides = {row.day: row.is_working for row in rows}
            elif source == ASSUMED:
                self.assumed.append(year)
            self._years[year] = (source, overrides)
        return self._years[year]

    def is_working(self, day: date) -> bool:
        source, overrides = self._year(day.year)
        if source == LIBRARY:
            return bool(chinese_calendar.is_workday(day))
        return overrides.get(day, day.weekday() < 5)


def is_working_day(day: date) -> bool:
    """True when `day` is a working day (holidays off, adjusted working weekend days on)."""
    return _Schedule().is_working(day)


def working_period(start: date, days: int) -> WorkingPeriod:
    """Day 1 is the first working day on or after `start`; the period ends at the end of the `days`-th one."""
    if days < 1:
        raise ValueError("days must be at least 1")
    schedule = _Schedule()
    counted: list[date] = []
    day = start
    while len(counted) < days:
        if schedule.is_working(day):
            counted.append(day)
        day += timedelta(days=1)
    years = sorted(schedule.assumed)
    return WorkingPeriod(start, counted[-1], counted, years, [assumed_year_warning(y) for y in years])
