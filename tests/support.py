"""Test data helpers shared by the suites (fast: no password hashing)."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from app import clock
from app.extensions import db
from app.models import Center, CenterOrganisation, ClockState
from app.services.people.users import create_user, organisation
from app.vocabulary import LANE_ROLES

ROLES = ("authority", "sponsor", "local_authority", "applicant", "council", "expert", "evaluator", "supervisor")


def seed_people(policy: str = "nmg2025") -> dict[str, Any]:
    """Centers A and B under `policy`; users `<role>` (center A's orgs), `<role>_b` (center B's) and admin."""
    authority = organisation(f"{policy} 科技厅", "authority", policy)
    users: dict[str, tuple[str, str, str]] = {}
    centers: dict[str, int] = {}
    for suffix in ("", "_b"):
        orgs = {"authority": authority, "supervisor": authority}
        for role in LANE_ROLES:
            if role not in orgs:
                orgs[role] = organisation(f"{policy} {role}{suffix or '_a'}", role, policy)
        center = Center(
            name=f"测试中心{suffix or '_a'}", policy=policy, category="field", status="established",
            approved_at=date(2026, 6, 1), established_at=date(2026, 6, 1), profile={}, created_at=clock.now(),
        )
        center.organisations = [CenterOrganisation(role=r, organisation_id=o.id) for r, o in orgs.items()]
        db.session.add(center)
        db.session.flush()
        centers["a" if not suffix else "b"] = center.id
        for role in ROLES:
            key = f"{role}{suffix}"
            if suffix and role in ("authority", "supervisor"):
                continue
            username = f"{policy}_{key}"
            _, token = create_user(username, role, organisation_id=orgs[role].id, policy=policy)
            users[key] = (username, role, token)
    _, token = create_user(f"{policy}_admin", "admin", organisation_id=authority.id)
    users["admin"] = (f"{policy}_admin", "admin", token)
    db.session.commit()
    return {"users": users, "centers": centers}


def set_stored_clock(moment: datetime) -> None:
    """Test setup only: store `moment` as the simulated clock (ClockState id=1) and commit.

    Unlike the clock API this may move the clock backwards and runs no tick; the caller holds an app context.
    """
    state = db.session.get(ClockState, 1)
    if state is None:
        db.session.add(ClockState(id=1, now=moment))
    else:
        state.now = moment
    db.session.commit()


FIXTURES = Path(__file__).resolve().parent / "fixtures"


BENCH_BPMN = Path(__file__).resolve().parents[1] / "benchmarks" / "three_tasks.bpmn"


def start_bench_instance(app: Any, people: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    """Deploy the benchmark's three-task process (nmg2025_bench) and start it for center a: the start's answer."""
    import shutil

    from app.services.infrastructure.deploy import deploy_file

    (tmp_path / "nmg2025").mkdir()
    shutil.copy(BENCH_BPMN, tmp_path / "nmg2025" / "bench.bpmn")
    with app.app_context():
        deploy_file(tmp_path / "nmg2025" / "bench.bpmn", tmp_path)
        db.session.commit()
    started = people["supervisor"].post("/api/v1/instances", json={"process_key": "nmg2025_bench",
                                                                   "center_id": people["centers"]["a"]})
    assert started.status_code == 201, started.get_json()
    body: dict[str, Any] = started.get_json()
    return body


def deploy_probes(*names: str, policy: str = "nmg2025") -> None:
    """Deploy test-only BPMN probes from tests/fixtures/<policy>/ (the caller holds an app context)."""
    from app.services.infrastructure.deploy import deploy_file

    for name in names:
        deploy_file(FIXTURES / policy / f"{name}.bpmn", FIXTURES)
    db.session.commit()
