"""Validate one BPMN document: safe XML, XSD, SpiffWorkflow's parser, RestrictedPython, our conventions.

The same rules run in `tic validate`, `POST /api/v1/definitions/validate` and before every deploy from the designer.
"""
from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

from flask_babel import gettext as _
from lxml import etree

from app.engine.parser import BpmnDefinitionError, parse_bundle
from app.services.design import rules_conventions, rules_data, rules_flow
from app.services.design.problems import SPIFF, Problem, bpmn
from app.services.design.safe_xml import UnsafeXml, parse_bpmn_bytes
from app.vocabulary import COMMON


def validate_bpmn(data: bytes, *, processes_dir: Path, forms_dir: Path, file_path: Path | None = None) -> list[Problem]:
    """Every problem of the BPMN document `data` (empty when it may be deployed)."""
    try:
        root = parse_bpmn_bytes(data)
    except UnsafeXml as err:
        return [Problem("", err.rule, err.message)]
    processes = [p for p in root.iter(bpmn("process")) if p.get("isExecutable") == "true"]
    if not processes:
        return [Problem("", "parse", _("文件中没有可执行的流程（isExecutable=\"true\"）"))]
    found = _engine_problems(root, data, processes, processes_dir, file_path)
    for process in processes:
        found += rules_conventions.identifiers(root, process, file_path) if process is processes[0] else []
        found += rules_conventions.names_and_articles(process)
        found += rules_conventions.lanes(process)
        found += rules_conventions.forms(process, forms_dir)
        found += rules_conventions.operators(process)
        found += rules_flow.task_forks(process)
        found += rules_flow.loop_bounds(process)
        found += rules_data.scripts(process)
        found += rules_data.timers(process)
        found += rules_data.reads_covered(process, forms_dir, caller_fields(processes_dir, process.get("id", "")))
    scripted = {p.element_id for p in found if p.rule == "script"}  # the parser refuses them too, less precisely
    return _unique([p for p in found if not (p.rule == "parse" and p.element_id in scripted)])


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[Problem] = set()
    return [p for p in problems if not (p in seen or seen.add(p))]  # type: ignore[func-returns-value]


def _engine_problems(root: etree._Element, data: bytes, processes: list[etree._Element], processes_dir: Path,
                     file_path: Path | None) -> list[Problem]:
    """XSD validation, SpiffWorkflow's parser and the restricted compiler, as the deploy will run them."""
    name = file_path.name if file_path is not None else "upload.bpmn"
    bundle = {name: data.decode("utf-8")}
    common = processes_dir / COMMON
    if common.is_dir() and (file_path is None or file_path.parent.resolve() != common.resolve()):
        for other in sorted(common.glob("*.bpmn")):
            bundle[f"{COMMON}/{other.name}"] = other.read_text(encoding="utf-8")
    found = []
    for process in processes:
        try:
            parse_bundle(bundle, process.get("id", ""))
        except BpmnDefinitionError as err:
            if err.line:
                found.append(Problem(err.element_id or process.get("id", ""), "xsd",
                                     _("不符合 BPMN 2.0 XSD（第 %(line)s 行）：%(reason)s", line=err.line, reason=err.reason)))
            else:
                found.append(Problem(err.element_id or process.get("id", ""), "parse",
                                     _("SpiffWorkflow 无法解析：%(reason)s", reason=err.reason)))
    return found + _call_targets(root, processes_dir)


def _call_targets(root: etree._Element, processes_dir: Path) -> list[Problem]:
    """A call activity calls a process of this file or of the repository (`processes/`)."""
    calls = list(root.iter(bpmn("callActivity")))
    if not calls:
        return []
    known = {p.get("id", "") for p in root.iter(bpmn("process"))}
    for path in sorted(processes_dir.glob("*/*.bpmn")):
        try:
            known |= {p.get("id", "") for p in parse_bpmn_bytes(path.read_bytes()).iter(bpmn("process"))}
        except UnsafeXml:
            continue
    return [Problem(call.get("id", ""), "call_target", _("调用的流程不存在：%(key)s", key=call.get("calledElement", "")))
            for call in calls if call.get("calledElement", "") not in known]


def caller_fields(processes_dir: Path, process_id: str) -> set[str]:
    """Data keys other repository processes pass when they start `process_id` (`start_procedure` `data`)."""
    files = tuple((str(p), p.stat().st_mtime_ns) for p in sorted(processes_dir.glob("*/*.bpmn")))
    return set(_started_with(files).get(process_id, frozenset()))


@lru_cache(maxsize=8)
def _started_with(files: tuple[tuple[str, int], ...]) -> dict[str, frozenset[str]]:
    """process id -> keys its starters pass, read once per set of file versions."""
    found: dict[str, set[str]] = {}
    for name, _mtime in files:
        try:
            root = parse_bpmn_bytes(Path(name).read_bytes())
        except UnsafeXml:
            continue
        for operator in root.iter(f"{{{SPIFF}}}serviceTaskOperator"):
            if operator.get("id") != "start_procedure":
                continue
            params = {p.get("id"): p.get("value", "") for p in operator.iter(f"{{{SPIFF}}}parameter")}
            try:
                target = ast.literal_eval(params.get("process_key") or "None")
                tree = ast.parse(params.get("data") or "{}", mode="eval")
            except (ValueError, SyntaxError):
                continue
            if isinstance(target, str) and isinstance(tree.body, ast.Dict):
                found.setdefault(target, set()).update(
                    k.value for k in tree.body.keys if isinstance(k, ast.Constant) and isinstance(k.value, str))
    return {key: frozenset(keys) for key, keys in found.items()}


def validate_path(path: Path, *, processes_dir: Path, forms_dir: Path) -> dict[Path, list[Problem]]:
    """Problems per BPMN file under `path` (a file, or a directory searched recursively)."""
    files = [path] if path.is_file() else sorted(path.rglob("*.bpmn"))
    return {f: validate_bpmn(f.read_bytes(), processes_dir=processes_dir, forms_dir=forms_dir, file_path=f.resolve())
            for f in files}
