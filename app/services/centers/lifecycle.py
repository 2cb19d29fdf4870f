"""A center's life as a guarded state machine: the transitions and starting states each policy declares.

The data is the policy's own (`lifecycle:` in `processes/<policy>/policy.yaml`, every rule with its article);
this module only reads and enforces it. A policy that declares no lifecycle allows no status change — nothing
moves a center where its text has not been modelled.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from app.errors import Conflict, ProcessError
from app.labels import STATUS_LABELS
from app.models import Center
from app.services.centers.policies import policy
from app.vocabulary import CenterStatus, ProcessKey


@dataclass(frozen=True)
class Transition:
    """A status change a policy allows, and the article that allows it."""

    sources: frozenset[str]
    target: str
    article: str


@dataclass(frozen=True)
class StartRule:
    """The center statuses in which a procedure may start, and the article that says so."""

    states: frozenset[str]
    article: str


def _declared(policy_key: str) -> dict[str, Any]:
    lifecycle = policy(policy_key).get("lifecycle")
    return lifecycle if isinstance(lifecycle, dict) else {}


def transitions(policy_key: str) -> list[Transition]:
    """Every status change `policy_key` declares."""
    return [Transition(frozenset(str(s) for s in t["from"]), str(t["to"]), str(t["article"]))
            for t in _declared(policy_key).get("transitions") or []]


def start_rule(policy_key: str, procedure: str) -> StartRule | None:
    """Where procedure `procedure` of `policy_key` may start (None: the policy declares no such procedure)."""
    rule = (_declared(policy_key).get("procedures") or {}).get(procedure)
    if not isinstance(rule, dict):
        return None
    return StartRule(frozenset(str(s) for s in rule.get("states") or []), str(rule.get("article") or ""))


def _status_name(status: str) -> str:
    label = STATUS_LABELS.get(status)
    return f"{label}（{status}）" if label is not None else status


def require_transition(center: Center, target: str, cited: str) -> Transition:
    """The declared transition from the center's status to `target`; ProcessError naming center, states and
    article when the policy has none."""
    if target not in set(CenterStatus):
        raise ProcessError(_("未知的中心状态：%(status)s", status=target))
    for transition in transitions(center.policy):
        if center.status in transition.sources and transition.target == target:
            return transition
    raise ProcessError(
        _("中心“%(center)s”不能由 %(source)s 变为 %(target)s：政策 %(policy)s 没有这样的状态变更（该步骤援引 %(article)s）",
          center=center.name, source=_status_name(center.status), target=_status_name(target), policy=center.policy,
          article=cited or "—"),
        {"center_status": [_status_name(center.status)]},
    )


def require_start(center: Center, process_key: str) -> StartRule | None:
    """The rule that lets `process_key` start for the center in its status; Conflict with the reason otherwise.

    A procedure the policy's lifecycle does not list (a designer's new procedure, a test probe) may start in any
    status but `revoked`: a revoked center runs nothing.
    """
    procedure = ProcessKey.parse(process_key).procedure
    rule = start_rule(center.policy, procedure)
    if rule is None:
        if center.status == CenterStatus.REVOKED:
            raise Conflict(_("中心“%(center)s”已撤销，不能再发起任何程序", center=center.name))
        return None
    if center.status not in rule.states:
        allowed = "、".join(_status_name(s) for s in sorted(rule.states))
        raise Conflict(_("中心“%(center)s”当前状态为 %(status)s，不能发起该程序（%(article)s：仅限 %(allowed)s）",
                         center=center.name, status=_status_name(center.status), article=rule.article,
                         allowed=allowed))
    return rule
