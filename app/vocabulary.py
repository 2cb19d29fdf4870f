"""The domain's words, defined once: policies, roles, procedures, states, process keys, business keys, overdue.

Every module imports these; none spells a state or splits a process key itself. The values are the strings
stored in the database and written in BPMN (`StrEnum` members compare equal to them).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class Policy(StrEnum):
    """A policy document whose procedures are modelled (`processes/<policy>/`)."""

    NATIONAL = "national"
    XPCC = "xpcc"
    NMG2020 = "nmg2020"
    NMG2025 = "nmg2025"
    JINZHONG = "jinzhong"


COMMON = "common"  # shared sub-procedures (`processes/common/`), not a policy
DEPLOYABLE_POLICIES = (*Policy, COMMON)


class Role(StrEnum):
    """A user's role; the lane roles are also BPMN lane names."""

    AUTHORITY = "authority"
    SPONSOR = "sponsor"
    # the center's local S&T department (地方科技管理部门), its own organisation: nmg2025 第二十九条 has it review
    # the annual report, and it is not the 组织单位 (sponsor, 第五条)
    LOCAL_AUTHORITY = "local_authority"
    APPLICANT = "applicant"
    COUNCIL = "council"
    EXPERT = "expert"
    EVALUATOR = "evaluator"
    SUPERVISOR = "supervisor"
    DESIGNER = "designer"
    ADMIN = "admin"


LANE_ROLES = (Role.AUTHORITY, Role.SPONSOR, Role.LOCAL_AUTHORITY, Role.APPLICANT, Role.COUNCIL, Role.EXPERT,
              Role.EVALUATOR, Role.SUPERVISOR)
OVERSIGHT_ROLES = (Role.ADMIN, Role.SUPERVISOR, Role.AUTHORITY)  # see every center of their policy
STARTER_ROLES = (*OVERSIGHT_ROLES, Role.SPONSOR, Role.APPLICANT)  # may start procedures
CENTER_CREATOR_ROLES = OVERSIGHT_ROLES  # may register centers
CLOCK_ROLES = (Role.ADMIN, Role.SUPERVISOR)  # move the simulated clock


class Procedure(StrEnum):
    """A procedure of a center's life; `ProcessKey(policy, procedure)` names its BPMN process."""

    ESTABLISHMENT = "establishment"
    PREPARATION = "preparation"
    ANNUAL_REPORT = "annual_report"
    EVALUATION = "evaluation"
    MAJOR_CHANGE = "major_change"
    REVOCATION = "revocation"
    APPOINTMENTS = "appointments"
    OPERATION_PLAN = "operation_plan"


class CenterStatus(StrEnum):
    """Where a center stands in its life."""

    PROPOSED = "proposed"
    CULTIVATING = "cultivating"
    APPROVED_FOR_PREPARATION = "approved_for_preparation"
    UNDER_CONSTRUCTION = "under_construction"
    ESTABLISHED = "established"
    RECTIFYING = "rectifying"
    REVOKED = "revoked"


# a center in these states owes annual reports
REPORTING_STATUSES = (CenterStatus.APPROVED_FOR_PREPARATION, CenterStatus.UNDER_CONSTRUCTION,
                      CenterStatus.ESTABLISHED, CenterStatus.RECTIFYING)


class InstanceStatus(StrEnum):
    """A process instance's status, derived from the engine (suspended/terminated by an administrator)."""

    RUNNING = "running"
    SUSPENDED = "suspended"
    ERROR = "error"
    COMPLETED = "completed"
    TERMINATED = "terminated"


ACTIVE_STATUSES = (InstanceStatus.RUNNING, InstanceStatus.ERROR)  # may take a step
OPEN_STATUSES = (*ACTIVE_STATUSES, InstanceStatus.SUSPENDED)  # not finished


class TaskState(StrEnum):
    """A human task's state in the `human_task` read model."""

    READY = "ready"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class TimerState(StrEnum):
    """A timer's state in the `timer` read model."""

    WAITING = "waiting"
    STUCK = "stuck"  # its instance failed when it fired; it waits for an administrator
    FIRED = "fired"
    CANCELLED = "cancelled"


PENDING_TIMER_STATES = (TimerState.WAITING, TimerState.STUCK)


@dataclass(frozen=True)
class ProcessKey:
    """`<policy>_<procedure>`: the BPMN process id of one policy's procedure (or `common_<name>`)."""

    policy: str
    procedure: str

    @classmethod
    def parse(cls, key: str) -> ProcessKey:
        """Split `nmg2025_annual_report` into its policy and procedure."""
        policy, _, procedure = key.partition("_")
        return cls(policy, procedure) if procedure else cls("", key)

    def __str__(self) -> str:
        return f"{self.policy}_{self.procedure}" if self.policy else self.procedure

    @property
    def is_annual_report(self) -> bool:
        """One instance per center and year."""
        return self.procedure == Procedure.ANNUAL_REPORT

    @property
    def is_establishment(self) -> bool:
        """Founds a new center (refused under a lapsed policy)."""
        return self.procedure == Procedure.ESTABLISHMENT


def procedure_of(process_key: str) -> str:
    """`nmg2025_annual_report` → `annual_report`."""
    return ProcessKey.parse(process_key).procedure


# a review form's answers the audit trail keeps with its step: the decision (a code) and what the reviewer wrote
REVIEW_DECISION = "decision"
REVIEW_RETURN = "return"  # the decision every policy's review forms use for 退回修改
REVIEW_REMARKS = ("comment", "opinion")

# the center profile's key for the first report year kept on this platform: a center already running when it was
# registered owes no report here for the years before (the texts are silent on the time before the platform)
REPORTS_ON_RECORD_FROM = "reports_on_record_from"

# who started a procedure that another procedure's step started: `instance:<id>` of the starting instance
STARTED_BY_INSTANCE = "instance:"


def business_key(process_key: str, data: dict[str, Any]) -> str | None:
    """The key the database keeps unique: one annual report per center and year, one periodic evaluation and one
    construction & operation plan per center and cycle (None for other procedures)."""
    key = ProcessKey.parse(process_key)
    year, cycle = data.get("report_year"), data.get("cycle")
    if key.is_annual_report and year:
        return f"{process_key}:{data['center_id']}:{year}"
    if key.procedure in (Procedure.EVALUATION, Procedure.OPERATION_PLAN) and cycle:
        return f"{process_key}:{data['center_id']}:cycle-{cycle}"
    return None


def is_overdue(due_at: datetime | None, now: datetime) -> bool:
    """A deadline is overdue once its moment has passed and it is still open."""
    return due_at is not None and due_at < now
