"""What the designer offers in its panels: processes, forms, operators and their parameters, roles, articles."""
from __future__ import annotations

import ast
import inspect
import re
import textwrap
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import current_app

from app.labels import ROLE_LABELS
from app.models import User
from app.services.design.guard import require_designer
from app.services.design.problems import bpmn, properties
from app.services.design.safe_xml import UnsafeXml, parse_bpmn_bytes
from app.services.infrastructure.deploy import list_latest
from app.vocabulary import DEPLOYABLE_POLICIES, LANE_ROLES
from handlers.registry import handler_of, registered

ARTICLE_HEADING = re.compile(r"^\s*(第[一二三四五六七八九十百零]+条)\s*(.*)$")
SOURCE = re.compile(r"Source:\s*(\S+\.txt)")


def operator_parameters(name: str) -> list[str]:
    """The parameters an operator reads (`params["x"]`, `params.get("x")` in its handler), in order of use."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(handler_of(name))))
    except (OSError, TypeError, SyntaxError):
        return []
    found: list[str] = []
    for node in ast.walk(tree):
        key = None
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "params":
            key = node.slice
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
              and isinstance(node.func.value, ast.Name) and node.func.value.id == "params" and node.args):
            key = node.args[0]
        if isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value not in found:
            found.append(key.value)
    return found


def _text_articles(policy_yaml: Path, root: Path) -> list[dict[str, str]]:
    """Article headings of the policy text cited at the top of policy.yaml (`# Source: ../shared/seeds/…`)."""
    if not policy_yaml.is_file():
        return []
    match = SOURCE.search(policy_yaml.read_text(encoding="utf-8")[:2000])
    text_path = (root / match.group(1)).resolve() if match else None
    if text_path is None or not text_path.is_file():
        return []
    articles = []
    for line in text_path.read_text(encoding="utf-8").splitlines():
        heading = ARTICLE_HEADING.match(line)
        if heading:
            articles.append({"article": heading.group(1), "text": heading.group(2)[:40]})
    return articles


def _used_articles(policy_dir: Path) -> list[str]:
    used: list[str] = []
    for path in sorted(policy_dir.glob("*.bpmn")):
        try:
            root = parse_bpmn_bytes(path.read_bytes())
        except UnsafeXml:
            continue
        for node in root.iter():
            value = properties(node).get("article", "") if isinstance(node.tag, str) and node.tag != bpmn("definitions") else ""
            if value and value not in used:
                used.append(value)
    return used


@lru_cache(maxsize=16)
def _articles(processes_dir: Path, policy: str) -> tuple[dict[str, str], ...]:
    from_text = _text_articles(processes_dir / policy / "policy.yaml", processes_dir.resolve().parent)
    known = {a["article"] for a in from_text}
    extra = [{"article": a, "text": ""} for a in _used_articles(processes_dir / policy) if a not in known]
    return tuple(from_text + extra)


def palette(user: User) -> dict[str, Any]:
    """Everything the designer's panels offer, from the deployed processes, forms/, the registry and the texts."""
    require_designer(user)
    processes_dir = Path(current_app.config["TIC_PROCESSES_DIR"])
    forms_dir = Path(current_app.config["TIC_FORMS_DIR"])
    policies = [p for p in DEPLOYABLE_POLICIES if user.policy in (None, p) or p == "common"]
    return {
        "processes": [{"key": d.key, "name": d.name, "version": d.version, "policy": d.policy}
                      for d in list_latest() if d.policy in policies],
        "forms": {p: sorted(f"{p}/{f.name}" for f in (forms_dir / p).glob("*.json")) for p in policies},
        "operators": {name: operator_parameters(name) for name in registered()},
        "roles": [{"key": str(role), "label": str(ROLE_LABELS.get(role, role))} for role in LANE_ROLES],
        "articles": {p: list(_articles(processes_dir, p)) for p in policies},
    }
