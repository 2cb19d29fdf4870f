"""Staff in real headless Chromium: an applicant submits an annual report, the local S&T department approves it."""
from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import GOOD_REPORT, LiveServer, browser_login, screenshot, set_clock, start_annual_report


@pytest.fixture
def report(live_server: LiveServer, staff: dict[str, Any]) -> int:
    set_clock(live_server.app, "2026-12-01T09:00:00+08:00")
    return start_annual_report(live_server.app, staff)


def _fill_report(page: Any, data: dict[str, str]) -> None:
    for name, value in data.items():
        page.fill(f"[name='{name}']", value)


def test_applicant_submits_and_local_st_department_approves(page: Any, staff: dict[str, Any], report: int) -> None:
    page.goto("/login")
    page.wait_for_selector("form #username")
    screenshot(page, "staff-01-login")
    browser_login(page, staff["applicant"])
    row = page.locator("[data-testid=task-list] tr[data-element=submit_report]")
    row.wait_for()
    assert "第二十九条" in row.inner_text()
    screenshot(page, "staff-02-inbox-applicant")

    row.locator("a").first.click()
    page.wait_for_selector("[data-testid=task-form]")
    assert "1月底前" in page.inner_text("[data-testid=instructions]")
    # first attempt: the summary is too short and the researcher count negative
    _fill_report(page, {**GOOD_REPORT, "summary": "太短", "fulltime_researchers": "-3"})
    page.click("[data-testid=complete]")
    page.wait_for_selector("[data-testid=form-errors]")
    assert page.locator("[data-field=summary] .field-error").count() == 1
    assert "不能小于 0" in page.inner_text("[data-field=fulltime_researchers] .field-error")
    assert page.input_value("[name=achievements]") == GOOD_REPORT["achievements"]  # nothing lost
    screenshot(page, "staff-03-task-validation-errors")

    _fill_report(page, GOOD_REPORT)
    page.click("[data-testid=complete]")
    page.wait_for_selector("[data-testid=inbox-empty]")
    assert "已提交" in page.inner_text(".flash")

    page.click("form[action='/logout'] button")
    page.wait_for_selector("form #username")
    browser_login(page, staff["local_authority"])
    page.locator("tr[data-element=sponsor_review] a").first.click()
    page.wait_for_selector("[data-testid=submissions]")
    assert GOOD_REPORT["summary"] in page.inner_text("[data-testid=submissions]")
    page.check("input[name=decision][value=approve]")
    page.fill("[name=comment]", "同意，报送科技厅。")
    screenshot(page, "staff-04-local-authority-review")
    page.click("[data-testid=complete]")
    page.wait_for_selector("[data-testid=inbox-empty]")

    page.goto(f"/centers/{staff['centers']['a']}")
    page.wait_for_selector("[data-testid=procedures]")
    text = page.inner_text("[data-testid=procedures]")
    assert "地方科技管理部门审核" in text and "填报年度报告" in text
    assert "年度报告" in page.inner_text("[data-testid=deadlines]")
    screenshot(page, "staff-05-center")

    page.click(".lang-switch a")  # English, back on the same page
    page.wait_for_selector("html[lang=en]")
    assert "Statutory deadlines" in page.inner_text("[data-testid=deadlines]")
    page.goto("/")
    page.wait_for_selector("[data-testid=inbox]")
    assert "Inbox" in page.title()
    screenshot(page, "staff-07-inbox-english")


def test_array_rows_added_and_removed_with_javascript(page: Any, live_server: LiveServer,
                                                      staff: dict[str, Any], tmp_path: Any) -> None:
    """A form with a table of members: rows are added by script, an emptied row is dropped by the server."""
    from tests.web.test_pages import use_members_form

    task_id = use_members_form(live_server.app, staff, tmp_path)
    browser_login(page, staff["applicant"])
    page.goto(f"/tasks/{task_id}")
    wrap = page.locator("[data-rows=members]")
    wrap.wait_for()
    assert wrap.locator("tbody tr").count() == 2  # blank rows offered by the server
    wrap.locator(".add-row").click()
    assert wrap.locator("tbody tr").count() == 3
    page.fill("[name='members.0.name']", "张三")
    page.fill("[name='members.0.title']", "研究员")
    page.fill("[name='members.2.name']", "李四")
    wrap.locator("tbody tr").nth(1).locator(".remove-row").click()
    assert wrap.locator("tbody tr").count() == 2
    page.check("input[name=agree][value=true]")
    page.set_input_files("input[name=attachments]", files=[
        {"name": "章程.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 test"}])
    screenshot(page, "staff-06-array-rows")
    page.click("[data-testid=save-draft]")
    page.wait_for_selector(".flash-success")
    assert page.input_value("[name='members.0.name']") == "张三"
    assert page.input_value("[name='members.1.name']") == "李四"
    assert "章程.pdf" in page.inner_text("[data-field=attachments]")
