"""Begin a process instance inside the caller's transaction (the caller commits)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from app.clock import CHINA
from app.engine.parser import BpmnDefinitionError, ParsedProcess
from app.engine.runtime import EngineError, Workflow
from app.errors import Conflict, Forbidden, ProcessError
from app.extensions import db
from app.labels import POLICY_LABELS, ROLE_LABELS, procedure_name, subject
from app.models import Center, ProcessInstance, User
from app.services.centers import lifecycle, policies
from app.services.centers.roles import remember as remember_center_roles
from app.services.infrastructure.definitions import process_for_definition
from app.services.infrastructure.deploy import latest_definition
from app.services.running import start_data
from app.services.running.events import add_event
from app.services.running.steps import record_step
from app.vocabulary import OPEN_STATUSES, OVERSIGHT_ROLES, InstanceStatus, Procedure, ProcessKey, Role, business_key

# started by the scheduler or by another procedure when they fall due; people with oversight may start them early
SCHEDULED = (Procedure.ANNUAL_REPORT, Procedure.EVALUATION, Procedure.OPERATION_PLAN, Procedure.PREPARATION)
# procedures whose end moves the center's state run one at a time per center: a second copy could not finish (the
# state it would move from is gone once the first ends); the others carry a business key (a year, a cycle) or, as a
# major change, may run side by side (the texts do not forbid two changes at once)
ONE_AT_A_TIME = frozenset({Procedure.ESTABLISHMENT, Procedure.PREPARATION, Procedure.REVOCATION})


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


# a lane whose people start nothing themselves, and who starts its procedures for it. The council appoints the
# director and the expert committee (e.g. xpcc 第十三条、第十四条); the texts are silent on who opens that record
# in a system, so the center's host (建设单位) starts it for its council — a product decision, not an article.
STARTED_FOR = {Role.COUNCIL.value: Role.APPLICANT.value}


def may_begin(role: str, procedure: str, process: ParsedProcess) -> bool:
    """Oversight roles may start any procedure; others the one whose first step is theirs (not a scheduled one)."""
    if role in OVERSIGHT_ROLES:
        return True
    lane = first_lane(process)
    return procedure not in SCHEDULED and lane is not None and role in (lane, STARTED_FOR.get(lane))


def require_may_begin(starter: User, policy: str, process_key: str, process: ParsedProcess) -> None:
    """Refuse (Forbidden) a person starting a procedure that the policy has begun by another role or by the system."""
    procedure = ProcessKey.parse(process_key).procedure
    if may_begin(starter.role, procedure, process):
        return
    name = procedure_name(policy, procedure)
    role = str(ROLE_LABELS.get(starter.role, starter.role))
    lane = first_lane(process)
    if procedure in SCHEDULED or lane is None:
        raise Forbidden(_("%(procedure)s到期时由系统发起（主管部门或监督人员可提前发起），%(role)s不能发起",
                          procedure=name, role=role))
    raise Forbidden(_("%(procedure)s由%(starter)s发起，%(role)s不能发起",
                      procedure=name, starter=str(ROLE_LABELS.get(lane, lane)), role=role))


def begin_instance(
    actor_name: str | None, process_key: str, center: Center, data: dict[str, Any], now: datetime,
    *, started_by: str | None = None, starter: User | None = None,
) -> ProcessInstance:
    """Start the newest version of `process_key` for `center`, run it until it blocks, write it (no commit).

    A person's start (`starter`) is held to who begins the procedure (`require_may_begin`); the system's,
    the scheduler's and another procedure's starts (`starter` None) are not."""
    definition = latest_definition(process_key)
    if definition.policy not in (center.policy, "common"):
        policy_words = str(POLICY_LABELS.get(definition.policy, definition.policy))
        center_words = str(POLICY_LABELS.get(center.policy, center.policy))
        raise ProcessError(
            _("该流程属于“%(policy)s”政策，与中心的政策“%(center_policy)s”不符",
              policy=policy_words, center_policy=center_words),
            {"process_key": [_("应选择“%(policy)s”政策的流程", policy=center_words)]},
        )
    try:
        process = process_for_definition(definition.id)
    except BpmnDefinitionError as err:
        raise ProcessError(_("流程启动失败：%(error)s", error=err)) from err
    if starter is not None:
        require_may_begin(starter, center.policy, process_key, process)
    not_in_force = policies.out_of_force(definition.policy, now.astimezone(CHINA).date()) \
        if definition.policy != "common" else None
    refused = policies.establishment_refusal(definition.policy, now.astimezone(CHINA).date()) if not_in_force else None
    if refused and ProcessKey.parse(process_key).is_establishment:
        raise ProcessError(_("不能按该政策发起新的组建程序：%(reason)s", reason=refused), {"process_key": [refused]})
    lifecycle.require_start(center, process_key)
    _require_none_running(center, process_key)
    initial = start_data.prepare(process_key, center, data, now)
    key = business_key(process_key, initial)
    if key is not None and db.session.scalar(select(ProcessInstance.id).where(ProcessInstance.business_key == key)):
        parsed = ProcessKey.parse(process_key)
        raise Conflict(_("%(center)s %(subject)s的%(procedure)s已发起，同一年度或周期只能有一个", center=center.name,
                         subject=subject(key) or "", procedure=procedure_name(parsed.policy, parsed.procedure)))
    try:
        workflow, outcome = Workflow.start(process, initial, now)
    except (EngineError, BpmnDefinitionError) as err:
        raise ProcessError(_("流程启动失败：%(error)s", error=err)) from err
    who = actor_name or started_by or "system"
    instance = ProcessInstance(
        definition_id=definition.id, process_key=process_key, center_id=center.id, status=InstanceStatus.RUNNING,
        state="", business_key=key, start_data=initial, started_by=who,
        started_at=now, updated_at=now,
    )
    db.session.add(instance)
    db.session.flush()
    add_event(instance, now, who, "instance_started", payload={
        "process_key": process_key, "version": definition.version, "data": initial,
    })
    if not_in_force:  # running centers keep their policy's procedures; supervisors see that it has lapsed
        with force_locale("zh_CN"):  # the audit trail is stored in the default language, whoever started it
            stored = policies.out_of_force(definition.policy, now.astimezone(CHINA).date())
        add_event(instance, now, "system", "warning",
                  payload={"code": "policy_out_of_force", "message": stored, "started_by": who})  # who went on
    remember_center_roles([center])  # loaded with its organisations: the step routes its tasks without a query
    record_step(instance, workflow, outcome, who, now, start=begin_instance)
    return instance


def barring_instance(center_id: int, process_key: str) -> int | None:
    """The center's open instance of `process_key` that bars starting another (ONE_AT_A_TIME), or None."""
    if ProcessKey.parse(process_key).procedure not in ONE_AT_A_TIME:
        return None
    return db.session.scalar(
        select(ProcessInstance.id).where(ProcessInstance.center_id == center_id,
                                         ProcessInstance.process_key == process_key,
                                         ProcessInstance.status.in_(OPEN_STATUSES)).limit(1)
    )


def _require_none_running(center: Center, process_key: str) -> None:
    """Conflict when the center already has an open instance of `process_key` (one of ONE_AT_A_TIME)."""
    running = barring_instance(center.id, process_key)
    if running is not None:
        parsed = ProcessKey.parse(process_key)
        raise Conflict(_("中心“%(center)s”的%(procedure)s程序已在进行中（流程实例 %(id)s），同一时间只能有一个",
                         center=center.name, procedure=procedure_name(parsed.policy, parsed.procedure), id=running))
