"""A process designer in headless Chromium: opens a procedure, renames a task and sets its article, saves a draft,
sees the lint mark on a new task without an article, fixes it, deploys version n+1, compares, and migrates a
running instance that then completes on n+1 while it had stayed on n until migrated."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import DesignDraft, Event, ProcessDefinition, ProcessInstance, User
from app.services.running import instances
from app.services.tasks import actions
from tests.web.conftest import (
    LiveServer,
    browser_login,
    create_web_user,
    csrf_token,
    logged_in,
    ready_task_id,
    screenshot,
    set_clock,
)

KEY = "nmg2025_major_change"
LEAD_UNIT = {"change_items": ["lead_unit"], "description": "变更前后情况说明。", "reason": "牵头建设单位重组。",
             "profile": {"units": [{"name": "内蒙古工业大学", "role": "lead", "kind": "university"}]},
             "council_resolution": []}
# the new step: a script task recording the approval, inserted between registering the change and the end
INSERT_TASK = """() => {
  const m = window.ticDesigner.modeler, registry = m.get('elementRegistry'), modeling = m.get('modeling');
  const factory = m.get('elementFactory'), apply = registry.get('apply_approved_change');
  const lane = registry.get('Lane_authority');
  const businessObject = m.get('bpmnFactory').create('bpmn:ScriptTask', { id: 'record_approval' });
  const shape = modeling.createShape(factory.createShape({ type: 'bpmn:ScriptTask', businessObject }),
    { x: apply.x + apply.width / 2, y: apply.y + apply.height + 60 }, lane);
  modeling.updateProperties(shape, { name: '记录批准结果', script: "approval_recorded = True" });
  const flow = registry.get('Flow_approved_to_end');
  modeling.reconnectEnd(flow, shape, { x: shape.x, y: shape.y + shape.height / 2 });
  modeling.connect(shape, registry.get('end_change_approved'));
  return shape.id;
}"""


def _user(app: Flask, username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    assert user is not None
    return user


def _version_of(app: Flask, instance_id: int) -> int:
    with app.app_context():
        instance = db.session.get(ProcessInstance, instance_id)
        assert instance is not None
        definition = db.session.get(ProcessDefinition, instance.definition_id)
        assert definition is not None
        return definition.version


def _complete(app: Flask, staff: dict[str, Any], key: str, element_id: str, data: dict[str, Any],
              center: str = "a") -> None:
    task_id = ready_task_id(app, element_id, staff["centers"][center])
    with app.app_context():
        actions.complete(_user(app, staff[key].username), task_id, data)


def _start(app: Flask, staff: dict[str, Any], center: str = "a") -> int:
    applicant = "applicant" if center == "a" else "applicant_b"
    with app.app_context():
        instance = instances.start_instance(_user(app, staff[applicant].username), KEY, staff["centers"][center], {})
        instance_id = int(instance.id)
    _complete(app, staff, applicant, "submit_change_request", LEAD_UNIT, center)
    return instance_id


def focus(page: Any, element_id: str) -> None:
    """Zoom the canvas to 100 % on an element (the simulation's buttons hide when zoomed out) and hover it."""
    page.evaluate("""(id) => { const m = window.ticDesigner.modeler, canvas = m.get('canvas');
      canvas.zoom(1); canvas.scrollToElement(m.get('elementRegistry').get(id)); }""", element_id)
    page.hover(f'#designer-canvas g.djs-element[data-element-id="{element_id}"]')


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_designer_edits_lints_deploys_compares_and_migrates(
        page: Any, live_server: LiveServer, app: Flask, staff: dict[str, Any]) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    set_clock(app, "2027-03-01T09:00:00+08:00")
    running = _start(app, staff)  # waiting for the council on version 1
    designer = create_web_user(app, "nmg2025_designer", "designer", policy="nmg2025")

    browser_login(page, designer)
    page.click("nav.mainnav a[href='/designer']")
    page.wait_for_selector("body[data-designer-ready=true]")
    page.select_option("[data-testid=designer-process]", KEY)
    page.wait_for_selector('[data-testid=designer-status]:has-text("第 1 版")')

    # rename the organising unit's review and set its article in the panels
    page.click('#designer-canvas g.djs-element[data-element-id="sponsor_change_review"]')
    page.fill("#bio-properties-panel-name", "组织单位审核（修订）")
    page.fill("#bio-properties-panel-tic-article", "第三十条（一）")
    page.click("[data-testid=designer-save-draft]")
    page.wait_for_selector('[data-testid=designer-status]:has-text("草稿已保存")')
    with app.app_context():
        draft = db.session.scalar(select(DesignDraft).where(DesignDraft.process_key == KEY))
        assert draft is not None and "组织单位审核（修订）" in draft.xml and "第三十条（一）" in draft.xml

    # a new task without an article is marked while editing; setting the article clears the mark
    new_id = page.evaluate(INSERT_TASK)
    page.wait_for_selector(f'.djs-overlays[data-container-id="{new_id}"] .bjsl-overlay')
    page.click(f'#designer-canvas g.djs-element[data-element-id="{new_id}"]')
    page.fill("#bio-properties-panel-tic-article", "第三十条(一)")
    page.wait_for_function(f"""() => !document.querySelector('.djs-overlays[data-container-id="{new_id}"] .bjsl-overlay')""")
    screenshot(page, "designer-edited")
    # bpmn-js, its panel and the linter speak the page's language (bpmn-js-i18n-zh)
    panel = page.inner_text("#designer-properties")
    assert "通用" in panel and "名称" in panel and "General" not in panel, panel
    assert "没有问题" in page.inner_text(".bjsl-button") or "错误" in page.inner_text(".bjsl-button")
    page.evaluate("() => window.ticDesigner.modeler.get('selection').select("
                  "window.ticDesigner.modeler.get('elementRegistry').get('Lane_authority'))")
    header = page.inner_text("#designer-properties .bio-properties-panel-header")
    assert "泳道" in header and "LANE" not in header.upper(), header  # the element type in Chinese too

    page.click("[data-testid=designer-validate]")
    page.wait_for_selector('#designer-problems-title:has-text("通过")')

    # the form of a user task as staff will see it
    page.click('#designer-canvas g.djs-element[data-element-id="council_review"]')
    page.click("[data-testid=designer-preview-form]")
    frame = page.frame_locator("#designer-form-frame")
    frame.locator("[data-testid=form-preview]").wait_for()
    assert "审核结论" in frame.locator("[data-testid=form-preview]").inner_text()
    page.click("#designer-form-close")

    # simulate before deploying: choose the gateway's path, start a token and watch it move
    page.click(".bts-toggle-mode")
    page.wait_for_selector("#designer-canvas .bjs-container.simulation")
    focus(page, "gateway_change_path")
    page.click('.djs-overlays[data-container-id="gateway_change_path"] .bts-context-pad[title="Set Sequence Flow"]')
    focus(page, "start_major_change")
    page.click('.djs-overlays[data-container-id="start_major_change"] .bts-context-pad[title="Trigger Event"]')
    page.wait_for_selector(".bts-token")
    screenshot(page, "designer-simulation")
    page.click(".bts-toggle-mode")
    page.wait_for_selector("#designer-canvas .bjs-container:not(.simulation)")
    page.fill("[data-testid=designer-comment]", "第三十条(一)：组织单位审核更名，批准后记录结果")
    page.click("[data-testid=designer-deploy]")
    page.wait_for_selector('[data-testid=designer-status]:has-text("第 2 版")')
    page.wait_for_selector('[data-testid=designer-history] tbody tr:first-child:has-text("nmg2025_designer")')

    # the diff lists (and colours) what changed
    page.select_option("[data-testid=designer-diff-a]", "1")
    page.select_option("[data-testid=designer-diff-b]", "2")
    page.click("[data-testid=designer-compare]")
    page.wait_for_selector('[data-testid=designer-diff-changed] li[data-element="sponsor_change_review"]')
    assert page.query_selector(f'[data-testid=designer-diff-added] li[data-element="{new_id}"]')
    assert page.query_selector(f'#designer-diff-right g.djs-element.diff-added[data-element-id="{new_id}"]')
    screenshot(page, "designer-diff")

    # a new instance runs on version 2; the running one stays on version 1 until migrated
    fresh = _start(app, staff, "b")
    assert _version_of(app, fresh) == 2 and _version_of(app, running) == 1
    page.click("[data-testid=designer-dry-run]")
    page.wait_for_selector(f'[data-testid=designer-migration] tr[data-instance="{running}"]:has-text("可安全迁移")')
    assert _version_of(app, running) == 1
    page.click("[data-testid=designer-migrate]")
    page.wait_for_selector(f'[data-testid=designer-migration] tr[data-instance="{running}"]:has-text("已迁移")')
    assert _version_of(app, running) == 2
    assert not errors, errors

    _complete(app, staff, "council", "council_review", {"decision": "approve"})
    _complete(app, staff, "sponsor", "sponsor_change_review", {"decision": "approve"})
    _complete(app, staff, "authority", "authority_change_approval", {"decision": "approve"})
    with app.app_context():
        instance = db.session.get(ProcessInstance, running)
        assert instance is not None and instance.status == "completed"
        done = set(db.session.scalars(select(Event.element_id).where(Event.instance_id == running)))
        kinds = set(db.session.scalars(select(Event.kind).where(Event.instance_id == running)))
    assert new_id in done and "instance_migrated" in kinds  # it ran the new version's step


DESIGNER_PAGES = ["/designer", "/designer/forms/nmg2025/change_review.json", "/designer/api/palette",
                  f"/designer/api/versions/{KEY}", f"/designer/api/versions/{KEY}/1", f"/designer/api/diff/{KEY}/1/1",
                  f"/designer/api/drafts/{KEY}"]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_modeler_speaks_english_on_english_pages(page: Any, live_server: LiveServer, app: Flask) -> None:
    designer = create_web_user(app, "nmg2025_designer", "designer", policy="nmg2025")
    browser_login(page, designer)
    page.goto("/lang/en")
    page.goto("/designer")
    page.wait_for_selector("body[data-designer-ready=true]")
    page.select_option("[data-testid=designer-process]", KEY)
    page.wait_for_selector('#designer-canvas g.djs-element[data-element-id="sponsor_change_review"]')
    page.click('#designer-canvas g.djs-element[data-element-id="sponsor_change_review"]')
    panel = page.inner_text("#designer-properties")
    assert "General" in panel and "通用" not in panel, panel


@pytest.mark.parametrize("role", ["authority", "sponsor", "applicant", "council", "expert", "supervisor"])
def test_the_designer_pages_are_for_designers_only(app: Flask, staff: dict[str, Any], role: str) -> None:
    client = logged_in(app, staff[role])
    for path in DESIGNER_PAGES:
        assert client.get(path).status_code == 403, path
    for path in ("/designer/api/validate", "/designer/api/deploy", "/designer/api/migrate"):
        assert client.post(path, json={}, headers={"X-CSRFToken": _csrf(client)}).status_code == 403, path


def _csrf(client: Any) -> str:
    html = client.get("/").get_data(as_text=True)
    return csrf_token(html)


def test_the_page_offers_forms_operators_roles_and_the_articles_of_the_text(app: Flask, staff: dict[str, Any]) -> None:
    designer = create_web_user(app, "nmg2025_designer", "designer", policy="nmg2025")
    client = logged_in(app, designer)
    page = client.get("/designer")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "vendor/designer/designer.js" in html and "<script>" not in html  # bundled locally, no inline script
    assert '<script type="application/json" id="designer-text">' in html  # the script's words, translated
    palette = client.get("/designer/api/palette").get_json()
    assert {p["policy"] for p in palette["processes"]} <= {"nmg2025", "common"}
    assert "nmg2025/change_review.json" in palette["forms"]["nmg2025"]
    assert palette["operators"]["notify"][:2] == ["role", "template"]
    assert {"key": "council", "label": "理事会"} in palette["roles"]
    articles = palette["articles"]["nmg2025"]
    seeds = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"  # policy.yaml cites ../shared/seeds
    if seeds.is_dir():  # the text itself, article by article, with the start of each article
        assert articles[0]["article"] == "第一条" and articles[0]["text"].startswith("按照自治区党委科技委员会")
    assert "第三十条(一)" in [a["article"] for a in articles]  # used in the BPMN, offered too
    preview = client.get("/designer/forms/nmg2025/change_review.json").get_data(as_text=True)
    assert "审核结论" in preview and "退回修改" in preview
    assert client.get("/designer/forms/nmg2025/../../README.md").status_code == 404
