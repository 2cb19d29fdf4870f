"""Expressions: every script compiles under RestrictedPython, timers are valid, forms cover what is read."""
from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from flask_babel import gettext as _
from lxml import etree

from app.engine.script_engine import GUARD_GLOBALS, SAFE_BUILTINS, compile_restricted_cached, refuse_unbounded_loops
from app.services.design.problems import SPIFF, Problem, bpmn, local, properties, text_of

Mode = Literal["exec", "eval"]
# what every instance starts with (app/services/running/start_data.py `prepare`, and its preparers)
START_DATA = frozenset({
    "center_id", "center_name", "policy", "center_status", "center_category", "center_approved_at",
    "center_established_at", "center_profile", "report_year", "due_at", "remind_at", "cycle", "cycle_start", "cycle_end",
})
DURATION = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")
LOOKS_ISO = re.compile(r"^(R\d*/|P\d|P T|\d{4}-\d{2}-\d{2})")
KNOWN = frozenset(SAFE_BUILTINS) | frozenset(GUARD_GLOBALS) | {"True", "False", "None"}


def sources(process: etree._Element) -> Iterator[tuple[str, str, Mode]]:
    """(element id, source, mode) of every script, condition, timer, service parameter and `due` property."""
    for node in process.iter():
        if not isinstance(node.tag, str):
            continue
        node_id = node.get("id", "")
        tag = local(node)
        if tag == "scriptTask":
            yield node_id, text_of(node.find(bpmn("script"))), "exec"
        elif tag == "sequenceFlow" and node.find(bpmn("conditionExpression")) is not None:
            yield node_id, text_of(node.find(bpmn("conditionExpression"))), "eval"
        for kind in ("preScript", "postScript"):
            for script in node.findall(f"{bpmn('extensionElements')}/{{{SPIFF}}}{kind}"):
                yield node_id, text_of(script), "exec"
        for parameter in node.findall(f"{bpmn('extensionElements')}/{{{SPIFF}}}serviceTaskOperator/"
                                      f"{{{SPIFF}}}parameters/{{{SPIFF}}}parameter"):
            yield node_id, parameter.get("value", ""), "eval"
        due = properties(node).get("due") if tag in ("userTask", "manualTask") else None
        if due:
            yield node_id, due, "eval"


def scripts(process: etree._Element) -> list[Problem]:
    """Every script and expression compiles under RestrictedPython (what the engine will run)."""
    found = []
    for element_id, source, mode in sources(process):
        if not source and mode == "eval":
            found.append(Problem(element_id, "script", _("表达式为空")))
            continue
        try:
            compile_restricted_cached(source, mode)
        except SyntaxError as err:
            found.append(Problem(element_id, "script", _("脚本或表达式在受限环境中无法编译：%(error)s", error=err.msg)))
            continue
        try:
            refuse_unbounded_loops(source)
        except SyntaxError as err:
            found.append(Problem(element_id, "script", _(
                "脚本第 %(line)s 行的 while 循环不会结束（条件恒真且没有 break）", line=err.lineno)))
    return found


def _timer_expressions(process: etree._Element) -> Iterator[tuple[str, str, str]]:
    for event in process.iter():
        if not isinstance(event.tag, str):
            continue
        for definition in event.findall(bpmn("timerEventDefinition")):
            for kind in ("timeDate", "timeDuration", "timeCycle"):
                for expression in definition.findall(bpmn(kind)):
                    yield event.get("id", ""), kind, text_of(expression)


def _literal_problem(kind: str, value: str) -> str | None:
    if kind == "timeDuration":
        return None if DURATION.match(value) else _("期限 %(value)r 不是 ISO 8601 时长（例如 'P2Y'、'P30D'）", value=value)
    if kind == "timeDate":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return _("日期 %(value)r 不是 ISO 8601 日期时间（例如 '2026-03-31T23:59:59+08:00'）", value=value)
        return None if moment.tzinfo is not None else _("日期 %(value)r 须带时区（例如 +08:00），否则按服务器时区解释", value=value)
    parts = value.split("/")
    if len(parts) != 3 or not re.match(r"^R\d*$", parts[0]) or not DURATION.match(parts[2]):
        return _("周期 %(value)r 须为 'R次数/开始时间/时长' 形式（例如 'R3/2026-01-01T00:00:00+08:00/P1Y'）", value=value)
    return None


def timers(process: etree._Element) -> list[Problem]:
    """Timer expressions compile and, when literal, are quoted ISO 8601 values with an offset."""
    found = []
    for element_id, kind, source in _timer_expressions(process):
        if not source:
            found.append(Problem(element_id, "timer", _("定时器表达式为空")))
            continue
        if LOOKS_ISO.match(source):
            found.append(Problem(element_id, "timer", _(
                "定时器表达式是 Python 表达式：字面值须加引号，例如 %(quoted)r", quoted=f"'{source}'")))
            continue
        try:
            tree = ast.parse(source, mode="eval")
            compile_restricted_cached(source, "eval")
        except SyntaxError as err:
            found.append(Problem(element_id, "timer", _("定时器表达式无法编译：%(error)s", error=err.msg)))
            continue
        if isinstance(tree.body, ast.Constant) and isinstance(tree.body.value, str):
            message = _literal_problem(kind, tree.body.value)
            if message:
                found.append(Problem(element_id, "timer", message))
    return found


def _names(source: str, mode: Mode, ctx: type[ast.expr_context]) -> set[str]:
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError:
        return set()
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ctx)}
    if ctx is ast.Store:
        names |= {a.arg for n in ast.walk(tree) if isinstance(n, ast.Lambda) for a in n.args.args}
    return names


def form_fields(schema: Any) -> set[str]:
    """The top-level fields a form writes into the task data (conditional branches included)."""
    fields: set[str] = set()
    if not isinstance(schema, dict):
        return fields
    fields |= set((schema.get("properties") or {}).keys())
    for key in ("allOf", "anyOf", "oneOf"):
        for branch in schema.get(key) or []:
            fields |= form_fields(branch)
    for key in ("if", "then", "else"):
        fields |= form_fields(schema.get(key))
    return fields


def _provided(process: etree._Element, forms_dir: Path) -> set[str]:
    provided = set(START_DATA)
    for task in process.iter(bpmn("userTask")):
        path = forms_dir / properties(task).get("formKey", "")
        if path.is_file():
            try:
                provided |= form_fields(json.loads(path.read_text(encoding="utf-8")))
            except ValueError:
                continue
    for _element_id, source, mode in sources(process):
        provided |= _names(source, mode, ast.Store)
    for operator in process.iter(f"{{{SPIFF}}}serviceTaskOperator"):
        if operator.get("resultVariable"):
            provided.add(operator.get("resultVariable", ""))
    return provided


def reads_covered(process: etree._Element, forms_dir: Path, start_fields: set[str]) -> list[Problem]:
    """Every name the process reads is written by a form, a script, an operator's result or the start data."""
    provided = _provided(process, forms_dir) | start_fields
    found = []
    reads: list[tuple[str, str, Mode]] = list(sources(process))
    reads += [(e, s, "eval") for e, _kind, s in _timer_expressions(process)]
    for element_id, source, mode in reads:
        missing = _names(source, mode, ast.Load) - provided - KNOWN - _names(source, mode, ast.Store)
        if missing:
            found.append(Problem(element_id, "form_fields", _(
                "读取了没有任何表单字段、脚本、操作结果或启动数据提供的变量：%(names)s", names="、".join(sorted(missing)))))
    return found
