"""xpcc automated checks: 兵团技术创新中心建设运行管理办法 第十一条1、2, 第十四条, 第十五条.

Every number, share, list and article comes from `processes/xpcc/policy.yaml` (`conditions`: 第十一条;
`governance`: 第十四、十五条), handed in as `rules`; this module holds the wording of the reasons only.

Profile keys (procedures.md): `submission_date`, `units`, `lead_financials`, `director`, `expert_committee`; and
for 第十一条1 `independent_legal_entity` (boolean) with `independent_management` ({people, finance, assets}
booleans: 人、财、物相对独立) when the center is not (yet) a legal entity.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from fractions import Fraction
from typing import Any

from handlers.checks import CheckResult, Profile, check, common
from handlers.checks.common import Reader, fmt, percent
from handlers.checks.text import listing, say
from handlers.policy_data import PolicyData, require, share, share_words

POLICY = "xpcc"
KIND_LABELS = {"enterprise": "企业", "university": "高校", "institute": "科研院所", "other": "其他单位"}


# ---- 第十一条1: 独立法人实体（原则上）, else 人、财、物相对独立 -------------------------------------------------


@check(POLICY)
def legal_entity(profile: Profile, rules: PolicyData) -> CheckResult:
    """第十一条1: 原则上应为独立法人实体；尚不具备条件的，先行实现人、财、物相对独立的管理机制 (原则上: a warning)."""
    rule, article = "legal_entity", str(require(rules, "conditions", "legal_entity", "article"))
    parts = {str(k): str(v) for k, v in dict(require(rules, "conditions", "legal_entity", "parts")).items()}
    words = listing(parts.values())
    subject = say("独立法人实体，或%(parts)s相对独立的管理机制", parts=words)
    reader = Reader(profile)
    independent = reader.boolean("independent_legal_entity", "创新中心是否为独立法人实体")
    if independent is None:
        return reader.unusable(rule, article, subject)
    if independent:
        return CheckResult(rule, article, True, say("创新中心为独立法人实体，符合%(article)s", article=article), [])
    flags = {key: reader.boolean(f"independent_management.{key}", say("%(part)s是否相对独立", part=label))
             for key, label in parts.items()}
    if reader.problems:
        return reader.unusable(rule, article, subject)
    lacking = [parts[key] for key, flag in flags.items() if not flag]
    if lacking:
        return CheckResult(rule, article, False, say("创新中心尚不是独立法人实体，且%(lacking)s未实现相对独立；"
                                                     "%(article)s要求尚不具备条件的先行实现%(parts)s相对独立的管理机制",
                                                     lacking=listing(lacking), article=article, parts=words), [])
    return CheckResult(rule, article, False, say("创新中心尚不是独立法人实体，已实现%(parts)s相对独立的管理机制；%(article)s"
                                                 "规定原则上应为独立法人实体，并逐步向独立法人过渡（“原则上”：提请审议人员注意，"
                                                 "不作为未满足的条件）", parts=words, article=article), [], warning=True)


# ---- 第十一条2: the lead unit ------------------------------------------------------------------------------------


def _lead(reader: Reader, rules: PolicyData, rule: str, article: str,
          subject: str) -> tuple[Mapping[str, Any] | None, CheckResult | None]:
    """The one lead unit of `units` (of a kind 第十一条2 names), or the result that says why it cannot be read."""
    units = reader.records("units", "建设单位名单")
    if units is None:
        return None, reader.unusable(rule, article, subject)
    leads = [u for u in units if u.get("role") == "lead"]
    if len(leads) != 1:
        found = "未列出牵头单位" if not leads else say("列出了 %(count)s 家牵头单位", count=len(leads))
        return None, CheckResult(rule, article, False, say("建设单位名单%(found)s，应有且只有 1 家牵头单位，"
                                                           "无法核对%(article)s（%(subject)s）", found=found,
                                                           article=article, subject=subject), ["units"])
    index = list(units).index(leads[0])
    kind = reader.text(f"units[{index}].kind", "牵头单位的单位类型", source=leads[0])
    known = ["enterprise", *(str(k) for k in dict(require(rules, "conditions", "research_lead", "kinds")))]
    if kind is not None and kind not in known:
        reader.problems.append(common.Problem(f"units[{index}].kind", "牵头单位的单位类型", "invalid",
                                              " / ".join(known), kind))
    if reader.problems:
        return None, reader.unusable(rule, article, subject)
    return leads[0], None


def _unit_name(unit: Mapping[str, Any]) -> str:
    name = unit.get("name")
    return say("“%(name)s”", name=name) if isinstance(name, str) and name.strip() else "牵头单位"


def _not_applicable(rule: str, article: str, lead: Mapping[str, Any], subject: str) -> CheckResult:
    kind = KIND_LABELS.get(str(lead.get("kind")), str(lead.get("kind")))
    return CheckResult(rule, article, True, say("牵头单位%(lead)s为%(kind)s，%(article)s中“%(subject)s”的要求不适用",
                                                lead=_unit_name(lead), kind=kind, article=article, subject=subject), [])


def _financial_years(rules: PolicyData, reader: Reader) -> tuple[list[int], list[Mapping[str, Any]]] | None:
    """The years 第十一条2 asks for (申报前3年度) and the profile's entries for them; None when unreadable."""
    count = int(require(rules, "conditions", "lead_enterprise", "years_before_submission"))
    submitted = reader.text("submission_date", "申报日期")
    records = reader.records("lead_financials", "牵头企业申报前各年度财务数据")
    if submitted is None or records is None:
        return None
    try:
        year = date.fromisoformat(submitted[:10]).year
    except ValueError:
        reader.problems.append(common.Problem("submission_date", "申报日期", "invalid", "ISO 日期（YYYY-MM-DD）",
                                              submitted))
        return None
    years = list(range(year - count, year))
    by_year: dict[int, Mapping[str, Any]] = {}
    for i, entry in enumerate(records):
        value = reader.number(f"lead_financials[{i}].year", say("第 %(n)s 条财务数据的年度", n=i + 1), integer=True,
                              source=entry)
        if value is not None:
            by_year[int(value)] = entry
    for y in years:
        if y not in by_year:
            reader.problems.append(common.Problem(f"lead_financials[year={y}]", say("%(year)s 年度财务数据", year=y),
                                                  "missing"))
    if reader.problems:
        return None
    return years, [by_year[y] for y in years]


def _figures(reader: Reader, years: list[int], entries: list[Mapping[str, Any]], key: str, label: str,
             *, signed: bool = False) -> list[Fraction] | None:
    found: list[Fraction] = []
    for y, entry in zip(years, entries, strict=True):
        path, name = f"lead_financials[year={y}].{key}", say("%(year)s 年度%(label)s", year=y, label=label)
        value = entry.get(key)
        if signed and isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            found.append(Fraction(str(value)))
            continue
        number = reader.number(path, name, source=entry)
        if number is not None:
            found.append(number)
    return None if reader.problems else found


def _enterprise_lead(reader: Reader, rules: PolicyData, rule: str, article: str,
                     subject: str) -> Mapping[str, Any] | CheckResult:
    """The lead unit when it is an enterprise (第十一条2's enterprise conditions apply), else the result already
    settled: the lead is missing or not unique, or the rule does not apply to a lead of another kind."""
    lead, refused = _lead(reader, rules, rule, article, subject)
    if lead is None:
        assert refused is not None
        return refused
    if lead.get("kind") != "enterprise":
        return _not_applicable(rule, article, lead, subject)
    return lead


@check(POLICY)
def lead_enterprise_no_loss(profile: Profile, rules: PolicyData) -> CheckResult:
    """第十一条2: 牵头单位是企业的，申报前3年度不得有亏损 (a net profit of 0 is no loss)."""
    rule, article = "lead_enterprise_no_loss", str(require(rules, "conditions", "lead_enterprise", "article"))
    count = int(require(rules, "conditions", "lead_enterprise", "years_before_submission"))
    subject = say("牵头企业申报前%(count)s年度不得有亏损", count=count)
    reader = Reader(profile)
    lead = _enterprise_lead(reader, rules, rule, article, subject)
    if isinstance(lead, CheckResult):
        return lead
    read = _financial_years(rules, reader)
    profits = None if read is None else _figures(reader, *read, "net_profit", "净利润", signed=True)
    if read is None or profits is None:
        return reader.unusable(rule, article, subject)
    years = read[0]
    shown = listing(say("%(year)s 年 %(profit)s 万元", year=y, profit=fmt(p)) for y, p in zip(years, profits, strict=True))
    losses = [str(y) for y, p in zip(years, profits, strict=True) if p < 0]
    if losses:
        return CheckResult(rule, article, False, say("牵头企业%(lead)s申报前%(count)s年度净利润：%(profits)s；"
                                                     "%(losses)s 年度亏损，不符合%(article)s“不得有亏损”",
                                                     lead=_unit_name(lead), count=count, profits=shown,
                                                     losses=listing(losses), article=article), [])
    return CheckResult(rule, article, True, say("牵头企业%(lead)s申报前%(count)s年度净利润：%(profits)s，均无亏损，符合%(article)s",
                                                lead=_unit_name(lead), count=count, profits=shown, article=article), [])


@check(POLICY)
def lead_enterprise_rd_ratio(profile: Profile, rules: PolicyData) -> CheckResult:
    """第十一条2: 研发费用总额占同期销售收入总额的比例不低于3% (exactly the share passes)."""
    spec = ("conditions", "lead_enterprise")
    rule, article = "lead_enterprise_rd_ratio", str(require(rules, *spec, "article"))
    written = require(rules, *spec, "rd_to_sales_min")
    minimum, shown = share(written), share_words(written)
    count = int(require(rules, *spec, "years_before_submission"))
    subject = say("牵头企业申报前%(count)s年度研发费用总额占同期销售收入总额的比例不低于 %(share)s", count=count, share=shown)
    reader = Reader(profile)
    lead = _enterprise_lead(reader, rules, rule, article, subject)
    if isinstance(lead, CheckResult):
        return lead
    read = _financial_years(rules, reader)
    sales = None if read is None else _figures(reader, *read, "sales", "销售收入")
    spend = None if read is None else _figures(reader, *read, "rd_spend", "研发费用")
    if read is None or sales is None or spend is None:
        return reader.unusable(rule, article, subject)
    total_sales, total_spend = sum(sales, Fraction(0)), sum(spend, Fraction(0))
    years = say("%(first)s—%(last)s 年度", first=read[0][0], last=read[0][-1])
    if total_sales == 0:
        return CheckResult(rule, article, False, say("牵头企业%(lead)s%(years)s销售收入总额为 0，无法计算研发费用"
                                                     "占比；%(article)s要求不低于 %(share)s", lead=_unit_name(lead),
                                                     years=years, article=article, share=shown), [])
    passed = total_spend / total_sales >= minimum
    verdict = "不低于" if passed else "低于"
    reason = say("牵头企业%(lead)s%(years)s研发费用总额 %(spend)s 万元，占同期销售收入总额 "
                 "%(sales)s 万元的 %(percent)s，%(verdict)s%(article)s要求的 %(share)s", lead=_unit_name(lead),
                 years=years, spend=fmt(total_spend), sales=fmt(total_sales),
                 percent=percent(total_spend, total_sales), verdict=verdict, article=article, share=shown)
    return CheckResult(rule, article, passed, reason, [])


@check(POLICY)
def research_lead_cobuilders(profile: Profile, rules: PolicyData) -> CheckResult:
    """第十一条2: 牵头单位是高校、科研院所、技术机构的，须与兵团内2家以上企业联合共建 (2 passes: 以上 includes it)."""
    spec = ("conditions", "research_lead")
    rule, article = "research_lead_cobuilders", str(require(rules, *spec, "article"))
    kinds = {str(k): str(v) for k, v in dict(require(rules, *spec, "kinds")).items()}
    least = int(require(rules, *spec, "min_xpcc_enterprise_cobuilders"))
    subject = say("%(kinds)s牵头的，须与兵团内 %(least)s 家以上企业联合共建", kinds=listing(kinds.values()), least=least)
    reader = Reader(profile)
    lead, refused = _lead(reader, rules, rule, article, subject)
    if lead is None:
        assert refused is not None
        return refused
    kind = str(lead.get("kind"))
    if kind not in kinds:
        return _not_applicable(rule, article, lead, subject)
    units = reader.records("units", "建设单位名单") or []
    partners = [(i, u) for i, u in enumerate(units) if u.get("role") == "co_builder" and u.get("kind") == "enterprise"]
    flags = [reader.boolean(f"units[{i}].is_xpcc_enterprise", say("共建企业%(unit)s是否为兵团内企业", unit=_unit_name(u)),
                            source=u) for i, u in partners]
    if reader.problems:
        return reader.unusable(rule, article, subject)
    inside = [_unit_name(u) for (_, u), flag in zip(partners, flags, strict=True) if flag]
    named = say("（%(units)s）", units=listing(inside)) if inside else ""
    passed = len(inside) >= least
    verdict = "达到" if passed else "少于"
    reason = say("牵头单位%(lead)s为%(kind)s，兵团内共建企业 %(count)s 家%(named)s，%(verdict)s%(article)s要求的 %(least)s 家以上",
                 lead=_unit_name(lead), kind=kinds[kind], count=len(inside), named=named, verdict=verdict,
                 article=article, least=least)
    if kind == "other":
        reason = say("%(reason)s（单位类型“其他”按技术机构核对，由审议人员确认）", reason=reason)
    return CheckResult(rule, article, passed, reason, [])


# ---- 第十四条 主任全职, 第十五条 专家委员会 --------------------------------------------------------------------


@check(POLICY)
def director_fulltime(profile: Profile, rules: PolicyData) -> CheckResult:
    """第十四条: 创新中心主任（总经理）应是创新中心的全职工作人员."""
    rule, article = "director_fulltime", str(require(rules, "governance", "director", "article"))
    reader = Reader(profile)
    fulltime = reader.boolean("director.fulltime", "主任（总经理）是否为全职工作人员")
    if fulltime is None:
        return reader.unusable(rule, article, "主任（总经理）是创新中心的全职工作人员")
    if fulltime:
        return CheckResult(rule, article, True, say("主任（总经理）是创新中心的全职工作人员，符合%(article)s", article=article),
                           [])
    return CheckResult(rule, article, False, say("主任（总经理）不是创新中心的全职工作人员；%(article)s规定主任（总经理）"
                                                 "应是创新中心的全职工作人员", article=article), [])


def _committee(reader: Reader, name: str) -> list[Mapping[str, Any]] | None:
    return reader.records("expert_committee.members", say("%(committee)s成员名单", committee=name))


@check(POLICY)
def expert_committee_size(profile: Profile, rules: PolicyData) -> CheckResult:
    """第十五条: 专家委员会人数不少于7人 (exactly 7 passes)."""
    spec = ("governance", "expert_committee")
    rule, article = "expert_committee_size", str(require(rules, *spec, "article"))
    name, least = str(require(rules, *spec, "name")), int(require(rules, *spec, "min_members"))
    reader = Reader(profile)
    members = _committee(reader, name)
    if members is None:
        return reader.unusable(rule, article, say("%(committee)s人数不少于 %(least)s 人", committee=name, least=least))
    passed = len(members) >= least
    verdict = "达到" if passed else "少于"
    return CheckResult(rule, article, passed, say("%(committee)s共 %(count)s 人，%(verdict)s%(article)s要求的不少于 %(least)s 人",
                                                  committee=name, count=len(members), verdict=verdict, article=article,
                                                  least=least), [])


@check(POLICY)
def expert_committee_external(profile: Profile, rules: PolicyData) -> CheckResult:
    """第十五条: 一半以上专家来自创新中心之外 (policy.yaml says whether exactly half counts: 以上 includes it)."""
    spec = ("governance", "expert_committee")
    rule, article = "expert_committee_external", str(require(rules, *spec, "article"))
    name = str(require(rules, *spec, "name"))
    written = require(rules, *spec, "external_min_share")
    limit, words = share(written), share_words(written)
    inclusive = bool(require(rules, *spec, "external_share_inclusive"))
    wanted = say("%(share)s以上", share=words) if inclusive else say("超过%(share)s", share=words)
    subject = say("%(committee)s中%(wanted)s的专家来自创新中心之外", committee=name, wanted=wanted)
    reader = Reader(profile)
    members = _committee(reader, name)
    if members is None:
        return reader.unusable(rule, article, subject)
    flags = [reader.boolean(f"expert_committee.members[{i}].external", say("第 %(n)s 名专家是否来自创新中心之外", n=i + 1),
                            source=m) for i, m in enumerate(members)]
    if reader.problems:
        return reader.unusable(rule, article, subject)
    total = len(members)
    if total == 0:
        return CheckResult(rule, article, False, say("%(committee)s名单为空：%(article)s要求%(subject)s", committee=name,
                                                     article=article, subject=subject), [])
    outside = sum(1 for flag in flags if flag)
    ratio = Fraction(outside, total)
    passed = ratio >= limit if inclusive else ratio > limit
    needed = math.ceil(total * limit) if inclusive else math.floor(total * limit) + 1
    verdict = "符合" if passed else "不符合"
    reading = "（“以上”含本数）" if inclusive else ""
    reason = say("%(committee)s共 %(total)s 人，其中来自创新中心之外的专家 %(outside)s 人（占 %(percent)s），"
                 "%(verdict)s%(article)s“%(wanted)s”的要求%(reading)s（%(total)s 人中至少 %(needed)s 人）", committee=name,
                 total=total, outside=outside, percent=percent(outside, total), verdict=verdict, article=article,
                 wanted=wanted, reading=reading, needed=needed)
    return CheckResult(rule, article, passed, reason, [])
