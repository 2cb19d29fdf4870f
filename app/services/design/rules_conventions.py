"""Our conventions: Chinese names, articles, ids, lanes of known roles, forms that exist, registered operators."""
from __future__ import annotations

import re
from pathlib import Path

from flask_babel import gettext as _
from lxml import etree

import handlers
from app.engine.parser import FORBIDDEN_IDS
from app.services.design.problems import SPIFF, Problem, bpmn, flow_nodes, properties
from app.vocabulary import DEPLOYABLE_POLICIES, LANE_ROLES, Procedure

CHINESE = re.compile(r"[\u4e00-\u9fff]")
ELEMENT_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
PROCESS_ID = re.compile(r"^([a-z0-9]+)_([a-z][a-z0-9_]*)$")
ROLE_NAMES = {str(role) for role in LANE_ROLES}


def names_and_articles(process: etree._Element) -> list[Problem]:
    """Every flow node has a Chinese name and an `article` property."""
    found = []
    for node in flow_nodes(process):
        node_id = node.get("id", "")
        if not CHINESE.search(node.get("name") or ""):
            found.append(Problem(node_id, "name_chinese", _("流程节点须有中文名称")))
        if not properties(node).get("article", "").strip():
            found.append(Problem(node_id, "article", _("流程节点须注明所依据的条款（spiffworkflow:property article，例如 第二十条）")))
    return found


def identifiers(root: etree._Element, process: etree._Element, file_path: Path | None) -> list[Problem]:
    """Process ids are `<policy>_<procedure>` (matching the file's folder and name); element ids are plain."""
    found = []
    pid = process.get("id", "")
    match = PROCESS_ID.match(pid)
    if match is None or match.group(1) not in DEPLOYABLE_POLICIES:
        found.append(Problem(pid, "id_convention", _("流程 id 须为“政策_程序”形式（政策为 %(policies)s 之一），例如 nmg2025_establishment",
                                                     policies="、".join(DEPLOYABLE_POLICIES))))
    elif match.group(1) != "common" and match.group(2) not in set(Procedure):
        found.append(Problem(pid, "id_convention", _("流程 id 中的程序须为 %(procedures)s 之一", procedures="、".join(Procedure))))
    if file_path is not None and file_path.parent.name in DEPLOYABLE_POLICIES:
        expected = f"{file_path.parent.name}_{file_path.stem}"
        if pid != expected:
            found.append(Problem(pid, "id_convention", _("文件 %(file)s 中的流程 id 应为 %(expected)s", file=file_path.name, expected=expected)))
    for node in root.iter():
        if not isinstance(node.tag, str) or node.get("id") is None:
            continue
        node_id = node.get("id", "")
        if node_id in FORBIDDEN_IDS:  # collide with SpiffWorkflow's internal task specs
            found.append(Problem(node_id, "id_convention", _("元素 id 与引擎内部保留名冲突（Start/End/Root），请改名")))
        elif not ELEMENT_ID.match(node_id):
            found.append(Problem(node_id, "id_convention", _("元素 id 只能由英文字母、数字和下划线组成，并以字母开头")))
    return found


def lanes(process: etree._Element) -> list[Problem]:
    """Lanes are named after known roles; with lanes, every user task stands in one."""
    found = []
    in_lane: set[str] = set()
    lane_nodes = list(process.iter(bpmn("lane")))
    for lane in lane_nodes:
        if (lane.get("name") or "") not in ROLE_NAMES:
            found.append(Problem(lane.get("id", ""), "lane_role", _("泳道名称须为已知角色之一：%(roles)s", roles="、".join(sorted(ROLE_NAMES)))))
        in_lane.update((ref.text or "").strip() for ref in lane.iter(bpmn("flowNodeRef")))
    for task in process.iter(bpmn("userTask")):
        if task.get("id") not in in_lane:
            found.append(Problem(task.get("id", ""), "lane_role", _("人工任务须位于某个角色泳道中，才能进入该角色的待办")))
    return found


def forms(process: etree._Element, forms_dir: Path) -> list[Problem]:
    """Every user task names a form (`formKey`) that exists under forms/."""
    found = []
    root = forms_dir.resolve()
    for task in process.iter(bpmn("userTask")):
        key = properties(task).get("formKey", "").strip()
        if not key:
            found.append(Problem(task.get("id", ""), "form", _("人工任务须指定表单（formKey，forms/ 下的路径）")))
            continue
        path = (root / key).resolve()
        if root not in path.parents or not path.is_file():
            found.append(Problem(task.get("id", ""), "form", _("表单不存在：%(key)s", key=key)))
    return found


def operators(process: etree._Element) -> list[Problem]:
    """Every service task names a registered operator."""
    found = []
    known = set(handlers.registered())
    for task in process.iter(bpmn("serviceTask")):
        operator = task.find(f"{bpmn('extensionElements')}/{{{SPIFF}}}serviceTaskOperator")
        name = operator.get("id", "") if operator is not None else ""
        if not name:
            found.append(Problem(task.get("id", ""), "operator", _("服务任务须指定操作（spiffworkflow:serviceTaskOperator）")))
        elif name not in known:
            found.append(Problem(task.get("id", ""), "operator", _("未注册的操作：%(name)s", name=name)))
    return found

