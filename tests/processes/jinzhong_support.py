"""Helpers of the Jinzhong process tests: seeded people, application data and the establishment driven to a stage."""
from __future__ import annotations

import copy
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import Actor
from tests.processes import support
from tests.processes.support import FILE, act, rewind_clock, start
from tests.support import seed_people

# a profile passing every 第八条 and 第十一条 check (handlers/checks/jinzhong.py)
GOOD_PROFILE: dict[str, Any] = {
    "submission_date": "2025-03-03",
    "agreement_end_date": "2028-12-31",
    "units": [
        {"name": "山西晋中示范装备集团有限公司", "role": "lead", "kind": "enterprise", "is_local_university": False,
         "is_city_level": False},
        {"name": "太原理工大学", "role": "co_builder", "kind": "university"},
    ],
    "rd_floor_area": 1500,
    "equipment_value": 900,
    "cobuilder_equipment_value": 400,
    "director": {"name": "王建国", "age": 52, "title": "senior", "fulltime": True},
    "fulltime_researchers": 32,
    "researchers_masters_or_senior": 20,
    "researchers_young_middle_aged": 15,
    "years_in_direction": 6,
    "rd_spend_3y_total": 1800,
    "rd_spend_3y_lead": 1100,
    "expert_committee": {"chair": "李华", "term_years": 5,
                         "members": [{"name": f"专家{i + 1}", "from_host": i < 3} for i in range(9)]},
}


def university_profile() -> dict[str, Any]:
    """The good profile with 晋中学院 (a local university, 第七条(三)) as the lead unit."""
    profile = copy.deepcopy(GOOD_PROFILE)
    profile["units"] = [
        {"name": "晋中学院", "role": "lead", "kind": "university", "is_local_university": True, "is_city_level": False},
        {"name": "山西晋中示范装备集团有限公司", "role": "co_builder", "kind": "enterprise"},
    ]
    profile["university_masters_rights"] = True
    return profile


def application(profile: dict[str, Any] | None = None, field: str = "智能装备") -> dict[str, Any]:
    """The host's application form (第七条(二)) with `profile` (default: one passing every check)."""
    return {"research_field": field, "host_unit": "山西晋中示范装备集团有限公司", "application_documents": FILE,
            "profile": profile if profile is not None else GOOD_PROFILE}


def jinzhong_people(app: Flask, client: FlaskClient, iso: str = "2025-09-01T09:00:00+08:00") -> dict[str, Any]:
    """Jinzhong centers A and B (established 2026-06-01) with one user per role, the clock pinned at `iso`."""
    with app.app_context():
        seeded = seed_people("jinzhong")
    rewind_clock(app, iso)
    return {"centers": seeded["centers"],
            **{key: Actor(client, token, name, role) for key, (name, role, token) in seeded["users"].items()}}


def create_center(people: dict[str, Any], name: str = "晋中市智能装备技术创新中心（拟建）", **fields: Any) -> int:
    """A new Jinzhong center registered by 市科技局, played by center A's organisations."""
    return support.create_center(people, policy="jinzhong", name=name, **fields)


def established_center(people: dict[str, Any], profile: dict[str, Any], day: str = "2024-06-03") -> int:
    """An established Jinzhong center (approved and established on `day`) with `profile`, A's organisations."""
    return create_center(people, name="晋中市现代农业技术创新中心", status="established", approved_at=day,
                         established_at=day, profile=profile)


def apply(people: dict[str, Any], inst: int, profile: dict[str, Any] | None = None) -> None:
    """市科技局 publishes the notice; the host fills and submits the application (第七条(一)(二))."""
    act(people["authority"], inst, "publish_construction_notice",
        {"notice_title": "关于组织申报2025年度晋中市技术创新中心的通知", "priority_fields": "智能装备、现代农业"})
    act(people["applicant"], inst, "prepare_application", application(profile))
    act(people["applicant"], inst, "submit_application", {"submission": "submit"})


def start_establishment(people: dict[str, Any]) -> tuple[int, int]:
    """A proposed center and its running establishment (started by 市科技局): (center id, instance id)."""
    center_id = create_center(people, status="proposed")
    return center_id, int(start(people["authority"], "jinzhong_establishment", center_id)["id"])


def to_notice(people: dict[str, Any], inst: int, profile: dict[str, Any] | None = None) -> None:
    """Drive the county path up to `publish_notice` (ready)."""
    apply(people, inst, profile)
    act(people["sponsor"], inst, "sponsor_review", {"decision": "approve", "recommendation": "同意推荐。"})
    act(people["authority"], inst, "organise_review", {"decision": "approve", "review_date": "2025-09-10"})
    act(people["expert"], inst, "expert_review", {"decision": "approve", "review_opinion": "方向明确，条件具备。"})
