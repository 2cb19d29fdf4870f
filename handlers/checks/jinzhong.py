"""jinzhong automated checks: 晋中市技术创新中心建设与运行管理办法（试行）第八条 (第十一条: jinzhong_committee.py).

Every number, share and article comes from `processes/jinzhong/policy.yaml` (`thresholds`: 第八条), handed in as
`rules`; this module holds the wording of the reasons only.
"原则上" (第八条(一) 申报单位原则上不超过3家, 第八条(四) 高校原则上应有硕士学位授予权) is a rule with exceptions: not
meeting it is a warning for the reviewer (`principle: true` in policy.yaml), not a failed condition.
"以上/不少于" pass at exactly the number, "不超过" too.
"""
from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

from handlers.checks import CheckResult, Profile, check
from handlers.checks.common import Problem, Reader, at_least, fmt, percent
from handlers.checks.text import listing, say
from handlers.policy_data import PolicyData, require, share, share_words

POLICY = "jinzhong"


def _principle(reason: str) -> str:
    """`reason` with the note that a "原则上" rule warns the reviewer and is not a failed condition."""
    return say("%(reason)s（“原则上”：提请审核人员注意，不作为未满足的条件）", reason=reason)


def _spec(rules: PolicyData, *keys: str) -> Any:
    return require(rules, "thresholds", *keys)


def _units(reader: Reader) -> list[dict[str, Any]] | None:
    records = reader.records("units", "申报单位名单")
    return None if records is None else [dict(r) for r in records]


@check(POLICY)
def unit_count(profile: Profile, rules: PolicyData) -> CheckResult:
    """第八条(一): 申报单位原则上不超过3家 (exactly 3 passes; more is a warning: 原则上)."""
    rule, article, most = "unit_count", str(_spec(rules, "units", "article")), int(_spec(rules, "units", "max"))
    reader = Reader(profile)
    units = _units(reader)
    if units is None:
        return reader.unusable(rule, article, say("申报单位不超过 %(most)s 家", most=most))
    if len(units) <= most:
        return CheckResult(rule, article, True, say("申报单位 %(count)s 家，未超过%(article)s规定的原则上不超过 %(most)s 家",
                                                    count=len(units), article=article, most=most), [])
    principle = bool(_spec(rules, "units").get("principle", False))
    reason = say("申报单位 %(count)s 家，超过%(article)s规定的原则上不超过 %(most)s 家", count=len(units), article=article,
                 most=most)
    return CheckResult(rule, article, False, _principle(reason) if principle else reason, [], warning=principle)


@check(POLICY)
def single_lead(profile: Profile, rules: PolicyData) -> CheckResult:
    """第八条(一): 需明确一家牵头单位 (the lead unit is the host, 依托单位)."""
    rule, article = "single_lead", str(_spec(rules, "units", "article"))
    reader = Reader(profile)
    units = _units(reader)
    roles = [] if units is None else [reader.text(f"units[{i}].role", say("第 %(n)s 家申报单位的角色", n=i + 1), source=u)
                                      for i, u in enumerate(units)]
    if units is None or reader.problems:
        return reader.unusable(rule, article, "明确一家牵头单位")
    leads = [str(u.get("name")) if u.get("name") else say("第 %(n)s 家", n=i + 1)
             for i, (u, r) in enumerate(zip(units, roles, strict=True)) if r == "lead"]
    if len(leads) == 1:
        return CheckResult(rule, article, True, say("牵头单位为%(lead)s（即依托单位），符合%(article)s“需明确一家牵头单位”",
                                                    lead=leads[0], article=article), [])
    found = "未明确牵头单位" if not leads else say("明确了 %(count)s 家牵头单位（%(leads)s）", count=len(leads),
                                                leads=listing(leads))
    return CheckResult(rule, article, False, say("申报单位中%(found)s；%(article)s要求明确一家牵头单位", found=found,
                                                 article=article), [])


def _day(reader: Reader, key: str, label: str) -> date | None:
    text = reader.text(key, label)
    if text is None:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        reader.problems.append(Problem(key, label, "invalid", "日期（YYYY-MM-DD）", text))
        return None


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@check(POLICY)
def agreement_term(profile: Profile, rules: PolicyData) -> CheckResult:
    """第八条(一): 合作协议的有效期限应当在三年以上(含)，自申报材料提交之日算起 (exactly 3 years passes)."""
    rule, article = "agreement_term", str(_spec(rules, "agreement_years", "article"))
    years = int(_spec(rules, "agreement_years", "min"))
    reader = Reader(profile)
    submitted = _day(reader, "submission_date", "申报材料提交日期")
    ends = _day(reader, "agreement_end_date", "合作协议有效期截止日期")
    if submitted is None or ends is None:
        return reader.unusable(rule, article, say("合作协议自申报材料提交之日起有效 %(years)s 年以上（含）", years=years))
    needed = _years_later(submitted, years)
    passed = ends >= needed
    verdict = "达到" if passed else "不足"
    return CheckResult(rule, article, passed, say("合作协议有效期至 %(ends)s，自申报材料提交之日 %(submitted)s "
                                                  "算起%(verdict)s%(article)s要求的 %(years)s 年以上（含），即至少至 %(needed)s",
                                                  ends=ends.isoformat(), submitted=submitted.isoformat(), verdict=verdict,
                                                  article=article, years=years, needed=needed.isoformat()), [])


@check(POLICY)
def rd_floor_area(profile: Profile, rules: PolicyData) -> CheckResult:
    """第八条(二): 有相对集中的实验用房，面积在1000平方米以上 (exactly 1000 passes)."""
    spec = _spec(rules, "rd_floor_area")
    return at_least(profile, rule="rd_floor_area", article=str(spec["article"]), key="rd_floor_area",
                    label=str(spec["label"]), unit=str(spec["unit"]), minimum=spec["min"])


@check(POLICY)
def equipment_value(profile: Profile, rules: PolicyData) -> CheckResult:
    """第八条(二): 仪器设备总值在1000万元以上; 共建单位自有设备计入的价值不超设备总值的50%."""
    rule, spec = "equipment_value", _spec(rules, "equipment_value")
    article, unit, least = str(spec["article"]), str(spec["unit"]), Fraction(str(spec["min"]))
    written = spec["cobuilder_max_share"]
    limit, shown = share(written), share_words(written)
    reader = Reader(profile)
    own = reader.number("equipment_value", "依托单位（申报单位）仪器设备原值")
    cobuilt = reader.number("cobuilder_equipment_value", "共建单位可用于中心科研活动的自有设备价值")
    if own is None or cobuilt is None:
        return reader.unusable(rule, article, say("仪器设备总值不少于 %(least)s %(unit)s", least=fmt(least), unit=unit))
    # counted co-builder value c with c <= limit * (own + c)  <=>  c <= own * limit / (1 - limit)
    cap = own * limit / (1 - limit) if limit < 1 else cobuilt
    counted_cobuilt = min(cobuilt, cap)
    total = own + counted_cobuilt
    passed = total >= least
    capped = (say("，共建单位设备 %(cobuilt)s %(unit)s 中只计入 %(counted)s %(unit)s（不超设备总值的 %(share)s）",
                  cobuilt=fmt(cobuilt), unit=unit, counted=fmt(counted_cobuilt), share=shown)
              if counted_cobuilt < cobuilt else
              say("，含共建单位设备 %(cobuilt)s %(unit)s（未超设备总值的 %(share)s）", cobuilt=fmt(cobuilt), unit=unit,
                  share=shown))
    verdict = "达到" if passed else "低于"
    return CheckResult(rule, article, passed, say("计入的仪器设备总值 %(total)s %(unit)s（依托单位 %(own)s %(unit)s%(capped)s），"
                                                  "%(verdict)s%(article)s要求的 %(least)s %(unit)s以上", total=fmt(total),
                                                  unit=unit, own=fmt(own), capped=capped, verdict=verdict,
                                                  article=article, least=fmt(least)), [])


@check(POLICY)
def director_age(profile: Profile, rules: PolicyData) -> CheckResult:
    """第八条(四): 中心主任年龄不超过60岁 (exactly 60 passes)."""
    rule, spec = "director_age", _spec(rules, "director")
    article, most = str(spec["article"]), int(spec["max_age"])
    reader = Reader(profile)
    age = reader.number("director.age", "中心主任年龄", integer=True, maximum=150)
    if age is None:
        return reader.unusable(rule, article, say("中心主任年龄不超过 %(most)s 岁", most=most))
    passed = age <= most
    return CheckResult(rule, article, passed, say("中心主任 %(age)s 岁，%(verdict)s%(article)s规定的 %(most)s 岁", age=fmt(age),
                                                  verdict="未超过" if passed else "超过", article=article, most=most), [])


@check(POLICY)
def director_title(profile: Profile, rules: PolicyData) -> CheckResult:
    """第八条(四): 中心主任具有副高以上职称."""
    rule, spec = "director_title", _spec(rules, "director")
    article, order, names = str(spec["article"]), [str(t) for t in spec["title_order"]], dict(spec["titles"])
    least = str(spec["min_title"])
    reader = Reader(profile)
    title = reader.text("director.title", "中心主任职称")
    if title is None:
        return reader.unusable(rule, article, say("中心主任具有%(title)s以上职称", title=names[least]))
    if title not in order:
        return CheckResult(rule, article, False, say("中心主任职称“%(title)s”无法识别（应为%(titles)s之一），"
                                                     "请核对后再按%(article)s核对", title=title,
                                                     titles=listing(names.values()), article=article), [])
    passed = order.index(title) >= order.index(least)
    verdict = "符合" if passed else "不符合"
    return CheckResult(rule, article, passed, say("中心主任职称为%(title)s，%(verdict)s%(article)s“具有%(least)s以上职称”",
                                                  title=names[title], verdict=verdict, article=article,
                                                  least=names[least]), [])


@check(POLICY)
def director_fulltime(profile: Profile, rules: PolicyData) -> CheckResult:
    """第八条(四): 中心主任全职全时在依托单位工作."""
    rule, article = "director_fulltime", str(_spec(rules, "director", "article"))
    reader = Reader(profile)
    fulltime = reader.boolean("director.fulltime", "中心主任是否全职全时在依托单位工作")
    if fulltime is None:
        return reader.unusable(rule, article, "中心主任全职全时在依托单位工作")
    if fulltime:
        return CheckResult(rule, article, True, say("中心主任全职全时在依托单位工作，符合%(article)s", article=article), [])
    return CheckResult(rule, article, False, say("中心主任不是全职全时在依托单位工作；%(article)s要求全职全时在依托单位工作",
                                                 article=article), [])


@check(POLICY)
def fixed_researchers(profile: Profile, rules: PolicyData) -> CheckResult:
    """第八条(四): 固定科研人员不少于25人 (exactly 25 passes)."""
    spec = _spec(rules, "researchers")
    return at_least(profile, rule="fixed_researchers", article=str(spec["article"]), key="fulltime_researchers",
                    label="固定科研人员", unit="人", minimum=spec["min"], integer=True)


def _researcher_share(profile: Profile, rules: PolicyData, rule: str, key: str, label: str, share_key: str) -> CheckResult:
    spec = _spec(rules, "researchers")
    article, written = str(spec["article"]), spec[share_key]
    least, shown = share(written), share_words(written)
    reader = Reader(profile)
    total = reader.number("fulltime_researchers", "固定科研人员人数", integer=True)
    part = reader.number(key, say("%(label)s人数", label=label), integer=True)
    if total is None or part is None:
        return reader.unusable(rule, article, say("%(label)s不少于固定科研人员的%(share)s", label=label, share=shown))
    if total == 0 or part > total:
        why = "固定科研人员为 0 人" if total == 0 else say("%(label)s %(part)s 人多于固定科研人员 %(total)s 人", label=label,
                                                          part=fmt(part), total=fmt(total))
        return CheckResult(rule, article, False, say("%(why)s，数据不一致，无法按%(article)s核对%(label)s比例", why=why,
                                                     article=article, label=label), [])
    passed = part / total >= least
    verdict = "不少于" if passed else "少于"
    return CheckResult(rule, article, passed, say("%(label)s %(part)s 人，占固定科研人员 %(total)s 人的 "
                                                  "%(percent)s，%(verdict)s%(article)s要求的%(share)s", label=label,
                                                  part=fmt(part), total=fmt(total), percent=percent(part, total),
                                                  verdict=verdict, article=article, share=shown), [])


@check(POLICY)
def researchers_qualified_share(profile: Profile, rules: PolicyData) -> CheckResult:
    """第八条(四): 具有硕士以上学位或副高以上技术职称人员不少于1/2 (exactly the share passes)."""
    return _researcher_share(profile, rules, "researchers_qualified_share", "researchers_masters_or_senior",
                             "具有硕士以上学位或副高以上技术职称人员", "masters_or_senior_min_share")


@check(POLICY)
def researchers_young_share(profile: Profile, rules: PolicyData) -> CheckResult:
    """第八条(四): 中青年人员比例不少于1/3 (exactly the share passes)."""
    return _researcher_share(profile, rules, "researchers_young_share", "researchers_young_middle_aged",
                             "中青年人员", "young_middle_aged_min_share")


@check(POLICY)
def university_masters_rights(profile: Profile, rules: PolicyData) -> CheckResult:
    """第八条(四): 依托单位为高等院校的，原则上在所属学科领域应有硕士学位授予权 (a warning: 原则上)."""
    rule, spec = "university_masters_rights", _spec(rules, "university_masters_rights")
    article, principle = str(spec["article"]), bool(spec.get("principle", False))
    reader = Reader(profile)
    units = _units(reader)
    if units is None:
        return reader.unusable(rule, article, "高等院校依托单位在所属学科领域有硕士学位授予权")
    lead = next((u for u in units if u.get("role") == "lead"), None)
    if lead is None or lead.get("kind") != "university":
        return CheckResult(rule, article, True, say("依托单位不是高等院校，%(article)s关于硕士学位授予权的要求不适用",
                                                    article=article), [])
    rights = reader.boolean("university_masters_rights", "依托单位在所属学科领域是否有硕士学位授予权")
    if rights is None:
        return reader.unusable(rule, article, "高等院校依托单位在所属学科领域有硕士学位授予权")
    if rights:
        return CheckResult(rule, article, True, say("依托单位为高等院校，在所属学科领域有硕士学位授予权，符合%(article)s",
                                                    article=article), [])
    reason = say("依托单位为高等院校，在所属学科领域没有硕士学位授予权；%(article)s规定原则上应有", article=article)
    return CheckResult(rule, article, False, _principle(reason) if principle else reason, [], warning=principle)


@check(POLICY)
def years_in_direction(profile: Profile, rules: PolicyData) -> CheckResult:
    """第八条(五): 从事所在方向研究3年以上 (exactly 3 passes)."""
    spec = _spec(rules, "years_in_direction")
    return at_least(profile, rule="years_in_direction", article=str(spec["article"]), key="years_in_direction",
                    label=str(spec["label"]), unit=str(spec["unit"]), minimum=spec["min"])


@check(POLICY)
def rd_spend(profile: Profile, rules: PolicyData) -> list[CheckResult]:
    """第八条(七): 最近3年同领域研发总投入不少于1000万元，其中依托单位不少于500万元 (exactly each passes)."""
    spec = _spec(rules, "rd_spend")
    article, unit = str(spec["article"]), str(spec["unit"])
    return [
        at_least(profile, rule="rd_spend_total", article=article, key="rd_spend_3y_total",
                 label="最近3年依托单位与共建单位同领域研发总投入", unit=unit, minimum=spec["total_min"]),
        at_least(profile, rule="rd_spend_lead", article=article, key="rd_spend_3y_lead",
                 label="最近3年依托单位同领域研发投入", unit=unit, minimum=spec["lead_min"]),
    ]
