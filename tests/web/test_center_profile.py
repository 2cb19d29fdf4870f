"""The center profile reads as people write it: labels from the policy's forms, units, choices by name, tables."""
from __future__ import annotations

from typing import Any

from flask import Flask

from app.extensions import db
from app.models import Center
from tests.web.conftest import logged_in

PROFILE = {
    "rd_floor_area": 3600, "equipment_value": 2600, "strategic_directed": False,
    "units": [{"name": "包头示范稀土集团有限公司", "role": "lead", "kind": "enterprise"}],
    "director": {"age": 52, "fulltime": True},
}


def test_profile_is_labelled_with_units_and_tables(app: Flask, staff: dict[str, Any]) -> None:
    center_id = staff["centers"]["a"]
    with app.app_context():
        center = db.session.get(Center, center_id)
        assert center is not None
        center.profile = PROFILE
        db.session.commit()
    page = logged_in(app, staff["supervisor"]).get(f"/centers/{center_id}").get_data(as_text=True)
    section = page[page.index('data-testid="center-profile"'):]
    assert "科研开发用房面积" in section and "3600 m²" in section  # title and unit from nmg2025's form
    assert "牵头建设单位" in section and "企业" in section  # choices by their labels, a list as a table
    assert "rd_floor_area" not in section and '"lead"' not in section and "{" not in section.split("</table>")[0]
    english = logged_in(app, staff["supervisor"])
    english.get("/lang/en")
    in_english = english.get(f"/centers/{center_id}").get_data(as_text=True)
    section = in_english[in_english.index('data-testid="center-profile"'):]
    assert "3600 m²" in section and "Yes" in section and "万元" not in section  # units and yes/no in English
    assert "科研开发用房面积" not in section  # the form's x-title-en
