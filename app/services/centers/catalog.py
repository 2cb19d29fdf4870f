"""The deployed processes with the effective window of their policy (a lapsed policy is shown, not hidden)."""
from __future__ import annotations

from datetime import date
from typing import Any

from app import clock
from app.errors import NotFound
from app.services.centers import policies
from app.services.infrastructure.deploy import list_latest


def _window(policy_key: str) -> dict[str, Any]:
    try:
        rule = policies.policy(policy_key)
    except NotFound:
        return {"effective_from": None, "effective_to": None}
    return {"effective_from": rule.get("effective_from"), "effective_to": rule.get("effective_to"),
            "policy_title": rule.get("title")}


def catalog() -> list[dict[str, Any]]:
    """Newest version of every process, with its policy's window and whether it is in force today."""
    today: date = clock.now().astimezone(clock.CHINA).date()
    rows = []
    for definition in list_latest():
        reason = policies.out_of_force(definition.policy, today) if definition.policy != "common" else None
        rows.append({
            "key": definition.key, "version": definition.version, "name": definition.name,
            "policy": definition.policy, "deployed_at": definition.deployed_at, **_window(definition.policy),
            "in_force": reason is None, "note": reason,
        })
    return rows
