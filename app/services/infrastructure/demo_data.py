"""The demo's organisations, centers and people, as data: per policy, the centers a new user can try.

The first center of a policy is its main demo center: the policy's users (`<policy>_<role>`) belong to its
organisations. A further center's organisations that differ from the main center's get their own users
(`<policy>_<slug>_<role>`), so every lane of every demo center has someone to act in it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.vocabulary import CenterStatus, Role


@dataclass(frozen=True)
class DemoCenter:
    """One demo center: its organisations by role (names), its state and its profile."""

    slug: str
    name: str
    category: str
    status: CenterStatus
    organisations: dict[str, str]
    approved_at: date | None = None
    established_at: date | None = None
    profile: dict[str, Any] = field(default_factory=dict)
    # procedures running for the center (started when the demo creates it), e.g. the construction period's timer
    running: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoPolicy:
    """A policy's authority (its supervisors sit there too) and demo centers, the main one first."""

    authority: str
    centers: tuple[DemoCenter, ...]


def _lanes(center_name: str, evaluator: str | None = None) -> dict[str, str]:
    """The center's own council and expert panel, and the evaluation agency (third-party, shared if named)."""
    return {Role.COUNCIL: f"{center_name}理事会", Role.EXPERT: f"{center_name}专家组",
            Role.EVALUATOR: evaluator or f"{center_name}第三方评估机构"}


def _unit(name: str, role: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "role": role, "kind": kind, **extra}


# xpcc 第十一条1 (independent legal entity), 第十四条 (full-time director), 第十五条 (expert committee ≥ 7, half external)
_XPCC_GOVERNANCE: dict[str, Any] = {
    "independent_legal_entity": True,
    "director": {"name": "周建国", "fulltime": True},
    "expert_committee": {"members": [{"name": f"委员{i + 1}", "external": i < 4} for i in range(7)]},
}

def _national_profile(category: str, part: str, part_en: str, sponsor: str, sponsor_kind: str, lead: str,
                      kind: str) -> dict[str, Any]:
    """The profile keys the national procedures read (processes/national/policy.yaml: 第八、十四、十七、三十二条)."""
    name_en = (f"National Center of Technology Innovation for {part_en}" if category == "field"  # 第三十二条
               else f"{part_en} National Center of Technology Innovation")
    return {
        "naming_part": part, "naming_part_en": part_en, "name_en": name_en, "field": part,
        "sponsor": {"name": sponsor, "kind": sponsor_kind},
        "legal_entity": {"name": lead, "credit_code": "91110000MA0000000X", "registered_address": "北京市海淀区"},
        "admitted_cycle": 1, "units": [_unit(lead, "lead", kind)],
    }


NATIONAL_EVALUATOR = "国家科技评估示范中心"   # 第二十七条: 委托第三方机构实施
XPCC_EVALUATOR = "兵团科技评估示范中心"       # 第二十一条: 委托第三方机构实施

DEMO: dict[str, DemoPolicy] = {
    "national": DemoPolicy("科学技术部", (
        # 第十六条: a field center approved 2024-06-01, in its first 3-year construction & operation cycle (第十七条5)
        DemoCenter(
            "field", "国家示范领域技术创新中心", "field", CenterStatus.ESTABLISHED,
            {Role.SPONSOR: "某省科学技术厅", Role.APPLICANT: "某国家技术创新中心建设主体单位",
             Role.LOCAL_AUTHORITY: "某市科学技术局", **_lanes("国家示范领域技术创新中心", NATIONAL_EVALUATOR)},
            date(2024, 6, 1), date(2024, 6, 1),
            _national_profile("field", "示范领域", "Demonstration Field", "某省科学技术厅", "local",
                              "某国家技术创新中心建设主体单位", "enterprise"),
        ),
        # 第十二条: a comprehensive center, 一事一议, approved 2025-03-01
        DemoCenter(
            "comprehensive", "长江示范国家技术创新中心", "comprehensive", CenterStatus.ESTABLISHED,
            {Role.SPONSOR: "某省人民政府", Role.APPLICANT: "长江示范创新研究院有限公司",
             Role.LOCAL_AUTHORITY: "某省会城市科学技术局", **_lanes("长江示范国家技术创新中心", NATIONAL_EVALUATOR)},
            date(2025, 3, 1), date(2025, 3, 1),
            _national_profile("comprehensive", "长江示范", "Yangtze Demonstration", "某省人民政府", "local",
                              "长江示范创新研究院有限公司", "institute"),
        ),
        # proposed centers, one per category, to try the establishment (第十二至十六条)
        DemoCenter(
            "proposed_field", "国家示范新材料技术创新中心（拟建）", "field", CenterStatus.PROPOSED,
            {Role.SPONSOR: "某部委科技司", Role.APPLICANT: "示范新材料集团有限公司",
             **_lanes("国家示范新材料技术创新中心（拟建）", NATIONAL_EVALUATOR)},
            profile={"naming_part": "示范新材料", "naming_part_en": "Demonstration New Materials",
                     "sponsor": {"name": "某部委科技司", "kind": "ministry"},
                     "units": [_unit("示范新材料集团有限公司", "lead", "enterprise")]},
        ),
        DemoCenter(
            "proposed_comprehensive", "黄河示范国家技术创新中心（拟建）", "comprehensive", CenterStatus.PROPOSED,
            {Role.SPONSOR: "某省人民政府", Role.APPLICANT: "黄河示范创新研究院",
             **_lanes("黄河示范国家技术创新中心（拟建）", NATIONAL_EVALUATOR)},
            profile={"naming_part": "黄河示范", "naming_part_en": "Yellow River Demonstration",
                     "sponsor": {"name": "某省人民政府", "kind": "local"},
                     "units": [_unit("黄河示范创新研究院", "lead", "institute")]},
        ),
    )),
    "xpcc": DemoPolicy("兵团科学技术局", (
        # 第十二条5: approved, in the 3-year construction period; xpcc_preparation's timer ends it (2028-05-20)
        DemoCenter(
            "enterprise", "兵团示范农业装备技术创新中心", "field", CenterStatus.UNDER_CONSTRUCTION,
            {Role.SPONSOR: "第八师石河子市科技局", Role.APPLICANT: "新疆示范农业装备有限公司",
             Role.LOCAL_AUTHORITY: "石河子市科学技术局", **_lanes("兵团示范农业装备技术创新中心", XPCC_EVALUATOR)},
            date(2025, 5, 20), None,
            {"field": "农业装备", "submission_date": "2025-04-10",
             "units": [_unit("新疆示范农业装备有限公司", "lead", "enterprise", is_xpcc_enterprise=True),
                       _unit("石河子大学", "co_builder", "university")],
             "lead_financials": [{"year": y, "net_profit": 120, "sales": 1000, "rd_spend": 30} for y in (2022, 2023, 2024)],
             **_XPCC_GOVERNANCE},
            running=("preparation",),
        ),
        DemoCenter(
            "university", "兵团示范棉花育种技术创新中心", "field", CenterStatus.UNDER_CONSTRUCTION,
            {Role.SPONSOR: "石河子大学科学技术处", Role.APPLICANT: "石河子大学",
             Role.LOCAL_AUTHORITY: "石河子市科学技术局", **_lanes("兵团示范棉花育种技术创新中心", XPCC_EVALUATOR)},
            date(2024, 4, 1), None,
            {"field": "棉花育种", "submission_date": "2024-02-20", "units": [
                _unit("石河子大学", "lead", "university"),
                _unit("新疆示范种业有限公司", "co_builder", "enterprise", is_xpcc_enterprise=True),
                _unit("兵团示范棉业集团有限公司", "co_builder", "enterprise", is_xpcc_enterprise=True),
            ], **_XPCC_GOVERNANCE},
            running=("preparation",),
        ),
        # 第九至十二条: a proposed center to try the establishment (lead and co-builders apply to their 师市)
        DemoCenter(
            "proposed", "兵团示范智慧灌溉技术创新中心（拟建）", "field", CenterStatus.PROPOSED,
            {Role.SPONSOR: "第八师石河子市科技局", Role.APPLICANT: "新疆示范节水科技有限公司",
             **_lanes("兵团示范智慧灌溉技术创新中心（拟建）", XPCC_EVALUATOR)},
            profile={"field": "智慧灌溉", "units": [
                _unit("新疆示范节水科技有限公司", "lead", "enterprise", is_xpcc_enterprise=True)]},
        ),
    )),
    "nmg2020": DemoPolicy("内蒙古自治区科学技术厅（2020）", (
        DemoCenter(
            "main", "内蒙古自治区稀土功能材料技术创新中心", "field", CenterStatus.ESTABLISHED,
            {Role.SPONSOR: "包头市人民政府", Role.APPLICANT: "包头示范稀土研究院",
             Role.LOCAL_AUTHORITY: "包头市科学技术局", **_lanes("内蒙古自治区稀土功能材料技术创新中心")},
            date(2022, 4, 1), date(2022, 4, 1),
        ),
    )),
    "nmg2025": DemoPolicy("内蒙古自治区科学技术厅", (
        DemoCenter(
            "main", "内蒙古自治区现代煤化工技术创新中心", "field", CenterStatus.ESTABLISHED,
            {Role.SPONSOR: "鄂尔多斯市人民政府", Role.APPLICANT: "鄂尔多斯示范能源集团有限公司",
             Role.LOCAL_AUTHORITY: "鄂尔多斯市科学技术局", **_lanes("内蒙古自治区现代煤化工技术创新中心")},
            date(2025, 9, 10), date(2025, 9, 10),
        ),
    )),
    "jinzhong": DemoPolicy("晋中市科学技术局", (
        DemoCenter(
            "main", "晋中市智能装备技术创新中心", "field", CenterStatus.ESTABLISHED,
            {Role.SPONSOR: "榆次区科学技术局", Role.APPLICANT: "晋中示范装备制造有限公司",
             Role.LOCAL_AUTHORITY: "晋中市榆次区科技管理部门", **_lanes("晋中市智能装备技术创新中心")},
            date(2024, 6, 1), date(2024, 6, 1),
            {"field": "智能装备", "units": [_unit("晋中示范装备制造有限公司", "lead", "enterprise")]},
        ),
        # 第七条: a host that is a local university (驻地高校) applies to 市科技局 directly: no county department
        DemoCenter(
            "university", "晋中市功能食品技术创新中心", "field", CenterStatus.PROPOSED,
            {Role.APPLICANT: "晋中示范学院",
             Role.LOCAL_AUTHORITY: "晋中市榆次区科技管理部门", **_lanes("晋中市功能食品技术创新中心")},
            profile={"field": "功能食品", "units": [
                _unit("晋中示范学院", "lead", "university", is_local_university=True)]},
        ),
        # 第七条: a county host applies through its county S&T department (主管部门, sponsor lane)
        DemoCenter(
            "county", "晋中市新型建材技术创新中心", "field", CenterStatus.PROPOSED,
            {Role.SPONSOR: "太谷区科学技术局", Role.APPLICANT: "太谷示范新材料有限公司",
             Role.LOCAL_AUTHORITY: "太谷区科学技术局", **_lanes("晋中市新型建材技术创新中心")},
            profile={"field": "新型建材", "units": [_unit("太谷示范新材料有限公司", "lead", "enterprise")]},
        ),
    )),
}

# Demo people get these names in turn (display name: 姓名（单位）).
PERSON_NAMES = (
    "张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴婷", "徐强", "孙丽", "马超", "朱琳",
    "胡斌", "郭颖", "何军", "高洁", "林峰", "罗敏", "郑浩", "梁雪", "谢涛", "宋佳", "唐亮", "许萍", "韩冰", "冯刚",
    "邓红", "曹阳", "彭飞", "曾梅", "肖鹏", "田甜", "董鑫", "袁媛", "潘越", "于洋", "蒋琦", "蔡明", "余欢", "杜鹃",
    "叶青", "程远", "魏然", "苏晴", "吕斌", "丁宁", "任杰", "沈璐", "姚远", "卢骏", "姜楠", "崔岩", "钟瑶", "谭静",
    "陆峰", "汪洁", "范磊", "金鑫", "石磊", "廖凯", "贾婷", "夏雨", "韦东", "付强", "方圆", "白雪", "邹凯", "孟琳",
)
