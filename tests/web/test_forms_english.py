"""English completeness of the forms: every field of every policy's forms (forms/*/*.json) carries its English
label, help and choice labels, and an nmg2025 annual report's task page in English shows no Chinese in
its form; validation messages name the field by its label in the user's language."""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.web.conftest import csrf_token, logged_in, ready_task_id, set_clock, start_annual_report

FORMS = Path(__file__).resolve().parents[2] / "forms"
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
SCHEMA_MAPS = ("properties", "$defs", "patternProperties")
SCHEMA_SUBS = ("items", "if", "then", "else", "not", "additionalProperties", "contains")
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")


def subschemas(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema object in `node` (itself first), with its path."""
    if not isinstance(node, dict):
        return
    yield path, node
    for key, value in node.items():
        if key in SCHEMA_MAPS and isinstance(value, dict):
            for name, sub in value.items():
                yield from subschemas(sub, f"{path}/{name}")
        elif key in SCHEMA_SUBS:
            yield from subschemas(value, f"{path}/{key}")
        elif key in SCHEMA_LISTS and isinstance(value, list):
            for i, sub in enumerate(value):
                yield from subschemas(sub, f"{path}/{key}{i}")


def missing_english(schema: Any) -> list[str]:
    """Where a schema has a Chinese title, description or choice labels without the English twin."""
    found = []
    for path, node in subschemas(schema):
        found += [f"{path}: {key}-en" for key in ("title", "description") if key in node and f"x-{key}-en" not in node]
        if "x-enum-labels" in node and set(node["x-enum-labels"]) - set(node.get("x-enum-labels-en") or {}):
            found.append(f"{path}: x-enum-labels-en")
    return found


def misplaced_choice_labels(schema: Any) -> list[str]:
    """Where choice labels do not sit beside the `enum` they label (on an array they belong in its `items`), or
    leave one of its values without a label."""
    found = []
    for path, node in subschemas(schema):
        for key in ("x-enum-labels", "x-enum-labels-en"):
            if key in node and "enum" not in node:
                found.append(f"{path}: {key} without enum")
            elif key in node and set(map(str, node["enum"])) - set(node[key]):
                found.append(f"{path}: {key} misses {sorted(set(map(str, node['enum'])) - set(node[key]))}")
    return found


ALL_FORMS = sorted(p.relative_to(FORMS).as_posix() for p in FORMS.glob("*/*.json"))


@pytest.mark.parametrize("form", ALL_FORMS)
def test_every_field_has_its_english(form: str) -> None:
    assert missing_english(json.loads((FORMS / form).read_text(encoding="utf-8"))) == []


def unlabelled_chinese_choices(schema: Any) -> list[str]:
    """Where a field offers choices written in Chinese without English labels (conditions of `if` offer nothing)."""
    return [path for path, node in subschemas(schema) if "/if" not in path and isinstance(node.get("enum"), list)
            and any(isinstance(v, str) and CJK.search(v) for v in node["enum"]) and not node.get("x-enum-labels-en")]


@pytest.mark.parametrize("form", ALL_FORMS)
def test_chinese_choices_have_english_labels(form: str) -> None:
    assert unlabelled_chinese_choices(json.loads((FORMS / form).read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize("form", ALL_FORMS)
def test_choice_labels_sit_beside_their_choices(form: str) -> None:
    assert misplaced_choice_labels(json.loads((FORMS / form).read_text(encoding="utf-8"))) == []


class _FormText(HTMLParser):
    """The visible text inside the task form panel (labels, help, choices, headings), not the values."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.skip = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            self.depth += tag not in ("input", "br", "hr", "img", "meta", "link")
            self.skip += tag in ("textarea", "script")
        elif ("data-testid", "task-form-panel") in attrs:
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1
            self.skip -= tag in ("textarea", "script")

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skip and data.strip():
            self.parts.append(data.strip())


def form_text(html: str) -> list[str]:
    parser = _FormText()
    parser.feed(html)
    return parser.parts


def test_english_annual_report_form_has_no_chinese(app: Flask, staff: dict[str, Any]) -> None:
    set_clock(app, "2026-12-01T09:00:00+08:00")
    start_annual_report(app, staff, "a")
    task_id = ready_task_id(app, "submit_report", staff["centers"]["a"])
    applicant = logged_in(app, staff["applicant"])
    applicant.get("/lang/en")
    html = applicant.get(f"/tasks/{task_id}").get_data(as_text=True)
    texts = form_text(html)
    assert "R&D floor area" in texts and "Main problems" in texts
    assert "At least 20 characters" in texts  # the form's minimum said before it is refused
    assert [t for t in texts if CJK.search(t)] == []
    # a validation message names the field by its English label
    response = applicant.post(f"/tasks/{task_id}", data={"csrf_token": csrf_token(html), "action": "complete",
                                                         "summary": "", "problems": ""})
    errors = response.get_data(as_text=True)
    assert "Main problems" in errors and "problems 为必填项" not in errors and "存在的主要问题" not in errors


@pytest.mark.parametrize("form,data,field,zh,en", [
    ("jinzhong/change_review.json", {"decision": "return"}, "comment", "意见 为必填项", "Comment"),
    ("national/change_request.json", {"change_items": ["name"]}, "naming_part", "名称中的“××”（中文） 为必填项",
     "The “××” of the name (Chinese)"),
])
def test_a_conditionally_required_field_is_named_by_its_label(app: Flask, form: str, data: dict[str, Any],
                                                               field: str, zh: str, en: str) -> None:
    from app.errors import InvalidSubmission
    from app.services.infrastructure.forms import validate_submission

    for language, expected in (("zh", zh), ("en", en)):
        with app.test_request_context(headers={"Accept-Language": language}):
            app.preprocess_request()
            with pytest.raises(InvalidSubmission) as refused:
                validate_submission(form, data)
            assert any(expected in m for m in refused.value.errors[field]), refused.value.errors
            assert not any(m.startswith(f"{field} ") for m in refused.value.errors[field]), refused.value.errors


def test_every_problem_of_a_form_is_named_at_once(app: Flask) -> None:
    from app.errors import InvalidSubmission
    from app.services.infrastructure.forms import validate_submission

    data = {"equipment_value": float("inf"), "rd_floor_area": "abc", "fulltime_researchers": 1.5,
            "annual_operating_funds": 2**60}
    with app.test_request_context():
        app.preprocess_request()
        with pytest.raises(InvalidSubmission) as refused:
            validate_submission("nmg2025/annual_report.json", data)
    errors = refused.value.errors
    assert errors["equipment_value"] == ["仪器设备原值 必须是有限的数字"]  # one message, not also a range
    assert len(errors["annual_operating_funds"]) == 1 and "精确保存" in errors["annual_operating_funds"][0]
    assert {"rd_floor_area", "fulltime_researchers", "summary", "problems"} <= set(errors), errors


def test_data_no_form_declares_is_labelled_as_the_profile_is(app: Flask) -> None:
    from flask import render_template_string

    template = '{% import "macros/form_fields.html" as ff with context %}{{ ff.show_data({}, data, {}) }}'
    data = {"field": "智慧灌溉", "operation_plan": {"cycle": 1, "goals": "突破关键技术"}}
    for language, words in (("zh", ["领域", "建设运行方案"]), ("en", ["Field"])):
        with app.test_request_context(headers={"Accept-Language": language}):
            app.preprocess_request()
            html = render_template_string(template, data=data)
        assert all(f"<th>{w}</th>" in html for w in words), html
        assert "<th>field</th>" not in html and "<th>operation_plan</th>" not in html and "{&#39;" not in html


@pytest.mark.parametrize("form", ["national/change_request.json", "national/field_selection.json",
                                  "national/comprehensive_deliberation.json"])
def test_the_national_naming_part_is_only_the_xx_of_article_32(app: Flask, form: str) -> None:
    """第三十二条 names a field center 国家××技术创新中心: a ×× with those words doubles them in the name."""
    from app.errors import InvalidSubmission
    from app.services.infrastructure.forms import validate_submission

    def errors_of(zh: str, en: str, language: str = "zh") -> dict[str, list[str]]:
        with app.test_request_context(headers={"Accept-Language": language}):
            app.preprocess_request()
            try:
                validate_submission(form, {"naming_part": zh, "naming_part_en": en})
            except InvalidSubmission as refused:
                return {k: v for k, v in (refused.errors or {}).items() if k.startswith("naming_part")}
            return {}

    assert errors_of("先进材料", "Advanced Materials") == {}
    doubled = errors_of("国家先进材料技术创新中心", "National Center of Technology Innovation for Advanced Materials")
    assert "第三十二条" in doubled["naming_part"][0] and "名称中的“××”（中文）" in doubled["naming_part"][0]
    assert "第三十二条" in doubled["naming_part_en"][0]
    english = errors_of("国家先进材料", "national advanced materials", "en")
    assert english["naming_part"][0].startswith("The “××” of the name (Chinese): enter only")
    assert "Article 32" in english["naming_part_en"][0]


def test_a_missing_data_path_is_named_by_the_labels_of_its_forms(app: Flask) -> None:
    """A check's `missing` paths (xpcc 第十一条's 申报前3年度 rows, jinzhong's committee) in the reader's words."""
    from app.services.infrastructure.forms import form_schema
    from app.web.check_text import data_path_label

    for language in ("zh", "en"):
        with app.test_request_context(headers={"Accept-Language": language}):
            app.preprocess_request()
            xpcc = form_schema("xpcc/application.json")
            jinzhong = form_schema("jinzhong/application.json")
            financials = data_path_label("lead_financials[year=2023]", [None, xpcc])
            committee = data_path_label("expert_committee.members", [jinzhong])
            unknown = data_path_label("no_such_key", [xpcc])
        assert financials.endswith("（2023）") and "lead_financials" not in financials, financials
        assert " · " in committee and "expert_committee" not in committee and "members" not in committee, committee
        assert unknown == "no_such_key"  # nothing labels it: shown as it is
        if language == "en":
            assert not CJK.search(committee.replace("（", "").replace("）", "")), committee
