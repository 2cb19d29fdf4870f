"""The numbers and names the xpcc BPMN files write are the ones policy.yaml holds (no drift between the two)."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from handlers import policy_data

ROOT = Path(__file__).resolve().parents[2]
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "spiff": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
POLICY = policy_data.load("xpcc")


def element(procedure: str, element_id: str) -> ET.Element:
    tree = ET.parse(ROOT / "processes" / "xpcc" / f"{procedure}.bpmn")
    found = tree.getroot().find(f".//*[@id='{element_id}']")
    assert found is not None, element_id
    return found


def parameter(procedure: str, element_id: str, name: str) -> str:
    node = element(procedure, element_id).find(f".//spiff:parameter[@id='{name}']", NS)
    assert node is not None
    return str(node.get("value"))


def article(procedure: str, element_id: str) -> str:
    node = element(procedure, element_id).find(".//spiff:property[@name='article']", NS)
    assert node is not None
    return str(node.get("value"))


@pytest.mark.parametrize("procedure,element_id,section", [
    ("preparation", "compute_construction_end", "construction"),     # 第十二条5 建设期为3年
    ("evaluation", "compute_rectification_end", "rectification"),     # 第二十四条 整改期限1年
])
def test_periods_match_the_yaml(procedure: str, element_id: str, section: str) -> None:
    assert parameter(procedure, element_id, "years") == str(POLICY[section]["years"])
    assert article(procedure, element_id) == POLICY[section]["article"]


def test_the_name_follows_the_yaml_pattern() -> None:
    # the BPMN names the center through the formal_name operator, which reads the yaml's pattern itself
    assert parameter("establishment", "name_center", "field") == "research_field"
    assert article("establishment", "name_center") == POLICY["naming"]["article"]
    from handlers.policy_ops import compose_name

    assert compose_name(POLICY, None, "棉花育种")["name"] == "兵团棉花育种技术创新中心"


def test_the_evaluation_reads_the_configured_materials_deadline() -> None:
    assert parameter("evaluation", "compute_materials_deadline", "setting") == "'evaluation.materials_deadline'"
    assert POLICY["evaluation"]["materials_deadline"]["configured"] is True


def test_the_grades_on_the_form_are_the_yaml_grades() -> None:
    import json

    form = json.loads((ROOT / "forms" / "xpcc" / "evaluation_grade.json").read_text(encoding="utf-8"))
    assert form["properties"]["grade"]["enum"] == POLICY["evaluation"]["grades"] == \
        POLICY["grades_by_procedure"]["evaluation"]


def test_every_modelled_procedure_has_a_start_rule() -> None:
    modelled = sorted(p.stem for p in (ROOT / "processes" / "xpcc").glob("*.bpmn"))
    assert modelled == ["annual_report", "appointments", "establishment", "evaluation", "major_change", "preparation"]
    assert sorted(POLICY["lifecycle"]["procedures"]) == modelled


def test_no_revocation_procedure_because_the_text_has_no_grounds_beyond_the_evaluation() -> None:
    assert POLICY["revocation"]["procedure"] is None
    assert POLICY["revocation"]["grounds_article"] == "第二十四条"
