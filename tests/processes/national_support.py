"""Helpers of the national (国科发区〔2021〕17号) process tests: seeded people, a new center, form bodies."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import Actor
from tests.processes.support import FILE, rewind_clock, start
from tests.support import seed_people, set_stored_clock


def national_people(app: Flask, client: FlaskClient, moment: str = "2026-07-01T09:00:00+08:00") -> dict[str, Any]:
    """National centers A and B (field, established 2026-06-01) with one user per role; the clock at `moment`."""
    with app.app_context():
        set_stored_clock(datetime.fromisoformat(moment))
        seeded = seed_people("national")
    return {"centers": seeded["centers"],
            **{key: Actor(client, token, name, role) for key, (name, role, token) in seeded["users"].items()}}


def create_center(people: dict[str, Any], category: str | None, **fields: Any) -> int:
    """A proposed national center registered by 科技部, played by center A's organisations."""
    authority = people["authority"]
    orgs = authority.get(f"/api/v1/centers/{people['centers']['a']}").get_json()["organisations"]
    body = {"name": "拟建国家技术创新中心", "policy": "national", "category": category, "organisations": orgs, **fields}
    response = authority.post("/api/v1/centers", json=body)
    assert response.status_code == 201, response.get_json()
    return int(response.get_json()["id"])


def start_at(app: Flask, actor: Actor, process_key: str, center_id: int, moment: str,
             data: dict[str, Any] | None = None) -> dict[str, Any]:
    """Put the clock at `moment` (setup only) and start `process_key` for the center."""
    rewind_clock(app, moment)
    return start(actor, process_key, center_id, data)


SPONSOR = {"name": "江苏省科学技术厅", "kind": "local"}
LEGAL_ENTITY = {"name": "某某技术创新中心有限公司", "credit_code": "91320000MA1XXXXX0X", "registered_address": "江苏省南京市"}
PLAN = {
    "goals": "三年内突破关键技术10项。", "key_tasks": "关键共性技术攻关、成果转化。", "mechanism": "理事会决策、主任负责、专家咨询。",
    "safeguards": "地方政府每年支持经费。", "schedule": "第一年搭建平台，第二年攻关，第三年转化。", "indicators": "专利、转化收入、孵化企业。",
    "cycle_years": 3,
}


def checklist(keys: list[str], unmet: tuple[str, ...] = ()) -> dict[str, Any]:
    """A conditions checklist: every item answered with its evidence; `unmet` items not met."""
    return {k: {"met": k not in unmet, "evidence": f"{k} 的依据：见建设方案第{i + 1}章。"} for i, k in enumerate(keys)}


COMPREHENSIVE_KEYS = ["layout", "builders", "support", "domains", "structure"]
FIELD_KEYS = ["layout", "builders", "region", "targets", "talent"]

COMPREHENSIVE_PROPOSAL = {
    "naming_part": "长三角", "naming_part_en": "Yangtze River Delta",
    "regional_strategy": "长三角一体化发展。", "lead_governments": "上海市、江苏省、浙江省、安徽省人民政府联动共建。",
    "research_forces": "复旦大学、浙江大学等。", "technology_directions": "集成电路、生物医药、人工智能。",
    "organisation_structure": "中心（本部）+若干专业化创新研发机构。", "sponsor": SPONSOR, "legal_entity": LEGAL_ENTITY,
    "proposal_documents": FILE,
}
FIELD_INTENTION = {
    "priority_field": "先进储能", "naming_part": "先进储能", "naming_part_en": "Advanced Energy Storage",
    "construction_entity": "某储能研究院", "sponsor": SPONSOR, "strengths": "在储能领域优势突出。", "intention_documents": FILE,
}
CULTIVATION = {**PLAN, "council_members": [{"name": "张三", "organisation": "某储能研究院"}],
               "legal_entity": LEGAL_ENTITY, "plan_documents": FILE}
MATERIALS = {
    "participation": "participate", "national_tasks": "承担国家重点研发计划项目5项。", "key_technologies": "突破关键技术8项。",
    "industry_leadership": "牵头制定行业标准3项。", "services": "服务企业200家。", "incubation": "孵化科技型企业12家。",
    "objective_data": [{"indicator": "发明专利授权", "value": 56, "unit": "件"}], "evaluation_documents": FILE,
}
