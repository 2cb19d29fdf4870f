"""Demo organisations, users (one per role and policy, more for further centers) and the demo centers."""
from __future__ import annotations

import secrets
from datetime import UTC, datetime
from itertools import count
from typing import Any

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Center, CenterOrganisation, Organisation, User
from app.models.people import ROLES
from app.services import transactions
from app.services.infrastructure import demo_story
from app.services.infrastructure.demo_data import DEMO, PERSON_NAMES, DemoCenter
from app.services.people.users import create_user, hash_password, organisation, token_digest
from app.vocabulary import Role


def seed_demo() -> dict[str, Any]:
    """Create (or refresh the credentials of) the demo data; returns users with fresh tokens and passwords.

    On a database without any process instance the demo centers are created with their history (demo_story):
    the clock goes back to the first approval and the procedures run to today through the services.
    """
    if not demo_story.history_possible():
        return _seed([])
    today = clock.now() if clock.is_simulated() else datetime.now(UTC)
    with demo_story.simulated_clock():
        began = demo_story.at(min(c.approved_at for d in DEMO.values() for c in d.centers if c.approved_at))
        if began >= today:  # a rehearsal set before the demo's history: the centers only
            return _seed([])
        clock.start_at(began.astimezone(UTC))
        lived: list[tuple[Center, DemoCenter]] = []
        result = _seed(lived)
        demo_story.live(lived, today)
    statuses = {center_id: status for center_id, status in db.session.execute(select(Center.id, Center.status).where(
        Center.id.in_([listed["id"] for listed in result["centers"]])))}
    for listed in result["centers"]:  # as the history left them, not as they were created
        listed["status"] = statuses[listed["id"]]
    return result


def _seed(lived: list[tuple[Center, DemoCenter]]) -> dict[str, Any]:
    """Organisations, centers (the new ones appended to `lived`) and users, committed."""
    users: list[dict[str, Any]] = []
    centers: list[dict[str, Any]] = []
    names = count()
    for policy, demo in DEMO.items():
        authority = organisation(demo.authority, Role.AUTHORITY, policy)
        main_orgs: dict[str, Organisation] = {}
        for number, spec in enumerate(demo.centers):
            orgs = {Role.AUTHORITY.value: authority, Role.SUPERVISOR.value: authority}
            orgs.update({role: organisation(name, role, policy) for role, name in spec.organisations.items()})
            center = _center(policy, spec, orgs, lived)
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


def _center(policy: str, spec: DemoCenter, orgs: dict[str, Organisation],
            lived: list[tuple[Center, DemoCenter]]) -> Center:
    """The demo center named `spec.name`, created when missing (and added to `lived`); one seeded before a role
    existed gets that role."""
    center = db.session.scalar(select(Center).where(Center.name == spec.name))
    if center is None:
        center = Center(
            name=spec.name, policy=policy, category=spec.category, status=spec.status, approved_at=spec.approved_at,
            established_at=spec.established_at, profile=dict(spec.profile), created_at=clock.now(),
        )
        center.organisations = [CenterOrganisation(role=r, organisation_id=o.id) for r, o in orgs.items()]
        db.session.add(center)
        db.session.flush()
        lived.append((center, spec))
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
        user.password_hash = hash_password(password)
        user.token_hash = token_digest(token)
        user.display_name = display_name
    return {"name": username, "role": role, "policy": policy, "organisation": org.name,
            "display_name": display_name, "token": token, "password": password}
