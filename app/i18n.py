"""Locale selection: zh-CN by default; a language chosen on the page wins, then Accept-Language."""
from __future__ import annotations

import ast
import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, cast

import yaml
from flask import Flask, request, session
from flask_babel import get_locale, gettext, lazy_gettext

from app.extensions import babel
from handlers.policy_data import share_words

LOCALES = ("zh_CN", "en")
LANG_COOKIE = "lang"  # set by /lang/<code> together with the session value


def lazy_text(text: str, **variables: Any) -> str:
    """`text` translated when it is rendered, typed as the `str` it stands in for (WTForms labels and messages)."""
    return cast(str, lazy_gettext(text, **variables))  # a LazyString: str() and formatting translate it


def english() -> bool:
    """Whether the current request reads English (Chinese is the default and the language of the records)."""
    return str(get_locale() or "zh_CN").startswith("en")


def step_name(name: str | None) -> str:
    """A BPMN step's or process's (Chinese) name in the user's language (the catalog holds the names of
    processes/*.bpmn, extracted by `extract_bpmn`)."""
    return gettext(name) if name else ""


def normalise(code: str | None) -> str | None:
    """A supported locale for `code` (zh, zh-CN, zh_CN, en, en-US ...), or None."""
    if not code:
        return None
    code = code.replace("-", "_").lower()
    if code.startswith("en"):
        return "en"
    if code.startswith("zh"):
        return "zh_CN"
    return None


def select_locale() -> str:
    """The session's or cookie's chosen language, else the best match of Accept-Language."""
    try:
        chosen = normalise(session.get("lang")) or normalise(request.cookies.get(LANG_COOKIE))
        if chosen:
            return chosen
        best = request.accept_languages.best_match(["zh-CN", "zh", "en"])
    except RuntimeError:
        return "zh_CN"
    return "en" if best == "en" else "zh_CN"


def init_i18n(app: Flask) -> None:
    """Initialise Flask-Babel with the app's translations directory."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(Path(__file__).parent / "translations"))
    babel.init_app(app, locale_selector=select_locale)


# the elements whose names staff read: steps, procedures, pools and the labels of flows in the diagram (lanes are
# named by role key and shown as the role's label)
_NAMED = re.compile(r'<bpmn:(?!lane\b|laneSet\b|collaboration\b|textAnnotation\b)\w+ id="[^"]+" name="([^"]+)"')


def extract_bpmn(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any) -> Iterator[tuple[int, None, str, list[str]]]:
    """Babel extractor (babel.cfg): the names of a BPMN file's processes, pools, flow nodes and flows."""
    for lineno, line in enumerate(fileobj.read().decode("utf-8").splitlines(), start=1):
        for match in _NAMED.finditer(line):
            yield lineno, None, html.unescape(match.group(1)), []


# CJK ideographs, CJK punctuation and full-width forms: a string with any of them is Chinese text
CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
Extracted = Iterator[tuple[int, None, str, list[str]]]


def extract_chinese_literals(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any) -> Extracted:
    """Babel extractor (babel.cfg, handlers/checks): every Chinese string literal, docstrings and f-strings aside.

    The checks write their reasons with `say(msgid, ...)` and pass labels, units and words as parameters, all
    Chinese literals: each is a message the page translates (handlers/checks/text.py)."""
    tree = ast.parse(fileobj.read().decode("utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and body and \
                isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            skipped.add(id(body[0].value))
        if isinstance(node, ast.JoinedStr):
            skipped.update(id(part) for part in ast.walk(node))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skipped \
                and CHINESE.search(node.value):
            yield node.lineno, None, node.value, []


# the parts of a policy.yaml whose words the checks put in their reasons (labels, units, names, kinds, shares)
_POLICY_SECTIONS = ("thresholds", "governance", "conditions")
_SHARE = re.compile(r"^\s*\d+\s*/\s*\d+\s*$")


def extract_policy_words(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any) -> Extracted:
    """Babel extractor (babel.cfg): the Chinese words of a policy.yaml that check reasons quote, and its shares
    as the reasons write them (1/3 → 三分之一); citations (keys named article) are translated by rule."""
    root = yaml.compose(fileobj.read().decode("utf-8"))
    if not isinstance(root, yaml.MappingNode):
        return
    sections = [value for key, value in root.value if key.value in _POLICY_SECTIONS]
    stack: list[tuple[str, yaml.Node]] = [("", node) for node in sections]
    while stack:
        key, node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            stack.extend((str(k.value), v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((key, v) for v in node.value)
        elif isinstance(node, yaml.ScalarNode) and "article" not in key:
            text = str(node.value)
            if _SHARE.match(text):
                text = share_words(text)
            if CHINESE.search(text):
                yield node.start_mark.line + 1, None, text, []
