"""The working-day calendar: read a year's schedule, import or replace a year (admin), seed from the library."""
from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select

from app import calendar, clock
from app.errors import Forbidden, InvalidSubmission
from app.extensions import db
from app.models import CalendarDay, CalendarYear, User
from app.services import transactions

HEADER = ["date", "is_working", "name"]
TRUE = {"true", "1", "yes", "y", "是"}
FALSE = {"false", "0", "no", "n", "否"}
MIN_YEAR, MAX_YEAR = 2000, 2100


def _require_admin(actor: User | None) -> None:
    """Writes need an admin; `None` is the operator on the command line."""
    if actor is not None and actor.role != "admin":
        raise Forbidden(_("只有管理员可以修改工作日历"))


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidSubmission(_("年度无效"), {"year": [_("年度必须在 %(min)s–%(max)s 之间", min=MIN_YEAR, max=MAX_YEAR)]})


def working_period(start: date, days: int) -> calendar.WorkingPeriod:
    """N working days from `start` (1 ≤ N ≤ 366), with the years that had no schedule."""
    if not 1 <= days <= 366:
        raise InvalidSubmission(_("天数无效"), {"days": [_("工作日天数必须在 1 到 366 之间")]})
    return calendar.working_period(start, days)


def year_schedule(year: int) -> dict[str, Any]:
    """A year's days that differ from Monday–Friday, and where they come from (database/library/assumed)."""
    _check_year(year)
    stored = db.session.get(CalendarYear, year)
    source = calendar.year_source(year)
    if source == calendar.DATABASE:
        rows = db.session.scalars(select(CalendarDay).where(
            CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31)).order_by(CalendarDay.day))
        days = [{"date": r.day, "is_working": r.is_working, "name": r.name} for r in rows]
    elif source == calendar.LIBRARY:
        days = [{"date": d, "is_working": w, "name": n} for d, w, n in calendar.library_days(year)]
    else:
        days = []
    return {
        "year": year, "source": source, "days": days,
        "origin": stored.source if stored else None, "note": stored.note if stored else None,
        "updated_at": stored.updated_at if stored else None,
        "warnings": [calendar.assumed_year_warning(year)] if source == calendar.ASSUMED else [],
    }


def replace_year(actor: User | None, year: int, days: list[dict[str, Any]], *, note: str | None = None,
                 source: str = "api") -> dict[str, Any]:
    """Store `days` ({date, is_working, name}) as the whole schedule of `year`; admin only; commits."""
    _require_admin(actor)
    _check_year(year)
    errors: dict[str, list[str]] = {}
    seen: set[date] = set()
    for i, item in enumerate(days):
        day = item["date"]
        if day.year != year:
            errors[f"days.{i}.date"] = [_("日期 %(day)s 不属于 %(year)s 年", day=day.isoformat(), year=year)]
        elif day in seen:
            errors[f"days.{i}.date"] = [_("日期 %(day)s 重复", day=day.isoformat())]
        seen.add(day)
    if errors:
        raise InvalidSubmission(_("%(year)s 年日历数据有误", year=year), errors)
    _store(year, [(d["date"], bool(d["is_working"]), d.get("name") or None) for d in days], note, source)
    return year_schedule(year)


def _store(year: int, days: list[tuple[date, bool, str | None]], note: str | None, source: str) -> None:
    db.session.execute(delete(CalendarDay).where(
        CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31)))
    db.session.add_all(CalendarDay(day=d, is_working=w, name=n) for d, w, n in days)
    stored = db.session.get(CalendarYear, year) or CalendarYear(year=year)
    stored.source, stored.note, stored.updated_at = source, note, clock.now()
    db.session.add(stored)
    transactions.commit_and_expire()


def parse_csv(text: str) -> tuple[int, list[dict[str, Any]]]:
    """Rows of a `date,is_working,name` CSV holding one year; InvalidSubmission with per-line messages."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows or [c.strip().lower() for c in rows[0]] != HEADER:
        raise InvalidSubmission(_("CSV 表头无效"), {"line 1": [_("第 1 行：表头必须是 date,is_working,name")]})
    errors: dict[str, list[str]] = {}
    days: list[dict[str, Any]] = []
    year: int | None = None
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        problems, day, working = _parse_row(row)
        if day is not None:
            year = day.year if year is None else year
            if day.year != year:
                problems.append(_("日期 %(day)s 不属于 %(year)s 年：一次只能导入一个年度", day=day.isoformat(), year=year))
            elif any(d["date"] == day for d in days):
                problems.append(_("日期 %(day)s 重复", day=day.isoformat()))
        if problems:
            errors[f"line {number}"] = [_("第 %(line)s 行：%(problem)s", line=number, problem=p) for p in problems]
        elif day is not None and working is not None:
            days.append({"date": day, "is_working": working, "name": (row[2].strip() if len(row) > 2 else "") or None})
    if errors:
        raise InvalidSubmission(_("CSV 数据有误，未导入任何内容"), errors)
    if year is None:
        raise InvalidSubmission(_("CSV 没有数据行"), {"file": [_("文件中没有数据行")]})
    return year, days


def _parse_row(row: list[str]) -> tuple[list[str], date | None, bool | None]:
    problems: list[str] = []
    if len(row) not in (2, 3):
        return [_("应有 2 或 3 列（date,is_working,name），实际 %(n)s 列", n=len(row))], None, None
    day: date | None = None
    try:
        day = date.fromisoformat(row[0].strip())
    except ValueError:
        problems.append(_("日期无效（YYYY-MM-DD）：%(value)r", value=row[0].strip()))
    flag = row[1].strip().lower()
    working = True if flag in TRUE else False if flag in FALSE else None
    if working is None:
        problems.append(_("is_working 必须是 true 或 false：%(value)r", value=row[1].strip()))
    if len(row) == 3 and len(row[2].strip()) > 80:
        problems.append(_("名称不能超过 80 个字符"))
    return problems, day, working


def import_csv(actor: User | None, text: str, *, note: str | None = None) -> dict[str, Any]:
    """Replace the year found in the CSV text with its rows; admin only; commits."""
    _require_admin(actor)
    year, days = parse_csv(text)
    return replace_year(actor, year, days, note=note, source="csv")


def seed_from_library(year: int, actor: User | None = None) -> dict[str, Any]:
    """Copy the library's non-default days of `year` into the table (then editable); admin only; commits."""
    _require_admin(actor)
    _check_year(year)
    if not calendar.library_knows(year):
        raise InvalidSubmission(_("日历库没有该年度的安排"),
                                {"year": [_("chinese_calendar 不含 %(year)s 年的节假日安排", year=year)]})
    _store(year, calendar.library_days(year), f"自 chinese_calendar 导入 {year} 年安排", "library")
    return year_schedule(year)
