"""第三十二条: the naming rule of each category, in Chinese and English, read from policy.yaml (no database)."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from handlers import HandlerContext, call
from handlers.policy_data import PolicyDataError, load
from handlers.policy_ops import compose_name


@pytest.mark.parametrize("category,field,field_en,name,name_en", [
    ("comprehensive", "京津冀", "Beijing-Tianjin-Hebei",
     "京津冀国家技术创新中心", "Beijing-Tianjin-Hebei National Center of Technology Innovation"),
    ("field", "集成电路", "Integrated Circuits",
     "国家集成电路技术创新中心", "National Center of Technology Innovation for Integrated Circuits"),
])
def test_each_category_is_named_in_both_languages(
    category: str, field: str, field_en: str, name: str, name_en: str,
) -> None:
    assert compose_name(load("national"), category, field, field_en) == {
        "name": name, "name_en": name_en, "article": "第三十二条"}


def test_the_operator_reads_the_policy_the_application_hands_it() -> None:
    """A changed policy.yaml changes the name: the BPMN holds no pattern of its own."""
    data: dict[str, Any] = {**load("national")}
    data["naming"] = {"article": "第三十二条", "by_category": {
        "field": {"pattern": "国家{field}创新中心", "pattern_en": "{field} Center"}}}
    context = HandlerContext(data={}, now=datetime(2026, 1, 1, tzinfo=UTC), element_id="compose_name",
                             services={"policy_data": lambda policy: data})
    named = call("formal_name", {"policy": "national", "category": "field", "field": " 先进储能 ",
                                 "field_en": "Advanced  Energy Storage"}, context)
    assert named == {"name": "国家先进储能创新中心", "name_en": "Advanced Energy Storage Center", "article": "第三十二条"}


def test_a_category_without_a_rule_or_a_blank_part_is_refused() -> None:
    with pytest.raises(PolicyDataError):
        compose_name(load("national"), "other", "某", "Some")
    with pytest.raises(ValueError):
        compose_name(load("national"), "field", "先进储能", "  ")


def test_a_policy_with_one_rule_keeps_it() -> None:
    assert compose_name(load("nmg2025"), None, "稀土新材料", "Rare Earth New Materials")["name_en"] == \
        "Inner Mongolia Center of Technology Innovation for Rare Earth New Materials"
