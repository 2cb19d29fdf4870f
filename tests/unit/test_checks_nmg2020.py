"""nmg2020 automated checks (内科发〔2020〕68号 三(二)): every rule at its threshold and either side."""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from handlers import policy_data
from handlers.checks import evaluate
from tests.unit.test_checks_nmg2025 import committee

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT.parent / "shared" / "seeds" / "001_3488cce5eab7d406.txt"
RULES = ["committee_insider_share", "committee_chair_external", "director_months_at_center"]
DROP = object()

FULL: dict[str, Any] = {
    "technical_committee": committee(9, 3),
    "director": {"age": 55, "title": "senior", "fulltime": False, "directs_other_platform": False,
                 "months_at_center_per_year": 9},
}


def profile(**changes: Any) -> dict[str, Any]:
    result = copy.deepcopy(FULL)
    for key, value in changes.items():
        if value is DROP:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def months(value: Any) -> dict[str, Any]:
    director = dict(FULL["director"])
    if value is DROP:
        del director["months_at_center_per_year"]
    else:
        director["months_at_center_per_year"] = value
    return profile(director=director)


def run(p: dict[str, Any], rule: str, rules: dict[str, Any] | None = None) -> dict[str, Any]:
    found = [r.as_dict() for r in evaluate("nmg2020", p, rules) if r.rule == rule]
    assert len(found) == 1
    return found[0]


def test_rules_registered() -> None:
    assert [r.rule for r in evaluate("nmg2020", FULL)] == RULES


def test_full_profile_passes() -> None:
    results = [r.as_dict() for r in evaluate("nmg2020", FULL)]
    assert all(r["passed"] and r["missing"] == [] and r["article"] == "三(二)" for r in results), results


def test_empty_profile_never_passes() -> None:
    for result in evaluate("nmg2020", {}):
        assert not result.passed and result.missing and "缺少" in result.reason


def test_nmg2025_keys_do_not_matter_to_nmg2020() -> None:
    """nmg2020 has no 第十条-style numeric conditions: a profile without them is not reported missing."""
    assert all(not r.missing for r in evaluate("nmg2020", FULL))


@pytest.mark.parametrize("total,insiders,passed", [
    (9, 2, True), (9, 3, True), (9, 4, False),
    (3, 1, True), (3, 2, False),
    (6, 2, True), (6, 3, False),
    (5, 1, True), (5, 2, False),
])
def test_guidance_committee_insider_share(total: int, insiders: int, passed: bool) -> None:
    result = run(profile(technical_committee=committee(total, insiders)), "committee_insider_share")
    assert result["passed"] is passed and result["article"] == "三(二)" and result["missing"] == []
    assert f"技术指导委员会共 {total} 人，其中牵头单位和共建单位人员 {insiders} 人" in result["reason"]
    assert ("未超过三(二)" if passed else "超过三(二)") in result["reason"]


@pytest.mark.parametrize("members,passed,shown", [
    (committee(9, 3), True, "不来自牵头单位和共建单位"),
    (committee(9, 3, chair_inside=True), False, "来自牵头单位和共建单位；三(二)要求"),
    ([{**m, "is_chair": False} for m in committee(5, 1)], False, "未指定主任"),
    ([{**m, "is_chair": True} for m in committee(5, 1)], False, "标记了 5 名主任"),
])
def test_guidance_committee_chair(members: list[dict[str, Any]], passed: bool, shown: str) -> None:
    result = run(profile(technical_committee=members), "committee_chair_external")
    assert result["passed"] is passed and result["missing"] == [] and shown in result["reason"]


@pytest.mark.parametrize("rule", ["committee_insider_share", "committee_chair_external"])
def test_guidance_committee_missing_or_empty(rule: str) -> None:
    missing = run(profile(technical_committee=DROP), rule)
    assert missing["passed"] is False and missing["missing"] == ["technical_committee"]
    empty = run(profile(technical_committee=[]), rule)
    assert empty["passed"] is False and empty["missing"] == [] and "技术指导委员会名单为空" in empty["reason"]


def test_guidance_committee_member_flag_missing() -> None:
    members = committee(6, 2)
    del members[0]["from_lead_or_cobuilder"]
    result = run(profile(technical_committee=members), "committee_insider_share")
    assert result["passed"] is False and result["missing"] == ["technical_committee[0].from_lead_or_cobuilder"]


@pytest.mark.parametrize("value,passed,shown", [
    (8, False, "工作时间 8 个月，低于三(二)要求的不少于 9 个月"),
    (8.5, False, "8.5 个月，低于"),
    (9, True, "工作时间 9 个月，达到三(二)要求的不少于 9 个月"),
    (9.5, True, "9.5 个月"),
    (12, True, "12 个月"),
    (0, False, "0 个月"),
])
def test_director_months_at_center(value: float, passed: bool, shown: str) -> None:
    result = run(months(value), "director_months_at_center")
    assert result["passed"] is passed and result["article"] == "三(二)" and result["missing"] == []
    assert shown in result["reason"]


@pytest.mark.parametrize("value", [DROP, None, 13, -1, "9", True])
def test_director_months_missing_or_malformed(value: Any) -> None:
    result = run(months(value), "director_months_at_center")
    assert result["passed"] is False and result["missing"] == ["director.months_at_center_per_year"]


@pytest.mark.parametrize("value", [DROP, None, ["张三"]])
def test_director_absent(value: Any) -> None:
    result = run(profile(director=value), "director_months_at_center")
    assert result["passed"] is False and result["missing"] == ["director"]


def _governance(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(policy_data.load("nmg2020"))
    for path, value in changes.items():
        section, key = path.split(".")
        data["governance"][section][key] = value
    return data


def test_director_months_from_the_yaml() -> None:
    assert run(months(9), "director_months_at_center")["passed"] is True
    result = run(months(9), "director_months_at_center", _governance(**{"director.min_months_at_center": 10}))
    assert result["passed"] is False and "低于三(二)要求的不少于 10 个月" in result["reason"]


def test_committee_share_and_names_from_the_yaml() -> None:
    rules = _governance(**{"technical_committee.insiders_max": "1/2", "technical_committee.name": "指导委员会"})
    result = run(profile(technical_committee=committee(4, 2)), "committee_insider_share", rules)
    assert result["passed"] is True and "指导委员会共 4 人" in result["reason"] and "总人数二分之一" in result["reason"]
    assert run(profile(technical_committee=committee(4, 2)), "committee_insider_share")["passed"] is False


BASIS = {
    "committee_insider_share": "其中牵头单位和共建单位的人员不超过总人数三分之一",
    "committee_chair_external": "技术指导委员会主任应由非牵头单位、共建单位的有影响力的专家担任",
    "director_months_at_center": "每年在技术创新中心工作时间不少于9个月",
}


@pytest.mark.skipif(not SEED.is_file(), reason="policy text not available next to the repository")
@pytest.mark.parametrize("rule", RULES)
def test_each_rule_rests_on_a_sentence_of_san_er(rule: str) -> None:
    text = SEED.read_text(encoding="utf-8")
    part_three = text[text.index("三、建设要求"):text.index("四、保障措施")]
    san_er = part_three[part_three.index("(二)管理机制"):part_three.index("(三)经营方式")]
    assert BASIS[rule] in san_er
