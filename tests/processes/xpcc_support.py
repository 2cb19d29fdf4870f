"""Helpers of the xpcc process tests: seeded people under xpcc, centers, profiles and form bodies."""
from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import Actor
from tests.processes.support import FILE, act, events, every_step_cites_an_article
from tests.support import seed_people, set_stored_clock

# ---- people ----------------------------------------------------------------------------------------------


def xpcc_people(app: Flask, client: FlaskClient, moment: datetime) -> dict[str, Any]:
    """xpcc centers A and B (established, approved 2026-06-01) with one user per role, the clock pinned at `moment`."""
    with app.app_context():
        set_stored_clock(moment)
        seeded = seed_people("xpcc")
    return {"centers": seeded["centers"],
            **{key: Actor(client, token, name, role) for key, (name, role, token) in seeded["users"].items()}}


def create_center(people: dict[str, Any], **fields: Any) -> int:
    """A new xpcc center registered by 兵团科技局, played by center A's organisations."""
    authority = people["authority"]
    orgs = authority.get(f"/api/v1/centers/{people['centers']['a']}").get_json()["organisations"]
    body = {"name": "兵团农业装备技术创新中心（拟建）", "policy": "xpcc", "category": "field", "organisations": orgs,
            **fields}
    response = authority.post("/api/v1/centers", json=body)
    assert response.status_code == 201, response.get_json()
    return int(response.get_json()["id"])


def every_element_cites_its_article(actor: Actor, instance_id: int) -> None:
    """Every completed element and fired timer of the instance carries an article (nmg2025 tests' rule, stricter:
    the article is one the xpcc text numbers)."""
    every_step_cites_an_article(actor, instance_id)
    steps = [e for e in events(actor, instance_id) if e["kind"] in ("element_completed", "timer_fired")]
    bad = [e["element_id"] for e in steps if not (e["article"] or "").startswith("第")]
    assert bad == [], bad


# ---- profiles (the keys the xpcc checks read) ------------------------------------------------------------

ENTERPRISE_PROFILE: dict[str, Any] = {
    "submission_date": "2025-04-10",
    "units": [
        {"name": "新疆示范农业装备有限公司", "role": "lead", "kind": "enterprise", "is_xpcc_enterprise": True},
        {"name": "石河子大学", "role": "co_builder", "kind": "university"},
    ],
    "lead_financials": [
        {"year": 2022, "net_profit": 120, "sales": 1000, "rd_spend": 30},
        {"year": 2023, "net_profit": 80, "sales": 1000, "rd_spend": 30},
        {"year": 2024, "net_profit": 150, "sales": 1000, "rd_spend": 30},
    ],
    "independent_legal_entity": True,
    "director": {"name": "张主任", "fulltime": True},
    "expert_committee": {"members": [{"name": f"专家{i + 1}", "external": i < 4} for i in range(7)], "term_years": 3},
}
UNIVERSITY_PROFILE: dict[str, Any] = {
    **{k: v for k, v in ENTERPRISE_PROFILE.items() if k != "lead_financials"},
    "units": [
        {"name": "石河子大学", "role": "lead", "kind": "university"},
        {"name": "新疆示范种业有限公司", "role": "co_builder", "kind": "enterprise", "is_xpcc_enterprise": True},
        {"name": "兵团示范棉业集团有限公司", "role": "co_builder", "kind": "enterprise", "is_xpcc_enterprise": True},
    ],
}


def with_loss(profile: dict[str, Any], year_index: int) -> dict[str, Any]:
    """`profile` with a loss in one of the three years before submission."""
    changed = copy.deepcopy(profile)
    changed["lead_financials"][year_index]["net_profit"] = -10
    return changed


# ---- form bodies ----------------------------------------------------------------------------------------


def application(profile: dict[str, Any], field: str = "农业装备") -> dict[str, Any]:
    """第十二条2 建设方案 with the six contents the article names and the center data."""
    return {
        "research_field": field, "category": "field", "lead_unit": profile["units"][0]["name"],
        "development_goals": "建成兵团农业装备关键技术策源地。", "key_tasks": "攻关棉花全程机械化关键装备。",
        "management_mechanism": "理事会决策、主任负责、专家委员会咨询。", "safeguards": "师市配套经费和用地。",
        "work_schedule": "第一年建平台，第二年出样机，第三年推广。", "assessment_indicators": "突破关键技术5项，孵化企业3家。",
        "construction_plan": FILE, "profile": profile,
    }


RECOMMEND = {"plan_review_opinion": "方案目标明确。", "council_preparation": "已组建筹建理事会。",
             "legal_entity_preparation": "已完成法人登记预审。", "decision": "approve",
             "recommendation_letter": [{"name": "推荐函.pdf", "file_id": "file-0002"}]}
LAYOUT = {"layout_year": 2025, "layout_field": "农业装备关键领域技术创新需求。", "decision": "approve"}
PLAN_PASS = {"plan_conclusion": "pass", "plan_opinion": "方案可行。"}
SITE_PASS = {"site_visit_date": "2025-05-12", "site_conclusion": "pass", "site_opinion": "条件具备。"}


def drive_to_review(people: dict[str, Any], inst: int, profile: dict[str, Any]) -> None:
    """Layout → application → the sponsor recommends: the automated checks have run, 兵团科技局 reviews."""
    act(people["authority"], inst, "record_layout", LAYOUT)
    act(people["applicant"], inst, "submit_application", application(profile))
    act(people["sponsor"], inst, "cultivate_and_recommend", RECOMMEND)


def messages(actor: Actor, instance_id: int) -> list[str]:
    """The bodies of the actor's in-app notifications from the instance."""
    return [n["body"] for n in actor.get("/api/v1/notifications").get_json() if n["instance_id"] == instance_id]
