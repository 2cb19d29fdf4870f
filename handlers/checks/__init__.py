"""Automated checks of a policy's conditions, each result citing its article.

A check reads the center profile (the keys of procedures.md) and the policy's data (its policy.yaml: thresholds,
shares, counts, articles) and returns one `CheckResult` or several; a key the profile lacks is reported as
missing, never as passed. No number of a policy is written here: change policy.yaml and the checks follow.
`run_checks` is the BPMN operator and `evaluate` the function behind `POST /api/v1/checks/{policy}`.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from handlers import policy_data
from handlers.checks.text import message
from handlers.policy_data import PolicyData
from handlers.registry import HandlerContext, operator

Profile = Mapping[str, Any]


@dataclass
class CheckResult:
    """The outcome of one rule: passed or not, why (in Chinese, naming the numbers), what is missing."""

    rule: str
    article: str
    passed: bool
    reason: str  # a handlers.checks.text `say` text: the Chinese, with its message id and parameters
    missing: list[str] = field(default_factory=list)
    # True for a result the text qualifies with "一般" (e.g. nmg2025 第十九条 分支机构一般不超过3个): the reviewer is
    # warned, but it is not a failed condition and does not make the whole fail (`all_passed`)
    warning: bool = False

    def as_dict(self) -> dict[str, Any]:
        """The JSON form: {"rule", "article", "passed", "reason", "missing", "warning"}."""
        return asdict(self)


Check = Callable[[Profile, PolicyData], "CheckResult | list[CheckResult]"]
CHECKS: dict[str, list[Check]] = {}


def check(policy: str) -> Callable[[Check], Check]:
    """Register the decorated function as one of `policy`'s checks (run in registration order)."""

    def register(fn: Check) -> Check:
        CHECKS.setdefault(policy, []).append(fn)
        return fn

    return register


def evaluate(policy: str, profile: Profile, data: PolicyData | None = None) -> list[CheckResult]:
    """Every registered check of `policy` on `profile`, with `data` (default: the repository's policy.yaml)."""
    if policy not in CHECKS:
        raise LookupError(f"no checks registered for policy {policy!r}")
    rules = data if data is not None else policy_data.load(policy)
    results: list[CheckResult] = []
    for fn in CHECKS[policy]:
        outcome = fn(profile, rules)
        results.extend(outcome if isinstance(outcome, list) else [outcome])
    return results


@operator("run_checks")
def run_checks(params: Mapping[str, Any], context: HandlerContext) -> dict[str, Any]:
    """BPMN operator: results of the policy's checks on `profile`, for the reviewer to decide on.

    `messages` holds each result's reason as a message (handlers.checks.text) that a page translates.
    `all_passed` and `failed_rules` leave warnings out (they are in `warnings`). With `conditions_article` (e.g.
    nmg2025 '第十条', the conditions 第十二条 may relax), `conditions_failed` lists the failed rules citing that
    article and `findings` every other failed rule and warning.
    """
    policy = str(params["policy"])
    lookup = context.services.get("policy_data")  # the application's processes directory, when it provides one
    results = evaluate(policy, dict(params.get("profile") or {}), lookup(policy) if lookup is not None else None)
    failed = [r for r in results if not r.passed and not r.warning]
    outcome: dict[str, Any] = {
        "results": [r.as_dict() for r in results],
        "messages": [message(r.reason) for r in results],  # each reason's message id and parameters (translation)
        "all_passed": not failed,
        "failed_rules": [r.rule for r in failed],
        "warnings": [r.rule for r in results if r.warning],
    }
    conditions = str(params.get("conditions_article") or "")
    if conditions:
        cites = [r.rule for r in failed if r.article == conditions or r.article.startswith(f"{conditions}(")]
        outcome["conditions_failed"] = cites
        outcome["findings"] = [r for r in outcome["failed_rules"] if r not in cites] + outcome["warnings"]
    return outcome


from handlers.checks import jinzhong, jinzhong_committee, nmg2020, nmg2025, xpcc  # noqa: E402,F401
