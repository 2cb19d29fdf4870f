"""Any list to an Excel workbook (.xlsx): Chinese header row, China-time datetimes, fitted column widths."""
from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from app.clock import CHINA

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
MAX_WIDTH = 60
MIN_WIDTH = 8
HEADER_FILL = PatternFill("solid", fgColor="DDE7F3")


@dataclass(frozen=True)
class Column:
    """One column: its header (Chinese) and how to read the cell from a row."""

    header: str
    value: Callable[[Any], Any]


@dataclass
class Sheet:
    """One worksheet: a title, its columns and its rows."""

    title: str
    columns: Sequence[Column]
    rows: Iterable[Any]


def cell_value(value: Any) -> Any:
    """A value Excel can hold: aware datetimes become naive China time; lists and dicts become text."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(CHINA).replace(tzinfo=None)
        return value.replace(microsecond=0)
    if isinstance(value, bool) or value is None or isinstance(value, int | float | str | date):
        return value
    if isinstance(value, list | tuple | set):
        return "、".join(str(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}：{v}" for k, v in value.items())
    return str(value)


def display_width(value: Any) -> int:
    """Rough width of a cell in characters: CJK and full-width characters count twice."""
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    text = "" if value is None else str(value)
    longest = max((line for line in text.splitlines() or [""]), key=len)
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in longest)


def workbook(sheets: Sequence[Sheet]) -> bytes:
    """Write the sheets into one workbook and return the .xlsx bytes."""
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        _write_sheet(book, sheet)
    if not book.worksheets:
        book.create_sheet("Sheet1")
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_xlsx(title: str, columns: Sequence[Column], rows: Iterable[Any]) -> bytes:
    """One list as a one-sheet workbook."""
    return workbook([Sheet(title, columns, rows)])


def _write_sheet(book: Workbook, sheet: Sheet) -> None:
    ws = book.create_sheet(_safe_title(sheet.title))
    widths = [display_width(c.header) for c in sheet.columns]
    ws.append([c.header for c in sheet.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center")
    for row in sheet.rows:
        values = [cell_value(c.value(row)) for c in sheet.columns]
        ws.append(values)
        _as_text(ws[ws.max_row])
        for i, value in enumerate(values):
            widths[i] = max(widths[i], display_width(value))
    for i, _column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = min(MAX_WIDTH, max(MIN_WIDTH, widths[i - 1] + 2))
        for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
            if isinstance(cell.value, datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
    ws.freeze_panes = "A2"
    if ws.max_row > 1:
        ws.auto_filter.ref = ws.dimensions


# a text cell starting with one of these is a formula (or DDE) to a spreadsheet: OWASP "CSV injection"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _as_text(cells: Sequence[Any]) -> None:
    """Cells whose text would start a formula are written as text (quote prefix), never as a live formula."""
    for cell in cells:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
            cell.data_type = "s"
            cell.quotePrefix = True


def _safe_title(title: str) -> str:
    """Excel sheet titles: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in title).strip() or "Sheet"
    return cleaned[:31]
