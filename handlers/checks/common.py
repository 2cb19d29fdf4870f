"""Shared pieces of the policy checks: reading the center profile and writing Chinese reasons.

A `Reader` reads values from the profile and records every key it could not use: absent (or null) keys
and keys whose value has the wrong type (e.g. a string where a number of people is expected). Those keys
make the check's `missing` list and its result is never `passed` (procedures.md, "the center profile").
Paths name nested keys the way the profile spells them: `director.fulltime`,
`technical_committee[2].is_chair`.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from handlers.checks import CheckResult, Profile
from handlers.checks.text import listing, say
from handlers.policy_data import PolicyData, require, share, share_words

_ABSENT = object()

# What the profile's nested objects are called when the object itself is absent or malformed.
CONTAINER_LABELS = {"director": "主任（总经理）信息", "expert_committee": "专家委员会信息"}


@dataclass(frozen=True)
class Problem:
    """A profile key the check could not use: `kind` is "missing" or "invalid"."""

    path: str
    label: str
    kind: str
    expected: str = ""
    received: Any = None


class Reader:
    """Reads typed values from a profile, collecting the keys it could not use."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.problems: list[Problem] = []

    # --- lookups -------------------------------------------------------------------------------------------

    def _record(self, problem: Problem) -> None:
        if all(p.path != problem.path for p in self.problems):
            self.problems.append(problem)

    def _lookup(self, path: str, label: str, source: Mapping[str, Any] | None) -> Any:
        """The raw value at `path` (in `source`, or walked from the profile), or `_ABSENT` after recording why."""
        if source is not None:
            key = path.rsplit(".", 1)[-1]
            value = source.get(key)
            if value is None:
                self._record(Problem(path, label, "missing"))
                return _ABSENT
            return value
        node: Any = self.profile
        walked: list[str] = []
        for part in path.split("."):
            walked.append(part)
            where = ".".join(walked)
            if not isinstance(node, Mapping):
                parent = where.rsplit(".", 1)[0]
                self._record(Problem(parent, CONTAINER_LABELS.get(parent, parent), "invalid", "对象", node))
                return _ABSENT
            node = node.get(part)
            if node is None:
                self._record(Problem(where, label if where == path else CONTAINER_LABELS.get(where, where), "missing"))
                return _ABSENT
        return node

    def number(self, path: str, label: str, *, integer: bool = False, maximum: int | None = None,
               source: Mapping[str, Any] | None = None) -> Fraction | None:
        """A non-negative number (exact, as a Fraction), or None when absent or not a usable number.

        `maximum` bounds what is plausible (e.g. 12 months a year); a value above it is malformed data.
        """
        value = self._lookup(path, label, source)
        if value is _ABSENT:
            return None
        expected: str = "非负整数" if integer else "非负数"
        if maximum is not None:
            expected = say("不超过 %(maximum)s 的%(expected)s", maximum=maximum, expected=expected)
        usable = isinstance(value, int | float) and not isinstance(value, bool)
        if usable and isinstance(value, float):
            usable = math.isfinite(value) and (not integer or value.is_integer())
        if not usable or value < 0 or (maximum is not None and value > maximum):
            self._record(Problem(path, label, "invalid", expected, value))
            return None
        return Fraction(value)

    def boolean(self, path: str, label: str, *, source: Mapping[str, Any] | None = None) -> bool | None:
        """A true/false value, or None when absent or not a boolean."""
        value = self._lookup(path, label, source)
        if value is _ABSENT:
            return None
        if not isinstance(value, bool):
            self._record(Problem(path, label, "invalid", "是/否（true/false）", value))
            return None
        return value

    def text(self, path: str, label: str, *, source: Mapping[str, Any] | None = None) -> str | None:
        """A non-empty string, or None when absent, empty or not a string."""
        value = self._lookup(path, label, source)
        if value is _ABSENT:
            return None
        if not isinstance(value, str) or not value.strip():
            self._record(Problem(path, label, "invalid", "非空文字", value))
            return None
        return value

    def records(self, path: str, label: str) -> list[Mapping[str, Any]] | None:
        """A list of objects (e.g. committee members), or None when absent or not such a list."""
        value = self._lookup(path, label, None)
        if value is _ABSENT:
            return None
        if not isinstance(value, Sequence) or isinstance(value, str | bytes) or not all(
            isinstance(item, Mapping) for item in value
        ):
            self._record(Problem(path, label, "invalid", "对象列表", value))
            return None
        return list(value)

    # --- results -------------------------------------------------------------------------------------------

    @property
    def missing(self) -> list[str]:
        """The paths that could not be used, in the order they were read."""
        return [p.path for p in self.problems]

    def unusable(self, rule: str, article: str, subject: str, note: str = "") -> CheckResult:
        """The result of a check that lacks data: not passed, naming what is missing or malformed."""
        absent = [say("%(label)s（%(path)s）", label=p.label, path=p.path) for p in self.problems if p.kind == "missing"]
        invalid = [
            say("%(label)s（%(path)s）应为%(expected)s，收到 %(received)s", label=p.label, path=p.path,
                expected=p.expected, received=_show(p.received))
            for p in self.problems if p.kind == "invalid"
        ]
        parts: list[str] = []
        if absent:
            parts.append(say("缺少%(items)s的数据", items=listing(absent)))
        if invalid:
            parts.append(listing(invalid, "；"))
        reason = say("无法核对%(article)s（%(subject)s）：%(problems)s", article=article, subject=subject,
                     problems=listing(parts, "；"))
        return CheckResult(rule, article, False, with_note(reason, note), self.missing)


# --- reason formatting ---------------------------------------------------------------------------------------


def fmt(value: Fraction | int | float) -> str:
    """A number as Chinese texts write it: 500, 3000, 499.5 (no trailing zeros, no grouping)."""
    if isinstance(value, Fraction) and value.denominator == 1:
        return str(value.numerator)
    number = float(value)
    if number.is_integer():
        return str(int(number))
    return f"{number:.4f}".rstrip("0").rstrip(".")


def percent(part: Fraction | int, whole: Fraction | int) -> str:
    """`part / whole` as a percentage truncated (not rounded) to two decimals, so 49.999 % never reads 50 %."""
    share = Fraction(part) / Fraction(whole) * 100
    truncated = Fraction(math.floor(share * 100), 100)
    return fmt(truncated) + "%"


def with_note(reason: str, note: str) -> str:
    """`reason` followed by an optional note sentence."""
    if not note:
        return reason
    if reason.endswith("。"):
        return say("%(reason)s%(note)s", reason=reason, note=note)
    return say("%(reason)s。%(note)s", reason=reason, note=note)


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


COUNT_WORDS = ("零", "一", "两", "三", "四", "五", "六", "七", "八", "九", "十")


def count_words(count: int) -> str:
    """A small count as the text writes it (3 → 三); larger counts in digits."""
    return COUNT_WORDS[count] if 0 <= count <= 10 else str(count)


def at_least(
    profile: Profile, *, rule: str, article: str, key: str, label: str, unit: str, minimum: int | float,
    integer: bool = False, maximum: int | None = None, note: str = "",
) -> CheckResult:
    """A "不少于 minimum" condition on one profile number: passes at exactly `minimum` (不少于 = ≥)."""
    if isinstance(minimum, bool) or not isinstance(minimum, int | float):
        raise TypeError(f"the minimum of {rule} must be a number, not {minimum!r}")
    least = Fraction(str(minimum))
    reader = Reader(profile)
    value = reader.number(key, label, integer=integer, maximum=maximum)
    if value is None:
        return reader.unusable(rule, article, say("%(label)s不少于 %(least)s %(unit)s", label=label, least=fmt(least),
                                                  unit=unit), note)
    passed = value >= least
    verdict = "达到" if passed else "低于"
    reason = say("%(label)s %(value)s %(unit)s，%(verdict)s%(article)s要求的不少于 %(least)s %(unit)s", label=label,
                 value=fmt(value), unit=unit, verdict=verdict, article=article, least=fmt(least))
    return CheckResult(rule, article, passed, with_note(reason, note), [])


# --- the technical (guidance) committee: nmg2025 第十五条 and nmg2020 三(二) say the same thing -----------------


def _member_name(member: Mapping[str, Any], index: int) -> str:
    name = member.get("name")
    if isinstance(name, str) and name.strip():
        return say("第 %(n)s 名委员（%(name)s）", n=index + 1, name=name)
    return say("第 %(n)s 名委员", n=index + 1)


def committee_insider_share(
    profile: Profile, *, rule: str, article: str, committee: str, insiders: str, limit: Fraction, limit_words: str,
) -> CheckResult:
    """Members from the lead unit and co-builders are 不超过 `limit` of all members (exactly `limit` passes)."""
    subject = say("%(committee)s中%(insiders)s人员不超过总人数%(limit)s", committee=committee, insiders=insiders,
                  limit=limit_words)
    reader = Reader(profile)
    members = reader.records("technical_committee", say("%(committee)s名单", committee=committee))
    if members is None:
        return reader.unusable(rule, article, subject)
    flags = [
        reader.boolean(f"technical_committee[{i}].from_lead_or_cobuilder",
                       say("%(member)s是否来自%(insiders)s", member=_member_name(m, i), insiders=insiders), source=m)
        for i, m in enumerate(members)
    ]
    if reader.problems:
        return reader.unusable(rule, article, subject)
    total = len(members)
    if total == 0:
        return CheckResult(rule, article, False, say("%(committee)s名单为空：%(article)s要求成立%(committee)s，"
                                                     "其中%(insiders)s人员不超过总人数%(limit)s", committee=committee,
                                                     article=article, insiders=insiders, limit=limit_words), [])
    inside = sum(1 for flag in flags if flag)
    allowed = math.floor(total * limit)
    passed = Fraction(inside, total) <= limit
    verdict = "未超过" if passed else "超过"
    reason = say("%(committee)s共 %(total)s 人，其中%(insiders)s人员 %(inside)s 人（占 %(share)s），"
                 "%(verdict)s%(article)s规定的总人数%(limit)s（%(total)s 人中至多 %(allowed)s 人）", committee=committee,
                 total=total, insiders=insiders, inside=inside, share=percent(inside, total), verdict=verdict,
                 article=article, limit=limit_words, allowed=allowed)
    return CheckResult(rule, article, passed, reason, [])


def committee_chair_external(profile: Profile, *, rule: str, article: str, committee: str, insiders: str) -> CheckResult:
    """The committee's chair (主任) is an expert from outside the lead unit and the co-builders."""
    subject = say("%(committee)s主任由非%(insiders)s的专家担任", committee=committee, insiders=insiders)
    reader = Reader(profile)
    members = reader.records("technical_committee", say("%(committee)s名单", committee=committee))
    if members is None:
        return reader.unusable(rule, article, subject)
    chair_flags = [
        reader.boolean(f"technical_committee[{i}].is_chair",
                       say("%(member)s是否为%(committee)s主任", member=_member_name(m, i), committee=committee), source=m)
        for i, m in enumerate(members)
    ]
    if reader.problems:
        return reader.unusable(rule, article, subject)
    if not members:
        return CheckResult(rule, article, False, say("%(committee)s名单为空：%(article)s要求成立%(committee)s，"
                                                     "其主任由非%(insiders)s的有影响力的专家担任", committee=committee,
                                                     article=article, insiders=insiders), [])
    chairs = [i for i, flag in enumerate(chair_flags) if flag]
    if not chairs:
        return CheckResult(rule, article, False, say("%(committee)s名单中未指定主任：%(article)s要求%(committee)s主任"
                                                     "由非%(insiders)s的有影响力的专家担任", committee=committee,
                                                     article=article, insiders=insiders), [])
    if len(chairs) > 1:
        return CheckResult(rule, article, False, say("%(committee)s名单中标记了 %(count)s 名主任，应为 1 名，"
                                                     "请核对后再按%(article)s核对主任来源", committee=committee,
                                                     count=len(chairs), article=article), [])
    index = chairs[0]
    chair = members[index]
    name = _member_name(chair, index)
    inside = reader.boolean(f"technical_committee[{index}].from_lead_or_cobuilder",
                            say("%(member)s是否来自%(insiders)s", member=name, insiders=insiders), source=chair)
    if inside is None:
        return reader.unusable(rule, article, subject)
    if inside:
        return CheckResult(rule, article, False, say("%(committee)s主任为%(member)s，来自%(insiders)s；%(article)s要求主任"
                                                     "由非%(insiders)s的有影响力的专家担任", committee=committee,
                                                     member=name, insiders=insiders, article=article), [])
    return CheckResult(rule, article, True, say("%(committee)s主任为%(member)s，不来自%(insiders)s，符合%(article)s"
                                                "（专家的影响力由评审人员判断）", committee=committee, member=name,
                                                insiders=insiders, article=article), [])


def committee_rule(profile: Profile, rules: PolicyData, rule: str) -> CheckResult:
    """`committee_insider_share` or `committee_chair_external` with policy.yaml `governance.technical_committee`."""
    spec = ("governance", "technical_committee")
    article, committee, insiders = (str(require(rules, *spec, key)) for key in ("article", "name", "insiders"))
    if rule == "committee_chair_external":
        return committee_chair_external(profile, rule=rule, article=article, committee=committee, insiders=insiders)
    limit = require(rules, *spec, "insiders_max")
    return committee_insider_share(profile, rule=rule, article=article, committee=committee, insiders=insiders,
                                   limit=share(limit), limit_words=share_words(limit))
