"""nmg2025 automated checks: 内蒙古自治区技术创新中心建设运行管理办法（试行）第十、十五、十六、十七、十九条.

Every number, share, list and article comes from `processes/nmg2025/policy.yaml` (`thresholds`: 第十条;
`governance`: 第十五、十六、十七、十九条), handed in as `rules`; this module holds the wording of the reasons only.

第十二条: a center organised in the directed way ("一事一议", `strategic_directed`) may have the 第十条
conditions relaxed. Its 第十条 results keep the honest numeric outcome and say that the reviewer decides.
"""
from __future__ import annotations

from typing import Any

from handlers.checks import CheckResult, Profile, check, common
from handlers.checks.common import Reader, at_least, fmt, percent
from handlers.checks.text import listing, say
from handlers.policy_data import PolicyData, require, share, share_words

POLICY = "nmg2025"


def directed_note(profile: Profile, rules: PolicyData) -> str:
    """The 第十二条 sentence added to the 第十条 results of a strategically directed center."""
    if profile.get("strategic_directed") is True:
        article = require(rules, "establishment", "directed_article")
        return say("该中心为定向组织（“一事一议”）的技术创新中心，%(article)s规定相关标准条件可适当放宽，"
                   "是否按放宽条件通过由评审人员决定", article=article)
    return ""


@check(POLICY)
def article_10_thresholds(profile: Profile, rules: PolicyData) -> list[CheckResult]:
    """第十条: every "不少于" condition of policy.yaml `thresholds` (e.g. 专职固定科研人员不少于30人), in its order."""
    results = []
    for key, spec in dict(require(rules, "thresholds")).items():
        path = ("thresholds", str(key))
        results.append(at_least(
            profile, rule=str(spec.get("rule", key)), article=str(require(rules, *path, "article")), key=str(key),
            label=str(spec.get("label", key)), unit=str(spec.get("unit", "")), minimum=require(rules, *path, "min"),
            integer=bool(spec.get("integer", False)), note=directed_note(profile, rules),
        ))
    return results


@check(POLICY)
def committee_insider_share(profile: Profile, rules: PolicyData) -> CheckResult:
    """第十五条: 牵头建设单位和共建单位的人员不超过总人数三分之一 (exactly the share passes)."""
    return common.committee_rule(profile, rules, "committee_insider_share")


@check(POLICY)
def committee_chair_external(profile: Profile, rules: PolicyData) -> CheckResult:
    """第十五条: 技术委员会主任应由非牵头建设单位、共建单位的有影响力的专家担任."""
    return common.committee_rule(profile, rules, "committee_chair_external")


@check(POLICY)
def director_fulltime(profile: Profile, rules: PolicyData) -> CheckResult:
    """第十六条: 主任一般为全职全时工作人员；若主任为兼职人员，则应设立全职全时在中心工作的执行主任1名."""
    rule, article = "director_fulltime", str(require(rules, "governance", "director", "article"))
    subject = "主任全职全时或设立全职全时执行主任"
    reader = Reader(profile)
    fulltime = reader.boolean("director.fulltime", "主任（总经理）是否为全职全时工作人员")
    if fulltime is None:
        return reader.unusable(rule, article, subject)
    if fulltime:
        return CheckResult(rule, article, True, say("主任（总经理）为技术创新中心的全职全时工作人员，符合%(article)s",
                                                    article=article), [])
    executive = reader.boolean("executive_director_fulltime", "是否设立全职全时在中心工作的执行主任")
    if executive is None:
        return reader.unusable(rule, article, subject)
    if executive:
        return CheckResult(rule, article, True, say("主任（总经理）为兼职人员，已设立全职全时在技术创新中心工作的执行主任，"
                                                    "符合%(article)s", article=article), [])
    return CheckResult(rule, article, False, say("主任（总经理）为兼职人员，且未设立全职全时在技术创新中心工作的执行主任；"
                                                 "%(article)s要求此时设立执行主任 1 名", article=article), [])


@check(POLICY)
def director_no_other_platform(profile: Profile, rules: PolicyData) -> CheckResult:
    """第十六条: 主任不得在其他国家和自治区级科技创新平台担任主任 (an executive director does not cure this)."""
    rule, article = "director_no_other_platform", str(require(rules, "governance", "director", "article"))
    reader = Reader(profile)
    elsewhere = reader.boolean("director.directs_other_platform", "主任是否在其他科技创新平台担任主任")
    if elsewhere is None:
        return reader.unusable(rule, article, "主任不在其他国家和自治区级科技创新平台担任主任")
    if elsewhere:
        return CheckResult(rule, article, False, say("主任（总经理）在其他国家或自治区级科技创新平台担任主任，"
                                                     "%(article)s规定不得兼任（设立执行主任不能替代这一要求）",
                                                     article=article), [])
    return CheckResult(rule, article, True, say("主任（总经理）未在其他国家和自治区级科技创新平台担任主任，符合%(article)s",
                                                article=article), [])


@check(POLICY)
def single_hired_share(profile: Profile, rules: PolicyData) -> CheckResult:
    """第十七条: 单聘人员占专职固定人员的比例不能低于50% (exactly the share passes)."""
    rule, article = "single_hired_share", str(require(rules, "governance", "single_hired", "article"))
    written = require(rules, "governance", "single_hired", "min_share")
    minimum, shown = share(written), share_words(written)
    reader = Reader(profile)
    fixed = reader.number("fulltime_fixed_staff", "专职固定人员人数", integer=True)
    single = reader.number("single_hired_staff", "单聘人员人数", integer=True)
    if fixed is None or single is None:
        return reader.unusable(rule, article, say("单聘人员占专职固定人员的比例不低于 %(share)s", share=shown))
    if fixed == 0:
        return CheckResult(rule, article, False, say("专职固定人员为 0 人，无法计算单聘人员比例；%(article)s要求单聘人员"
                                                     "占专职固定人员的比例不低于 %(share)s", article=article,
                                                     share=shown), [])
    if single > fixed:
        return CheckResult(rule, article, False, say("单聘人员 %(single)s 人多于专职固定人员 %(fixed)s 人，"
                                                     "数据不一致，请核对后再按%(article)s核对", single=fmt(single),
                                                     fixed=fmt(fixed), article=article), [])
    passed = single / fixed >= minimum
    verdict = "不低于" if passed else "低于"
    reason = say("单聘人员 %(single)s 人，占专职固定人员 %(fixed)s 人的 %(percent)s，%(verdict)s%(article)s要求的 %(share)s",
                 single=fmt(single), fixed=fmt(fixed), percent=percent(single, fixed), verdict=verdict,
                 article=article, share=shown)
    return CheckResult(rule, article, passed, reason, [])


def _branches(reader: Reader) -> list[dict[str, Any]] | None:
    records = reader.records("branches", "分支机构名单")
    return None if records is None else [dict(r) for r in records]


def _branch_name(branch: dict[str, Any], index: int) -> str:
    name = branch.get("name")
    return say("“%(name)s”", name=name) if isinstance(name, str) and name.strip() else say("第 %(n)s 个分支机构", n=index + 1)


@check(POLICY)
def branch_count(profile: Profile, rules: PolicyData) -> CheckResult:
    """第十九条: 分支机构一般不超过3个 (exactly the maximum passes; more is a warning, none fails nothing).

    "一般" makes more branches a matter for the reviewer (a warning, not a failed condition); the article limits
    branches and does not require one.
    """
    rule, article = "branch_count", str(require(rules, "governance", "branches", "article"))
    most = int(require(rules, "governance", "branches", "max"))
    reader = Reader(profile)
    branches = _branches(reader)
    if branches is None:
        return reader.unusable(rule, article, say("分支机构一般不超过 %(most)s 个", most=most))
    if not branches:
        return CheckResult(rule, article, True, say("未设立分支机构；%(article)s限定分支机构一般不超过 %(most)s 个，"
                                                    "不要求设立分支机构", article=article, most=most), [])
    if len(branches) <= most:
        return CheckResult(rule, article, True, say("分支机构 %(count)s 个，未超过%(article)s规定的一般不超过 %(most)s 个",
                                                    count=len(branches), article=article, most=most), [])
    return CheckResult(rule, article, False, say("分支机构 %(count)s 个，超过%(article)s规定的一般不超过 %(most)s 个"
                                                 "（“一般”：提请审议人员注意，不作为未满足的条件）", count=len(branches),
                                                 article=article, most=most), [], warning=True)


@check(POLICY)
def branch_kinds(profile: Profile, rules: PolicyData) -> CheckResult:
    """第十九条: 分支机构一般分为关键核心技术攻关、成果转化、成果示范应用等三类."""
    rule, article = "branch_kinds", str(require(rules, "governance", "branches", "article"))
    known = {str(k): str(v) for k, v in dict(require(rules, "governance", "branches", "kinds")).items()}
    kinds_text = listing(known.values())
    count_words = common.count_words(len(known))
    reader = Reader(profile)
    branches = _branches(reader)
    if branches is None:
        return reader.unusable(rule, article, say("分支机构类型为%(kinds)s之一", kinds=kinds_text))
    kinds = [
        reader.text(f"branches[{i}].kind", say("%(branch)s的类型", branch=_branch_name(b, i)), source=b)
        for i, b in enumerate(branches)
    ]
    if reader.problems:
        return reader.unusable(rule, article, say("分支机构类型为%(kinds)s之一", kinds=kinds_text))
    if not branches:
        return CheckResult(rule, article, True, say("未设立分支机构，无需核对分支机构类型（%(article)s不要求设立分支机构）",
                                                    article=article), [])
    wrong = [say("%(branch)s（%(kind)s）", branch=_branch_name(b, i), kind=k)
             for i, (b, k) in enumerate(zip(branches, kinds, strict=True)) if k not in known]
    if wrong:
        return CheckResult(rule, article, False, say("分支机构%(branches)s的类型不属于%(article)s所列的%(kinds)s%(count)s类",
                                                     branches=listing(wrong), article=article, kinds=kinds_text,
                                                     count=count_words), [])
    listed = listing(say("%(branch)s（%(kind)s）", branch=_branch_name(b, i), kind=known[str(k)])
                     for i, (b, k) in enumerate(zip(branches, kinds, strict=True)))
    return CheckResult(rule, article, True, say("分支机构%(branches)s均属于%(article)s所列的%(kinds)s%(count)s类",
                                                branches=listed, article=article, kinds=kinds_text,
                                                count=count_words), [])
