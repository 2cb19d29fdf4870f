"""Which procedures a user is offered to start for a center now: the deployed ones its state allows, begun by
the role the model has begin them (oversight roles: any), each with its article."""
from __future__ import annotations

from dataclasses import dataclass

from app import clock
from app.engine.parser import ParsedProcess
from app.errors import Conflict
from app.labels import PROCEDURE_LABELS, procedure_name
from app.models import Center, User
from app.services.centers import lifecycle, policies
from app.services.infrastructure.definitions import process_for_definition
from app.services.infrastructure.deploy import list_latest
from app.services.people import access
from app.vocabulary import OVERSIGHT_ROLES, Procedure, ProcessKey


@dataclass(frozen=True)
class Startable:
    """A procedure offered for a center: its process, its name in the user's language, the article allowing it."""

    process_key: str
    label: str
    article: str


# in the order of a center's life
ORDER = tuple(Procedure)
# started by the scheduler or by another procedure when they fall due; people with oversight may start them early
SCHEDULED = (Procedure.ANNUAL_REPORT, Procedure.EVALUATION, Procedure.OPERATION_PLAN, Procedure.PREPARATION)


def first_lane(process: ParsedProcess) -> str | None:
    """The lane of the first user task a procedure reaches from its start: who the modelled text has begin it
    (an applicant's request, a sponsor's proposal, the authority's notice, a supervisor's case)."""
    seen: set[str] = set()
    queue = list(process.spec.start.outputs) if process.spec.start is not None else []
    while queue:
        spec = queue.pop(0)
        if spec.name in seen:
            continue
        seen.add(spec.name)
        if getattr(spec, "manual", False):
            return getattr(spec, "lane", None)
        queue.extend(spec.outputs)
    return None


def _offered_to(user: User, procedure: str, process: ParsedProcess) -> bool:
    """Oversight roles may start any procedure; others the one whose first step is theirs (not a scheduled one)."""
    if user.role in OVERSIGHT_ROLES:
        return True
    return procedure not in SCHEDULED and first_lane(process) == user.role


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
        if not _offered_to(user, parsed.procedure, process_for_definition(definition.id)):
            continue
        offered.append(Startable(definition.key, procedure_name(center.policy, parsed.procedure),
                                 rule.article if rule else ""))
    return sorted(offered, key=lambda s: ORDER.index(Procedure(ProcessKey.parse(s.process_key).procedure)))
