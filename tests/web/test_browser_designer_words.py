"""The designer page in headless Chromium, as a designer reads it: the comparison lists each change as
`名称：旧 → 新` (the flows bpmn-js-differ finds too), the history gives the time as the other pages and the deployer by
name, a dry run with nothing to migrate says so, and the form preview follows the page's language without the
site's header."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.services.design import definitions
from tests.web.conftest import LiveServer, browser_login, create_web_user, screenshot, set_clock
from tests.web.test_designer_words import DISPLAY_NAME, KEY, RENAMED

# the step and the flow leaving it renamed: SpiffWorkflow's diff sees the step, bpmn-js-differ the flow
RENAMED_WITH_FLOW = RENAMED.replace('name="提交" sourceRef="submit_report"', 'name="提交报告" sourceRef="submit_report"', 1)
CHANGED = "[data-testid=designer-diff-changed]"


def _designer_with_version_2(app: Flask) -> Any:
    """A designer of nmg2025 (with a display name) who deployed version 2 of the annual report at a known time."""
    designer = create_web_user(app, "nmg2025_designer", "designer", policy="nmg2025")
    set_clock(app, "2026-12-03T15:03:49+08:00")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == designer.username))
        assert user is not None
        user.display_name = DISPLAY_NAME
        db.session.commit()
        definitions.deploy(user, RENAMED_WITH_FLOW.encode("utf-8"), "第二十九条：填报步骤更名")
    return designer


def _open(page: Any) -> None:
    page.goto("/designer")
    page.wait_for_selector("body[data-designer-ready=true]")
    page.select_option("[data-testid=designer-process]", KEY)
    page.wait_for_selector('[data-testid=designer-history] tbody tr:first-child td:first-child:text-is("2")')


def _compare(page: Any) -> str:
    page.select_option("[data-testid=designer-diff-a]", "1")
    page.select_option("[data-testid=designer-diff-b]", "2")
    page.click("[data-testid=designer-compare]")
    page.wait_for_selector(f'{CHANGED} li[data-element="submit_report"]')
    text: str = page.inner_text(CHANGED)
    return text


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_designer_reads_the_comparison_history_and_dry_run_in_words(
        page: Any, live_server: LiveServer, app: Flask) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    browser_login(page, _designer_with_version_2(app))
    _open(page)

    newest = page.inner_text("[data-testid=designer-history] tbody tr:first-child")
    assert "2026-12-03 15:03" in newest and DISPLAY_NAME in newest and "nmg2025_designer" not in newest, newest
    oldest = page.inner_text("[data-testid=designer-history] tbody tr:last-child")
    assert "（仓库部署 tic deploy）" in oldest

    changed = _compare(page)
    assert page.inner_text(f'{CHANGED} li[data-element="submit_report"]') == (
        "填报年度报告（submit_report）\n名称：填报年度报告 → 填报年度报告（修订）")
    assert "名称：提交 → 提交报告" in page.inner_text(f'{CHANGED} li[data-element="Flow_submit_to_sponsor"]')
    assert "bpmn_name" not in changed and "SequenceFlow" not in changed, changed
    screenshot(page, "designer-diff-words")

    page.click("[data-testid=designer-dry-run]")
    page.wait_for_selector('[data-testid=designer-migration-empty]:has-text("没有需要迁移的运行中实例")')
    assert page.is_hidden("[data-testid=designer-migration]")
    assert not errors, errors


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_on_english_pages_the_comparison_and_the_form_preview_are_english(
        page: Any, live_server: LiveServer, app: Flask) -> None:
    browser_login(page, _designer_with_version_2(app))
    page.goto("/lang/en")
    _open(page)
    assert DISPLAY_NAME in page.inner_text("[data-testid=designer-history] tbody tr:first-child")
    changed = _compare(page)
    assert "Name: 填报年度报告 → 填报年度报告（修订）" in changed
    assert "Name: 提交 → 提交报告" in page.inner_text(f'{CHANGED} li[data-element="Flow_submit_to_sponsor"]')

    page.click('#designer-canvas g.djs-element[data-element-id="sponsor_review"]')
    page.click("[data-testid=designer-preview-form]")
    frame = page.frame_locator("#designer-form-frame")
    frame.locator("[data-testid=form-preview]").wait_for()
    assert frame.locator("[data-testid=form-preview-title]").inner_text() == "Review of the center's annual report"
    assert "Under Article 29" in frame.locator("[data-testid=form-preview-description]").inner_text()
    assert frame.locator("header.topbar").count() == 0 and frame.locator("form[action='/logout']").count() == 0
    screenshot(page, "designer-form-preview-en")
