"""The labels of the profile keys the procedures write themselves, not entered in a form.

A center's profile is filled from its forms (their `profile` objects and fields, labelled there) and by the
procedures: the service tasks and scripts of `processes/*/*.bpmn` record approvals, names, appointments, plans,
evaluations, rectifications, changes and revocations, and the demo writes the keys its centers start with.
`SYSTEM_PROFILE` describes those keys as a form would (JSON Schema: `title`, `x-title-en`, nested `properties`,
array `items`, `x-enum-labels` for coded values, `x-unit`), in the words of the policy texts, so the center page
names them in the reader's language. The keys are shared by the policies (a key means the same under each); a
form of the center's policy that describes a key takes precedence (`profile_view._described`).
"""
from __future__ import annotations

from typing import Any

from app.vocabulary import REPORTS_ON_RECORD_FROM

_DATE: dict[str, Any] = {"type": "string", "format": "date"}

# 评估结果: national 第二十九条, xpcc (优秀、良好、较差); nmg2020 三(六)2, nmg2025, jinzhong 第二十一条 (合格 ...)
_GRADES = ["优秀", "良好", "合格", "基本合格", "不合格", "较差"]
_GRADE_LABELS_EN = {"优秀": "Excellent", "良好": "Good", "合格": "Satisfactory", "基本合格": "Basically satisfactory",
                    "不合格": "Unsatisfactory", "较差": "Poor"}

# 变更事项 of national 第二十六条 / xpcc 第二十条 (name, registered_address, other) and jinzhong 第十八条 and 第六条(四)
_CHANGE_ITEMS = {
    "name": ("名称", "Name"),
    "registered_address": ("注册地", "Registered address"),
    "other": ("其他重大事项", "Other major matters"),
    "host_unit": ("依托单位", "Host unit"),
    "other_major": ("其他重大事项", "Other major matters"),
    "research_direction": ("研究方向", "Research direction"),
    "development_goals": ("发展目标", "Development goals"),
    "organisation_structure": ("组织结构", "Organisational structure"),
}
_CHANGE_ITEMS_SCHEMA: dict[str, Any] = {
    "type": "string", "enum": list(_CHANGE_ITEMS),
    "x-enum-labels": {code: zh for code, (zh, _en) in _CHANGE_ITEMS.items()},
    "x-enum-labels-en": {code: en for code, (_zh, en) in _CHANGE_ITEMS.items()},
}

# nmg2020 三(六)3 (forms/nmg2020/revocation_case.json `ground`): nmg2020_evaluation records the first itself
_REVOCATION_GROUNDS = {
    "evaluation_failed_after_rectification": ("评估评价不合格，限期整改仍不合格",
                                              "Failed the evaluation and still failed after rectification"),
    "missing_annual_report": ("到期不提交年度报告", "Annual report not submitted when due"),
    "absent_from_evaluation": ("无故不参加评估评价", "Missed the evaluation without cause"),
    "fraud": ("严重弄虚作假，提供虚假材料和不真实数据", "Serious fraud: false materials and untrue data"),
    "lead_unit_bankrupt": ("牵头单位停产、破产，不能保障技术创新中心正常运行",
                           "The lead organisation stopped production or went bankrupt and cannot keep the center running"),
    "illegal_or_noncompliant": ("违反国家法律，不符合技术创新中心建设有关要求",
                                "Broke national law or does not meet the requirements for centers"),
}

# national 第三十条: 不参加评估或中途退出评估、整改检查未通过的不再列入创新中心序列 (national_evaluation's scripts)
_REMOVAL_GROUNDS = {"不参加评估": "Did not take part in the evaluation", "中途退出评估": "Withdrew from the evaluation",
                    "整改检查未通过": "Failed the rectification check"}

SYSTEM_PROFILE: dict[str, dict[str, Any]] = {
    # set when a center already running is registered (centers.registry): the texts say nothing of the years before
    REPORTS_ON_RECORD_FROM: {"type": "integer", "title": "在本平台报送年度报告的起始年度",
                               "x-title-en": "First annual report kept on this platform"},
    # names and field (national 第三十二条, nmg2025 preparation: the English name composed with the Chinese one)
    "name_en": {"type": "string", "title": "英文名称", "x-title-en": "English name"},
    "field": {"type": "string", "title": "领域", "x-title-en": "Field"},
    "registered_address": {"type": "string", "title": "注册地", "x-title-en": "Registered address"},
    "units": {
        "type": "array", "title": "建设单位", "x-title-en": "Building organisations",
        "items": {"type": "object", "properties": {
            "name": {"type": "string", "title": "单位名称", "x-title-en": "Name"},
            "role": {"type": "string", "title": "角色", "x-title-en": "Role", "enum": ["lead", "co_builder"],
                     "x-enum-labels": {"lead": "牵头单位", "co_builder": "共建单位"},
                     "x-enum-labels-en": {"lead": "Lead unit", "co_builder": "Co-builder"}},
            "kind": {"type": "string", "title": "单位类型", "x-title-en": "Kind",
                     "enum": ["enterprise", "university", "institute", "other"],
                     "x-enum-labels": {"enterprise": "企业", "university": "高校", "institute": "科研院所", "other": "其他"},
                     "x-enum-labels-en": {"enterprise": "Enterprise", "university": "University",
                                          "institute": "Research institute", "other": "Other"}},
        }},
    },
    # governance: national 第十七条1–3 (council, charter, director, expert committee), nmg2025 第十四条、第十六条,
    # xpcc 第十四条、第十五条, jinzhong 第六条(二)
    "council": {
        "type": "array", "title": "理事会（董事会）成员", "x-title-en": "Council (board) members",
        "items": {"type": "object", "properties": {
            "name": {"type": "string", "title": "姓名", "x-title-en": "Name"},
            "organisation": {"type": "string", "title": "所在单位", "x-title-en": "Organisation"},
            "represents": {"type": "string", "title": "代表", "x-title-en": "Representative",
                           "enum": ["sponsor", "lead", "co_builder"],
                           "x-enum-labels": {"sponsor": "组织单位", "lead": "牵头建设单位", "co_builder": "共建单位"},
                           "x-enum-labels-en": {"sponsor": "Organising unit", "lead": "Lead building organisation",
                                                "co_builder": "Co-builder"}},
            "position": {"type": "string", "title": "职务", "x-title-en": "Position", "enum": ["chairman", "member"],
                         "x-enum-labels": {"chairman": "理事长（董事长）", "member": "理事（董事）"},
                         "x-enum-labels-en": {"chairman": "Chair of the council (board)",
                                              "member": "Council (board) member"}},
        }},
    },
    "charter": {
        "type": "object", "title": "章程", "x-title-en": "Charter",
        "properties": {
            "adopted_at": {**_DATE, "title": "章程通过日期", "x-title-en": "Adopted on"},
            "summary": {"type": "string", "title": "章程要点", "x-title-en": "Main provisions"},
        },
    },
    "director": {
        "type": "object", "title": "中心主任（总经理）", "x-title-en": "Director",
        "properties": {
            "name": {"type": "string", "title": "姓名", "x-title-en": "Name"},
            "fulltime": {"type": "boolean", "title": "全职工作人员", "x-title-en": "Full-time"},
            "appointed_on": {**_DATE, "title": "聘任日期", "x-title-en": "Appointed on"},
        },
    },
    "director_appointed_on": {**_DATE, "title": "主任聘任日期", "x-title-en": "Director appointed on"},
    "expert_committee": {
        "type": "object", "title": "专家委员会", "x-title-en": "Expert committee",
        "properties": {
            "members": {"type": "array", "title": "委员", "x-title-en": "Members",
                        "items": {"type": "object", "properties": {
                            "name": {"type": "string", "title": "姓名", "x-title-en": "Name"},
                            "affiliation": {"type": "string", "title": "工作单位", "x-title-en": "Affiliation"},
                            "external": {"type": "boolean", "title": "来自参与建设单位以外",
                                         "x-title-en": "From outside the builders"},
                        }}},
            "chair": {"type": "string", "title": "专家委员会主任", "x-title-en": "Chair"},
            "term_years": {"type": "number", "title": "每届任期", "x-title-en": "Term", "x-unit": "年"},
            "appointed_at": {**_DATE, "title": "聘任日期", "x-title-en": "Appointed on"},
        },
    },
    "appointments_filed_at": {**_DATE, "title": "任命和聘任备案日期", "x-title-en": "Appointments filed on"},
    # national 第十七条5: the construction & operation plan of the current cycle; 第三十条: the next cycle
    "operation_plan": {
        "type": "object", "title": "建设运行方案", "x-title-en": "Construction and operation plan",
        "properties": {
            "cycle": {"type": "integer", "title": "建设运行周期", "x-title-en": "Cycle"},
            "start": {**_DATE, "title": "周期开始日期", "x-title-en": "Cycle start"},
            "end": {**_DATE, "title": "周期结束日期", "x-title-en": "Cycle end"},
            "adopted_at": {**_DATE, "title": "方案制定日期", "x-title-en": "Adopted on"},
            "cycle_years": {"type": "integer", "title": "周期年限", "x-title-en": "Cycle length", "x-unit": "年"},
            "goals": {"type": "string", "title": "发展目标", "x-title-en": "Development goals"},
        },
    },
    "admitted_cycle": {"type": "integer", "title": "准予进入的建设运行周期", "x-title-en": "Operation cycle admitted to"},
    # establishment and preparation: jinzhong 第七条(五) public notice; nmg2025 第二十条 (extension: not in the text)
    "public_notice_start": {**_DATE, "title": "公示开始日期", "x-title-en": "Public notice start"},
    "approval_document_number": {"type": "string", "title": "批准文件文号", "x-title-en": "Approval document number"},
    "preparation_extended_to": {**_DATE, "title": "筹建期延长至", "x-title-en": "Preparation period extended to"},
    "preparation_extension_reason": {"type": "string", "title": "延长筹建期的理由",
                                     "x-title-en": "Reason for the extension"},
    # evaluation and rectification
    "last_evaluation_grade": {"type": "string", "title": "最近一次评估结果", "x-title-en": "Latest evaluation result",
                              "enum": _GRADES, "x-enum-labels": {g: g for g in _GRADES},
                              "x-enum-labels-en": _GRADE_LABELS_EN},
    "last_evaluation_date": {**_DATE, "title": "最近一次评估日期", "x-title-en": "Latest evaluation date"},
    "last_evaluation_cycle": {"type": "integer", "title": "最近一次评估的周期", "x-title-en": "Latest evaluation cycle"},
    "rectification_started_at": {**_DATE, "title": "整改开始日期", "x-title-en": "Rectification started on"},
    "rectification_passed_at": {**_DATE, "title": "整改检查通过日期", "x-title-en": "Rectification check passed on"},
    "rectification_completed_at": {**_DATE, "title": "整改完成日期", "x-title-en": "Rectification completed on"},
    "last_rectification_started_at": {**_DATE, "title": "上一次整改开始日期",
                                      "x-title-en": "Previous rectification started on"},
    # changes: national 第二十六条, xpcc 第二十条, jinzhong 第十八条 (approved) and 第六条(四) (filed adjustments)
    "last_major_change": {
        "type": "object", "title": "最近一次重大事项变更", "x-title-en": "Latest major change",
        "properties": {
            "items": {"type": "array", "title": "变更事项", "x-title-en": "Items", "items": _CHANGE_ITEMS_SCHEMA},
            "description": {"type": "string", "title": "变更内容", "x-title-en": "Description"},
            "reasons": {"type": "string", "title": "变更理由", "x-title-en": "Reasons"},
            "other_matters": {"type": "string", "title": "其他重大事项", "x-title-en": "Other major matters"},
            "approved_on": {**_DATE, "title": "批准日期", "x-title-en": "Approved on"},
            "approved_at": {**_DATE, "title": "批准日期", "x-title-en": "Approved on"},
            "document_number": {"type": "string", "title": "批复文号", "x-title-en": "Document number"},
        },
    },
    "major_changes": {
        "type": "array", "title": "其他重大事项变更", "x-title-en": "Other major changes",
        "items": {"type": "object", "properties": {
            "description": {"type": "string", "title": "变更内容", "x-title-en": "Description"},
            "approved_on": {**_DATE, "title": "批准日期", "x-title-en": "Approved on"},
            "document_number": {"type": "string", "title": "批准文件文号", "x-title-en": "Approval document number"},
        }},
    },
    "last_adjustment": {
        "type": "object", "title": "最近一次备案的调整意见", "x-title-en": "Latest filed adjustment",
        "properties": {
            "items": {"type": "array", "title": "调整事项", "x-title-en": "Items", "items": _CHANGE_ITEMS_SCHEMA},
            "description": {"type": "string", "title": "调整内容", "x-title-en": "Description"},
            "filed_at": {**_DATE, "title": "备案日期", "x-title-en": "Filed on"},
        },
    },
    # the end of a center: national 第三十条 (no longer in the sequence), nmg2020 三(六)3 (摘牌撤销)
    "removed_from_sequence": {
        "type": "object", "title": "不再列入创新中心序列", "x-title-en": "Removed from the sequence of centers",
        "properties": {
            "ground": {"type": "string", "title": "情形", "x-title-en": "Ground", "enum": list(_REMOVAL_GROUNDS),
                       "x-enum-labels": {g: g for g in _REMOVAL_GROUNDS}, "x-enum-labels-en": _REMOVAL_GROUNDS},
            "article": {"type": "string", "title": "依据", "x-title-en": "Article", "enum": ["第三十条"],
                        "x-enum-labels": {"第三十条": "第三十条"}, "x-enum-labels-en": {"第三十条": "Article 30"}},
            "date": {**_DATE, "title": "日期", "x-title-en": "Date"},
            "cycle": {"type": "integer", "title": "评估周期", "x-title-en": "Evaluation cycle"},
        },
    },
    "revocation_ground": {
        "type": "string", "title": "撤销情形", "x-title-en": "Ground for revocation", "enum": list(_REVOCATION_GROUNDS),
        "x-enum-labels": {code: zh for code, (zh, _en) in _REVOCATION_GROUNDS.items()},
        "x-enum-labels-en": {code: en for code, (_zh, en) in _REVOCATION_GROUNDS.items()},
    },
    "revocation_document_number": {"type": "string", "title": "撤销文号", "x-title-en": "Revocation document number"},
}
