"""Every profile key is labelled on the center page in the reader's language, whoever wrote it: the forms, the
procedures (service tasks and scripts of processes/*/*.bpmn) or the demo. A key is never shown under its raw name,
and in English no label has Chinese in it; a procedure that writes a new key without describing it
(app/services/centers/profile_keys.py) fails here."""
from __future__ import annotations

import ast
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import Center
from app.services.centers.profile_keys import SYSTEM_PROFILE
from app.services.centers.profile_view import ProfileItem, _described, profile_items
from app.services.infrastructure.demo import seed_demo
from tests.support import set_stored_clock
from tests.web.test_forms_english import misplaced_choice_labels, missing_english

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
ASCII_LETTER = re.compile(r"[A-Za-z]")
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
SPIFF = "{http://spiffworkflow.org/bpmn/schema/1.0/core}"
DAY = "2026-06-01"

# what each policy's procedures write into the profile (processes/<policy>/*.bpmn), besides its forms' profile objects
WRITTEN: dict[str, dict[str, Any]] = {
    "national": {  # establishment, operation_plan, evaluation, major_change; the demo's keys
        "naming_part": "示范领域", "naming_part_en": "Demonstration Field", "field": "示范领域",
        "name_en": "National Center of Technology Innovation for Demonstration Field",
        "sponsor": {"name": "某省科学技术厅", "kind": "local"}, "lead_governments": "某省人民政府", "priority_field": "新材料",
        "legal_entity": {"name": "某研究院有限公司", "credit_code": "91110000MA0000000X", "registered_address": "北京市"},
        "council": [{"name": "张伟", "organisation": "某省科学技术厅"}],
        "units": [{"name": "某研究院有限公司", "role": "lead", "kind": "enterprise"}],
        "admitted_cycle": 2,
        "charter": {"adopted_at": DAY, "summary": "理事会决策、主任负责。"},
        "director": {"name": "李卫东", "fulltime": True, "appointed_on": DAY},
        "expert_committee": {"members": [{"name": "王振华", "affiliation": "清华大学", "external": True}],
                             "appointed_at": DAY},
        "operation_plan": {"cycle": 1, "start": DAY, "end": "2029-06-01", "adopted_at": DAY, "cycle_years": 3,
                           "goals": "突破关键技术10项。"},
        "last_evaluation_grade": "较差", "last_evaluation_date": DAY, "last_evaluation_cycle": 1,
        "rectification_started_at": DAY, "rectification_passed_at": DAY,
        "removed_from_sequence": {"ground": "整改检查未通过", "article": "第三十条", "date": DAY, "cycle": 1},
        "last_major_change": {"items": ["name", "registered_address", "other"], "approved_on": DAY,
                              "reasons": "迁入新园区。", "other_matters": "调整组织结构。"},
    },
    "xpcc": {  # establishment, appointments, major_change, evaluation; the demo's `field`
        "field": "农业装备", "research_field": "农业装备", "approval_document_number": "兵科发〔2025〕1号",
        "director": {"name": "周建国", "fulltime": True, "profile_summary": "行业领军人才。", "appointed_on": DAY},
        "expert_committee": {"members": [{"name": "委员1", "external": True, "from_host": False}], "term_years": 3},
        "registered_address": "新疆石河子市北四路1号",
        "major_changes": [{"description": "调整组织结构。", "approved_on": DAY, "document_number": "兵科发〔2026〕2号"}],
        "last_evaluation_grade": "较差", "last_evaluation_date": DAY, "last_evaluation_cycle": 1,
        "rectification_started_at": DAY,
    },
    "nmg2020": {  # evaluation, revocation
        "rectification_started_at": None, "last_rectification_started_at": DAY,
        "revocation_ground": "evaluation_failed_after_rectification", "revocation_document_number": "内科发〔2026〕3号",
    },
    "nmg2025": {  # appointments, preparation, evaluation
        "name_en": "Inner Mongolia Modern Coal Chemical Technology Innovation Center",
        "council": [{"name": "张伟", "organisation": "鄂尔多斯市人民政府", "represents": "sponsor", "position": "chairman"}],
        "director": {"name": "李娜", "age": 50, "title": "senior", "fulltime": False, "directs_other_platform": False},
        "executive_director": {"name": "王芳", "fulltime": True}, "executive_director_fulltime": True,
        "director_appointed_on": DAY, "preparation_extended_to": "2028-03-01", "preparation_extension_reason": "补充材料。",
        "last_evaluation_grade": "合格", "last_evaluation_date": DAY, "rectification_started_at": DAY,
    },
    "jinzhong": {  # establishment, appointments, major_change, evaluation; the demo's `field`
        "field": "智能装备", "public_notice_start": DAY, "approval_document_number": "市科发〔2024〕5号",
        "host_unit": "晋中示范装备制造有限公司",
        "last_major_change": {"items": ["name", "host_unit"], "description": "更名。", "approved_at": DAY,
                              "document_number": "市科发〔2026〕6号"},
        "last_adjustment": {"items": ["research_direction", "organisation_structure"], "description": "增设方向。",
                            "filed_at": DAY},
        "director": {"name": "赵磊", "age": 48, "title": "senior", "fulltime": True},
        "expert_committee": {"chair": "黄敏", "term_years": 3,
                             "members": [{"name": "黄敏", "affiliation": "太原理工大学", "from_host": False}]},
        "appointments_filed_at": DAY,
        "last_evaluation_grade": "基本合格", "last_evaluation_date": DAY, "rectification_started_at": DAY,
        "rectification_completed_at": DAY,
    },
}
POLICIES = sorted(WRITTEN)


def example(schema: dict[str, Any]) -> Any:
    """A value a form's field could hold: an object with every field, a list of one, a choice's first value."""
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {key: example(sub) for key, sub in schema.get("properties", {}).items()}
    if kind == "array":
        return [example(schema.get("items") or {"type": "string"})]
    return {"boolean": True, "integer": 3, "number": 2.5}.get(str(kind), "示例")


def _form_profiles() -> dict[str, dict[str, Any]]:
    """By policy: an example of every field of its forms' profile objects."""
    found: dict[str, dict[str, Any]] = {}
    for form in sorted((PROCESSES.parent / "forms").glob("*/*.json")):
        profile = json.loads(form.read_text(encoding="utf-8")).get("properties", {}).get("profile", {})
        for key, prop in profile.get("properties", {}).items():
            found.setdefault(form.parent.name, {}).setdefault(key, example(prop))
    return found


FORM_PROFILES = _form_profiles()


def typical_profile(policy: str) -> dict[str, Any]:
    """Every key of the policy's forms' profile objects, with what its procedures write."""
    return {**FORM_PROFILES.get(policy, {}), **WRITTEN[policy]}


def labels(items: list[ProfileItem]) -> list[str]:
    """The labels the page shows: each entry's, its details' and its table's columns."""
    return [label for item in items
            for label in [item.label, *(d for d, _ in item.details), *(item.table.columns if item.table else [])]]


def keys_in(value: Any) -> set[str]:
    """Every dict key in a value, at any depth."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_in(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_in(v)}
    return set()


def unlabelled(prop: dict[str, Any], value: Any, path: str) -> list[str]:
    """Where a key in `value`, at any depth, has no title in the description `prop`."""
    if isinstance(value, list):
        item = prop.get("items") if isinstance(prop.get("items"), dict) else {}
        return [m for v in value for m in unlabelled(item, v, f"{path}[]")]
    if not isinstance(value, dict):
        return []
    props = prop.get("properties") or {}
    found = [f"{path}.{k}" for k in value if "title" not in props.get(k, {}) or "x-title-en" not in props.get(k, {})]
    return found + [m for k, v in value.items() for m in unlabelled(props.get(k, {}), v, f"{path}.{k}")]


def check_profile(app: Flask, policy: str, profile: dict[str, Any]) -> None:
    """The profile's labels name every key in Chinese and in English, at every depth."""
    with app.app_context():
        assert unlabelled({"properties": _described(policy)}, profile, policy) == []
    raw = {k for k in keys_in(profile) if ASCII_LETTER.search(k)}
    for language in ("zh", "en"):
        with app.test_request_context(headers={"Accept-Language": language}):
            app.preprocess_request()
            shown = labels(profile_items(policy, profile))
            assert [label for label in shown if label in raw] == [], language
            if language == "en":
                assert [label for label in shown if CJK.search(label)] == []


@pytest.mark.parametrize("policy", POLICIES)
def test_a_typical_profile_is_labelled_in_both_languages(app: Flask, policy: str) -> None:
    check_profile(app, policy, typical_profile(policy))


def test_the_demo_profiles_are_labelled_in_both_languages(app: Flask) -> None:
    with app.app_context():
        set_stored_clock(datetime(2026, 12, 2, 2, 0, tzinfo=UTC))
        seed_demo()
        profiles = [(c.policy, dict(c.profile or {})) for c in db.session.scalars(select(Center))]
    assert {policy for policy, _ in profiles} == set(POLICIES)
    assert any("operation_plan" in p for _, p in profiles)  # the demo's history wrote the procedures' keys
    for policy, profile in profiles:
        check_profile(app, policy, profile)


def test_the_procedures_keys_are_described_as_forms_are() -> None:
    assert missing_english({"properties": SYSTEM_PROFILE}) == []
    assert misplaced_choice_labels({"properties": SYSTEM_PROFILE}) == []


# --- the keys a procedure writes: `{'profile': ...}` in a service task's parameter or a script --------------------

def _parsed(source: str, mode: str) -> ast.AST | None:
    try:
        return ast.parse(source.strip(), mode=mode)
    except SyntaxError:
        return None


class _Written:
    """The profile key paths one BPMN file writes, following the names its scripts assign."""

    def __init__(self, path: Path) -> None:
        root = ET.parse(path).getroot()
        scripts = [_parsed(s.text or "", "exec") for s in root.iter(f"{BPMN}script")]
        values = [_parsed(p.get("value") or "", "eval") for p in root.iter(f"{SPIFF}parameter")]
        self.trees = [t for t in scripts + values if t is not None]
        self.assigned: dict[str, list[ast.expr]] = {}
        self.subscripted: dict[str, list[tuple[tuple[str, ...], ast.expr]]] = {}
        for tree in self.trees:
            for node in ast.walk(tree):
                if isinstance(node, ast.Assign) and len(node.targets) == 1:
                    self._assign(node.targets[0], node.value)

    def _assign(self, target: ast.expr, value: ast.expr) -> None:
        if isinstance(target, ast.Name):
            self.assigned.setdefault(target.id, []).append(value)
            return
        path: list[str] = []
        while isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant):
            path.insert(0, str(target.slice.value))
            target = target.value
        if isinstance(target, ast.Name) and path:
            self.subscripted.setdefault(target.id, []).append((tuple(path), value))

    def paths(self) -> set[tuple[str, ...]]:
        """Every key path written under `'profile'`."""
        found: set[tuple[str, ...]] = set()
        for tree in self.trees:
            for node in ast.walk(tree):
                if isinstance(node, ast.Dict):
                    for key, value in zip(node.keys, node.values, strict=True):
                        if isinstance(key, ast.Constant) and key.value == "profile":
                            found |= set(self._paths(value, frozenset()))
        return found

    def _paths(self, node: ast.expr, seen: frozenset[str]) -> Iterator[tuple[str, ...]]:
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if key is None:  # {**other}
                    yield from self._paths(value, seen)
                elif isinstance(key, ast.Constant):
                    yield (str(key.value),)
                    yield from ((str(key.value), *sub) for sub in self._paths(value, seen))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
            for arg in node.args:
                yield from self._paths(arg, seen)
            for keyword in node.keywords:
                if keyword.arg:
                    yield (keyword.arg,)
                    yield from ((keyword.arg, *sub) for sub in self._paths(keyword.value, seen))
        elif isinstance(node, ast.Name) and node.id not in seen:
            for value in self.assigned.get(node.id, []):
                yield from self._paths(value, seen | {node.id})
            for path, value in self.subscripted.get(node.id, []):  # name['key'] = value
                yield path
                yield from ((*path, *sub) for sub in self._paths(value, seen | {node.id}))


def undescribed(described: dict[str, dict[str, Any]], path: tuple[str, ...]) -> bool:
    """Whether a key path has no title (and English title) in the profile's descriptions."""
    props: dict[str, Any] = described
    for key in path:
        prop = props.get(key)
        if not isinstance(prop, dict) or "title" not in prop or "x-title-en" not in prop:
            return True
        items = prop.get("items") if isinstance(prop.get("items"), dict) else {}
        props = prop.get("properties") or items.get("properties") or {}
    return False


BPMN_FILES = sorted(p.relative_to(PROCESSES).as_posix() for p in PROCESSES.glob("*/*.bpmn"))
ALL_WRITTEN = {(name.split("/")[0], path) for name in BPMN_FILES for path in _Written(PROCESSES / name).paths()}


def test_the_parser_finds_what_the_procedures_write() -> None:
    for expected in [("national", ("removed_from_sequence", "ground")), ("national", ("name_en",)),
                     ("national", ("last_major_change", "other_matters")), ("national", ("council",)),
                     ("national", ("legal_entity", "registered_address")),
                     ("xpcc", ("registered_address",)), ("xpcc", ("director", "appointed_on")),
                     ("nmg2025", ("director_appointed_on",)), ("nmg2025", ("executive_director_fulltime",)),
                     ("jinzhong", ("host_unit",)), ("nmg2020", ("revocation_ground",))]:
        assert expected in ALL_WRITTEN


@pytest.mark.parametrize("bpmn", BPMN_FILES)
def test_every_key_a_procedure_writes_is_described(app: Flask, bpmn: str) -> None:
    policy = bpmn.split("/")[0]
    with app.app_context():
        described = _described(policy)
    paths = _Written(PROCESSES / bpmn).paths()
    assert sorted(".".join(p) for p in paths if undescribed(described, p)) == []
