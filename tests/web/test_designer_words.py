"""The designer's comparison, history, migration and form preview in the user's words: each changed attribute with
a label and old → new (never SpiffWorkflow's key), the time and deployer as the other pages show them, a message
for a dry run with nothing to migrate, and a preview in English on English pages without the site's header."""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.engine.serializer import SERIALIZER
from app.extensions import db
from app.models import User
from app.services.design.diff_text import ATTRIBUTE_LABELS
from app.services.infrastructure.deploy import list_latest, process_of
from tests.conftest import drop_designer_deploys
from tests.web.conftest import WebUser, create_web_user, logged_in, set_clock

ROOT = Path(__file__).resolve().parents[2]
KEY = "nmg2025_annual_report"
SOURCE = (ROOT / "processes" / "nmg2025" / "annual_report.bpmn").read_text(encoding="utf-8")
RENAMED = SOURCE.replace('name="填报年度报告"', 'name="填报年度报告（修订）"', 1)
# besides the rename: another form, a condition, a timer, an article and a lane
REVIEW_FORM = '<spiffworkflow:property name="formKey" value="nmg2025/annual_report_review.json" />'
EDITED = (RENAMED.replace(REVIEW_FORM, REVIEW_FORM.replace("annual_report_review", "expert_review"), 1)
          .replace("decision == 'reject'", "decision == 'refuse'", 1)
          .replace("remind_at</bpmn:timeDate>", "(remind_at)</bpmn:timeDate>", 1)
          .replace('<spiffworkflow:property name="article" value="第二十九条" />',
                   '<spiffworkflow:property name="article" value="第三十条" />', 1)
          .replace('cancelActivity="false"', 'cancelActivity="true"', 1))
DISPLAY_NAME = "流程设计员王敏"
# the keys SpiffWorkflow's diff names and the words of the code that must never reach the page
CODE_WORDS = ("bpmn_name", "extensions", "cond_task_specs", "event_definition", "cancel_activity", "formKey",
              "typename", "lane")
LOGOUT = 'action="/logout"'


@pytest.fixture
def designer(app: Flask, database_url: str) -> Iterator[WebUser]:
    """A designer of nmg2025 with a display name other than the login; versions deployed here dropped after."""
    user = create_web_user(app, "nmg2025_designer", "designer", policy="nmg2025")
    with app.app_context():
        found = db.session.scalar(select(User).where(User.username == user.username))
        assert found is not None
        found.display_name = DISPLAY_NAME
        db.session.commit()
    set_clock(app, "2026-12-03T15:03:49+08:00")
    yield user
    drop_designer_deploys(app, database_url)


def _csrf(client: FlaskClient) -> str:
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', client.get("/designer").get_data(as_text=True))
    assert match, "no csrf-token on the designer page"
    return match.group(1)


def _deploy(client: FlaskClient, xml: str) -> int:
    response = client.post("/designer/api/deploy", json={"xml": xml, "comment": "第二十九条：填报步骤更名"},
                           headers={"X-CSRFToken": _csrf(client)})
    assert response.status_code == 201, response.get_json()
    version: int = response.get_json()["version"]
    return version


def _changes(client: FlaskClient, a: int, b: int) -> dict[str, list[str]]:
    body = client.get(f"/designer/api/diff/{KEY}/{a}/{b}").get_json()
    return {c["element_id"]: [change["text"] for change in c["changes"]] for c in body["changed"]}


def test_a_renamed_task_is_compared_by_its_name_old_and_new(app: Flask, designer: WebUser) -> None:
    client = logged_in(app, designer)
    assert _deploy(client, RENAMED) == 2
    body = client.get(f"/designer/api/diff/{KEY}/1/2").get_json()
    [renamed] = body["changed"]
    assert renamed["label"] == "填报年度报告（submit_report）"
    assert [c["text"] for c in renamed["changes"]] == ["名称：填报年度报告 → 填报年度报告（修订）"]
    assert (renamed["changes"][0]["old"], renamed["changes"][0]["new"]) == ("填报年度报告", "填报年度报告（修订）")
    client.get("/lang/en")
    assert _changes(client, 1, 2) == {"submit_report": ["Name: 填报年度报告 → 填报年度报告（修订）"]}


def test_every_kind_of_change_is_worded_without_the_code_s_keys(app: Flask, designer: WebUser) -> None:
    client = logged_in(app, designer)
    assert _deploy(client, EDITED) == 2
    changes = _changes(client, 1, 2)
    assert changes["submit_report"] == ["名称：填报年度报告 → 填报年度报告（修订）"]
    assert changes["sponsor_review"] == ["任务表单：nmg2025/annual_report_review.json → nmg2025/expert_review.json"]
    assert changes["gateway_sponsor_decision"] == [
        "通往“标记年度报告未通过”的条件：decision == 'reject' → decision == 'refuse'"]
    assert changes["start_annual_report"] == ["依据条款：第二十九条 → 第三十条"]
    timer = changes["timer_reminder"]
    assert "定时器表达式：remind_at → (remind_at)" in timer and "中断所附任务：否 → 是" in timer
    words = " ".join(text for texts in changes.values() for text in texts)
    assert not [w for w in CODE_WORDS if w in words], words
    client.get("/lang/en")
    english = _changes(client, 1, 2)
    assert english["start_annual_report"] == ["Article: Art. 29 → Art. 30"]
    assert "Interrupts the task: No → Yes" in english["timer_reminder"]
    assert english["gateway_sponsor_decision"] == [
        "Condition of the path to “Mark annual report as rejected”: decision == 'reject' → decision == 'refuse'"]


def test_every_attribute_the_diff_can_name_has_a_label(app: Flask) -> None:
    """The diff names the keys of the serialized task specs: each key of every process of the repository has its
    label (the shared PostgreSQL database may also hold what other tests deployed, broken diagrams included)."""
    ours = {m.group(1) for path in (ROOT / "processes").rglob("*.bpmn")
            for m in re.finditer(r'<bpmn:process id="([^"]+)"', path.read_text(encoding="utf-8"))}
    with app.app_context():
        keys = {key for definition in list_latest() if definition.key in ours
                for spec in process_of(definition).spec.task_specs.values()
                for key in SERIALIZER.registry.convert(spec)}
    assert keys and not keys - set(ATTRIBUTE_LABELS), sorted(keys - set(ATTRIBUTE_LABELS))


def test_the_history_shows_the_time_as_every_page_and_the_deployer_by_name(app: Flask, designer: WebUser) -> None:
    client = logged_in(app, designer)
    _deploy(client, RENAMED)
    newest, first = client.get(f"/designer/api/versions/{KEY}").get_json()
    assert newest["deployed_at_text"] == "2026-12-03 15:03"
    assert newest["deployed_by_name"] == DISPLAY_NAME
    assert first["deployed_by_name"] is None  # deployed from processes/: the page says so in words
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", first["deployed_at_text"])


def test_a_dry_run_with_nothing_to_migrate_has_a_message(app: Flask, designer: WebUser) -> None:
    client = logged_in(app, designer)
    _deploy(client, RENAMED)
    dry_run = client.post("/designer/api/migrate", json={"process_key": KEY, "to_version": 2, "dry_run": True},
                          headers={"X-CSRFToken": _csrf(client)})
    assert dry_run.status_code == 200 and dry_run.get_json() == []
    page = client.get("/designer").get_data(as_text=True)
    assert re.search(r'data-testid="designer-migration-empty" hidden>没有需要迁移的运行中实例<', page)
    client.get("/lang/en")
    assert "No running instance to migrate" in client.get("/designer").get_data(as_text=True)


def test_the_comparison_s_words_for_the_diagram_s_own_findings_are_translated(app: Flask, designer: WebUser) -> None:
    """The words the page's script uses for what bpmn-js-differ finds (flows, lanes): labels, not property keys."""
    client = logged_in(app, designer)
    client.get("/lang/en")
    page = client.get("/designer").get_data(as_text=True)
    match = re.search(r'<script type="application/json" id="designer-text">(.*?)</script>', page, re.S)
    assert match
    texts: dict[str, Any] = json.loads(match.group(1))
    assert texts["attr_conditionExpression"] == "Condition" and texts["type_SequenceFlow"] == "Sequence flow"
    assert texts["attr_values"] == "%(label)s: %(old)s → %(new)s"


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_the_form_preview_speaks_the_page_s_language_without_the_site_header(
        app: Flask, designer: WebUser, language: str) -> None:
    client = logged_in(app, designer)
    client.get(f"/lang/{language}")
    html = client.get("/designer/forms/nmg2025/annual_report_review.json").get_data(as_text=True)
    title = re.search(r'<h1 data-testid="form-preview-title">(.*?)</h1>', html, re.S)
    assert title
    if language == "en":
        assert title.group(1).strip() == "Review of the center&#39;s annual report"
        assert "Under Article 29, the annual report covers" in html
        assert "技术创新中心年度报告审核" not in html and "依据第二十九条" not in html
    else:
        assert title.group(1).strip() == "技术创新中心年度报告审核" and "依据第二十九条，年度报告应" in html
    assert 'class="topbar"' not in html and LOGOUT not in html and 'class="mainnav"' not in html
    assert 'data-testid="form-preview"' in html
    assert LOGOUT in client.get("/designer").get_data(as_text=True)  # the framing page keeps its header
