"""jinzhong automated checks (第八条、第十一条): every rule one below, at and one above its threshold."""
from __future__ import annotations

import copy
from typing import Any

import pytest

from handlers import policy_data
from handlers.checks import evaluate

RULES = [
    "unit_count", "single_lead", "agreement_term", "rd_floor_area", "equipment_value", "director_age", "director_title",
    "director_fulltime", "fixed_researchers", "researchers_qualified_share", "researchers_young_share",
    "university_masters_rights", "years_in_direction", "rd_spend_total", "rd_spend_lead", "expert_committee_size",
    "expert_committee_host_share", "expert_committee_term",
]


def members(total: int, from_host: int) -> list[dict[str, Any]]:
    return [{"name": f"专家{i + 1}", "from_host": i < from_host, "external": i >= from_host} for i in range(total)]


def units(count: int, leads: int = 1, lead_kind: str = "enterprise") -> list[dict[str, Any]]:
    return [{"name": f"单位{i + 1}", "role": "lead" if i < leads else "co_builder",
             "kind": lead_kind if i < leads else "enterprise", "is_local_university": False, "is_city_level": False}
            for i in range(count)]


# every number exactly at its threshold: everything passes
AT: dict[str, Any] = {
    "submission_date": "2025-03-03",
    "agreement_end_date": "2028-03-03",
    "units": units(3),
    "rd_floor_area": 1000,
    "equipment_value": 500,
    "cobuilder_equipment_value": 500,
    "director": {"age": 60, "title": "associate_senior", "fulltime": True},
    "fulltime_researchers": 30,
    "researchers_masters_or_senior": 15,
    "researchers_young_middle_aged": 10,
    "university_masters_rights": True,
    "years_in_direction": 3,
    "rd_spend_3y_total": 1000,
    "rd_spend_3y_lead": 500,
    "expert_committee": {"members": members(9, 3), "term_years": 5},
}


def profile(**changes: Any) -> dict[str, Any]:
    result = copy.deepcopy(AT)
    result.update(changes)
    return result


def outcome(prof: dict[str, Any], rule: str) -> tuple[bool, bool]:
    [found] = [r for r in evaluate("jinzhong", prof) if r.rule == rule]
    assert found.article and found.reason
    return found.passed, found.warning


def test_every_rule_runs_and_passes_at_its_threshold() -> None:
    results = evaluate("jinzhong", AT)
    assert [r.rule for r in results] == RULES
    assert all(r.passed and not r.missing for r in results), [r.reason for r in results if not r.passed]
    assert {r.article for r in results} == {"第八条(一)", "第八条(二)", "第八条(四)", "第八条(五)", "第八条(七)", "第十一条"}


PASS, FAIL, WARN = (True, False), (False, False), (False, True)


@pytest.mark.parametrize(("rule", "changes", "expected"), [
    # 第八条(一) 申报单位原则上不超过3家 (warning), 需明确一家牵头单位
    ("unit_count", {"units": units(2)}, PASS),
    ("unit_count", {"units": units(3)}, PASS),
    ("unit_count", {"units": units(4)}, WARN),
    ("single_lead", {"units": units(3, leads=0)}, FAIL),
    ("single_lead", {"units": units(3, leads=1)}, PASS),
    ("single_lead", {"units": units(3, leads=2)}, FAIL),
    # 第八条(一) 合作协议有效期三年以上(含)，自申报材料提交之日算起
    ("agreement_term", {"agreement_end_date": "2028-03-02"}, FAIL),
    ("agreement_term", {"agreement_end_date": "2028-03-03"}, PASS),
    ("agreement_term", {"agreement_end_date": "2028-03-04"}, PASS),
    # 第八条(二) 实验用房1000平方米以上
    ("rd_floor_area", {"rd_floor_area": 999}, FAIL),
    ("rd_floor_area", {"rd_floor_area": 1000}, PASS),
    ("rd_floor_area", {"rd_floor_area": 1001}, PASS),
    # 第八条(二) 仪器设备总值1000万元以上, 共建单位设备不超总值的50%: own 499 counts at most 499 of the co-builders'
    ("equipment_value", {"equipment_value": 499, "cobuilder_equipment_value": 501}, FAIL),
    ("equipment_value", {"equipment_value": 500, "cobuilder_equipment_value": 500}, PASS),
    ("equipment_value", {"equipment_value": 501, "cobuilder_equipment_value": 500}, PASS),
    ("equipment_value", {"equipment_value": 999, "cobuilder_equipment_value": 0}, FAIL),
    ("equipment_value", {"equipment_value": 1000, "cobuilder_equipment_value": 0}, PASS),
    # 第八条(四) 中心主任年龄不超过60岁, 副高以上职称, 全职全时
    ("director_age", {"director": {**AT["director"], "age": 59}}, PASS),
    ("director_age", {"director": {**AT["director"], "age": 60}}, PASS),
    ("director_age", {"director": {**AT["director"], "age": 61}}, FAIL),
    ("director_title", {"director": {**AT["director"], "title": "intermediate"}}, FAIL),
    ("director_title", {"director": {**AT["director"], "title": "associate_senior"}}, PASS),
    ("director_title", {"director": {**AT["director"], "title": "senior"}}, PASS),
    ("director_fulltime", {"director": {**AT["director"], "fulltime": False}}, FAIL),
    # 第八条(四) 固定科研人员不少于25人; 硕士以上或副高以上不少于1/2; 中青年不少于1/3
    ("fixed_researchers", {"fulltime_researchers": 24, "researchers_masters_or_senior": 12,
                           "researchers_young_middle_aged": 8}, FAIL),
    ("fixed_researchers", {"fulltime_researchers": 25, "researchers_masters_or_senior": 13,
                           "researchers_young_middle_aged": 9}, PASS),
    ("fixed_researchers", {"fulltime_researchers": 26}, PASS),
    ("researchers_qualified_share", {"researchers_masters_or_senior": 14}, FAIL),
    ("researchers_qualified_share", {"researchers_masters_or_senior": 15}, PASS),
    ("researchers_qualified_share", {"researchers_masters_or_senior": 16}, PASS),
    ("researchers_young_share", {"researchers_young_middle_aged": 9}, FAIL),
    ("researchers_young_share", {"researchers_young_middle_aged": 10}, PASS),
    ("researchers_young_share", {"researchers_young_middle_aged": 11}, PASS),
    # 第八条(四) 高校依托单位原则上应有硕士学位授予权 (warning); not a university: not applicable
    ("university_masters_rights", {"units": units(2, lead_kind="university"), "university_masters_rights": False}, WARN),
    ("university_masters_rights", {"units": units(2, lead_kind="university"), "university_masters_rights": True}, PASS),
    ("university_masters_rights", {"units": units(2), "university_masters_rights": False}, PASS),
    # 第八条(五) 从事所在方向研究3年以上
    ("years_in_direction", {"years_in_direction": 2}, FAIL),
    ("years_in_direction", {"years_in_direction": 3}, PASS),
    ("years_in_direction", {"years_in_direction": 4}, PASS),
    # 第八条(七) 研发总投入不少于1000万元, 其中依托单位不少于500万元
    ("rd_spend_total", {"rd_spend_3y_total": 999}, FAIL),
    ("rd_spend_total", {"rd_spend_3y_total": 1000}, PASS),
    ("rd_spend_total", {"rd_spend_3y_total": 1001}, PASS),
    ("rd_spend_lead", {"rd_spend_3y_lead": 499}, FAIL),
    ("rd_spend_lead", {"rd_spend_3y_lead": 500}, PASS),
    ("rd_spend_lead", {"rd_spend_3y_lead": 501}, PASS),
    # 第十一条 专家委员会不低于9人, 依托单位人员不超过三分之一, 每届任期不超过5年
    ("expert_committee_size", {"expert_committee": {"members": members(8, 2), "term_years": 5}}, FAIL),
    ("expert_committee_size", {"expert_committee": {"members": members(9, 3), "term_years": 5}}, PASS),
    ("expert_committee_size", {"expert_committee": {"members": members(10, 3), "term_years": 5}}, PASS),
    ("expert_committee_host_share", {"expert_committee": {"members": members(9, 2), "term_years": 5}}, PASS),
    ("expert_committee_host_share", {"expert_committee": {"members": members(9, 3), "term_years": 5}}, PASS),
    ("expert_committee_host_share", {"expert_committee": {"members": members(9, 4), "term_years": 5}}, FAIL),
    ("expert_committee_term", {"expert_committee": {"members": members(9, 3), "term_years": 4}}, PASS),
    ("expert_committee_term", {"expert_committee": {"members": members(9, 3), "term_years": 5}}, PASS),
    ("expert_committee_term", {"expert_committee": {"members": members(9, 3), "term_years": 6}}, FAIL),
])
def test_each_rule_around_its_threshold(rule: str, changes: dict[str, Any], expected: tuple[bool, bool]) -> None:
    assert outcome(profile(**changes), rule) == expected


def test_cobuilder_equipment_is_capped_and_the_reason_says_so() -> None:
    [found] = [r for r in evaluate("jinzhong", profile(equipment_value=499, cobuilder_equipment_value=501))
               if r.rule == "equipment_value"]
    assert "只计入 499 万元" in found.reason and "998 万元" in found.reason and "50%" in found.reason


def test_a_missing_key_is_reported_missing_never_passed() -> None:
    results = {r.rule: r for r in evaluate("jinzhong", {})}
    assert set(results) == set(RULES)
    assert all(not r.passed for r in results.values())
    assert results["agreement_term"].missing == ["submission_date", "agreement_end_date"]
    assert results["expert_committee_size"].missing == ["expert_committee"]
    bad_date = {r.rule: r for r in evaluate("jinzhong", profile(agreement_end_date="明年"))}["agreement_term"]
    assert not bad_date.passed and bad_date.missing == ["agreement_end_date"]


def test_the_numbers_come_from_policy_yaml() -> None:
    data = copy.deepcopy(policy_data.load("jinzhong"))
    data["thresholds"]["rd_floor_area"]["min"] = 1200
    data["governance"]["expert_committee"]["min_members"] = 11
    results = {r.rule: r for r in evaluate("jinzhong", AT, data)}
    assert not results["rd_floor_area"].passed and "1200" in results["rd_floor_area"].reason
    assert not results["expert_committee_size"].passed and "11" in results["expert_committee_size"].reason
