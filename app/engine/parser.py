"""Parse and validate BPMN bundles into executable specs."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Literal

from flask_babel import gettext as _
from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.parser.task_parsers import ConditionalGatewayParser, GatewayParser
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.defaults import ExclusiveGateway, InclusiveGateway, ParallelGateway
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.parser.task_spec import SpiffTaskParser

from app.engine.script_engine import compile_restricted_cached, refuse_unbounded_loops

FORBIDDEN_IDS = {"Start", "End", "Root"}  # collide with SpiffWorkflow's internal task specs
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


class BpmnDefinitionError(Exception):
    """A BPMN file cannot be deployed; names the file, the element id and the reason."""

    def __init__(self, file_name: str, element_id: str, reason: str, line: int | None = None) -> None:
        where = file_name + (f":{line}" if line else "")
        if element_id:
            where = _("%(where)s 元素 %(id)s", where=where, id=element_id)
        super().__init__(f"{where}: {reason}")
        self.file_name = file_name
        self.element_id = element_id
        self.reason = reason
        self.line = line

    def as_dict(self) -> dict[str, Any]:
        """A JSON-friendly description for API answers."""
        return {"file": self.file_name, "element_id": self.element_id, "reason": self.reason, "line": self.line}


class _ConditionalGatewayParser(ConditionalGatewayParser):  # type: ignore[misc]
    """Gateways keep their `spiffworkflow:properties` (the stock parser drops them, and with them the article)."""

    def parse_extensions(self, node: Any = None) -> dict[str, Any]:
        return dict(SpiffTaskParser._parse_extensions(node if node is not None else self.node))


class _GatewayParser(GatewayParser):  # type: ignore[misc]
    def parse_extensions(self, node: Any = None) -> dict[str, Any]:
        return dict(SpiffTaskParser._parse_extensions(node if node is not None else self.node))


class TicBpmnParser(SpiffBpmnParser):  # type: ignore[misc]
    """SpiffBpmnParser whose gateways also read extension properties."""

    OVERRIDE_PARSER_CLASSES = {
        **SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
        full_tag("exclusiveGateway"): (_ConditionalGatewayParser, ExclusiveGateway),
        full_tag("inclusiveGateway"): (_ConditionalGatewayParser, InclusiveGateway),
        full_tag("parallelGateway"): (_GatewayParser, ParallelGateway),
    }


@dataclass
class ParsedProcess:
    """An executable process: its spec, the specs it calls, and its display metadata."""

    key: str
    name: str
    spec: BpmnProcessSpec
    subprocess_specs: dict[str, BpmnProcessSpec] = field(default_factory=dict)


def bundle_hash(bundle: dict[str, str]) -> str:
    """Content hash of a BPMN bundle (file name -> XML); equal bundles deploy once."""
    return hashlib.sha256(json.dumps(bundle, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _check_ids(file_name: str, xml: str) -> None:
    try:
        root = etree.fromstring(xml.encode())
    except etree.XMLSyntaxError as err:
        raise BpmnDefinitionError(file_name, "", _("XML 语法错误：%(error)s", error=err), err.lineno) from err
    for node in root.iter():
        if isinstance(node.tag, str) and node.get("id") in FORBIDDEN_IDS and node.tag.startswith(f"{{{BPMN_NS}}}"):
            raise BpmnDefinitionError(
                file_name, node.get("id", ""), _("元素 id 与引擎内部保留名冲突（Start/End/Root），请改名"), node.sourceline
            )


def parse_bundle(bundle: dict[str, str], key: str) -> ParsedProcess:
    """Parse `bundle` with XSD validation and return process `key` with the processes it calls."""
    parser = TicBpmnParser(validator=VALIDATOR)
    try:
        for file_name, xml in bundle.items():
            _check_ids(file_name, xml)
            parser.add_bpmn_str(xml.encode(), filename=file_name)
        spec = parser.get_spec(key)
        subprocess_specs = parser.get_subprocess_specs(key)
    except ValidationException as err:
        line = err.line_number if isinstance(err.line_number, int) else None
        raise BpmnDefinitionError(err.file_name or key, err.id or "", str(err).split("\n")[0], line) from err
    _check_expressions(spec, key)
    return ParsedProcess(key=key, name=spec.description or key, spec=spec, subprocess_specs=subprocess_specs)


def process_ids(file_name: str, xml: str) -> list[tuple[str, str, bool]]:
    """(id, name, executable) of every process in one BPMN file."""
    try:
        root = etree.fromstring(xml.encode())
    except etree.XMLSyntaxError as err:
        raise BpmnDefinitionError(file_name, "", _("XML 语法错误：%(error)s", error=err), err.lineno) from err
    return [
        (p.get("id", ""), p.get("name") or p.get("id", ""), p.get("isExecutable") == "true")
        for p in root.iter(f"{{{BPMN_NS}}}process")
    ]


def _check_expressions(spec: BpmnProcessSpec, key: str) -> None:
    """Reject at deploy time what would fail when reached: invalid Python in conditions and scripts."""
    for task_spec in spec.task_specs.values():
        bpmn_id = getattr(task_spec, "bpmn_id", None)
        if bpmn_id is None:
            continue
        sources: list[tuple[str, Literal["exec", "eval"]]] = []
        for attr in ("script", "prescript", "postscript"):
            script = getattr(task_spec, attr, None)
            if isinstance(script, str):
                sources.append((script, "exec"))
        for cond in getattr(task_spec, "cond_task_specs", []) or []:
            expression = getattr(cond[0], "args", [None])[0] if cond[0] is not None else None
            if isinstance(expression, str):
                sources.append((expression, "eval"))
        for param in (getattr(task_spec, "operation_params", None) or {}).values():
            if isinstance(param.get("value"), str):
                sources.append((param["value"], "eval"))
        due = (getattr(task_spec, "extensions", {}) or {}).get("properties", {}).get("due")
        if isinstance(due, str):
            sources.append((due, "eval"))
        event_definition = getattr(task_spec, "event_definition", None)
        expression = getattr(event_definition, "expression", None)
        if isinstance(expression, str):
            sources.append((expression, "eval"))
        for source, mode in sources:
            try:
                compile_restricted_cached(source, mode)
                if mode == "exec":
                    refuse_unbounded_loops(source)
            except SyntaxError as err:
                raise BpmnDefinitionError(
                    key, bpmn_id, _("表达式或脚本无效：%(source)r（%(error)s）", source=source, error=err.msg)
                ) from err
