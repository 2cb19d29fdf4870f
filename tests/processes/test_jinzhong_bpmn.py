"""The Jinzhong BPMN files as designers and auditors read them: every flow node named in Chinese and citing an
article of 市科发〔2023〕33号, lanes that are roles, forms that exist, every procedure of the lifecycle deployed."""
from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml

from app.vocabulary import LANE_ROLES

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "processes" / "jinzhong"
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "spiff": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
NODES = ("startEvent", "endEvent", "userTask", "serviceTask", "scriptTask", "exclusiveGateway",
         "intermediateCatchEvent", "boundaryEvent")
ARTICLE = re.compile(r"^第[一二三四五六七八九十]+条(\([一二三四五六七八九十]+\))?$")
CJK = re.compile(r"[\u4e00-\u9fff]")
FILES = sorted(FOLDER.glob("*.bpmn"))


def test_every_procedure_of_the_lifecycle_has_its_process() -> None:
    declared = yaml.safe_load((FOLDER / "policy.yaml").read_text(encoding="utf-8"))["lifecycle"]["procedures"]
    assert sorted(p.stem for p in FILES) == sorted(declared)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_flow_node_is_named_in_chinese_and_cites_an_article(path: Path) -> None:
    process = ElementTree.parse(path).getroot().find("bpmn:process", NS)
    assert process is not None and process.get("id") == f"jinzhong_{path.stem}"
    lanes = {lane.get("name") for lane in process.iter(f"{{{NS['bpmn']}}}lane")}
    assert lanes <= set(LANE_ROLES)
    nodes = [n for tag in NODES for n in process.iter(f"{{{NS['bpmn']}}}{tag}")]
    assert nodes
    for node in nodes:
        props = {p.get("name"): p.get("value") for p in node.iter(f"{{{NS['spiff']}}}property")}
        assert CJK.search(node.get("name") or ""), node.get("id")
        cited = props.get("article") or ""
        assert cited and all(ARTICLE.match(a) for a in cited.split("、")), (node.get("id"), cited)
        form = props.get("formKey")
        if node.tag.endswith("userTask"):
            assert form and (ROOT / "forms" / form).is_file(), (node.get("id"), form)
