"""Self-check of a center profile against a policy's automated checks (the BPMN `run_checks` handlers)."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from app.errors import InvalidSubmission, NotFound
from app.services.centers.policies import policy as policy_data
from handlers.checks import CHECKS, evaluate


def check_profile(policy: str, profile: Any) -> list[dict[str, Any]]:
    """The results of every check of `policy` on `profile`: `{"rule", "article", "passed", "reason", "missing"}`."""
    if policy not in CHECKS:
        raise NotFound(_("政策 %(policy)s 没有自动核对规则", policy=policy))
    if not isinstance(profile, dict):
        raise InvalidSubmission(_("中心概况（profile）必须是 JSON 对象"), {"profile": [_("必须是对象")]})
    return [result.as_dict() for result in evaluate(policy, profile, policy_data(policy))]
