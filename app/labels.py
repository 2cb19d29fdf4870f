"""The domain's words in the user's language, once: a label for every role, status, policy, procedure, event kind.

Pages (filters in app/web) and services (messages naming a status) both read these; translated when rendered.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

ROLE_LABELS = {
    "authority": _l("主管部门"), "sponsor": _l("推荐单位"), "local_authority": _l("地方科技管理部门"),
    "applicant": _l("建设单位"), "council": _l("理事会"),
    "expert": _l("专家"), "evaluator": _l("评估机构"), "supervisor": _l("监督人员"), "designer": _l("流程设计"),
    "admin": _l("管理员"),
}
# where a policy's text names a role differently: jinzhong 第五条 calls the county S&T department (the role that
# reviews and recommends) 主管部门, and 晋中市科学技术局 decides
POLICY_ROLE_LABELS = {("jinzhong", "sponsor"): _l("主管部门（县级科技管理部门）"),
                      ("jinzhong", "authority"): _l("晋中市科学技术局")}


def role_name(role: str | None, policy: str | None = None) -> str:
    """A role in the user's language, as `policy` calls it when given (the role key when unknown)."""
    label = POLICY_ROLE_LABELS.get((policy or "", role or "")) or ROLE_LABELS.get(role or "")
    return str(label) if label is not None else (role or "")


STATUS_LABELS = {
    "proposed": _l("拟建"), "cultivating": _l("培育"), "approved_for_preparation": _l("批准筹建"),
    "under_construction": _l("建设中"), "established": _l("已成立"), "rectifying": _l("整改中"),
    "revoked": _l("已撤销"), "running": _l("进行中"), "completed": _l("已完成"), "error": _l("出错"),
    "suspended": _l("已暂停"), "terminated": _l("已终止"), "ready": _l("待办"), "cancelled": _l("已取消"),
}
POLICY_LABELS = {
    "national": _l("国家技术创新中心"), "xpcc": _l("兵团技术创新中心"), "nmg2020": _l("内蒙古（2020版）"),
    "nmg2025": _l("内蒙古（2025版）"), "jinzhong": _l("晋中市技术创新中心"),
}
PROCEDURE_LABELS = {
    "establishment": _l("建设申报"), "preparation": _l("筹建与验收"), "annual_report": _l("年度报告"),
    "evaluation": _l("评估"), "major_change": _l("重大事项变更"), "revocation": _l("撤销"),
    "appointments": _l("理事会名单及主任任免备案"), "operation_plan": _l("建设运行方案"),
}
# where a policy names a procedure differently: xpcc 第十二条5 has a 3-year 建设期 and no 筹建/验收
POLICY_PROCEDURE_LABELS = {("xpcc", "preparation"): _l("建设期")}


def procedure_name(policy: str, procedure: str) -> str:
    """A procedure's name in the user's language, as `policy` calls it (the procedure key when unknown)."""
    label = POLICY_PROCEDURE_LABELS.get((policy, procedure)) or PROCEDURE_LABELS.get(procedure)
    return str(label) if label is not None else procedure


CATEGORY_LABELS = {"field": _l("领域类"), "comprehensive": _l("综合类")}
# kinds of audit-trail events (app/services/running, notifications, timers)
EVENT_KIND_LABELS = {
    "instance_started": _l("流程启动"), "element_completed": _l("步骤完成"), "timer_fired": _l("定时事件触发"),
    "notification": _l("发送通知"), "notification_skipped": _l("提醒未发送（期限已过）"),
    "instance_completed": _l("流程结束"), "center_status_changed": _l("中心状态变更"),
    "center_updated": _l("中心信息变更"), "procedure_started": _l("启动后续流程"), "warning": _l("警告"),
    "instance_error": _l("流程出错"), "timer_stuck": _l("定时事件受阻"), "instance_suspended": _l("流程暂停"),
    "instance_resumed": _l("流程恢复"), "instance_terminated": _l("流程终止"),
    "instance_migrated": _l("迁移到新版本"), "migration_refused": _l("未迁移到新版本"),
}
# titles of the automated check rules (handlers/checks: the `rule` of each result), shown beside their articles
RULE_TITLES = {
    "operating_funds": _l("开办运行经费"), "rd_floor_area": _l("科研开发用房面积"), "equipment_value": _l("仪器设备原值"),
    "fulltime_researchers": _l("专职固定科研人员"), "committee_insider_share": _l("委员会内部成员比例"),
    "committee_chair_external": _l("委员会主任由外部专家担任"), "director_fulltime": _l("主任全职"),
    "director_no_other_platform": _l("主任不在其他平台任主任"), "single_hired_share": _l("单聘人员比例"),
    "branch_count": _l("分支机构数量"), "branch_kinds": _l("分支机构类型"),
    "director_months_at_center": _l("主任在中心工作时间"), "unit_count": _l("申报单位数量"),
    "single_lead": _l("牵头单位唯一"), "agreement_term": _l("合作协议期限"), "director_age": _l("主任年龄"),
    "director_title": _l("主任职称"), "fixed_researchers": _l("固定研究人员"),
    "researchers_qualified_share": _l("硕士或副高以上人员比例"), "researchers_young_share": _l("中青年人员比例"),
    "university_masters_rights": _l("高校硕士学位授予权"), "years_in_direction": _l("研究方向年限"),
    "rd_spend_total": _l("近三年研发投入（合计）"), "rd_spend_lead": _l("近三年研发投入（依托单位）"),
    "expert_committee_size": _l("专家委员会人数"), "expert_committee_host_share": _l("专家委员会依托单位人员比例"),
    "expert_committee_term": _l("专家委员会任期"), "legal_entity": _l("独立法人或相对独立运行"),
    "lead_enterprise_no_loss": _l("牵头企业近三年无亏损"), "lead_enterprise_rd_ratio": _l("牵头企业研发投入占比"),
    "research_lead_cobuilders": _l("兵团企业联合共建"), "expert_committee_external": _l("专家委员会外部专家比例"),
}
# actors that are not people
SYSTEM_ACTOR_LABELS = {"system": _l("系统"), "scheduler": _l("定时调度")}
# decisions and outcomes recorded in results (form values written in English by the BPMN)
RESULT_LABELS = {
    # decisions (a form's choice; the form itself words it for its step)
    "approve": _l("同意"), "return": _l("退回修改"), "reject": _l("不同意"), "appoint": _l("聘任"),
    "confirm": _l("确认"), "cultivate": _l("开展培育"), "defer": _l("暂缓启动"), "delist": _l("不再列入序列"),
    "extend": _l("延长期限"), "file": _l("予以备案"), "integrity_case": _l("发现弄虚作假"),
    "integrity_issue": _l("发现弄虚作假"), "proceed": _l("纳入布局"), "recommend": _l("推荐"),
    "remove": _l("不再列入序列"), "resubmit": _l("修改后重新核验"), "stop": _l("暂不布局"), "withdraw": _l("撤回"),
    # outcomes (what the procedure ended with)
    "accepted": _l("通过"), "rejected": _l("未通过"), "approved": _l("已批准"), "adopted": _l("审议通过"),
    "filed": _l("已备案"), "established": _l("批准成立"), "revoked": _l("已撤销"), "not_revoked": _l("不予撤销"),
    "integrity_revoked": _l("因弄虚作假撤销"), "rectified": _l("整改合格"), "next_cycle": _l("进入下一评估周期"),
    "evaluation_started": _l("转入评估"), "director_appointed": _l("主任已聘任"),
    "expert_committee_appointed": _l("专家委员会已聘任"), "withdrawn": _l("已撤回"),
    "not_recommended": _l("未获推荐"), "not_cultivated": _l("不予培育"), "not_laid_out": _l("未纳入布局"),
    "rejected_by_council": _l("理事会未通过"), "absent": _l("不参加评估"), "withdrew": _l("中途退出评估"),
    "recheck_failed": _l("整改检查未通过"), "removed_failed_check": _l("整改检查未通过，不再列入序列"),
    "removed_not_participating": _l("不参加评估，不再列入序列"), "removed_withdrew": _l("中途退出，不再列入序列"),
}


def subject(business_key: str | None) -> str | None:
    """An instance's business key in words: `…:3:2026` → 2026年度, `…:3:cycle-2` → 第2周期 (None for others)."""
    last = (business_key or "").rsplit(":", 1)[-1]
    if last.startswith("cycle-") and last[6:].isdigit():
        return _("第%(n)s周期", n=int(last[6:]))
    if business_key and last.isdigit() and len(last) == 4:
        return _("%(year)s年度", year=last)
    return None
