"""The shape of the flow: no task forks without a gateway, no machine loop without a bound."""
from __future__ import annotations

import ast
from collections import defaultdict

from flask_babel import gettext as _
from lxml import etree

from app.services.design.problems import GATEWAYS, Problem, bpmn, flow_nodes, local, text_of

HUMAN_PACED = ("userTask", "manualTask")


def _flows(process: etree._Element) -> list[tuple[str, str, str, str]]:
    """(flow id, source, target, condition) of every sequence flow."""
    return [
        (f.get("id", ""), f.get("sourceRef", ""), f.get("targetRef", ""), text_of(f.find(bpmn("conditionExpression"))))
        for f in process.iter(bpmn("sequenceFlow"))
    ]


def task_forks(process: etree._Element) -> list[Problem]:
    """A node that is not a gateway may not leave by two unconditioned flows (SpiffWorkflow: use a gateway)."""
    unconditioned: dict[str, int] = defaultdict(int)
    for _flow, source, _target, condition in _flows(process):
        if not condition:
            unconditioned[source] += 1
    found = []
    for node in flow_nodes(process):
        if local(node) not in GATEWAYS and unconditioned[node.get("id", "")] > 1:
            found.append(Problem(node.get("id", ""), "task_outgoing",
                                 _("非网关节点有两条以上无条件的流出连线：请用网关分支")))
    return found


def _components(nodes: list[str], edges: dict[str, list[str]]) -> list[list[str]]:
    """Strongly connected components with a cycle (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[list[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            successors = edges.get(node, [])
            if i < len(successors):
                work.append((node, i + 1))
                nxt = successors[i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges.get(node, []):
                    result.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return result


def _names(source: str, ctx: type[ast.expr_context]) -> set[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ctx)}


def _has_counter(members: set[str], process: etree._Element, flows: list[tuple[str, str, str, str]]) -> bool:
    """A script in the loop counts (`n = n + 1`, `n += 1`) and a condition leaving a gateway of it compares."""
    counted: set[str] = set()
    for script in process.iter(bpmn("scriptTask")):
        if script.get("id") in members:
            source = text_of(script.find(bpmn("script")))
            counted |= _names(source, ast.Store) & _names(source, ast.Load)
    for _flow, source, _target, condition in flows:
        if source in members and condition and _names(condition, ast.Load) & counted:
            try:
                tree = ast.parse(condition, mode="eval")
            except SyntaxError:
                continue
            if any(isinstance(n, ast.Compare) for n in ast.walk(tree)):
                return True
    return False


def loop_bounds(process: etree._Element) -> list[Problem]:
    """A loop through a gateway back-edge either waits for a person each round or is capped by a counter."""
    kinds = {n.get("id", ""): local(n) for n in flow_nodes(process)}
    flows = _flows(process)
    edges: dict[str, list[str]] = defaultdict(list)
    for _flow, source, target, _condition in flows:
        edges[source].append(target)
    for event in process.iter(bpmn("boundaryEvent")):
        edges[event.get("attachedToRef", "")].append(event.get("id", ""))
    found = []
    for component in _components(list(kinds), edges):
        members = set(component)
        if any(kinds.get(m) in HUMAN_PACED for m in members) or _has_counter(members, process, flows):
            continue
        gateways = sorted(m for m in members if kinds.get(m) in GATEWAYS) or sorted(members)
        found.append(Problem(gateways[0], "loop_bound", _(
            "回路没有上限：回路中既无人工任务，也无计数上限（脚本累加计数并在网关条件中比较）；"
            "SpiffWorkflow 的回路每轮加深任务树，约 250 轮后会静默停止。涉及节点：%(nodes)s",
            nodes="、".join(sorted(members)))))
    return found
