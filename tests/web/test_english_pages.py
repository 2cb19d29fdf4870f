"""The English locale leaves no Chinese on the inbox, a task page with its check panel, and a supervisor's instance
page (diagram, element states, timers, audit trail), in real headless Chromium; the Chinese locale keeps Chinese.

Data typed by people is not UI text: this test gives its own center, units and committee members English names,
and removes the staff fixture's Chinese data names (tests/support.seed_people: the centers and the authority's
organisation) before it scans the visible text, the page title and the text of the diagram's SVG."""
from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from tests.conftest import Actor
from tests.processes.support import GOOD_PROFILE, act, create_center, instance, rewind_clock, start
from tests.web.conftest import LiveServer, browser_login, screenshot, set_clock, start_annual_report

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
DATA_NAMES = ("测试中心_a", "测试中心_b", "nmg2025 科技厅")  # the staff fixture's centers and authority organisation
CENTER = "Inner Mongolia Rare Earth Materials Technology Innovation Center"
# 第十条(二) 专职固定科研人员不少于30人: 29 fails; names of units, members and branches in English
PROFILE: dict[str, Any] = {
    **GOOD_PROFILE, "fulltime_researchers": 29,
    "units": [{"name": "Baotou Rare Earth Group", "role": "lead", "kind": "enterprise"},
              {"name": "Inner Mongolia University", "role": "co_builder", "kind": "university"}],
    "technical_committee": [{"name": f"Member {i}", "from_lead_or_cobuilder": i < 3, "is_chair": i == 8}
                            for i in range(9)],
    "branches": [{"name": "Baotou Magnet Base", "kind": "key_technology"},
                 {"name": "Chifeng Transfer Base", "kind": "transformation"}],
}
PROPOSAL = {
    "proposed_name": CENTER, "research_field": "Rare earth materials", "organising_mode": "enterprise_led",
    "lead_unit": "Baotou Rare Earth Group", "recommendation": "Recommended by the Baotou city government.",
    "construction_plan": [{"name": "construction-plan.pdf", "file_id": "file-0001"}], "profile": PROFILE,
}
SVG_TEXT = "els => els.map(e => e.textContent)"


@pytest.fixture
def scene(live_server: LiveServer, staff: dict[str, Any]) -> dict[str, Any]:
    """An nmg2025 establishment whose automated checks wait for 科技厅's review, and center A's annual report waiting
    for the applicant, with its timers."""
    app: Flask = live_server.app
    client = app.test_client()
    people = {"centers": staff["centers"], **{key: Actor(client, user.token, user.username, user.role)
                                             for key, user in staff.items() if key != "centers"}}
    rewind_clock(app, "2025-08-28T09:00:00+08:00")
    center_id = create_center(people, name=CENTER, status="proposed")
    establishment = start(people["sponsor"], "nmg2025_establishment", center_id)["id"]
    act(people["sponsor"], establishment, "submit_proposal", PROPOSAL)
    [review] = instance(people["supervisor"], establishment)["ready_tasks"]
    set_clock(app, "2026-12-01T09:00:00+08:00")
    report = start_annual_report(app, staff)
    return {"establishment": establishment, "review_task": review["id"], "report": report}


def visible_text(page: Any) -> str:
    """What a reader sees: the page title, the body's rendered text and the text drawn in the diagram, minus the
    link to the Chinese page (a language is offered by its own name, 中文)."""
    svg = page.eval_on_selector_all("#diagram svg text", SVG_TEXT) if page.locator("#diagram svg").count() else []
    body = page.eval_on_selector("body", "b => { const c = b.cloneNode(true); "
                                 "c.querySelectorAll('a[lang=zh-CN]').forEach(a => a.remove()); "
                                 "document.documentElement.appendChild(c); const t = c.innerText; c.remove(); return t; }")
    return "\n".join([page.title(), body, *svg])


def chinese_left(text: str) -> list[str]:
    """The lines of `text` that keep a Chinese character once the data names are removed."""
    for name in DATA_NAMES:
        text = text.replace(name, "")
    return [line.strip() for line in text.splitlines() if CJK.search(line)]


def show_instance(page: Any, instance_id: int) -> None:
    page.goto(f"/monitor/instances/{instance_id}")
    page.wait_for_selector("#diagram svg .djs-element")
    page.wait_for_selector("[data-testid=audit-trail]")


def test_english_pages_have_no_chinese_left(page: Any, staff: dict[str, Any], scene: dict[str, Any]) -> None:
    browser_login(page, staff["authority"])
    page.goto("/lang/en")
    page.goto("/")
    page.wait_for_selector("[data-testid=inbox]")
    assert CENTER in page.inner_text("[data-testid=inbox]")
    left = {"inbox": chinese_left(visible_text(page))}
    screenshot(page, "en-inbox")

    page.goto(f"/tasks/{scene['review_task']}")
    page.wait_for_selector("[data-testid=checks]")
    checks = page.inner_text("[data-testid=checks]")
    assert "29 people, below the minimum of 30 people required by Art. 10(2)" in checks
    assert page.locator("[data-testid=checks] li.failed").count() >= 1
    assert page.locator("[data-testid=checks] li.passed").count() >= 5
    left["task"] = chinese_left(visible_text(page))
    screenshot(page, "en-task")

    page.context.clear_cookies()
    browser_login(page, staff["supervisor"])
    page.goto("/lang/en")
    for name, instance_id in (("en-instance", scene["report"]), ("en-instance-establishment", scene["establishment"])):
        show_instance(page, instance_id)
        svg = page.eval_on_selector_all("#diagram svg text", SVG_TEXT)
        assert any(text.strip() for text in svg), "the diagram draws no names"
        if instance_id == scene["report"]:
            assert page.locator("[data-testid=waiting-timers] tbody tr").count() >= 1
            assert "Submit annual report" in " ".join(svg) or "annual report" in " ".join(svg).lower()
        assert page.locator("[data-testid=audit-trail] tbody tr").count() >= 2
        left[name] = chinese_left(visible_text(page))
        screenshot(page, name)
    page.goto(f"/centers/{staff['centers']['a']}")  # its procedures, deadlines and history cite articles
    page.wait_for_selector("[data-testid=documents]")
    assert "Art. 29" in page.inner_text("body")
    left["en-center"] = chinese_left(visible_text(page))
    screenshot(page, "en-center")
    assert {name: lines for name, lines in left.items() if lines} == {}


def test_chinese_pages_keep_chinese(page: Any, staff: dict[str, Any], scene: dict[str, Any]) -> None:
    browser_login(page, staff["authority"])
    assert "组建" in page.inner_text("[data-testid=inbox]") or CJK.search(page.inner_text("[data-testid=inbox]"))
    page.goto(f"/tasks/{scene['review_task']}")
    page.wait_for_selector("[data-testid=checks]")
    assert "29 人，低于第十条(二)要求的不少于 30 人" in page.inner_text("[data-testid=checks]")
    screenshot(page, "zh-task")
    page.context.clear_cookies()
    browser_login(page, staff["supervisor"])
    show_instance(page, scene["report"])
    svg = " ".join(page.eval_on_selector_all("#diagram svg text", SVG_TEXT))
    assert "年度报告" in svg or "报告" in svg  # the BPMN names as written
    assert CJK.search(page.inner_text("[data-testid=audit-trail]"))
    screenshot(page, "zh-instance")
