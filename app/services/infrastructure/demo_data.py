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
class Step:
    """One day of a demo center's history: start a procedure (`start_as` a role, or "system" as the scheduler or
    another procedure does) or take up its open instance, and complete its ready tasks as the people of their lanes
    would, each a day after the other, until the task `until` is ready (None: until none is)."""

    on: date
    procedure: str
    start_as: str | None = None
    until: str | None = None
    data: dict[str, Any] = field(default_factory=dict)  # the start's data
    forms: dict[str, dict[str, Any]] = field(default_factory=dict)  # by element: what FORM_DATA does not say


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
    # what happened to the center before today, beyond its annual reports (see `Step`), in date order
    story: tuple[Step, ...] = ()
    # the report year the center has not reported on: overdue now (every other report due so far was approved)
    overdue_report: int | None = None


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


# a document a form asks for: uploaded as a small file when the step is taken
FILE = [{"name": "证明材料.pdf", "file_id": "demo"}]


def _first_cycle(day: date) -> Step:
    """national 第十七条1–5: the council adopts the charter, appoints the director and the expert committee and
    adopts the first construction & operation plan (the plan the scheduler started on the approval)."""
    return Step(day, "operation_plan", forms={
        "adopt_charter": {"charter_adopted_on": day.isoformat(), "charter_summary": "理事会决策、主任负责。",
                          "charter_documents": FILE},
        "appoint_director": {"director": {"name": "李卫东", "fulltime": True, "appointed_on": day.isoformat()},
                             "appointment_documents": FILE}})


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
            story=(_first_cycle(date(2024, 6, 20)),),
        ),
        # 第十二条: a comprehensive center, 一事一议, approved 2025-03-01
        DemoCenter(
            "comprehensive", "长江示范国家技术创新中心", "comprehensive", CenterStatus.ESTABLISHED,
            {Role.SPONSOR: "某省人民政府", Role.APPLICANT: "长江示范创新研究院有限公司",
             Role.LOCAL_AUTHORITY: "某省会城市科学技术局", **_lanes("长江示范国家技术创新中心", NATIONAL_EVALUATOR)},
            date(2025, 3, 1), date(2025, 3, 1),
            _national_profile("comprehensive", "长江示范", "Yangtze Demonstration", "某省人民政府", "local",
                              "长江示范创新研究院有限公司", "institute"),
            # 第十七条1–5: the council's charter, director, expert committee and plan; 第二十六条: a change of registered address, reviewed by the sponsor, awaits 科技部
            story=(_first_cycle(date(2025, 3, 20)),
                   Step(date(2026, 11, 16), "major_change", start_as=Role.APPLICANT,
                        until="authority_change_approval"),),
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
            story=(Step(date(2025, 5, 20), "preparation", start_as="system"),),  # 第十二条5 from the approval
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
            story=(Step(date(2024, 4, 1), "preparation", start_as="system"),
                   # 第二十条: a change of registered address, recommended by the sponsor, awaits 兵团科技局
                   Step(date(2026, 11, 9), "major_change", start_as=Role.APPLICANT,
                        until="authority_change_approval")),
        ),
        # 第九至十二条: a proposed center to try the establishment (lead and co-builders apply to their 师市)
        DemoCenter(
            "proposed", "兵团示范智慧灌溉技术创新中心（拟建）", "field", CenterStatus.PROPOSED,
            {Role.SPONSOR: "第八师石河子市科技局", Role.APPLICANT: "新疆示范节水科技有限公司",
             **_lanes("兵团示范智慧灌溉技术创新中心（拟建）", XPCC_EVALUATOR)},
            profile={"field": "智慧灌溉", "units": [
                _unit("新疆示范节水科技有限公司", "lead", "enterprise", is_xpcc_enterprise=True)]},
            # 第十二条1–4: layout, application, recommendation and conditions passed; the experts argue the plan
            story=(Step(date(2026, 9, 7), "establishment", start_as=Role.AUTHORITY, until="plan_argumentation"),),
        ),
    )),
    "nmg2020": DemoPolicy("内蒙古自治区科学技术厅（2020）", (
        DemoCenter(
            "main", "内蒙古自治区稀土功能材料技术创新中心", "field", CenterStatus.ESTABLISHED,
            {Role.SPONSOR: "包头市人民政府", Role.APPLICANT: "包头示范稀土研究院",
             Role.LOCAL_AUTHORITY: "包头市科学技术局", **_lanes("内蒙古自治区稀土功能材料技术创新中心")},
            date(2023, 10, 1), date(2023, 10, 1),
            # 三(六)2: three full years on, the scheduler started the evaluation; the materials are with the experts
            story=(Step(date(2026, 10, 19), "evaluation", until="expert_evaluation"),),
            overdue_report=2025,  # 三(六)1: due by 31 March 2026, never submitted: escalated to the supervisor
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
            # 第二十一、二十二条: 市科技局 evaluated early, 基本合格: the center rectifies within a year
            story=(Step(date(2026, 5, 11), "evaluation", start_as=Role.AUTHORITY, until="submit_rectification_report",
                        data={"cycle": 1}),),
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

# What the demo's people write in the forms of their steps: by (policy, element), else by element; a review
# approves. `{"name", "file_id"}` entries are uploaded as small documents when the step is taken.
FORM_DATA: dict[tuple[str, str], dict[str, Any]] = {
    ("nmg2025", "submit_report"): {
        "summary": "本年度围绕现代煤化工关键技术开展攻关，完成中试两项，新增授权发明专利十二件。",
        "achievements": "突破煤制烯烃催化剂寿命瓶颈，成果在两家企业转化应用。",
        "problems": "高端人才引进难，部分大型仪器依赖进口。", "next_year_plan": "完成万吨级示范线建设，新增专职研究人员十名。",
        "fulltime_researchers": 42, "annual_operating_funds": 800},
    ("nmg2020", "submit_report"): {
        "development_plan": "理事会审定的年度发展计划已全部完成，新建中试线一条。", "major_projects": "承担自治区重大专项两项。",
        "budget": 3000, "expenditure": 2850, "academic_activities": "举办稀土材料学术年会。",
        "rd_directions": "按技术指导委员会意见增设永磁材料方向。", "governance_decisions": "理事会会议两次，审定预算和主任聘用。",
        "next_year_plan": "完成万吨级示范线建设。"},
    ("national", "submit_report"): {
        "progress": "完成关键技术攻关6项。", "problems": "高端人才不足。", "next_steps": "引进领军人才。",
        "objective_data": [{"indicator": "研发投入", "value": 12000, "unit": "万元"}]},
    ("xpcc", "submit_report"): {"progress": "完成样机研制2台。", "problems": "高端人才不足。", "next_steps": "开展田间试验。",
                                "operating_data": FILE},
    ("jinzhong", "submit_report"): {"summary": "本年度完成智能装备关键部件攻关三项，新增发明专利五件，服务企业四十家。",
                                    "plan": "下一年度建成中试平台，开展液压件可靠性共性技术攻关，引进高层次人才三名。"},
    ("national", "authority_filing"): {"decision": "file"},
    # national 第十七条1–5: the council's first cycle (the dates: `_first_cycle`)
    ("national", "appoint_expert_committee"): {"expert_committee_members": [{"name": "王振华", "affiliation": "清华大学"}]},
    ("national", "adopt_plan"): {
        "goals": "三年内突破关键技术10项。", "key_tasks": "关键共性技术攻关、成果转化。", "mechanism": "理事会决策、主任负责、专家咨询。",
        "safeguards": "地方政府每年支持经费。", "schedule": "第一年搭建平台，第二年攻关，第三年转化。", "indicators": "专利、转化收入、孵化企业。",
        "cycle_years": 3, "annual_work_plan": "完成平台建设。", "plan_documents": FILE},
    ("national", "submit_change_request"): {"change_items": ["registered_address"], "new_registered_address": "湖北省武汉市东湖新技术开发区",
                                            "reasons": "迁入新建科研园区。", "written_application": FILE},
    ("xpcc", "submit_change_request"): {"change_items": ["registered_address"], "new_registered_address": "新疆石河子市北四路1号",
                                        "reasons": "迁入新园区。", "application_letter": FILE},
    # xpcc 第十二条1–3
    ("xpcc", "record_layout"): {"layout_year": 2026, "layout_field": "智慧灌溉关键领域技术创新需求。", "decision": "approve"},
    ("xpcc", "submit_application"): {
        "research_field": "智慧灌溉", "category": "field", "lead_unit": "新疆示范节水科技有限公司",
        "development_goals": "建成兵团智慧灌溉关键技术策源地。", "key_tasks": "攻关滴灌精准控制关键装备。",
        "management_mechanism": "理事会决策、主任负责、专家委员会咨询。", "safeguards": "师市配套经费和用地。",
        "work_schedule": "第一年建平台，第二年出样机，第三年推广。", "assessment_indicators": "突破关键技术5项，孵化企业3家。",
        "construction_plan": FILE, "profile": {
            "field": "智慧灌溉", "submission_date": "2026-09-14",
            "units": [_unit("新疆示范节水科技有限公司", "lead", "enterprise", is_xpcc_enterprise=True),
                      _unit("石河子大学", "co_builder", "university")],
            "lead_financials": [{"year": y, "net_profit": 90, "sales": 800, "rd_spend": 25} for y in (2023, 2024, 2025)],
            **_XPCC_GOVERNANCE}},
    ("xpcc", "cultivate_and_recommend"): {
        "plan_review_opinion": "方案目标明确。", "council_preparation": "已组建筹建理事会。",
        "legal_entity_preparation": "已完成法人登记预审。", "decision": "approve", "recommendation_letter": FILE},
    # nmg2020 三(六)2
    ("nmg2020", "organise_evaluation"): {"cycle": 1, "materials_due": "2026-11-30",
                                         "requirements": "按创新能力、市场化创新服务能力报送定量数据和定性材料。"},
    ("nmg2020", "submit_materials"): {
        "innovation_capability": "突破稀土永磁材料关键技术三项，牵头制定行业标准两项。",
        "market_service_capability": "为一百二十家中小企业提供检测和中试服务，孵化企业三家。",
        "rd_spend": 5200, "service_income": 1800, "invention_patents": 21,
        "annual_reports_summary": "2024年度报告按期提交并通过审核，2025年度报告尚未报送。"},
    # jinzhong 第二十一、二十二条
    ("jinzhong", "submit_evaluation_materials"): {
        "institution": "理事会、主任负责制运行规范。", "research": "承担省级项目六项。", "transfer": "转化成果八项。",
        "services": "服务企业一百二十家次。", "team": "固定人员三十五人。", "openness": "大型仪器对外开放。"},
    ("jinzhong", "grade_evaluation"): {"grade": "基本合格", "opinion": "成果转化和开放共享不足，限期一年整改。"},
}
