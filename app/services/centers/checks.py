"""Self-check of a center profile against a policy's automated checks (the BPMN `run_checks` handlers)."""
from __future__ import annotations

from typing import Any

from app.errors import InvalidSubmission, NotFound
from handlers.checks import CHECKS, evaluate


def check_profile(policy: str, profile: Any) -> list[dict[str, Any]]:
    """The results of every check of `policy` on `profile`: `{"rule", "article", "passed", "reason", "missing"}`."""
    if policy not in CHECKS:
        raise NotFound(f"政策 {policy} 没有自动核对规则")
    if not isinstance(profile, dict):
        raise InvalidSubmission("中心概况（profile）必须是 JSON 对象", {"profile": ["必须是对象"]})
    return [result.as_dict() for result in evaluate(policy, profile)]
