"""Who may see and do what: role and organisation of the center."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, false, or_, select, true

from app.models import Center, CenterOrganisation, HumanTask, ProcessInstance, User
from app.services.centers.roles import center_roles
from app.vocabulary import OVERSIGHT_ROLES, STARTER_ROLES, Role


def may_work_on(user: User, task: HumanTask) -> bool:
    """A task is offered to users of its lane's role in the center's organisation for that lane."""
    return user.role == task.lane and user.organisation_id is not None and user.organisation_id == task.organisation_id


def may_see_center(user: User, center: Center) -> bool:
    """Oversight roles of the center's policy see it; other users only centers they play a role for."""
    return _sees(user, center.policy, (o.organisation_id for o in center.organisations))


def may_see_center_id(user: User, center_id: int) -> bool:
    """`may_see_center` by the center's id: its policy and organisations read once per transaction (centers/roles,
    one Core query shared with the step's task routing) instead of the ORM center and its organisations."""
    roles = center_roles(center_id)
    return roles is not None and _sees(user, roles.policy, roles.organisations.values())


def _sees(user: User, policy: str, organisation_ids: Iterable[int]) -> bool:
    if user.role == Role.ADMIN:
        return True
    if user.role in OVERSIGHT_ROLES and (user.policy is None or user.policy == policy):
        return True
    return user.organisation_id is not None and user.organisation_id in set(organisation_ids)


def may_see_instance(user: User, instance: ProcessInstance) -> bool:
    """An instance is visible to whoever may see its center; one of no center to the oversight roles."""
    if instance.center_id is None:
        return user.role in OVERSIGHT_ROLES
    return may_see_center_id(user, instance.center_id)


def may_see_task(user: User, task: HumanTask) -> bool:
    """A task is visible to whoever may see its center; a task without a center to oversight roles and its lane."""
    if task.center_id is None:
        return user.role in OVERSIGHT_ROLES or may_work_on(user, task)
    return may_see_center_id(user, task.center_id)


def may_act_in_policy(user: User, policy: str) -> bool:
    """Writes stay within the user's policy: admins act in every one, a user of a policy only in it, a user of
    no policy only through the organisation they hold on a center (never as an oversight role)."""
    if user.role == Role.ADMIN:
        return True
    if user.policy is not None:
        return user.policy == policy
    return user.role not in OVERSIGHT_ROLES


def may_start(user: User, center: Center) -> bool:
    """Starting a procedure needs a starter role, sight of the center and the center's policy."""
    return user.role in STARTER_ROLES and may_see_center(user, center) and may_act_in_policy(user, center.policy)


def visible_centers_clause(user: User) -> ColumnElement[bool]:
    """`may_see_center` as an SQL condition on `Center` (the one SQL form of the rule)."""
    if user.role == Role.ADMIN or (user.role in OVERSIGHT_ROLES and user.policy is None):
        return true()
    conditions: list[ColumnElement[bool]] = []
    if user.role in OVERSIGHT_ROLES:
        conditions.append(Center.policy == user.policy)
    if user.organisation_id is not None:
        conditions.append(Center.id.in_(
            select(CenterOrganisation.center_id).where(CenterOrganisation.organisation_id == user.organisation_id)
        ))
    return or_(false(), *conditions)


def visible_instances_clause(user: User) -> ColumnElement[bool]:
    """`may_see_instance` as an SQL condition on `ProcessInstance` (no join needed)."""
    if user.role == Role.ADMIN or (user.role in OVERSIGHT_ROLES and user.policy is None):
        return true()
    of_visible_center = ProcessInstance.center_id.in_(select(Center.id).where(visible_centers_clause(user)))
    if user.role in OVERSIGHT_ROLES:
        return or_(ProcessInstance.center_id.is_(None), of_visible_center)
    return of_visible_center
