"""xpcc automated checks (第十一条1、2, 第十四条, 第十五条): every rule at its threshold and either side."""
from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

import handlers.checks.xpcc  # noqa: F401 - registers the xpcc checks
from handlers import policy_data
from handlers.checks import evaluate

RULES = [
    "legal_entity", "lead_enterprise_no_loss", "lead_enterprise_rd_ratio", "research_lead_cobuilders",
    "director_fulltime", "expert_committee_size", "expert_committee_external",
]
ARTICLES = {
    "legal_entity": "第十一条1", "lead_enterprise_no_loss": "第十一条2", "lead_enterprise_rd_ratio": "第十一条2",
    "research_lead_cobuilders": "第十一条2", "director_fulltime": "第十四条", "expert_committee_size": "第十五条",
    "expert_committee_external": "第十五条",
}


def committee(total: int, external: int) -> dict[str, Any]:
    """`total` experts, the first `external` from outside the center."""
    return {"members": [{"name": f"专家{i + 1}", "external": i < external, "from_host": i >= external}
                        for i in range(total)], "term_years": 3}


def financials(*rows: tuple[int, float, float, float]) -> list[dict[str, Any]]:
    return [{"year": y, "net_profit": p, "sales": s, "rd_spend": r} for y, p, s, r in rows]


ENTERPRISE: dict[str, Any] = {
    "submission_date": "2025-04-10",
    "category": "field",
    "units": [
        {"name": "新疆示范农业装备有限公司", "role": "lead", "kind": "enterprise", "is_xpcc_enterprise": True},
        {"name": "石河子大学", "role": "co_builder", "kind": "university"},
    ],
    # 2022–2024: no loss, R&D 3 % of sales exactly (30 + 30 + 30 of 1000 + 1000 + 1000)
    "lead_financials": financials((2022, 120, 1000, 30), (2023, 80, 1000, 30), (2024, 150, 1000, 30)),
    "independent_legal_entity": True,
    "director": {"fulltime": True},
    "expert_committee": committee(7, 4),
}
UNIVERSITY: dict[str, Any] = {
    **ENTERPRISE,
    "units": [
        {"name": "石河子大学", "role": "lead", "kind": "university"},
        {"name": "新疆示范种业有限公司", "role": "co_builder", "kind": "enterprise", "is_xpcc_enterprise": True},
        {"name": "兵团示范棉业集团有限公司", "role": "co_builder", "kind": "enterprise", "is_xpcc_enterprise": True},
    ],
}
UNIVERSITY.pop("lead_financials")
DROP = object()


def profile(base: dict[str, Any] = ENTERPRISE, **changes: Any) -> dict[str, Any]:
    result = copy.deepcopy(base)
    for key, value in changes.items():
        if value is DROP:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def run(p: dict[str, Any], rule: str, rules: dict[str, Any] | None = None) -> dict[str, Any]:
    found = [r.as_dict() for r in evaluate("xpcc", p, rules) if r.rule == rule]
    assert len(found) == 1, f"rule {rule} not registered once"
    return found[0]


def test_rules_registered_in_article_order_with_their_articles() -> None:
    results = evaluate("xpcc", ENTERPRISE)
    assert [r.rule for r in results] == RULES
    assert {r.rule: r.article for r in results} == ARTICLES


@pytest.mark.parametrize("base", [ENTERPRISE, UNIVERSITY], ids=["enterprise-led", "university-led"])
def test_full_profiles_pass_every_rule(base: dict[str, Any]) -> None:
    results = [r.as_dict() for r in evaluate("xpcc", base)]
    assert [r for r in results if not r["passed"]] == []
    assert all(r["missing"] == [] and r["reason"] and r["article"] and not r["warning"] for r in results)


def test_empty_profile_never_passes_and_names_what_is_missing() -> None:
    results = [r.as_dict() for r in evaluate("xpcc", {})]
    assert [r["rule"] for r in results if r["passed"]] == []
    assert all(r["missing"] for r in results), results
    assert all("缺少" in r["reason"] for r in results)


# ---- 第十一条2: enterprise lead ---------------------------------------------------------------------------------


@pytest.mark.parametrize("year", [0, 1, 2], ids=["2022", "2023", "2024"])
def test_a_loss_in_any_one_of_the_three_years_fails(year: int) -> None:
    rows = copy.deepcopy(ENTERPRISE["lead_financials"])
    rows[year]["net_profit"] = -0.5
    found = run(profile(lead_financials=rows), "lead_enterprise_no_loss")
    assert found["passed"] is False and found["missing"] == []
    assert f"{2022 + year} 年度亏损" in found["reason"] and "第十一条2" in found["reason"]


@pytest.mark.parametrize("profit,passed", [(-1, False), (0, True), (1, True)])
def test_no_loss_at_zero(profit: float, passed: bool) -> None:
    rows = copy.deepcopy(ENTERPRISE["lead_financials"])
    rows[1]["net_profit"] = profit
    assert run(profile(lead_financials=rows), "lead_enterprise_no_loss")["passed"] is passed


@pytest.mark.parametrize("rd_2024,passed,shown", [
    (29, False, "2.96%"),  # 89 of 3000
    (30, True, "3%"),      # 90 of 3000: exactly 3 % (不低于)
    (31, True, "3.03%"),   # 91 of 3000
])
def test_rd_ratio_at_three_percent(rd_2024: float, passed: bool, shown: str) -> None:
    rows = copy.deepcopy(ENTERPRISE["lead_financials"])
    rows[2]["rd_spend"] = rd_2024
    found = run(profile(lead_financials=rows), "lead_enterprise_rd_ratio")
    assert found["passed"] is passed, found["reason"]
    assert shown in found["reason"]
    assert ("不低于" in found["reason"]) is passed
    assert "2022—2024 年度" in found["reason"]


def test_rd_ratio_is_over_the_three_years_not_each_year() -> None:
    """第十一条2 研发费用总额占同期销售收入总额: 1 % in one year is made up by the others."""
    rows = financials((2022, 10, 1000, 10), (2023, 10, 1000, 40), (2024, 10, 1000, 40))
    assert run(profile(lead_financials=rows), "lead_enterprise_rd_ratio")["passed"] is True


def test_exactly_three_percent_with_fractional_figures() -> None:
    rows = financials((2022, 1, 333.3, 9.999), (2023, 1, 333.3, 9.999), (2024, 1, 333.4, 10.002))
    found = run(profile(lead_financials=rows), "lead_enterprise_rd_ratio")
    assert found["passed"] is True and "3%" in found["reason"]


def test_the_three_years_are_those_before_the_submission_year() -> None:
    found = run(profile(submission_date="2026-01-05"), "lead_enterprise_no_loss")  # needs 2023–2025
    assert found["passed"] is False and found["missing"] == ["lead_financials[year=2025]"]
    assert "2025 年度财务数据" in found["reason"]


def test_financial_entries_may_come_in_any_order() -> None:
    rows = list(reversed(copy.deepcopy(ENTERPRISE["lead_financials"])))
    assert run(profile(lead_financials=rows), "lead_enterprise_rd_ratio")["passed"] is True


@pytest.mark.parametrize("rule", ["lead_enterprise_no_loss", "lead_enterprise_rd_ratio"])
@pytest.mark.parametrize("drop,missing", [("lead_financials", ["lead_financials"]),
                                          ("submission_date", ["submission_date"])])
def test_enterprise_figures_missing(rule: str, drop: str, missing: list[str]) -> None:
    changes: dict[str, Any] = {drop: DROP}
    found = run(profile(**changes), rule)
    assert found["passed"] is False and found["missing"] == missing


def test_a_missing_figure_is_named() -> None:
    rows = copy.deepcopy(ENTERPRISE["lead_financials"])
    del rows[1]["sales"]
    found = run(profile(lead_financials=rows), "lead_enterprise_rd_ratio")
    assert found["passed"] is False and found["missing"] == ["lead_financials[year=2023].sales"]


def test_zero_sales_fail() -> None:
    rows = financials((2022, 0, 0, 0), (2023, 0, 0, 0), (2024, 0, 0, 0))
    found = run(profile(lead_financials=rows), "lead_enterprise_rd_ratio")
    assert found["passed"] is False and "为 0" in found["reason"]


def test_enterprise_rules_do_not_apply_to_a_university_lead() -> None:
    for rule in ("lead_enterprise_no_loss", "lead_enterprise_rd_ratio"):
        found = run(UNIVERSITY, rule)
        assert found["passed"] is True and "不适用" in found["reason"]


# ---- 第十一条2: university / institute / technical-institution lead --------------------------------------------


def research_units(kind: str, xpcc_enterprises: int, others: int = 0) -> list[dict[str, Any]]:
    units: list[dict[str, Any]] = [{"name": "牵头单位", "role": "lead", "kind": kind}]
    units += [{"name": f"兵团企业{i + 1}", "role": "co_builder", "kind": "enterprise", "is_xpcc_enterprise": True}
              for i in range(xpcc_enterprises)]
    units += [{"name": f"区外企业{i + 1}", "role": "co_builder", "kind": "enterprise", "is_xpcc_enterprise": False}
              for i in range(others)]
    return units


@pytest.mark.parametrize("kind", ["university", "institute", "other"])
@pytest.mark.parametrize("count,passed", [(1, False), (2, True), (3, True)])
def test_research_lead_needs_two_xpcc_enterprises(kind: str, count: int, passed: bool) -> None:
    found = run(profile(UNIVERSITY, units=research_units(kind, count, others=2)), "research_lead_cobuilders")
    assert found["passed"] is passed
    assert f"兵团内共建企业 {count} 家" in found["reason"] and "2 家以上" in found["reason"]


def test_enterprises_outside_xpcc_and_non_enterprises_do_not_count() -> None:
    units = research_units("university", 1, others=3) + [
        {"name": "兵团某研究院", "role": "co_builder", "kind": "institute", "is_xpcc_enterprise": True}]
    assert run(profile(UNIVERSITY, units=units), "research_lead_cobuilders")["passed"] is False


def test_cobuilder_without_xpcc_flag_is_missing() -> None:
    units = research_units("university", 2)
    del units[2]["is_xpcc_enterprise"]
    found = run(profile(UNIVERSITY, units=units), "research_lead_cobuilders")
    assert found["passed"] is False and found["missing"] == ["units[2].is_xpcc_enterprise"]


def test_cobuilder_rule_does_not_apply_to_an_enterprise_lead() -> None:
    found = run(ENTERPRISE, "research_lead_cobuilders")
    assert found["passed"] is True and "不适用" in found["reason"]


@pytest.mark.parametrize("units,missing", [
    ([], ["units"]),
    ([{"name": "甲", "role": "lead", "kind": "enterprise"}, {"name": "乙", "role": "lead", "kind": "university"}],
     ["units"]),
    ([{"name": "甲", "role": "lead"}], ["units[0].kind"]),
    ([{"name": "甲", "role": "lead", "kind": "company"}], ["units[0].kind"]),
])
@pytest.mark.parametrize("rule", ["lead_enterprise_no_loss", "research_lead_cobuilders"])
def test_lead_unit_unreadable(rule: str, units: list[dict[str, Any]], missing: list[str]) -> None:
    found = run(profile(units=units), rule)
    assert found["passed"] is False and found["missing"] == missing


# ---- 第十一条1: 原则上独立法人 -----------------------------------------------------------------------------------


@pytest.mark.parametrize("management,passed,warning", [
    ({"people": True, "finance": True, "assets": True}, False, True),
    ({"people": True, "finance": False, "assets": True}, False, False),
])
def test_not_yet_a_legal_entity(management: dict[str, bool], passed: bool, warning: bool) -> None:
    found = run(profile(independent_legal_entity=False, independent_management=management), "legal_entity")
    assert (found["passed"], found["warning"]) == (passed, warning)
    assert ("原则上" in found["reason"]) is warning
    if not warning:
        assert "财未实现相对独立" in found["reason"]


def test_legal_entity_warning_is_not_a_failed_condition() -> None:
    from handlers.checks import run_checks
    from handlers.registry import HandlerContext

    p = profile(independent_legal_entity=False,
                independent_management={"people": True, "finance": True, "assets": True})
    outcome = run_checks({"policy": "xpcc", "profile": p}, HandlerContext(data={}, now=datetime.now(UTC), element_id="t"))
    assert outcome["all_passed"] is True and outcome["warnings"] == ["legal_entity"]


@pytest.mark.parametrize("changes,missing", [
    ({"independent_legal_entity": DROP}, ["independent_legal_entity"]),
    ({"independent_legal_entity": False}, ["independent_management"]),
    ({"independent_legal_entity": False, "independent_management": {"people": True, "finance": True}},
     ["independent_management.assets"]),
])
def test_legal_entity_missing(changes: dict[str, Any], missing: list[str]) -> None:
    found = run(profile(**changes), "legal_entity")
    assert found["passed"] is False and found["warning"] is False and found["missing"] == missing


# ---- 第十四条, 第十五条 ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("director,passed,missing", [
    ({"fulltime": True}, True, []), ({"fulltime": False}, False, []), ({}, False, ["director.fulltime"]),
    (None, False, ["director"]),
])
def test_director_fulltime(director: Any, passed: bool, missing: list[str]) -> None:
    found = run(profile(director=director if director is not None else DROP), "director_fulltime")
    assert (found["passed"], found["missing"]) == (passed, missing)


@pytest.mark.parametrize("size,passed", [(6, False), (7, True), (8, True)])
def test_expert_committee_at_seven(size: int, passed: bool) -> None:
    found = run(profile(expert_committee=committee(size, size)), "expert_committee_size")
    assert found["passed"] is passed and f"共 {size} 人" in found["reason"] and "不少于 7 人" in found["reason"]


@pytest.mark.parametrize("total,external,passed", [
    (7, 3, False), (7, 4, True), (7, 5, True),   # odd: half is 3.5, so 4 is the least
    (8, 3, False), (8, 4, True), (8, 5, True),   # even: exactly half passes, 一半以上 includes the half
])
def test_expert_committee_external_half(total: int, external: int, passed: bool) -> None:
    found = run(profile(expert_committee=committee(total, external)), "expert_committee_external")
    assert found["passed"] is passed, found["reason"]
    assert f"{external} 人" in found["reason"] and "二分之一以上" in found["reason"]


def test_strictly_more_than_half_when_the_yaml_says_so() -> None:
    rules = copy.deepcopy(policy_data.load("xpcc"))
    rules["governance"]["expert_committee"]["external_share_inclusive"] = False
    assert run(profile(expert_committee=committee(8, 4)), "expert_committee_external", rules)["passed"] is False
    found = run(profile(expert_committee=committee(8, 5)), "expert_committee_external", rules)
    assert found["passed"] is True and "超过二分之一" in found["reason"]


@pytest.mark.parametrize("value,missing", [
    (DROP, ["expert_committee"]), ({"members": "七人"}, ["expert_committee.members"]),
    ({"members": [{"name": "甲"}]}, ["expert_committee.members[0].external"]),
])
def test_expert_committee_missing(value: Any, missing: list[str]) -> None:
    found = run(profile(expert_committee=value), "expert_committee_external")
    assert found["passed"] is False and found["missing"] == missing


def test_empty_committee_fails_both_rules() -> None:
    p = profile(expert_committee={"members": []})
    assert run(p, "expert_committee_size")["passed"] is False
    assert run(p, "expert_committee_external")["passed"] is False


# ---- every number from the yaml ----------------------------------------------------------------------------


def test_numbers_come_from_the_yaml() -> None:
    rules = copy.deepcopy(policy_data.load("xpcc"))
    rules["conditions"]["lead_enterprise"]["rd_to_sales_min"] = "4%"
    rules["conditions"]["research_lead"]["min_xpcc_enterprise_cobuilders"] = 3
    rules["governance"]["expert_committee"]["min_members"] = 9
    assert run(ENTERPRISE, "lead_enterprise_rd_ratio", rules)["passed"] is False
    assert run(UNIVERSITY, "research_lead_cobuilders", rules)["passed"] is False
    assert run(ENTERPRISE, "expert_committee_size", rules)["passed"] is False
    rules["governance"]["expert_committee"]["article"] = "第十五条（测试）"
    assert run(ENTERPRISE, "expert_committee_size", rules)["article"] == "第十五条（测试）"


def test_a_value_missing_from_the_yaml_is_named() -> None:
    rules = copy.deepcopy(policy_data.load("xpcc"))
    del rules["conditions"]["lead_enterprise"]["rd_to_sales_min"]
    with pytest.raises(policy_data.PolicyDataError, match="conditions.lead_enterprise.rd_to_sales_min"):
        evaluate("xpcc", ENTERPRISE, rules)
