"""Which procedures a user is offered to start for a center now: the deployed ones its state allows that the user
may begin (`starting.may_begin`, the rule every start obeys), each with its article."""
from __future__ import annotations

from dataclasses import dataclass

from app import clock
from app.errors import Conflict
from app.labels import PROCEDURE_LABELS, procedure_name
from app.models import Center, User
from app.services.centers import lifecycle, policies
from app.services.infrastructure.definitions import process_for_definition
from app.services.infrastructure.deploy import list_latest
from app.services.people import access
from app.services.running.starting import barring_instance, may_begin
from app.vocabulary import Procedure, ProcessKey


@dataclass(frozen=True)
class Startable:
    """A procedure offered for a center: its process, its name in the user's language, the article allowing it."""

    process_key: str
    label: str
    article: str


# in the order of a center's life
ORDER = tuple(Procedure)


def startable(user: User, center: Center) -> list[Startable]:
    """The procedures `user` may start for `center` in its current state (the lifecycle rules), in life order."""
    if not access.may_start(user, center):
        return []
    refusal = policies.establishment_refusal(center.policy, clock.now().astimezone(clock.CHINA).date())
    offered = []
    for definition in list_latest():
        parsed = ProcessKey.parse(definition.key)
        if definition.policy != center.policy or parsed.procedure not in PROCEDURE_LABELS:
            continue
        if parsed.is_establishment and refusal:  # a policy not (or no longer) in force founds no new center
            continue
        try:
            rule = lifecycle.require_start(center, definition.key)
        except Conflict:
            continue
        if not may_begin(user.role, parsed.procedure, process_for_definition(definition.id)):
            continue
        if barring_instance(center.id, definition.key) is not None:  # one already runs: it must end first
            continue
        offered.append(Startable(definition.key, procedure_name(center.policy, parsed.procedure),
                                 rule.article if rule else ""))
    return sorted(offered, key=lambda s: ORDER.index(Procedure(ProcessKey.parse(s.process_key).procedure)))
