"""jinzhong automated checks of 第十一条: the expert committee (人数不低于9人, 依托单位人员不超过三分之一, 每届任期不超过5年).

Every number, share and article comes from `processes/jinzhong/policy.yaml` (`governance.expert_committee`), handed
in as `rules`; registered after handlers/checks/jinzhong.py (第八条), so the results keep the articles' order.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any

from handlers.checks import CheckResult, Profile, check
from handlers.checks.common import Reader, fmt, percent
from handlers.checks.text import say
from handlers.policy_data import PolicyData, require, share, share_words

POLICY = "jinzhong"


def _committee(reader: Reader) -> list[dict[str, Any]] | None:
    records = reader.records("expert_committee.members", "专家委员会委员名单")
    return None if records is None else [dict(r) for r in records]


@check(POLICY)
def expert_committee_size(profile: Profile, rules: PolicyData) -> CheckResult:
    """第十一条: 专家委员会人数不低于9人 (exactly 9 passes)."""
    rule, spec = "expert_committee_size", require(rules, "governance", "expert_committee")
    article, least = str(spec["article"]), int(spec["min_members"])
    reader = Reader(profile)
    members = _committee(reader)
    if members is None:
        return reader.unusable(rule, article, say("专家委员会人数不低于 %(least)s 人", least=least))
    passed = len(members) >= least
    return CheckResult(rule, article, passed, say("专家委员会 %(count)s 人，%(verdict)s%(article)s要求的不低于 %(least)s 人",
                                                  count=len(members), verdict="达到" if passed else "低于",
                                                  article=article, least=least), [])


@check(POLICY)
def expert_committee_host_share(profile: Profile, rules: PolicyData) -> CheckResult:
    """第十一条: 专家委员会中依托单位人员不超过三分之一 (exactly the share passes)."""
    rule, spec = "expert_committee_host_share", require(rules, "governance", "expert_committee")
    article, written = str(spec["article"]), spec["host_max"]
    limit, shown = share(written), share_words(written)
    reader = Reader(profile)
    members = _committee(reader)
    flags = [] if members is None else [
        reader.boolean(f"expert_committee.members[{i}].from_host", say("第 %(n)s 名委员是否为依托单位人员", n=i + 1),
                       source=m)
        for i, m in enumerate(members)]
    if members is None or reader.problems:
        return reader.unusable(rule, article, say("依托单位人员不超过专家委员会人数的%(share)s", share=shown))
    if not members:
        return CheckResult(rule, article, False, say("专家委员会名单为空；%(article)s要求设立专家委员会", article=article), [])
    inside = sum(1 for f in flags if f)
    passed = Fraction(inside, len(members)) <= limit
    return CheckResult(rule, article, passed, say("专家委员会 %(count)s 人，其中依托单位人员 %(inside)s 人（占 "
                                                  "%(percent)s），%(verdict)s%(article)s规定的%(share)s", count=len(members),
                                                  inside=inside, percent=percent(inside, len(members)),
                                                  verdict="未超过" if passed else "超过", article=article,
                                                  share=shown), [])


@check(POLICY)
def expert_committee_term(profile: Profile, rules: PolicyData) -> CheckResult:
    """第十一条: 专家委员会每届任期不超过5年 (exactly 5 passes)."""
    rule, spec = "expert_committee_term", require(rules, "governance", "expert_committee")
    article, most = str(spec["article"]), Fraction(str(spec["max_term_years"]))
    reader = Reader(profile)
    term = reader.number("expert_committee.term_years", "专家委员会每届任期（年）")
    if term is None:
        return reader.unusable(rule, article, say("专家委员会每届任期不超过 %(most)s 年", most=fmt(most)))
    passed = term <= most
    return CheckResult(rule, article, passed, say("专家委员会每届任期 %(term)s 年，%(verdict)s%(article)s规定的 %(most)s 年",
                                                  term=fmt(term), verdict="未超过" if passed else "超过",
                                                  article=article, most=fmt(most)), [])
