"""Pure pieces of the supervisor side: Excel cells and widths, grouping the board, percentiles, durations."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook

from app.services.monitoring import exports
from app.services.monitoring.dashboard import percentile
from app.services.monitoring.overdue import DueItem, group
from app.services.running.instance_admin import TRANSITIONS
from app.web.monitor import duration


@pytest.mark.parametrize("value,expected", [
    (datetime(2027, 1, 31, 15, 59, 59, 123, tzinfo=UTC), datetime(2027, 1, 31, 23, 59, 59)),
    (datetime(2027, 1, 31, 8, 0), datetime(2027, 1, 31, 8, 0)),
    (date(2027, 1, 31), date(2027, 1, 31)),
    (["a", "b"], "a、b"),
    ({"k": "v"}, "k：v"),
    (None, None), (3, 3), (1.5, 1.5), (True, True), ("文字", "文字"),
])
def test_cell_values(value: Any, expected: Any) -> None:
    assert exports.cell_value(value) == expected


@pytest.mark.parametrize("value,width", [("abc", 3), ("技术创新", 8), ("a\n技术创新中心", 12), (None, 0),
                                         (datetime(2027, 1, 1), 16), (date(2027, 1, 1), 10)])
def test_display_width_counts_cjk_twice(value: Any, width: int) -> None:
    assert exports.display_width(value) == width


def test_workbook_round_trip() -> None:
    columns = [exports.Column("名称", lambda r: r["name"]), exports.Column("截止时间", lambda r: r["due"]),
               exports.Column("天数", lambda r: r["days"])]
    rows = [{"name": "内蒙古自治区现代煤化工技术创新中心" * 3, "due": datetime(2027, 1, 31, 15, 59, 59, tzinfo=UTC),
             "days": 3}]
    data = exports.workbook([exports.Sheet("逾期[事项]:一览/表格与其他非常长的标题会被截断到三十一个字符", columns, rows),
                             exports.Sheet("空表", columns, [])])
    book = load_workbook(BytesIO(data))
    first = book.worksheets[0]
    assert first.title == "逾期_事项__一览_表格与其他非常长的标题会被截断到三十一个字符"[:31] and len(first.title) == 31
    assert [c.value for c in first[1]] == ["名称", "截止时间", "天数"] and first[1][0].font.b
    assert first["B2"].value == datetime(2027, 1, 31, 23, 59, 59) and first["B2"].number_format == "yyyy-mm-dd hh:mm"
    assert first.column_dimensions["A"].width == exports.MAX_WIDTH
    assert first.column_dimensions["B"].width == 18 and first.column_dimensions["C"].width == exports.MIN_WIDTH
    assert first.freeze_panes == "A2" and first.auto_filter.ref == "A1:C2"
    assert [c.value for c in book["空表"][1]] == ["名称", "截止时间", "天数"] and book["空表"].max_row == 1
    assert load_workbook(BytesIO(exports.workbook([]))).sheetnames == ["Sheet1"]


def _item(policy: str, org: str, hours: int, kind: str = "task") -> DueItem:
    due = datetime(2027, 1, 1, tzinfo=UTC) + timedelta(hours=hours)
    return DueItem(kind, policy, org, 1, "中心", 1, "p", "e", f"{org}{hours}", None, due, 0)


def test_group_by_policy_then_organisation_in_due_order() -> None:
    items = [_item("xpcc", "乙", 3), _item("nmg2025", "乙", 2), _item("nmg2025", "甲", 5), _item("nmg2025", "乙", 1),
             _item("nmg2025", "乙", 1, "deadline")]
    groups = group(items)
    assert [(g.policy, g.count) for g in groups] == [("nmg2025", 4), ("xpcc", 1)]
    nmg = groups[0]
    assert [o.organisation for o in nmg.organisations] == sorted(["乙", "甲"])
    second = next(o for o in nmg.organisations if o.organisation == "乙")
    assert [(i.name, i.kind) for i in second.items] == [("乙1", "task"), ("乙1", "deadline"), ("乙2", "task")]
    assert group([]) == []


@pytest.mark.parametrize("values,p,expected", [
    ([], 50, None), ([5.0], 95, 5.0), ([3.0, 1.0, 2.0], 50, 2.0), ([1.0, 2.0, 3.0, 4.0], 50, 2.0),
    ([float(v) for v in range(1, 101)], 95, 95.0), ([float(v) for v in range(1, 101)], 100, 100.0),
])
def test_percentile_nearest_rank(values: list[float], p: float, expected: float | None) -> None:
    assert percentile(values, p) == expected


def test_transitions() -> None:
    assert TRANSITIONS == {"suspend": ("running", "error"), "resume": ("suspended",),
                           "terminate": ("running", "error", "suspended")}


@pytest.mark.parametrize("seconds,text", [
    (None, ""), (0.25, "0.2 秒"), (11.0, "11 秒"), (61, "1 分钟 1 秒"), (3 * 3600 + 120, "3 小时 2 分钟"),
    (1155601, "13 天 9 小时"),
])
def test_duration_in_words(seconds: float | None, text: str) -> None:
    from flask import Flask
    from flask_babel import Babel

    app = Flask(__name__)
    Babel(app)
    with app.test_request_context():
        assert duration(seconds) == text
