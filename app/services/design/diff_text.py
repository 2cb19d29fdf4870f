"""A version comparison in words: each changed element with its name, each changed attribute with a label and,
where the values can be shown, old → new.

SpiffWorkflow's spec diff names the changed attributes by the keys of its serialized task specs (`bpmn_name`,
`extensions`, `cond_task_specs` ...): those keys never reach a page, each has a label here (unknown ones a generic
one), and the values are read from the same serialized specs the diff compared.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.articles import article_label
from app.engine.parser import ParsedProcess
from app.engine.serializer import SERIALIZER
from app.engine.versions import ElementChange, VersionDiff
from app.i18n import english, step_name
from app.labels import ROLE_LABELS
from app.services.monitoring.event_text import process_label

SHOWN_CHARS = 80  # a longer value (a script, a documentation) is cut with an ellipsis

# the serialized task spec's keys (SpiffWorkflow's BPMN and spiff converters), each with its label
ATTRIBUTE_LABELS = {
    "bpmn_name": _l("名称"), "name": _l("元素编号"), "bpmn_id": _l("元素编号"), "typename": _l("元素类型"),
    "description": _l("元素类型说明"), "documentation": _l("说明文档"), "lane": _l("泳道（办理角色）"),
    "manual": _l("由人办理"), "lookahead": _l("引擎预读步数"), "inputs": _l("前序步骤"), "outputs": _l("后续步骤"),
    "data_input_associations": _l("数据输入关联"), "data_output_associations": _l("数据输出关联"),
    "io_specification": _l("输入输出定义"), "extensions": _l("扩展属性"), "prescript": _l("前置脚本"),
    "postscript": _l("后置脚本"), "script": _l("脚本"), "event_definition": _l("事件定义"),
    "event_definitions": _l("事件定义"), "cancel_activity": _l("中断所附任务"), "cond_task_specs": _l("分支条件"),
    "default_task_spec": _l("默认分支"), "choice": _l("所选分支"), "split_task": _l("对应的分支网关"),
    "threshold": _l("汇合数量"), "cancel": _l("汇合后取消其余分支"), "trigger_specs": _l("触发的开始事件"),
    "spec": _l("调用的流程"), "operation_name": _l("服务任务操作"), "operation_params": _l("操作参数"),
    "result_variable": _l("结果变量"), "variable": _l("变量"), "task_spec": _l("多实例中的任务"),
    "cardinality": _l("实例数"), "data_input": _l("输入集合"), "data_output": _l("输出集合"),
    "input_item": _l("输入项"), "output_item": _l("输出项"), "condition": _l("条件"),
    "completion_condition": _l("完成条件"), "test_before": _l("先判断条件"), "maximum": _l("最多循环次数"),
}
OTHER_ATTRIBUTE = _l("其他属性")
# the `spiffworkflow:property` names the designer's panels set
PROPERTY_LABELS = {"article": _l("依据条款"), "formKey": _l("任务表单"), "due": _l("办理期限"),
                   "related_article": _l("相关条款")}
OTHER_PROPERTY = _l("其他扩展属性")
ARTICLE_PROPERTIES = {"article", "related_article"}
# spiffworkflow extensions the diff reports twice: as `extensions` and as a key of its own (`postscript` ...)
EXTENSIONS_WITH_OWN_KEY = {"preScript", "postScript", "serviceTaskOperator"}
TYPE_LABELS = {
    "UserTask": _l("人工任务"), "ManualTask": _l("手工任务"), "NoneTask": _l("任务"), "ScriptTask": _l("脚本任务"),
    "ServiceTask": _l("服务任务"), "SendTask": _l("发送任务"), "ReceiveTask": _l("接收任务"),
    "BusinessRuleTask": _l("业务规则任务"), "CallActivity": _l("调用活动"), "SubWorkflowTask": _l("子流程"),
    "TransactionSubprocess": _l("事务子流程"), "StartEvent": _l("开始事件"), "EndEvent": _l("结束事件"),
    "IntermediateCatchEvent": _l("中间捕获事件"), "IntermediateThrowEvent": _l("中间抛出事件"),
    "BoundaryEvent": _l("边界事件"), "EventBasedGateway": _l("事件网关"), "ExclusiveGateway": _l("排他网关"),
    "InclusiveGateway": _l("包容网关"), "ParallelGateway": _l("并行网关"),
    "StandardLoopTask": _l("循环任务"), "SequentialMultiInstanceTask": _l("串行多实例任务"),
    "ParallelMultiInstanceTask": _l("并行多实例任务"),
}
EVENT_LABELS = {
    "TimeDateEventDefinition": _l("定时（日期）"), "DurationTimerEventDefinition": _l("定时（时长）"),
    "CycleTimerEventDefinition": _l("定时（周期）"), "MessageEventDefinition": _l("消息"),
    "SignalEventDefinition": _l("信号"), "ErrorEventDefinition": _l("错误"), "EscalationEventDefinition": _l("升级"),
    "TerminateEventDefinition": _l("终止"), "NoneEventDefinition": _l("无事件"), "CancelEventDefinition": _l("取消事件"),
    "ConditionalEventDefinition": _l("条件"), "MultipleEventDefinition": _l("多重事件"),
}
# keys whose value names other task specs: shown by those steps' names
STEP_KEYS = {"inputs", "outputs", "default_task_spec", "split_task", "trigger_specs", "task_spec"}
# `description` is the spec type's English wording: it changes with these, which say what changed
DESCRIBED_BY = ("typename", "cancel_activity", "event_definition")

Change = dict[str, str | None]


def describe_diff(old: ParsedProcess, new: ParsedProcess, found: VersionDiff) -> dict[str, list[dict[str, Any]]]:
    """The diff as the designer lists it: each element labelled, each changed attribute in words."""
    return {
        "added": [_element(c, []) for c in found.added],
        "removed": [_element(c, []) for c in found.removed],
        "changed": [_element(c, attribute_changes(old, new, c)) for c in found.changed],
    }


def _element(change: ElementChange, changes: list[Change]) -> dict[str, Any]:
    """One listed element: its id, name, a label naming it and its changes in words."""
    return {"element_id": change.element_id, "name": change.name, "kind": change.kind,
            "attributes": list(change.attributes), "label": element_label(change.element_id, change.name),
            "changes": changes}


def element_label(element_id: str, name: str) -> str:
    """`填报年度报告（submit_report）`: the element's name in the user's language and its id."""
    if not name or name == element_id:
        return element_id
    return _("%(name)s（%(id)s）", name=step_name(name), id=element_id)


def attribute_changes(old: ParsedProcess, new: ParsedProcess, change: ElementChange) -> list[Change]:
    """Each changed attribute of an element as `{label, old, new, text}` (old and new None when not shown)."""
    before, after = _fields(old, change.element_id), _fields(new, change.element_id)
    found: list[Change] = []
    for key in change.attributes:
        if key == "description" and any(k in change.attributes for k in DESCRIBED_BY):
            continue
        found.extend(_attribute(key, before, after, (old, new)))
    return _unique(found)


def _fields(process: ParsedProcess, element_id: str) -> dict[str, Any] | None:
    """The serialized task spec of an element (what SpiffWorkflow's diff compared), None when it has none."""
    spec = process.spec.task_specs.get(element_id)
    if spec is None:
        return None
    fields: dict[str, Any] = SERIALIZER.registry.convert(spec)
    return fields


def _attribute(key: str, before: dict[str, Any] | None, after: dict[str, Any] | None,
               processes: tuple[ParsedProcess, ParsedProcess]) -> list[Change]:
    """The changes one attribute key stands for (an extension or a gateway's conditions may stand for several)."""
    label = str(ATTRIBUTE_LABELS.get(key, OTHER_ATTRIBUTE))
    if before is None or after is None:  # aligned with an element of another id: the values are not at hand
        return [_change(label)]
    a, b = before.get(key), after.get(key)
    special: dict[str, Callable[[], list[Change]]] = {
        "extensions": lambda: _extensions(a or {}, b or {}),
        "event_definition": lambda: _event(a or {}, b or {}, before.get("bpmn_name"), after.get("bpmn_name")),
        "cond_task_specs": lambda: _conditions(a or [], b or [], processes),
        "operation_params": lambda: _parameters(a or {}, b or {}),
    }
    if key in special:  # an extension or event name the diff also reports under a key of its own gives nothing here
        return special[key]()
    if key in STEP_KEYS:
        return [_change(label, _steps(a, processes[0]), _steps(b, processes[1]))]
    show = {"lane": _role, "typename": _type, "spec": _process}.get(key, _shown)
    return [_change(label, show(a), show(b))]


def _change(label: str, old: str | None = None, new: str | None = None) -> Change:
    """One change in words: `名称：A → B`, or `名称已修改` when the values cannot be shown."""
    if old is None or new is None or old == new:
        return {"label": label, "old": None, "new": None, "text": _("%(label)s已修改", label=label)}
    return {"label": label, "old": old, "new": new, "text": _("%(label)s：%(old)s → %(new)s", label=label,
                                                               old=old, new=new)}


def _unique(changes: list[Change]) -> list[Change]:
    """The changes without repeats (the id changes as `name` and as `bpmn_id`)."""
    unique: dict[str | None, Change] = {}
    for change in changes:
        unique.setdefault(change["text"], change)
    return list(unique.values())


def _shown(value: Any) -> str | None:
    """A value as the page shows it: none, yes/no, a number or a shortened text; None for a structure."""
    if value is None or value == "" or value == [] or value == {}:
        return _("无")
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict) and (value.get("bpmn_name") or value.get("bpmn_id")):  # a data object or input
        return str(value.get("bpmn_name") or value.get("bpmn_id"))
    if not isinstance(value, str):
        return None
    text = re.sub(r"\s+", " ", value).strip()
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS - 1] + "…"


def _role(value: Any) -> str | None:
    """A lane's role by its label."""
    return str(ROLE_LABELS[value]) if value in ROLE_LABELS else _shown(value)


def _type(value: Any) -> str | None:
    """An element type by its label (an unknown type is not shown)."""
    return str(TYPE_LABELS[value]) if value in TYPE_LABELS else None


def _process(value: Any) -> str | None:
    """A called process by its label."""
    return process_label(value) if isinstance(value, str) and value else _shown(value)


def _separator() -> str:
    """How the page joins the items of a list."""
    return ", " if english() else "、"


def _step(process: ParsedProcess, name: Any) -> str | None:
    """A task spec by its step's name (its id when unnamed); None for the engine's own specs."""
    spec = process.spec.task_specs.get(name) if isinstance(name, str) else None
    element_id = getattr(spec, "bpmn_id", None)
    if element_id is None:
        return None
    bpmn_name = getattr(spec, "bpmn_name", None)
    return step_name(bpmn_name) if bpmn_name else str(element_id)


def _steps(value: Any, process: ParsedProcess) -> str | None:
    """One step or a list of steps by their names (the engine's own specs left out)."""
    names = value if isinstance(value, list) else [value] if value else []
    found = [s for s in (_step(process, n) for n in names) if s]
    return _separator().join(found) if found else _("无")


def _extensions(a: dict[str, Any], b: dict[str, Any]) -> list[Change]:
    """The changed `spiffworkflow:property` values (article, form, due ...) and other extensions."""
    props_a, props_b = a.get("properties") or {}, b.get("properties") or {}
    found = [_change(str(PROPERTY_LABELS.get(name, OTHER_PROPERTY)), _property(name, props_a.get(name)),
                     _property(name, props_b.get(name)))
             for name in sorted(set(props_a) | set(props_b)) if props_a.get(name) != props_b.get(name)]
    others = {k for k in set(a) | set(b) if k != "properties" and k not in EXTENSIONS_WITH_OWN_KEY}
    if any(a.get(k) != b.get(k) for k in others):
        found.append(_change(str(ATTRIBUTE_LABELS["extensions"])))
    return found


def _property(name: str, value: Any) -> str | None:
    """A `spiffworkflow:property` value as shown: an article in the user's language, others as they are."""
    if name in ARTICLE_PROPERTIES and isinstance(value, str) and value:
        return article_label(value)
    return _shown(value)


def _event(a: dict[str, Any], b: dict[str, Any], name_a: Any, name_b: Any) -> list[Change]:
    """A changed event definition: its type, its timer expression or condition, its name (a timer's own name is
    the element's and already listed)."""
    found: list[Change] = []
    if a.get("typename") != b.get("typename"):
        found.append(_change(_("事件类型"), _event_type(a.get("typename")), _event_type(b.get("typename"))))
    if a.get("expression") != b.get("expression"):
        timer = "Time" in str(b.get("typename") or a.get("typename"))
        found.append(_change(_("定时器表达式") if timer else _("事件条件"), _shown(a.get("expression")),
                             _shown(b.get("expression"))))
    if a.get("name") != b.get("name") and (a.get("name"), b.get("name")) != (name_a, name_b):
        found.append(_change(_("事件名称"), _shown(a.get("name")), _shown(b.get("name"))))
    rest = (set(a) | set(b)) - {"typename", "expression", "name", "description"}
    if not found and any(a.get(k) != b.get(k) for k in rest):
        found.append(_change(str(ATTRIBUTE_LABELS["event_definition"])))
    return found


def _event_type(value: Any) -> str | None:
    """An event definition's type by its label."""
    return str(EVENT_LABELS[value]) if value in EVENT_LABELS else None


def _conditions(a: list[dict[str, Any]], b: list[dict[str, Any]],
                processes: tuple[ParsedProcess, ParsedProcess]) -> list[Change]:
    """A gateway's changed conditions, one per outgoing path, named by the step the path leads to."""
    old = {c.get("task_spec"): c.get("condition") for c in a}
    new = {c.get("task_spec"): c.get("condition") for c in b}
    found = []
    for target in sorted(set(old) | set(new), key=str):
        if old.get(target) != new.get(target):
            step = _step(processes[1], target) or _step(processes[0], target) or str(target)
            found.append(_change(_("通往“%(step)s”的条件", step=step), _shown(old.get(target)),
                                 _shown(new.get(target))))
    return found or [_change(str(ATTRIBUTE_LABELS["cond_task_specs"]))]  # the same conditions in another order


def _parameters(a: dict[str, Any], b: dict[str, Any]) -> list[Change]:
    """A service task's changed operator parameters, each with its expression."""
    def value(params: dict[str, Any], name: str) -> str | None:
        param = params.get(name)
        return _shown(param.get("value") if isinstance(param, dict) else param)

    found = [_change(_("操作参数 %(name)s", name=name), value(a, name), value(b, name))
             for name in sorted(set(a) | set(b)) if a.get(name) != b.get(name)]
    return found or [_change(str(ATTRIBUTE_LABELS["operation_params"]))]


# bpmn-js-differ's property names (what it finds besides SpiffWorkflow's diff: flows, lanes, pools) that are the same
# attribute as a serialized spec's key: one label for both
DIFFER_SAME_AS = {"name": "bpmn_name", "conditionExpression": "condition", "documentation": "documentation",
                  "extensionElements": "extensions", "default": "default_task_spec",
                  "cancelActivity": "cancel_activity", "eventDefinitions": "event_definitions", "script": "script",
                  "calledElement": "spec", "$type": "typename"}
DIFFER_ONLY = {
    "sourceRef": _l("起点"), "targetRef": _l("终点"), "flowNodeRef": _l("泳道中的节点"), "incoming": _l("流入连线"),
    "outgoing": _l("流出连线"), "attachedToRef": _l("所附任务"), "isExecutable": _l("可执行"), "laneSets": _l("泳道"),
    "childLaneSet": _l("下级泳道"), "flowElements": _l("流程元素"), "processRef": _l("流程"),
}
DIFFER_TYPES = {
    "SequenceFlow": _l("连线"), "MessageFlow": _l("消息流"), "Lane": _l("泳道"), "Participant": _l("泳池"),
    "Collaboration": _l("协作"), "Process": _l("流程"), "DataInputAssociation": _l("数据输入关联"),
    "DataOutputAssociation": _l("数据输出关联"), "other": _l("元素"),
}


def differ_words() -> dict[str, str]:
    """The words the designer page's script uses for bpmn-js-differ's findings: a label per BPMN property
    (`attr_<property>`) and element type (`type_<type>`), never the key itself, and the list's phrases."""
    attributes = {**{key: ATTRIBUTE_LABELS[spec_key] for key, spec_key in DIFFER_SAME_AS.items()}, **DIFFER_ONLY,
                  "other": OTHER_ATTRIBUTE}
    return {"element_label": _("%(name)s（%(id)s）"), "attr_changed": _("%(label)s已修改"),
            "attr_values": _("%(label)s：%(old)s → %(new)s"), "yes": _("是"), "no": _("否"),
            **{f"attr_{key}": str(label) for key, label in attributes.items()},
            **{f"type_{key}": str(label) for key, label in DIFFER_TYPES.items()}}
