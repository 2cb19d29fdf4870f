"""Who may see and do what: role and organisation of the center."""
from __future__ import annotations

from app.models import Center, HumanTask, ProcessInstance, User

OVERSIGHT_ROLES = ("admin", "supervisor", "authority")
STARTER_ROLES = ("admin", "supervisor", "authority", "sponsor", "applicant")


def may_work_on(user: User, task: HumanTask) -> bool:
    """A task is offered to users of its lane's role in the center's organisation for that lane."""
    return user.role == task.lane and user.organisation_id is not None and user.organisation_id == task.organisation_id


def may_see_center(user: User, center: Center) -> bool:
    """Oversight roles of the center's policy see it; other users only centers they play a role for."""
    if user.role == "admin":
        return True
    if user.role in OVERSIGHT_ROLES and (user.policy is None or user.policy == center.policy):
        return True
    return any(o.organisation_id == user.organisation_id for o in center.organisations)


def may_see_instance(user: User, instance: ProcessInstance, center: Center | None) -> bool:
    """An instance is visible to whoever may see its center."""
    if center is None:
        return user.role in OVERSIGHT_ROLES
    return may_see_center(user, center)


def may_start(user: User, center: Center) -> bool:
    """Starting a procedure needs a starter role and sight of the center."""
    return user.role in STARTER_ROLES and may_see_center(user, center)
