"""Designers' drafts: saved on the server, one per designer and process, seen only by their owner."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from app import clock
from app.errors import InvalidSubmission, NotFound
from app.extensions import db
from app.models import DesignDraft, User
from app.services import transactions
from app.services.design.guard import require_designer
from app.services.design.safe_xml import MAX_BPMN_BYTES, UnsafeXml, parse_bpmn_bytes
from app.services.paging import EVERYTHING, Page, Window, fetch_page


def list_drafts(user: User, window: Window = EVERYTHING) -> Page[DesignDraft]:
    """The caller's drafts, most recently saved first: one window of them and the total."""
    require_designer(user)
    return fetch_page(select(DesignDraft).where(DesignDraft.owner_id == user.id)
                      .order_by(DesignDraft.updated_at.desc(), DesignDraft.id.desc()), window)


def get_draft(user: User, process_key: str) -> DesignDraft:
    """The caller's draft of a process (404 when none is saved)."""
    require_designer(user)
    draft = db.session.scalar(select(DesignDraft).where(DesignDraft.owner_id == user.id,
                                                        DesignDraft.process_key == process_key))
    if draft is None:
        raise NotFound(_("没有 %(key)s 的草稿", key=process_key))
    return draft


def save_draft(user: User, process_key: str, xml: str, base_version: int | None) -> DesignDraft:
    """Save (or replace) the caller's draft; it must be well-formed, safe XML, not necessarily valid BPMN."""
    require_designer(user, process_key)
    data = xml.encode("utf-8")
    if len(data) > MAX_BPMN_BYTES:
        raise InvalidSubmission(_("草稿过大"), {"xml": [_("上限 %(limit)s 字节", limit=MAX_BPMN_BYTES)]})
    try:
        parse_bpmn_bytes(data)
    except UnsafeXml as err:
        raise InvalidSubmission(_("草稿不是可接受的 XML"), {"xml": [err.message]}) from err
    with transactions.edge():
        now = clock.now()
        draft = db.session.scalar(select(DesignDraft).where(DesignDraft.owner_id == user.id,
                                                            DesignDraft.process_key == process_key))
        if draft is None:
            draft = DesignDraft(owner_id=user.id, process_key=process_key, xml=xml, updated_at=now)
            db.session.add(draft)
        draft.xml, draft.base_version, draft.updated_at = xml, base_version, now
    return draft


def delete_draft(user: User, process_key: str) -> None:
    """Discard the caller's draft of a process."""
    with transactions.edge():
        db.session.delete(get_draft(user, process_key))
