"""What validation reports (one problem per element and rule) and the BPMN vocabulary the rules read."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"

TASKS = ("task", "userTask", "manualTask", "serviceTask", "scriptTask", "businessRuleTask", "sendTask",
         "receiveTask", "callActivity", "subProcess")
EVENTS = ("startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent")
GATEWAYS = ("exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway", "complexGateway")
FLOW_NODES = TASKS + EVENTS + GATEWAYS


@dataclass(frozen=True)
class Problem:
    """One broken rule: the element (id, or '' for the document), the rule's name and a Chinese message."""

    element_id: str
    rule: str
    message: str

    def as_dict(self) -> dict[str, str]:
        """The API's shape `{element_id, rule, message}`."""
        return asdict(self)


def bpmn(tag: str) -> str:
    """The qualified name of a BPMN model element."""
    return f"{{{BPMN}}}{tag}"


def local(node: etree._Element) -> str:
    """The element's tag without its namespace."""
    return str(etree.QName(node).localname)


def flow_nodes(process: etree._Element) -> Iterator[etree._Element]:
    """Every flow node of a process, those inside embedded subprocesses too."""
    for node in process.iter():
        if isinstance(node.tag, str) and node.tag.startswith(f"{{{BPMN}}}") and local(node) in FLOW_NODES:
            yield node


def properties(node: etree._Element) -> dict[str, str]:
    """The element's `spiffworkflow:property` values by name."""
    found: dict[str, str] = {}
    for ext in node.findall(bpmn("extensionElements")):
        for prop in ext.iter(f"{{{SPIFF}}}property"):
            found[prop.get("name", "")] = prop.get("value", "")
    return found


def text_of(node: etree._Element | None) -> str:
    """The stripped text content of an element (empty when absent)."""
    return (node.text or "").strip() if node is not None else ""
