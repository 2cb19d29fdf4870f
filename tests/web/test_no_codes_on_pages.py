"""The Chinese pages speak Chinese: no code of the vocabulary (role, status, procedure, event kind, policy key)
reaches the visible text of the key pages. Attribute values (data-*, classes, links) may carry codes; text may not."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from flask import Flask

from app.labels import EVENT_KIND_LABELS
from app.vocabulary import CenterStatus, InstanceStatus, Policy, Procedure, Role
from tests.web.conftest import logged_in, ready_task_id, set_clock, start_annual_report

CODES = {*(str(v) for v in (*Role, *CenterStatus, *InstanceStatus, *Procedure, *Policy)), *EVENT_KIND_LABELS}
# words that are codes only with an underscore or as a whole lowercase token
TOKEN = re.compile(r"[a-z][a-z0-9_]+")


class _Text(HTMLParser):
    """The text a person sees: not scripts, styles or JSON data islands."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "datalist"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "datalist"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_codes(html: str) -> set[str]:
    parser = _Text()
    parser.feed(html)
    return {t for t in TOKEN.findall(" ".join(parser.parts)) if t in CODES}


def _people_named_in_chinese(app: Flask) -> None:
    """The seeded test people and organisations are named after codes (`nmg2025 applicant_a`): rename them as
    real ones are named, so that only what the application itself writes is scanned."""
    from app.extensions import db
    from app.models import Organisation, User

    with app.app_context():
        for n, org in enumerate(db.session.query(Organisation).all()):
            org.name = f"示范单位{n + 1}"
        for n, user in enumerate(db.session.query(User).all()):
            user.display_name = f"示范人员{n + 1}"
        db.session.commit()


def test_key_pages_show_no_codes(app: Flask, staff: dict[str, Any]) -> None:
    _people_named_in_chinese(app)
    set_clock(app, "2026-12-01T09:00:00+08:00")
    report = start_annual_report(app, staff)
    task_id = ready_task_id(app, "submit_report")
    center = staff["centers"]["a"]
    pages = {
        "applicant": ["/", f"/tasks/{task_id}", f"/centers/{center}", "/centers", "/notifications"],
        "supervisor": [f"/monitor/instances/{report}", "/monitor/instances", "/monitor/deadlines", "/dashboard",
                       f"/centers/{center}"],
    }
    found = {}
    for who, paths in pages.items():
        client = logged_in(app, staff[who])
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            codes = visible_codes(response.get_data(as_text=True))
            if codes:
                found[path] = sorted(codes)
    assert found == {}
