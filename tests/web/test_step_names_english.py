"""Step and procedure names (written in Chinese in the BPMN) read in English on English pages."""
from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask_babel import force_locale, gettext

from tests.web.conftest import logged_in, ready_task_id, set_clock, start_annual_report

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def test_inbox_task_and_instance_pages_name_the_steps_in_english(app: Flask, staff: dict[str, Any]) -> None:
    set_clock(app, "2026-12-01T09:00:00+08:00")
    report = start_annual_report(app, staff)
    task_id = ready_task_id(app, "submit_report")
    with app.test_request_context(), force_locale("en"):
        english = gettext("填报年度报告")
    assert english != "填报年度报告" and not CHINESE.search(english)  # the catalog has it (extracted from the BPMN)
    applicant = logged_in(app, staff["applicant"])
    applicant.get("/lang/en")
    inbox = applicant.get("/").get_data(as_text=True)
    assert english in inbox and "填报年度报告" not in inbox
    task_page = applicant.get(f"/tasks/{task_id}").get_data(as_text=True)  # headed by its form's English title
    assert "填报年度报告" not in task_page
    supervisor = logged_in(app, staff["supervisor"])
    supervisor.get("/lang/en")
    page = supervisor.get(f"/monitor/instances/{report}").get_data(as_text=True)
    assert english in page
    chinese = logged_in(app, staff["applicant"]).get("/").get_data(as_text=True)
    assert "填报年度报告" in chinese  # the Chinese pages keep the names as written
