"""Demo organisations, users (one per role and policy, more for further centers) and the demo centers."""
from __future__ import annotations

import secrets
from itertools import count
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app import clock
from app.errors import DomainError
from app.extensions import db
from app.models import Center, CenterOrganisation, Organisation, User
from app.models.people import ROLES
from app.services import transactions
from app.services.infrastructure.demo_data import DEMO, PERSON_NAMES, DemoCenter
from app.services.people.users import create_user, organisation, token_digest
from app.services.running.starting import begin_instance
from app.vocabulary import ProcessKey, Role


def seed_demo() -> dict[str, Any]:
    """Create (or refresh the credentials of) the demo data; returns users with fresh tokens and passwords."""
    users: list[dict[str, Any]] = []
    centers: list[dict[str, Any]] = []
    names = count()
    for policy, demo in DEMO.items():
        authority = organisation(demo.authority, Role.AUTHORITY, policy)
        main_orgs: dict[str, Organisation] = {}
        for number, spec in enumerate(demo.centers):
            orgs = {Role.AUTHORITY.value: authority, Role.SUPERVISOR.value: authority}
            orgs.update({role: organisation(name, role, policy) for role, name in spec.organisations.items()})
            center = _center(policy, spec, orgs)
            centers.append({"id": center.id, "policy": policy, "name": center.name, "status": center.status,
                            "category": center.category})
            if number == 0:
                main_orgs = orgs
                people = {str(role): orgs.get(role, authority) for role in ROLES}
                prefix = policy
            else:  # only the organisations the main center's users do not already sit in
                people = {role: org for role, org in orgs.items() if main_orgs.get(role) is not org}
                prefix = f"{policy}_{spec.slug}"
            for role, org in people.items():
                users.append(_demo_user(f"{prefix}_{role}", role, policy, org, PERSON_NAMES[next(names) % len(PERSON_NAMES)]))
    transactions.commit_and_expire()
    return {"users": users, "centers": centers}


def _center(policy: str, spec: DemoCenter, orgs: dict[str, Organisation]) -> Center:
    """The demo center named `spec.name`, created when missing; one seeded before a role existed gets that role."""
    center = db.session.scalar(select(Center).where(Center.name == spec.name))
    if center is None:
        center = Center(
            name=spec.name, policy=policy, category=spec.category, status=spec.status, approved_at=spec.approved_at,
            established_at=spec.established_at, profile=dict(spec.profile), created_at=clock.now(),
        )
        center.organisations = [CenterOrganisation(role=r, organisation_id=o.id) for r, o in orgs.items()]
        db.session.add(center)
        db.session.flush()
        for procedure in spec.running:  # needs the processes deployed (scripts/run deploys before the demo)
            try:
                begin_instance(None, str(ProcessKey(policy, procedure)), center, {}, clock.now(), started_by="demo")
            except DomainError as err:
                raise DomainError(_("演示中心 %(name)s 的程序未能启动（请先部署流程）：%(reason)s",
                                    name=spec.name, reason=err.message)) from err
        return center
    present = {o.role for o in center.organisations}
    center.organisations.extend(
        CenterOrganisation(role=r, organisation_id=o.id) for r, o in orgs.items() if r not in present)
    return center


def _demo_user(username: str, role: str, policy: str, org: Organisation, person: str) -> dict[str, Any]:
    password = secrets.token_urlsafe(9)
    token = secrets.token_urlsafe(24)
    display_name = f"{person}（{org.name}）"
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        user, token = create_user(
            username, role, display_name=display_name, organisation_id=org.id, policy=policy,
            password=password, token=token,
        )
    else:
        user.password_hash = generate_password_hash(password)
        user.token_hash = token_digest(token)
        user.display_name = display_name
    return {"name": username, "role": role, "policy": policy, "organisation": org.name,
            "display_name": display_name, "token": token, "password": password}
