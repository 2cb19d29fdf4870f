"""Demo organisations, users (one per role and policy) and one center per policy."""
from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app import clock
from app.extensions import db
from app.models import Center, CenterOrganisation, User
from app.models.people import ROLES
from app.services import transactions
from app.services.people.users import create_user, organisation, token_digest
from app.vocabulary import CenterStatus

# policy -> (authority, sponsor, applicant, center name, category, approved_at)
DEMO: dict[str, tuple[str, str, str, str, str, date]] = {
    "national": ("科学技术部", "某省科学技术厅", "某国家技术创新中心建设主体单位", "国家示范领域技术创新中心",
                 "field", date(2023, 3, 1)),
    "xpcc": ("兵团科学技术局", "第八师石河子市科技局", "新疆示范农业装备有限公司", "兵团示范农业装备技术创新中心",
             "field", date(2025, 5, 20)),
    "nmg2020": ("内蒙古自治区科学技术厅（2020）", "包头市人民政府", "包头示范稀土研究院", "内蒙古自治区稀土功能材料技术创新中心",
                "field", date(2022, 4, 1)),
    "nmg2025": ("内蒙古自治区科学技术厅", "鄂尔多斯市人民政府", "鄂尔多斯示范能源集团有限公司",
                "内蒙古自治区现代煤化工技术创新中心", "field", date(2025, 9, 10)),
    "jinzhong": ("晋中市科学技术局", "榆次区科学技术局", "晋中示范装备制造有限公司", "晋中市智能装备技术创新中心",
                 "field", date(2024, 6, 1)),
}
LANE_ORGS = ("council", "expert", "evaluator")
# policy -> the center's local S&T department (地方科技管理部门, role local_authority; nmg2025 第二十九条)
LOCAL_AUTHORITY: dict[str, str] = {
    "national": "某市科学技术局", "xpcc": "石河子市科学技术局", "nmg2020": "包头市科学技术局",
    "nmg2025": "鄂尔多斯市科学技术局", "jinzhong": "晋中市榆次区科技管理部门",
}


def seed_demo() -> dict[str, Any]:
    """Create (or refresh the credentials of) the demo data; returns users with fresh tokens and passwords."""
    users: list[dict[str, Any]] = []
    centers: list[dict[str, Any]] = []
    for policy, (authority, sponsor, applicant, center_name, category, approved) in DEMO.items():
        orgs = {
            "authority": organisation(authority, "authority", policy),
            "sponsor": organisation(sponsor, "sponsor", policy),
            "applicant": organisation(applicant, "applicant", policy),
            "local_authority": organisation(LOCAL_AUTHORITY[policy], "local_authority", policy),
        }
        for role in LANE_ORGS:
            orgs[role] = organisation(f"{center_name}{_LANE_SUFFIX[role]}", role, policy)
        orgs["supervisor"] = orgs["authority"]
        center = db.session.scalar(select(Center).where(Center.name == center_name))
        if center is None:
            center = Center(
                name=center_name, policy=policy, category=category, status=CenterStatus.ESTABLISHED, approved_at=approved,
                established_at=approved, profile={}, created_at=clock.now(),
            )
            center.organisations = [CenterOrganisation(role=r, organisation_id=o.id) for r, o in orgs.items()]
            db.session.add(center)
            db.session.flush()
        else:  # a demo center seeded before a role existed gets that role's organisation
            present = {o.role for o in center.organisations}
            center.organisations.extend(
                CenterOrganisation(role=r, organisation_id=o.id) for r, o in orgs.items() if r not in present)
        centers.append({"id": center.id, "policy": policy, "name": center.name})
        for role in ROLES:
            org = orgs.get(role, orgs["authority"])
            users.append(_demo_user(f"{policy}_{role}", role, policy, org.id, org.name))
    transactions.commit_and_expire()
    return {"users": users, "centers": centers}


_LANE_SUFFIX = {"council": "理事会", "expert": "专家组", "evaluator": "第三方评估机构"}


def _demo_user(username: str, role: str, policy: str, org_id: int, org_name: str) -> dict[str, Any]:
    password = secrets.token_urlsafe(9)
    token = secrets.token_urlsafe(24)
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        user, token = create_user(
            username, role, display_name=f"演示{role}（{policy}）", organisation_id=org_id, policy=policy,
            password=password, token=token,
        )
    else:
        user.password_hash = generate_password_hash(password)
        user.token_hash = token_digest(token)
    return {"name": username, "role": role, "policy": policy, "organisation": org_name, "token": token,
            "password": password}
