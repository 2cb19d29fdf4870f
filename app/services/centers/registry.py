"""Technology innovation centers: create, list, read."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from app import clock
from app.errors import Forbidden, InvalidSubmission, NotFound
from app.extensions import db
from app.models import Center, CenterOrganisation, Organisation, User
from app.services import transactions
from app.services.paging import Page, Window, fetch_page
from app.services.people import access
from app.vocabulary import CENTER_CREATOR_ROLES, LANE_ROLES, REPORTS_ON_RECORD_FROM, CenterStatus, Policy

POLICIES = tuple(Policy)
STATUSES = tuple(CenterStatus)


def create_center(
    actor: User, *, name: str, policy: str, category: str | None = None, status: str = CenterStatus.PROPOSED,
    approved_at: date | None = None, established_at: date | None = None,
    organisations: dict[str, int] | None = None, profile: dict[str, Any] | None = None,
    organisation_names: dict[str, str] | None = None,
) -> Center:
    """Register a center with its organisations by role (ids, or names: found or created in the policy); commits."""
    if actor.role not in CENTER_CREATOR_ROLES:
        raise Forbidden(_("只有主管部门、监督人员或管理员可以登记技术创新中心"))
    if policy in POLICIES and not access.may_act_in_policy(actor, policy):
        raise Forbidden(_("您只能在本政策（%(own)s）下登记技术创新中心", own=actor.policy or "—"))
    errors: dict[str, list[str]] = {}
    name = name.strip()
    if not 2 <= len(name) <= 200:
        errors["name"] = [_("名称须为 2 到 200 个字")]
    if approved_at and established_at and established_at < approved_at:
        errors["established_at"] = [_("成立日期不能早于批复日期（%(approved)s）", approved=approved_at.isoformat())]
    if policy not in POLICIES:
        errors["policy"] = [_("政策必须是 %(choices)s 之一", choices="、".join(POLICIES))]
    if status not in STATUSES:
        errors["status"] = [_("状态必须是 %(choices)s 之一", choices="、".join(STATUSES))]
    first, last = (profile or {}).get(REPORTS_ON_RECORD_FROM), clock.now().astimezone(clock.CHINA).year + 1
    if first is not None and (isinstance(first, bool) or not isinstance(first, int) or not 1990 <= first <= last):
        errors[REPORTS_ON_RECORD_FROM] = [_("起始年度须为 1990 至 %(last)s 之间的年份", last=last)]
    for role, org_id in (organisations or {}).items():
        if role not in LANE_ROLES:
            errors.setdefault("organisations", []).append(_("未知角色：%(role)s", role=role))
        elif (found := db.session.get(Organisation, org_id)) is None:
            errors.setdefault("organisations", []).append(_("%(role)s 对应的单位不存在：%(id)s", role=role, id=org_id))
        elif found.policy != policy:
            errors.setdefault("organisations", []).append(
                _("%(role)s 对应的单位 %(name)s 不属于政策 %(policy)s", role=role, name=found.name, policy=policy))
    if not errors and organisation_names:
        organisations = {**(organisations or {}), **_by_name(policy, organisation_names, errors)}
    if errors:
        raise InvalidSubmission(_("技术创新中心信息有误"), errors)
    center = Center(
        name=name, policy=policy, category=category, status=status, approved_at=approved_at,
        established_at=established_at, profile=profile or {}, created_at=clock.now(),
    )
    center.organisations = [CenterOrganisation(role=r, organisation_id=o) for r, o in (organisations or {}).items()]
    db.session.add(center)
    transactions.commit_and_expire()
    return center


def set_organisations(actor: User, center_id: int, names: dict[str, str]) -> Center:
    """Give the center's roles to organisations chosen by name (found or created in its policy; an empty name
    leaves the role without one); commits. Tasks already offered keep their organisation."""
    center = get_center(actor, center_id)
    if actor.role not in CENTER_CREATOR_ROLES or not access.may_act_in_policy(actor, center.policy):
        raise Forbidden(_("只有本政策的主管部门、监督人员或管理员可以修改中心的单位"))
    errors: dict[str, list[str]] = {}
    chosen = _by_name(center.policy, {r: n for r, n in names.items() if n.strip()}, errors)
    if errors:
        raise InvalidSubmission(_("技术创新中心信息有误"), errors)
    kept = [o for o in center.organisations if o.role in chosen and o.organisation_id == chosen[o.role]]
    present = {o.role for o in kept}
    untouched = [o for o in center.organisations if o.role not in names]
    center.organisations = untouched + kept + [
        CenterOrganisation(role=r, organisation_id=i) for r, i in chosen.items() if r not in present]
    transactions.commit_and_expire()
    return center


def _by_name(policy: str, names: dict[str, str], errors: dict[str, list[str]]) -> dict[str, int]:
    """Organisation ids by role for names of `policy`'s organisations (a new name creates one of that role)."""
    found: dict[str, int] = {}
    for role, raw in names.items():
        name = raw.strip()
        if role not in LANE_ROLES:
            errors.setdefault(f"organisations.{role}", []).append(_("未知角色：%(role)s", role=role))
            continue
        if not 2 <= len(name) <= 200:
            errors.setdefault(f"organisations.{role}", []).append(_("单位名称须为 2–200 个字"))
            continue
        org = db.session.scalar(select(Organisation).where(Organisation.name == name))
        if org is not None and org.policy not in (policy, None):
            errors.setdefault(f"organisations.{role}", []).append(
                _("单位 %(name)s 属于其他政策，不能用于本中心", name=name))
            continue
        if org is None:
            org = Organisation(name=name, kind=role, policy=policy)
            db.session.add(org)
            db.session.flush()
        found[role] = org.id
    return found


def organisation_names(policy: str) -> list[str]:
    """The names of `policy`'s organisations, for choosing one by name."""
    return list(db.session.scalars(select(Organisation.name).where(Organisation.policy == policy)
                                   .order_by(Organisation.name)))


def get_center(user: User, center_id: int) -> Center:
    """A center visible to `user`."""
    center = db.session.get(Center, center_id)
    if center is None or not access.may_see_center(user, center):
        raise NotFound(_("技术创新中心不存在：%(id)s", id=center_id))
    return center


def _visible_centers(user: User, policy: str | None) -> Select[tuple[Center]]:
    query = select(Center).where(access.visible_centers_clause(user)).order_by(Center.id)
    if policy:
        query = query.where(Center.policy == policy)
    return query.options(selectinload(Center.organisations))


def list_centers(user: User, policy: str | None = None) -> list[Center]:
    """Every center visible to `user` (optionally of one policy), by id."""
    return list(db.session.scalars(_visible_centers(user, policy)))


def page_centers(user: User, window: Window, policy: str | None = None) -> Page[Center]:
    """Centers visible to `user` (optionally of one policy), by id: one window of them and the total."""
    return fetch_page(_visible_centers(user, policy), window)
