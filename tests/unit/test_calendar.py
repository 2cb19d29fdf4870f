"""Working days (procedures.md "Deadlines and calendars" and its worked examples)."""
from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask

from app import calendar
from app.services.time import calendar_admin


def d(text: str) -> date:
    return date.fromisoformat(text)


def test_jinzhong_public_notice_from_monday_2025_09_29(app: Flask) -> None:
    with app.app_context():
        period = calendar.working_period(d("2025-09-29"), 5)
    assert period.working_days == [d("2025-09-29"), d("2025-09-30"), d("2025-10-09"), d("2025-10-10"), d("2025-10-11")]
    assert period.end == d("2025-10-11") and period.start == d("2025-09-29")
    assert period.assumed_years == [] and period.warnings == []


def test_four_days_from_friday_2025_01_24_skip_spring_festival(app: Flask) -> None:
    with app.app_context():
        period = calendar.working_period(d("2025-01-24"), 4)
    assert period.working_days == [d("2025-01-24"), d("2025-01-26"), d("2025-01-27"), d("2025-02-05")]
    assert period.end == d("2025-02-05")


@pytest.mark.parametrize("day,working", [
    ("2025-10-01", False),  # National Day, a Wednesday
    ("2025-10-11", True),   # Saturday, adjusted working day
    ("2025-10-12", False),  # ordinary Sunday
    ("2025-10-13", True),   # ordinary Monday
    ("2025-01-26", True),   # Sunday, adjusted working day (Spring Festival)
])
def test_is_working_day_uses_the_library(app: Flask, day: str, working: bool) -> None:
    with app.app_context():
        assert calendar.is_working_day(d(day)) is working
        assert calendar.year_source(2025) == "library"


def test_day_one_is_the_first_working_day_on_or_after_start(app: Flask) -> None:
    with app.app_context():
        period = calendar.working_period(d("2025-10-01"), 1)  # holiday → first working day is 10-09
    assert period.working_days == [d("2025-10-09")] and period.end == d("2025-10-09")


def test_unknown_year_is_weekends_only_with_a_warning(app: Flask) -> None:
    with app.app_context():
        assert calendar.year_source(2099) == "assumed"
        period = calendar.working_period(d("2099-01-01"), 5)  # Thursday; 1 January counts: no schedule
    assert period.working_days == [d("2099-01-01"), d("2099-01-02"), d("2099-01-05"), d("2099-01-06"),
                                   d("2099-01-07")]
    assert period.assumed_years == [2099]
    assert len(period.warnings) == 1 and "2099" in period.warnings[0] and "推算" in period.warnings[0]


def test_zero_days_is_an_error(app: Flask) -> None:
    with app.app_context(), pytest.raises(ValueError):
        calendar.working_period(d("2025-01-01"), 0)


def _days(*items: tuple[str, bool, str]) -> list[dict[str, Any]]:
    return [{"date": d(day), "is_working": working, "name": name} for day, working, name in items]


def test_database_year_overrides_the_library(app: Flask) -> None:
    with app.app_context():
        # an administrator's (fictitious) 2025: only 1 October off, no adjusted working Saturday
        calendar_admin.replace_year(None, 2025, _days(("2025-10-01", False, "国庆节")), note="测试")
        assert calendar.year_source(2025) == "database"
        assert calendar.is_working_day(d("2025-10-02")) is True
        assert calendar.is_working_day(d("2025-10-11")) is False
        period = calendar.working_period(d("2025-09-29"), 5)
    assert period.working_days == [d("2025-09-29"), d("2025-09-30"), d("2025-10-02"), d("2025-10-03"), d("2025-10-06")]
    assert period.assumed_years == []


def test_database_year_marks_weekend_working_and_next_year_assumed(app: Flask) -> None:
    with app.app_context():
        calendar_admin.replace_year(None, 2098, _days(("2098-12-27", True, "调休上班"), ("2098-12-29", False, "假日")))
        period = calendar.working_period(d("2098-12-27"), 4)  # Saturday 12-27 is working, Monday 12-29 off
        assert calendar.year_source(2098) == "database"
    assert period.working_days == [d("2098-12-27"), d("2098-12-30"), d("2098-12-31"), d("2099-01-01")]
    assert period.assumed_years == [2099] and "2099" in period.warnings[0]


def test_library_days_have_chinese_names(app: Flask) -> None:
    with app.app_context():
        days = {day: (working, name) for day, working, name in calendar.library_days(2025)}
    assert days[d("2025-10-01")] == (False, "国庆节")
    assert days[d("2025-10-11")] == (True, "国庆节（调休上班）")
    assert days[d("2025-01-26")] == (True, "春节（调休上班）")
    assert d("2025-10-04") not in days  # a Saturday off is the default: not listed
    assert calendar.library_knows(2025) and not calendar.library_knows(2099)


def test_seed_from_library_copies_the_year(app: Flask) -> None:
    with app.app_context():
        result = calendar_admin.seed_from_library(2025)
        assert result["source"] == "database" and result["origin"] == "library"
        assert {"date": d("2025-10-11"), "is_working": True, "name": "国庆节（调休上班）"} in result["days"]
        period = calendar.working_period(d("2025-09-29"), 5)
    assert period.end == d("2025-10-11")


def test_seed_rejects_a_year_the_library_lacks(app: Flask) -> None:
    from app.errors import InvalidSubmission

    with app.app_context(), pytest.raises(InvalidSubmission) as err:
        calendar_admin.seed_from_library(2099)
    assert "2099" in err.value.errors["year"][0]  # type: ignore[index]


@pytest.mark.parametrize("text,key,fragment", [
    ("day,working\n2025-01-01,false\n", "line 1", "表头"),
    ("date,is_working,name\n2025-13-01,false,x\n", "line 2", "日期无效"),
    ("date,is_working,name\n2025-01-01,maybe,x\n", "line 2", "is_working"),
    ("date,is_working,name\n2025-01-01,false,元旦\n2026-01-01,false,元旦\n", "line 3", "一次只能导入一个年度"),
    ("date,is_working,name\n2025-01-01,false,元旦\n2025-01-01,false,元旦\n", "line 3", "重复"),
    ("date,is_working,name\n", "file", "没有数据行"),
])
def test_csv_validation_reports_each_line(app: Flask, text: str, key: str, fragment: str) -> None:
    from app.errors import InvalidSubmission

    with app.app_context(), pytest.raises(InvalidSubmission) as err:
        calendar_admin.import_csv(None, text)
    assert err.value.status == 422
    assert fragment in err.value.errors[key][0]  # type: ignore[index]
