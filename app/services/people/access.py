"""Who may see and do what: role and organisation of the center."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, false, or_, select, true

from app.models import Center, CenterOrganisation, HumanTask, ProcessInstance, User
from app.vocabulary import OVERSIGHT_ROLES, STARTER_ROLES, Role


def may_work_on(user: User, task: HumanTask) -> bool:
    """A task is offered to users of its lane's role in the center's organisation for that lane."""
    return user.role == task.lane and user.organisation_id is not None and user.organisation_id == task.organisation_id


def may_see_center(user: User, center: Center) -> bool:
    """Oversight roles of the center's policy see it; other users only centers they play a role for."""
    return may_see_center_of(user, center.policy, (o.organisation_id for o in center.organisations))


def may_see_center_of(user: User, policy: str, organisation_ids: Iterable[int]) -> bool:
    """`may_see_center` for a center given by its policy and the organisations playing its roles."""
    if user.role == Role.ADMIN:
        return True
    if user.role in OVERSIGHT_ROLES and (user.policy is None or user.policy == policy):
        return True
    return user.organisation_id is not None and user.organisation_id in set(organisation_ids)


def may_see_instance(user: User, instance: ProcessInstance, center: Center | None) -> bool:
    """An instance is visible to whoever may see its center."""
    if center is None:
        return user.role in OVERSIGHT_ROLES
    return may_see_center(user, center)


def may_see_task(user: User, task: HumanTask, center: Center | None) -> bool:
    """A task is visible to whoever may see its center; a task without a center to oversight roles and its lane."""
    if center is None:
        return may_see_task_without_center(user, task)
    return may_see_center(user, center)


def may_see_task_without_center(user: User, task: HumanTask) -> bool:
    """A task of no center is visible to the oversight roles and to the users of its lane and organisation."""
    return user.role in OVERSIGHT_ROLES or may_work_on(user, task)


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
