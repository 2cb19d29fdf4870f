"""Every reason a policy's automated checks can report reads in English: each Chinese text of handlers/checks (the
message ids of `say`, the labels, units and words passed to them) and each word of policy.yaml the reasons quote has
an English translation in the catalog, and the reasons of many profiles (full, empty, every single value dropped or
changed) render without a Chinese character on an English page and exactly as written on a Chinese one."""
from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from flask import Flask
from flask_babel import force_locale

from app.i18n import extract_chinese_literals, extract_policy_words, init_i18n
from app.web.check_text import render
from handlers.checks import CHECKS, evaluate, run_checks
from handlers.checks.text import message
from handlers.registry import HandlerContext
from tests.unit import test_checks_jinzhong, test_checks_nmg2020, test_checks_nmg2025, test_checks_xpcc

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "app" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
NAMED = {"name"}  # profile keys that hold names typed by people: replaced by English ones below

BASES: dict[str, list[dict[str, Any]]] = {
    "nmg2025": [test_checks_nmg2025.FULL],
    "nmg2020": [test_checks_nmg2020.FULL],
    "xpcc": [test_checks_xpcc.ENTERPRISE, test_checks_xpcc.UNIVERSITY],
    "jinzhong": [test_checks_jinzhong.AT],
}
ODD_VALUES: list[Any] = [None, "x", 0, -1, 1, 2, 10**6, 1.5, True, False, [], {}, "2020-01-01", "other", "lead",
                         "co_builder", "university", "enterprise", "institute", "intermediate", "senior", "research"]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    with CATALOG.open("rb") as f:
        return read_po(f)


@pytest.fixture(scope="module")
def app() -> Flask:
    app = Flask(__name__)
    init_i18n(app)
    return app


def _english_names(value: Any, counter: list[int] | None = None) -> Any:
    counter = counter if counter is not None else [0]
    if isinstance(value, dict):
        found = {}
        for key, item in value.items():
            if key in NAMED and isinstance(item, str):
                counter[0] += 1
                found[key] = f"Name {counter[0]}"
            else:
                found[key] = _english_names(item, counter)
        return found
    if isinstance(value, list):
        return [_english_names(item, counter) for item in value]
    return value


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield prefix + (key,)
            yield from _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield prefix + (index,)
            yield from _paths(item, prefix + (index,))


def _changed(base: dict[str, Any], path: tuple[Any, ...], value: Any, drop: bool = False) -> dict[str, Any]:
    profile = copy.deepcopy(base)
    node: Any = profile
    for step in path[:-1]:
        node = node[step]
    if drop:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return profile


def profiles(policy: str) -> Iterator[dict[str, Any]]:
    """Full and empty profiles, and each full one with one value dropped, replaced, or a list grown or emptied."""
    yield {}
    for raw in BASES[policy]:
        base = _english_names(raw)
        yield base
        yield {**base, "strategic_directed": True}
        for path in _paths(base):
            yield _changed(base, path, None, drop=True)
            for odd in ODD_VALUES:
                yield _changed(base, path, odd)
            here: Any = base
            for step in path:
                here = here[step]
            if isinstance(here, list) and here:
                yield _changed(base, path, here + [copy.deepcopy(here[-1]) for _ in range(12)])
                yield _changed(base, path, here[:1])


def results(policy: str) -> Iterator[tuple[str, Any]]:
    """(Chinese reason, message) of every check result on every profile of `policy`."""
    for profile in profiles(policy):
        for result in evaluate(policy, profile):
            yield result.reason, message(result.reason)


def _messages_of(node: Any, key: str = "") -> Iterator[str]:
    """The catalog entries a message uses (citations, the parameters named article…, are translated by rule)."""
    if isinstance(node, dict):
        if CJK.search(node.get("id") or ""):
            yield node["id"]
        for name, value in (node.get("params") or {}).items():
            yield from _messages_of(value, name)
        for item in node.get("list") or []:
            yield from _messages_of(item)
        if "separator" in node:
            yield node["separator"]
    elif isinstance(node, str) and CJK.search(node) and not key.startswith("article"):
        yield node


def _translated(catalog: Catalog) -> dict[str, str]:
    return {str(m.id): str(m.string) for m in catalog if m.id and m.string and not m.fuzzy}


def test_every_chinese_text_of_the_checks_has_an_english_translation(catalog: Catalog) -> None:
    translated = _translated(catalog)
    found: list[str] = []
    for path in sorted((ROOT / "handlers" / "checks").glob("*.py")):
        with path.open("rb") as f:
            found += [text for _, _, text, _ in extract_chinese_literals(f, None, None, None)]
    assert len(found) > 150, "the extractor found too few texts in handlers/checks"
    missing = sorted({text for text in found if text not in translated})
    assert missing == [], f"check texts without an English translation: {missing}"
    assert all(not CJK.search(translated[text]) for text in found)


def test_every_policy_word_the_reasons_quote_has_an_english_translation(catalog: Catalog) -> None:
    translated = _translated(catalog)
    words: list[str] = []
    for path in sorted((ROOT / "processes").glob("*/policy.yaml")):
        with path.open("rb") as f:
            words += [text for _, _, text, _ in extract_policy_words(f, None, None, None)]
    assert {"万元", "三分之一", "技术委员会", "关键核心技术攻关"} <= set(words)
    assert sorted({w for w in words if w not in translated}) == []


@pytest.mark.parametrize("policy", sorted(CHECKS))
def test_every_reason_reads_in_english_and_as_written_in_chinese(app: Flask, catalog: Catalog, policy: str) -> None:
    translated = _translated(catalog)
    seen: dict[str, Any] = {}
    for reason, msg in results(policy):
        seen.setdefault(reason, msg)
    assert len(seen) > 40, f"too few distinct reasons for {policy}: {len(seen)}"
    ids = {text for msg in seen.values() for text in _messages_of(msg)}
    assert sorted(ids - set(translated)) == []
    with app.test_request_context():
        with force_locale("zh_CN"):
            differ = [(reason, render(msg)) for reason, msg in seen.items() if render(msg) != reason]
        with force_locale("en"):
            chinese = [(reason, render(msg)) for reason, msg in seen.items() if CJK.search(render(msg))]
    assert differ == [], "a message does not reproduce the Chinese reason"
    assert chinese == [], f"{len(chinese)} reasons keep Chinese in English, e.g. {chinese[:3]}"


def test_run_checks_keeps_each_reason_as_a_message(app: Flask) -> None:
    outcome = run_checks({"policy": "nmg2025", "profile": {"fulltime_researchers": 29}},
                         HandlerContext(data={}, now=None, element_id="check"))  # type: ignore[arg-type]
    assert len(outcome["messages"]) == len(outcome["results"])
    by_rule = {r["rule"]: (r, m) for r, m in zip(outcome["results"], outcome["messages"], strict=True)}
    result, msg = by_rule["fulltime_researchers"]
    assert "29 人，低于第十条(二)要求的不少于 30 人" in result["reason"]
    with app.test_request_context(), force_locale("en"):
        english = render(msg)
    assert english.startswith("Full-time permanent researchers: 29 people, below the minimum of 30 people")
    assert "Art. 10(2)" in english
