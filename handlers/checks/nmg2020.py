"""nmg2020 automated checks: 内蒙古自治区技术创新中心建设实施方案（暂行）内科发〔2020〕68号 三(二).

三(二) is the only part of the text with checkable numbers on the center: the technical guidance committee
(牵头单位和共建单位的人员不超过总人数三分之一; 主任由非牵头单位、共建单位的专家担任) and the director's time at the
center (每年在技术创新中心工作时间不少于9个月). The other number in the text, 四(三) (an enterprise-led center's
matching R&D funds 不低于自治区财政支持资金), is a condition of the financial support, not of the center, and the
center profile has no keys for it.

The numbers are constants (policy.yaml has no thresholds section for nmg2020 yet); see nmg2025.py for why
they are not read from the yaml at run time.
"""
from __future__ import annotations

from fractions import Fraction

from handlers.checks import CheckResult, Profile, check, common

POLICY = "nmg2020"

COMMITTEE_INSIDERS_MAX = Fraction(1, 3)  # 三(二): 牵头单位和共建单位的人员不超过总人数三分之一
DIRECTOR_MIN_MONTHS = 9  # 三(二): 每年在技术创新中心工作时间不少于9个月

INSIDERS = "牵头单位和共建单位"
COMMITTEE = "技术指导委员会"
ARTICLE = "三(二)"


@check(POLICY)
def committee_insider_share(profile: Profile) -> CheckResult:
    """三(二): 技术指导委员会中牵头单位和共建单位的人员不超过总人数三分之一 (exactly one third passes)."""
    return common.committee_insider_share(profile, rule="committee_insider_share", article=ARTICLE,
                                          committee=COMMITTEE, insiders=INSIDERS, limit=COMMITTEE_INSIDERS_MAX)


@check(POLICY)
def committee_chair_external(profile: Profile) -> CheckResult:
    """三(二): 技术指导委员会主任应由非牵头单位、共建单位的有影响力的专家担任."""
    return common.committee_chair_external(profile, rule="committee_chair_external", article=ARTICLE,
                                           committee=COMMITTEE, insiders=INSIDERS)


@check(POLICY)
def director_months_at_center(profile: Profile) -> CheckResult:
    """三(二): 中心主任（总经理）每年在技术创新中心工作时间不少于9个月 (exactly 9 passes)."""
    return common.at_least(profile, rule="director_months_at_center", article=ARTICLE,
                           key="director.months_at_center_per_year", label="中心主任（总经理）每年在技术创新中心工作时间",
                           unit="个月", minimum=DIRECTOR_MIN_MONTHS, maximum=12)
