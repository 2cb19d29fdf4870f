"""nmg2020 automated checks: 内蒙古自治区技术创新中心建设实施方案（暂行）内科发〔2020〕68号 三(二).

三(二) is the only part of the text with checkable numbers on the center: the technical guidance committee
(牵头单位和共建单位的人员不超过总人数三分之一; 主任由非牵头单位、共建单位的专家担任) and the director's time at the
center (每年在技术创新中心工作时间不少于9个月). Every number, name and article comes from
`processes/nmg2020/policy.yaml` (`governance`), handed in as `rules`.
"""
from __future__ import annotations

from handlers.checks import CheckResult, Profile, check, common
from handlers.policy_data import PolicyData, require

POLICY = "nmg2020"
MONTHS_A_YEAR = 12  # a value above it is malformed data, not a policy number


@check(POLICY)
def committee_insider_share(profile: Profile, rules: PolicyData) -> CheckResult:
    """三(二): 技术指导委员会中牵头单位和共建单位的人员不超过总人数三分之一 (exactly the share passes)."""
    return common.committee_rule(profile, rules, "committee_insider_share")


@check(POLICY)
def committee_chair_external(profile: Profile, rules: PolicyData) -> CheckResult:
    """三(二): 技术指导委员会主任应由非牵头单位、共建单位的有影响力的专家担任."""
    return common.committee_rule(profile, rules, "committee_chair_external")


@check(POLICY)
def director_months_at_center(profile: Profile, rules: PolicyData) -> CheckResult:
    """三(二): 中心主任（总经理）每年在技术创新中心工作时间不少于9个月 (exactly the minimum passes)."""
    spec = ("governance", "director")
    return common.at_least(profile, rule="director_months_at_center", article=str(require(rules, *spec, "article")),
                           key="director.months_at_center_per_year", label="中心主任（总经理）每年在技术创新中心工作时间",
                           unit="个月", minimum=require(rules, *spec, "min_months_at_center"), maximum=MONTHS_A_YEAR)
