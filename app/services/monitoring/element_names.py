"""The names of a BPMN diagram's elements, and an instance's element states listed by name (the instance page)."""
from __future__ import annotations

from app.services.design.safe_xml import parse_bpmn_bytes

STATE_ORDER = ("active", "waiting", "completed", "cancelled")


def element_names(bpmn_xml: str) -> dict[str, str]:
    """Every named element of the document, id → name, in document order (unnamed elements are left out)."""
    root = parse_bpmn_bytes(bpmn_xml.encode("utf-8"))
    return {str(node.get("id")): " ".join(str(node.get("name")).split())
            for node in root.iter() if isinstance(node.tag, str) and node.get("id") and node.get("name")}


def states_by_name(states: dict[str, str], names: dict[str, str]) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """The elements of each state (active, waiting, completed, cancelled), in diagram order, with their names."""
    order = {element_id: n for n, element_id in enumerate(names)}
    groups = []
    for state in STATE_ORDER:
        ids = sorted((i for i, s in states.items() if s == state), key=lambda i: (order.get(i, len(order)), i))
        if ids:
            groups.append((state, [(i, names.get(i)) for i in ids]))
    return groups
