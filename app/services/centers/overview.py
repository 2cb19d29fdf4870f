"""What the center pages show, assembled in one call each: the list, and one center with its history."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Center, Event, HumanTask, Organisation, ProcessDefinition, ProcessInstance, StoredFile, User
from app.services.centers import registry as centers
from app.services.infrastructure import files as file_store
from app.services.time import deadlines
from app.vocabulary import TaskState

EVENTS_PER_INSTANCE = 200


@dataclass
class CenterRow:
    """A center in the list, with its next statutory deadline."""

    center: Center
    next_deadline: deadlines.Deadline | None


@dataclass
class Procedure:
    """One instance of the center with its open tasks and its audit trail (oldest first)."""

    instance: ProcessInstance
    name: str
    ready_tasks: list[HumanTask]
    events: list[Event]


@dataclass
class CenterPage:
    """A center: profile, organisations by role, status history, deadlines, documents and procedures."""

    center: Center
    organisations: list[tuple[str, str]]
    status_history: list[Event]
    deadlines: list[deadlines.Deadline]
    files: list[StoredFile]
    procedures: list[Procedure]
    now: datetime


def center_list(user: User, policy: str | None = None) -> list[CenterRow]:
    """The centers visible to `user`, each with its next deadline."""
    now = clock.now()
    rows = []
    for center in centers.list_centers(user, policy):
        upcoming = [d for d in deadlines.center_deadlines(center, now) if d.due >= now]
        rows.append(CenterRow(center, upcoming[0] if upcoming else None))
    return rows


def center_page(user: User, center_id: int) -> CenterPage:
    """One center visible to `user` (else NotFound) with everything its page shows."""
    center = centers.get_center(user, center_id)
    now = clock.now()
    org_names = dict(db.session.execute(
        select(Organisation.id, Organisation.name).where(
            Organisation.id.in_([o.organisation_id for o in center.organisations]))
    ).tuples().all())
    organisations = sorted((o.role, org_names.get(o.organisation_id, "")) for o in center.organisations)
    instances = list(db.session.scalars(
        select(ProcessInstance).where(ProcessInstance.center_id == center.id).order_by(ProcessInstance.started_at.desc(),
                                                                                       ProcessInstance.id.desc())
    ))
    events = list(db.session.scalars(select(Event).where(Event.center_id == center.id).order_by(Event.at, Event.id)))
    ready = list(db.session.scalars(
        select(HumanTask).where(HumanTask.center_id == center.id, HumanTask.state == TaskState.READY).order_by(HumanTask.id)
    ))
    names = _definition_names([i.definition_id for i in instances])
    procedures = [
        Procedure(
            i, names.get(i.definition_id, i.process_key), [t for t in ready if t.instance_id == i.id],
            [e for e in events if e.instance_id == i.id][-EVENTS_PER_INSTANCE:],
        )
        for i in instances
    ]
    history = [e for e in events if e.kind == "center_status_changed"]
    return CenterPage(center, organisations, history, deadlines.center_deadlines(center, now),
                      file_store.center_files(center.id), procedures, now)


def _definition_names(ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(
        select(ProcessDefinition.id, ProcessDefinition.name).where(ProcessDefinition.id.in_(set(ids)))
    ).tuples().all())
