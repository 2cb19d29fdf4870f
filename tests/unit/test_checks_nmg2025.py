"""nmg2025 automated checks (第十、十二、十五、十六、十七、十九条): every rule at its threshold and either side."""
from __future__ import annotations

import copy
import math
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from handlers import policy_data
from handlers.checks import evaluate

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT.parent / "shared" / "seeds" / "000_2e7978bd4cc44a99.txt"

RULES = [
    "operating_funds", "rd_floor_area", "equipment_value", "fulltime_researchers", "committee_insider_share",
    "committee_chair_external", "director_fulltime", "director_no_other_platform", "single_hired_share",
    "branch_count", "branch_kinds",
]


def committee(total: int, insiders: int, *, chair_inside: bool = False) -> list[dict[str, Any]]:
    """`total` members, the first `insiders` from the lead/co-builders; the chair is the last (or first) member."""
    members = [{"name": f"委员{i + 1}", "from_lead_or_cobuilder": i < insiders, "is_chair": False} for i in range(total)]
    if members:
        members[0 if chair_inside else -1]["is_chair"] = True
    return members


FULL: dict[str, Any] = {
    "annual_operating_funds": 500,
    "rd_floor_area": 3000,
    "equipment_value": 2000,
    "fulltime_researchers": 30,
    "technical_committee": committee(9, 3),
    "director": {"age": 52, "title": "senior", "fulltime": True, "directs_other_platform": False,
                 "months_at_center_per_year": 12},
    "executive_director_fulltime": False,
    "fulltime_fixed_staff": 50,
    "single_hired_staff": 25,
    "branches": [
        {"name": "包头稀土分中心", "kind": "key_technology"},
        {"name": "赤峰转化基地", "kind": "transformation"},
        {"name": "鄂尔多斯示范基地", "kind": "demonstration"},
    ],
    "strategic_directed": False,
}


def profile(**changes: Any) -> dict[str, Any]:
    result = copy.deepcopy(FULL)
    for key, value in changes.items():
        if value is DROP:
            result.pop(key, None)
        else:
            result[key] = value
    return result


DROP = object()


def run(p: dict[str, Any], rule: str, rules: dict[str, Any] | None = None) -> dict[str, Any]:
    found = [r.as_dict() for r in evaluate("nmg2025", p, rules) if r.rule == rule]
    assert len(found) == 1, f"rule {rule} not registered once"
    return found[0]


def test_rules_registered_in_article_order() -> None:
    assert [r.rule for r in evaluate("nmg2025", FULL)] == RULES


def test_full_profile_passes_every_rule() -> None:
    results = [r.as_dict() for r in evaluate("nmg2025", FULL)]
    assert [r for r in results if not r["passed"]] == []
    assert all(r["missing"] == [] and r["reason"] and r["article"] for r in results)


def test_empty_profile_never_passes() -> None:
    for result in evaluate("nmg2025", {}):
        assert not result.passed and result.missing, result
        assert "缺少" in result.reason and result.article in result.reason


# --- 第十条 ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rule,key,article,value,passed,shown", [
    ("operating_funds", "annual_operating_funds", "第十条(一)", 499.5, False, "499.5 万元，低于第十条(一)要求的不少于 500 万元"),
    ("operating_funds", "annual_operating_funds", "第十条(一)", 500, True, "500 万元，达到第十条(一)要求的不少于 500 万元"),
    ("operating_funds", "annual_operating_funds", "第十条(一)", 500.0, True, "500 万元，达到"),
    ("operating_funds", "annual_operating_funds", "第十条(一)", 501, True, "501 万元"),
    ("rd_floor_area", "rd_floor_area", "第十条(一)", 2999.9, False, "2999.9 平方米，低于第十条(一)要求的不少于 3000 平方米"),
    ("rd_floor_area", "rd_floor_area", "第十条(一)", 3000, True, "3000 平方米，达到"),
    ("rd_floor_area", "rd_floor_area", "第十条(一)", 3001, True, "3001 平方米"),
    ("equipment_value", "equipment_value", "第十条(一)", 1999, False, "仪器设备原值 1999 万元，低于第十条(一)要求的不少于 2000 万元"),
    ("equipment_value", "equipment_value", "第十条(一)", 2000, True, "仪器设备原值 2000 万元，达到"),
    ("equipment_value", "equipment_value", "第十条(一)", 2000.5, True, "2000.5 万元"),
    ("fulltime_researchers", "fulltime_researchers", "第十条(二)", 29, False, "专职固定科研人员 29 人，低于第十条(二)要求的不少于 30 人"),
    ("fulltime_researchers", "fulltime_researchers", "第十条(二)", 30, True, "专职固定科研人员 30 人，达到第十条(二)要求的不少于 30 人"),
    ("fulltime_researchers", "fulltime_researchers", "第十条(二)", 31, True, "31 人"),
    ("fulltime_researchers", "fulltime_researchers", "第十条(二)", 0, False, "0 人，低于"),
])
def test_article_10_thresholds(rule: str, key: str, article: str, value: float, passed: bool, shown: str) -> None:
    result = run(profile(**{key: value}), rule)
    assert result["passed"] is passed and result["article"] == article and result["missing"] == []
    assert shown in result["reason"]
    assert "第十二条" not in result["reason"]


@pytest.mark.parametrize("rule,key", [
    ("operating_funds", "annual_operating_funds"), ("rd_floor_area", "rd_floor_area"),
    ("equipment_value", "equipment_value"), ("fulltime_researchers", "fulltime_researchers"),
])
@pytest.mark.parametrize("absent", [DROP, None])
def test_article_10_missing_key(rule: str, key: str, absent: Any) -> None:
    result = run(profile(**{key: absent}), rule)
    assert result["passed"] is False and result["missing"] == [key]
    assert "缺少" in result["reason"] and key in result["reason"]


@pytest.mark.parametrize("value", ["30", True, -1, 29.5, 30.5, math.nan, math.inf, [30], {"n": 30}])
def test_unusable_researcher_count_is_missing_not_passed(value: Any) -> None:
    result = run(profile(fulltime_researchers=value), "fulltime_researchers")
    assert result["passed"] is False and result["missing"] == ["fulltime_researchers"]
    assert "应为非负整数" in result["reason"]


def test_integral_float_count_is_accepted() -> None:
    assert run(profile(fulltime_researchers=30.0), "fulltime_researchers")["passed"] is True


@pytest.mark.parametrize("rule,key,value,passed", [
    ("operating_funds", "annual_operating_funds", 499, False),
    ("operating_funds", "annual_operating_funds", 500, True),
    ("rd_floor_area", "rd_floor_area", 2999, False),
    ("equipment_value", "equipment_value", 1999, False),
    ("fulltime_researchers", "fulltime_researchers", 29, False),
    ("fulltime_researchers", "fulltime_researchers", 30, True),
    ("fulltime_researchers", "fulltime_researchers", DROP, False),
])
def test_article_12_directed_center_reports_numbers_and_leaves_it_to_the_reviewer(
    rule: str, key: str, value: Any, passed: bool,
) -> None:
    result = run(profile(strategic_directed=True, **{key: value}), rule)
    assert result["passed"] is passed  # the honest numeric outcome
    assert "第十二条" in result["reason"] and "适当放宽" in result["reason"] and "评审人员决定" in result["reason"]
    if value is not DROP:
        assert f"{value} " in result["reason"]
    else:
        assert result["missing"] == [key]


def test_article_12_note_only_on_article_10_rules() -> None:
    for result in evaluate("nmg2025", profile(strategic_directed=True)):
        assert ("第十二条" in result.reason) == result.article.startswith("第十条"), result


@pytest.mark.parametrize("directed", [False, DROP, "yes", 1])
def test_article_12_note_needs_strategic_directed_true(directed: Any) -> None:
    assert "第十二条" not in run(profile(strategic_directed=directed, fulltime_researchers=29), "fulltime_researchers")[
        "reason"]


# --- 第十五条 technical committee -------------------------------------------------------------------------------


@pytest.mark.parametrize("total,insiders,passed", [
    (9, 2, True), (9, 3, True), (9, 4, False),   # exactly one third passes (不超过)
    (3, 1, True), (3, 2, False),
    (6, 2, True), (6, 3, False),
    (4, 1, True), (4, 2, False),                 # 2/4 > 1/3
    (10, 3, True), (10, 4, False),
    (7, 0, True),
])
def test_article_15_insider_share(total: int, insiders: int, passed: bool) -> None:
    result = run(profile(technical_committee=committee(total, insiders)), "committee_insider_share")
    assert result["passed"] is passed and result["article"] == "第十五条" and result["missing"] == []
    assert f"技术委员会共 {total} 人，其中牵头建设单位和共建单位人员 {insiders} 人" in result["reason"]
    assert f"{total} 人中至多 {total // 3} 人" in result["reason"]
    assert ("未超过" if passed else "超过") in result["reason"]


def test_article_15_one_third_reads_as_such() -> None:
    reason = run(profile(technical_committee=committee(9, 3)), "committee_insider_share")["reason"]
    assert "3 人（占 33.33%）" in reason and "未超过第十五条规定的总人数三分之一" in reason


def test_article_15_empty_committee_fails() -> None:
    for rule in ("committee_insider_share", "committee_chair_external"):
        result = run(profile(technical_committee=[]), rule)
        assert result["passed"] is False and result["missing"] == []
        assert "技术委员会名单为空" in result["reason"]


@pytest.mark.parametrize("rule", ["committee_insider_share", "committee_chair_external"])
@pytest.mark.parametrize("value,missing", [
    (DROP, ["technical_committee"]), (None, ["technical_committee"]),
    ("九人", ["technical_committee"]), ([1, 2], ["technical_committee"]),
])
def test_article_15_committee_missing_or_malformed(rule: str, value: Any, missing: list[str]) -> None:
    result = run(profile(technical_committee=value), rule)
    assert result["passed"] is False and result["missing"] == missing


def test_article_15_member_without_origin_is_missing() -> None:
    members = committee(9, 2)
    del members[4]["from_lead_or_cobuilder"]
    members[5]["from_lead_or_cobuilder"] = "否"
    result = run(profile(technical_committee=members), "committee_insider_share")
    assert result["passed"] is False
    assert result["missing"] == ["technical_committee[4].from_lead_or_cobuilder",
                                 "technical_committee[5].from_lead_or_cobuilder"]
    assert "第 5 名委员（委员5）" in result["reason"]


@pytest.mark.parametrize("members,passed,shown", [
    (committee(9, 3), True, "主任为第 9 名委员（委员9），不来自牵头建设单位和共建单位"),
    (committee(9, 3, chair_inside=True), False, "主任为第 1 名委员（委员1），来自牵头建设单位和共建单位"),
    ([{**m, "is_chair": False} for m in committee(9, 3)], False, "未指定主任"),
    ([{**m, "is_chair": i in (7, 8)} for i, m in enumerate(committee(9, 3))], False, "标记了 2 名主任"),
])
def test_article_15_chair_external(members: list[dict[str, Any]], passed: bool, shown: str) -> None:
    result = run(profile(technical_committee=members), "committee_chair_external")
    assert result["passed"] is passed and result["article"] == "第十五条" and result["missing"] == []
    assert shown in result["reason"]


def test_article_15_chair_flags_missing() -> None:
    members = committee(3, 1)
    del members[1]["is_chair"]
    result = run(profile(technical_committee=members), "committee_chair_external")
    assert result["passed"] is False and result["missing"] == ["technical_committee[1].is_chair"]


def test_article_15_chair_origin_missing() -> None:
    members = committee(3, 1)
    del members[2]["from_lead_or_cobuilder"]
    result = run(profile(technical_committee=members), "committee_chair_external")
    assert result["passed"] is False and result["missing"] == ["technical_committee[2].from_lead_or_cobuilder"]


# --- 第十六条 director --------------------------------------------------------------------------------------------


def director(**changes: Any) -> dict[str, Any]:
    result = dict(FULL["director"])
    for key, value in changes.items():
        if value is DROP:
            result.pop(key)
        else:
            result[key] = value
    return result


@pytest.mark.parametrize("fulltime,executive,passed,missing,shown", [
    (True, False, True, [], "全职全时工作人员，符合第十六条"),
    (True, DROP, True, [], "全职全时工作人员"),            # a full-time director needs no executive director
    (False, True, True, [], "已设立全职全时在技术创新中心工作的执行主任"),
    (False, False, False, [], "未设立全职全时在技术创新中心工作的执行主任"),
    (False, DROP, False, ["executive_director_fulltime"], "缺少"),
    (False, "是", False, ["executive_director_fulltime"], "应为是/否"),
    (DROP, True, False, ["director.fulltime"], "缺少"),
    ("全职", True, False, ["director.fulltime"], "应为是/否"),
])
def test_article_16_director_fulltime_or_executive(
    fulltime: Any, executive: Any, passed: bool, missing: list[str], shown: str,
) -> None:
    result = run(profile(director=director(fulltime=fulltime), executive_director_fulltime=executive),
                 "director_fulltime")
    assert result["passed"] is passed and result["article"] == "第十六条" and result["missing"] == missing
    assert shown in result["reason"]


@pytest.mark.parametrize("elsewhere,executive,passed,missing", [
    (False, False, True, []),
    (True, False, False, []),
    (True, True, False, []),   # an executive director does not cure 不得在其他平台担任主任
    (DROP, False, False, ["director.directs_other_platform"]),
])
def test_article_16_director_no_other_platform(elsewhere: Any, executive: bool, passed: bool, missing: list[str]) -> None:
    p = profile(director=director(directs_other_platform=elsewhere, fulltime=not executive),
                executive_director_fulltime=executive)
    result = run(p, "director_no_other_platform")
    assert result["passed"] is passed and result["missing"] == missing


@pytest.mark.parametrize("value", [DROP, None, "张三"])
def test_article_16_director_absent_or_malformed(value: Any) -> None:
    for rule in ("director_fulltime", "director_no_other_platform"):
        result = run(profile(director=value), rule)
        assert result["passed"] is False and result["missing"] == ["director"]
        assert "主任（总经理）信息（director）" in result["reason"]


# --- 第十七条 single-hired staff --------------------------------------------------------------------------------


@pytest.mark.parametrize("fixed,single,passed,shown", [
    (50, 25, True, "单聘人员 25 人，占专职固定人员 50 人的 50%，不低于第十七条要求的 50%"),
    (50, 24, False, "单聘人员 24 人，占专职固定人员 50 人的 48%，低于第十七条要求的 50%"),
    (50, 26, True, "52%"),
    (51, 25, False, "49.01%"),
    (4000, 1999, False, "49.97%"),   # truncated, never shown as 50 %
    (3, 2, True, "66.66%"),
    (50, 50, True, "100%"),
    (50, 0, False, "0%"),
])
def test_article_17_single_hired_share(fixed: int, single: int, passed: bool, shown: str) -> None:
    result = run(profile(fulltime_fixed_staff=fixed, single_hired_staff=single), "single_hired_share")
    assert result["passed"] is passed and result["article"] == "第十七条" and result["missing"] == []
    assert shown in result["reason"]


def test_article_17_no_fixed_staff_fails() -> None:
    result = run(profile(fulltime_fixed_staff=0, single_hired_staff=0), "single_hired_share")
    assert result["passed"] is False and "专职固定人员为 0 人" in result["reason"]


def test_article_17_inconsistent_counts_fail() -> None:
    result = run(profile(fulltime_fixed_staff=20, single_hired_staff=21), "single_hired_share")
    assert result["passed"] is False and "数据不一致" in result["reason"]


@pytest.mark.parametrize("drop,missing", [
    (["fulltime_fixed_staff"], ["fulltime_fixed_staff"]),
    (["single_hired_staff"], ["single_hired_staff"]),
    (["fulltime_fixed_staff", "single_hired_staff"], ["fulltime_fixed_staff", "single_hired_staff"]),
])
def test_article_17_missing_keys(drop: list[str], missing: list[str]) -> None:
    result = run(profile(**{key: DROP for key in drop}), "single_hired_share")
    assert result["passed"] is False and result["missing"] == missing
    assert all(key in result["reason"] for key in missing)


# --- 第十九条 branches ------------------------------------------------------------------------------------------


def branches(*kinds: str) -> list[dict[str, Any]]:
    return [{"name": f"分支机构{i + 1}", "kind": kind} for i, kind in enumerate(kinds)]


@pytest.mark.parametrize("count,passed", [(1, True), (2, True), (3, True), (4, False), (5, False)])
def test_article_19_branch_count(count: int, passed: bool) -> None:
    """一般不超过3个: more is a warning for the reviewer, not a failed condition."""
    result = run(profile(branches=branches(*["key_technology"] * count)), "branch_count")
    assert result["passed"] is passed and result["article"] == "第十九条" and result["missing"] == []
    assert result["warning"] is (not passed)
    assert f"分支机构 {count} 个，{'未超过' if passed else '超过'}第十九条规定的一般不超过 3 个" in result["reason"]


def test_article_19_no_branch_fails_nothing() -> None:
    """第十九条 limits branches; it does not require one."""
    results = [r.as_dict() for r in evaluate("nmg2025", profile(branches=[]))]
    assert [r for r in results if not r["passed"] or r["warning"]] == []
    assert "不要求设立分支机构" in run(profile(branches=[]), "branch_count")["reason"]


@pytest.mark.parametrize("kinds,passed", [
    (("key_technology",), True), (("transformation",), True), (("demonstration",), True),
    (("key_technology", "transformation", "demonstration"), True),
    (("research",), False), (("key_technology", "incubation"), False), (("成果转化",), False),
    ((), True),
])
def test_article_19_branch_kinds(kinds: tuple[str, ...], passed: bool) -> None:
    result = run(profile(branches=branches(*kinds)), "branch_kinds")
    assert result["passed"] is passed and result["missing"] == []
    if not passed:
        wrong = [k for k in kinds if k not in policy_data.load("nmg2025")["governance"]["branches"]["kinds"]]
        assert all(f"（{k}）" in result["reason"] for k in wrong)
        assert "关键核心技术攻关、成果转化、成果示范应用" in result["reason"]


@pytest.mark.parametrize("kind", [DROP, None, "", 3])
def test_article_19_branch_kind_missing(kind: Any) -> None:
    items = branches("key_technology", "transformation")
    if kind is DROP:
        del items[1]["kind"]
    else:
        items[1]["kind"] = kind
    result = run(profile(branches=items), "branch_kinds")
    assert result["passed"] is False and result["missing"] == ["branches[1].kind"]


@pytest.mark.parametrize("rule", ["branch_count", "branch_kinds"])
@pytest.mark.parametrize("value", [DROP, None, "三个", [{"name": "a"}, "b"]])
def test_article_19_branches_missing(rule: str, value: Any) -> None:
    result = run(profile(branches=value), rule)
    assert result["passed"] is False and result["missing"] == ["branches"]


# --- the numbers are policy.yaml's: change the data and the checks follow ---------------------------------------


def policy(**changes: Any) -> dict[str, Any]:
    """A copy of nmg2025's policy.yaml data with `changes` ("governance.branches.max": 2, ...) applied."""
    data = copy.deepcopy(policy_data.load("nmg2025"))
    for path, value in changes.items():
        *parents, last = path.split(".")
        node = data
        for key in parents:
            node = node[key]
        if value is DROP:
            del node[last]
        else:
            node[last] = value
    return data


@pytest.mark.parametrize("key", list(policy_data.load("nmg2025")["thresholds"]))
def test_every_yaml_threshold_is_checked_at_its_minimum(key: str) -> None:
    spec = policy_data.load("nmg2025")["thresholds"][key]
    checking = [r for r in evaluate("nmg2025", profile(**{key: DROP})) if key in r.missing]
    assert len(checking) == 1 and checking[0].article == spec["article"]
    below = run(profile(**{key: spec["min"] - 1}), checking[0].rule)
    at = run(profile(**{key: spec["min"]}), checking[0].rule)
    assert below["passed"] is False and at["passed"] is True
    assert f"不少于 {spec['min']} {spec['unit']}" in below["reason"]


def test_a_raised_threshold_fails_the_profile_that_met_the_old_one() -> None:
    assert run(FULL, "fulltime_researchers")["passed"] is True
    result = run(FULL, "fulltime_researchers", policy(**{"thresholds.fulltime_researchers.min": 40}))
    assert result["passed"] is False
    assert "专职固定科研人员 30 人，低于第十条(二)要求的不少于 40 人" in result["reason"]


def test_a_threshold_added_to_the_yaml_is_checked() -> None:
    rules = policy(**{"thresholds.patents": {"min": 5, "unit": "项", "article": "第十条(三)", "rule": "patents",
                                             "label": "有效发明专利", "integer": True}})
    assert run(profile(patents=4), "patents", rules)["passed"] is False
    assert run(profile(patents=5), "patents", rules)["reason"] == "有效发明专利 5 项，达到第十条(三)要求的不少于 5 项"
    assert run(profile(patents=DROP), "patents", rules)["missing"] == ["patents"]
    assert [r.rule for r in evaluate("nmg2025", FULL, rules)][:5] == [*RULES[:4], "patents"]


def test_a_removed_threshold_is_not_checked() -> None:
    rules = policy(**{"thresholds.equipment_value": DROP})
    assert "equipment_value" not in [r.rule for r in evaluate("nmg2025", FULL, rules)]


def test_committee_share_from_the_yaml() -> None:
    members = committee(10, 4)
    assert run(profile(technical_committee=members), "committee_insider_share")["passed"] is False
    result = run(profile(technical_committee=members), "committee_insider_share",
                 policy(**{"governance.technical_committee.insiders_max": "2/5"}))
    assert result["passed"] is True and "未超过第十五条规定的总人数五分之二（10 人中至多 4 人）" in result["reason"]


def test_single_hired_share_from_the_yaml() -> None:
    result = run(FULL, "single_hired_share", policy(**{"governance.single_hired.min_share": "60%"}))
    assert result["passed"] is False and result["reason"].endswith("低于第十七条要求的 60%")


def test_branch_count_and_kinds_from_the_yaml() -> None:
    fewer = policy(**{"governance.branches.max": 2})
    assert run(FULL, "branch_count", fewer)["reason"].startswith("分支机构 3 个，超过第十九条规定的一般不超过 2 个")
    kinds = policy(**{"governance.branches.kinds": {"key_technology": "关键核心技术攻关", "transformation": "成果转化"}})
    result = run(FULL, "branch_kinds", kinds)
    assert result["passed"] is False
    assert "“鄂尔多斯示范基地”（demonstration）的类型不属于第十九条所列的关键核心技术攻关、成果转化两类" in result["reason"]


def test_articles_come_from_the_yaml() -> None:
    rules = policy(**{"governance.director.article": "第十六条(修订)", "establishment.directed_article": "第十二条(修订)"})
    assert run(FULL, "director_fulltime", rules)["article"] == "第十六条(修订)"
    assert "第十二条(修订)规定" in run(profile(strategic_directed=True), "operating_funds", rules)["reason"]


def test_a_value_missing_from_the_yaml_is_named() -> None:
    with pytest.raises(policy_data.PolicyDataError, match="governance.branches.max"):
        evaluate("nmg2025", FULL, policy(**{"governance.branches.max": DROP}))


@pytest.mark.parametrize("written,value,words", [
    ("1/3", Fraction(1, 3), "三分之一"), ("2/5", Fraction(2, 5), "五分之二"), ("50%", Fraction(1, 2), "50%"),
    (0.5, Fraction(1, 2), "50%"), ("12.5%", Fraction(1, 8), "12.5%"),
])
def test_shares_as_written_in_the_yaml(written: Any, value: Fraction, words: str) -> None:
    assert policy_data.share(written) == value and policy_data.share_words(written) == words


@pytest.mark.parametrize("written", ["a third", True, "1/0x"])
def test_an_unreadable_share_is_refused(written: Any) -> None:
    with pytest.raises(policy_data.PolicyDataError):
        policy_data.share(written)


# rule -> (article, the sentence of the text it rests on)
BASIS = {
    "operating_funds": ("第十条(一)", "筹建期内，每年提供不少于500万元的开办运行经费"),
    "rd_floor_area": ("第十条(一)", "科研开发用房面积不少于3000平方米"),
    "equipment_value": ("第十条(一)", "仪器设备原值不少于2000万元"),
    "fulltime_researchers": ("第十条(二)", "专职固定科研人员不少于30人"),
    "committee_insider_share": ("第十五条", "其中牵头建设单位和共建单位的人员不超过总人数三分之一"),
    "committee_chair_external": ("第十五条", "技术委员会主任应由非牵头建设单位、共建单位的有影响力的专家担任"),
    "director_fulltime": ("第十六条", "若主任为兼职人员，则应设立全职全时在技术创新中心工作的执行主任1名"),
    "director_no_other_platform": ("第十六条", "不得在其他国家和自治区级科技创新平台担任主任"),
    "single_hired_share": ("第十七条", "单聘人员占专职固定人员的比例不能低于50%"),
    "branch_count": ("第十九条", "一般不超过3个"),
    "branch_kinds": ("第十九条", "一般分为关键核心技术攻关、成果转化、成果示范应用等三类"),
    "_directed": ("第十二条", "相关标准条件可适当放宽，采取定向组织方式“一事一议”组建"),
}


def _article_text(text: str, article: str) -> str:
    """The text of `article` (e.g. 第十条(一)): from its heading to the next article (or item)."""
    match = re.fullmatch(r"(第[一二三四五六七八九十]+条)(?:\((.)\))?", article)
    assert match, article
    heading, item = match.groups()
    start = text.index(f"\n{heading} ")
    following = re.search(r"\n第[一二三四五六七八九十]+条 ", text[start + 1:])
    body = text[start: start + 1 + following.start()] if following else text[start:]
    if item:
        body = body[body.index(f"（{item}）"):]
        following_item = re.search(r"（[一二三四五六七八九十]）", body[3:])
        body = body[: 3 + following_item.start()] if following_item else body
    return body


def test_basis_covers_every_rule() -> None:
    assert set(BASIS) - {"_directed"} == set(RULES)
    for rule in RULES:
        assert run(FULL, rule)["article"] == BASIS[rule][0]


@pytest.mark.skipif(not SEED.is_file(), reason="policy text not available next to the repository")
@pytest.mark.parametrize("rule", list(BASIS))
def test_each_rule_rests_on_a_sentence_of_its_article(rule: str) -> None:
    article, sentence = BASIS[rule]
    assert sentence in _article_text(SEED.read_text(encoding="utf-8"), article)


@pytest.mark.skipif(not SEED.is_file(), reason="policy text not available next to the repository")
def test_article_sections_are_cut_where_the_text_cuts_them() -> None:
    text = SEED.read_text(encoding="utf-8")
    assert "专职固定科研人员不少于30人" not in _article_text(text, "第十条(一)")
    assert "仪器设备原值不少于2000万元" not in _article_text(text, "第十条(二)")
    assert "单聘人员" not in _article_text(text, "第十六条")
