"""Operators that read a policy's own data for a BPMN step: its naming rule, and a setting such as a configured period.

The BPMN never repeats a number or a pattern of policy.yaml: it asks these operators, so a change of the yaml is
a change of the procedure.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from handlers import policy_data
from handlers.registry import HandlerContext, operator


def _policy(params: Mapping[str, Any], context: HandlerContext) -> policy_data.PolicyData:
    policy = str(params["policy"])
    lookup = context.services.get("policy_data")  # the application's processes directory, when it provides one
    return lookup(policy) if lookup is not None else policy_data.load(policy)


def naming_rule(data: policy_data.PolicyData, category: str | None) -> Mapping[str, Any]:
    """The naming entry of `category` (`naming.by_category.<category>`), or the policy's one `naming` entry."""
    naming = policy_data.require(data, "naming")
    if "by_category" in naming:
        return dict(policy_data.require(data, "naming", "by_category", str(category)))
    return dict(naming)


def compose_name(data: policy_data.PolicyData, category: str | None, field: str, field_en: str) -> dict[str, str]:
    """The Chinese and English names the naming rule gives the “××” `field` / `field_en` of a center."""
    rule = naming_rule(data, category)
    zh, en = field.strip(), " ".join(field_en.split())
    if not zh or not en:
        raise ValueError("the naming rule needs the “××” part in Chinese and in English")
    article = str(policy_data.require(data, "naming", "article"))
    return {"name": str(rule["pattern"]).format(field=zh), "name_en": str(rule["pattern_en"]).format(field=en),
            "article": article}


@operator("formal_name")
def formal_name(params: Mapping[str, Any], context: HandlerContext) -> dict[str, str]:
    """The center's name in Chinese and English by its policy's naming rule (per `category` where it has one)."""
    category = str(params["category"]) if params.get("category") else None
    return compose_name(_policy(params, context), category, str(params["field"]), str(params["field_en"]))


@operator("policy_setting")
def policy_setting(params: Mapping[str, Any], context: HandlerContext) -> Any:
    """The policy.yaml entry at the dotted path `setting` (e.g. "rectification": {years, configured, article})."""
    return policy_data.require(_policy(params, context), *str(params["setting"]).split("."))
