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


def compose_name(data: policy_data.PolicyData, category: str | None, field: str, field_en: str = "") -> dict[str, Any]:
    """The Chinese and English names the naming rule gives the “××” `field` / `field_en` of a center.

    A rule without `pattern_en` (the text gives no English name: jinzhong 第二十四条, xpcc 第二十七条) names the
    center in Chinese only (`name_en` None).
    """
    rule = naming_rule(data, category)
    zh, en = field.strip(), " ".join(field_en.split())
    english = "pattern_en" in rule
    if not zh or (english and not en):
        raise ValueError("the naming rule needs the “××” part in Chinese" + (" and in English" if english else ""))
    article = str(policy_data.require(data, "naming", "article"))
    return {"name": str(rule["pattern"]).format(field=zh),
            "name_en": str(rule["pattern_en"]).format(field=en) if english else None, "article": article}


@operator("formal_name")
def formal_name(params: Mapping[str, Any], context: HandlerContext) -> dict[str, Any]:
    """The center's name in Chinese and English by its policy's naming rule (per `category` where it has one)."""
    category = str(params["category"]) if params.get("category") else None
    return compose_name(_policy(params, context), category, str(params["field"]), str(params.get("field_en") or ""))


@operator("policy_setting")
def policy_setting(params: Mapping[str, Any], context: HandlerContext) -> Any:
    """The policy.yaml entry at the dotted path `setting` (e.g. "rectification": {years, configured, article})."""
    return policy_data.require(_policy(params, context), *str(params["setting"]).split("."))


@operator("guideline_check")
def guideline_check(params: Mapping[str, Any], context: HandlerContext) -> dict[str, Any]:
    """Compare `value` with the guideline at `setting` (e.g. "operation_cycle.years", 第十七条5 “一般以三年”).

    A guideline (“一般”) is not a rule: another value is accepted, with a warning event citing the article.
    """
    data = _policy(params, context)
    path = str(params["setting"]).split(".")
    expected = policy_data.require(data, *path)
    section = policy_data.require(data, *path[:-1]) if len(path) > 1 else data
    article = str(section.get("article", "")) if isinstance(section, Mapping) else ""
    followed = params.get("value") == expected
    if not followed:
        context.emit("warning", code="guideline_departed", element_id=context.element_id, article=article,
                     message=f"{article}的一般要求为 {expected}，本次为 {params.get('value')}（“一般”：可以不同，应说明理由）")
    return {"followed": followed, "expected": expected, "value": params.get("value"), "article": article}


@operator("record_warning")
def record_warning(params: Mapping[str, Any], context: HandlerContext) -> dict[str, Any]:
    """Record a warning event on the instance (e.g. a departure from a guideline the person explained)."""
    message, article = str(params["message"]), str(params.get("article") or "")
    context.emit("warning", code=str(params.get("code") or "warning"), message=message, article=article,
                 element_id=context.element_id)
    return {"message": message, "article": article}
