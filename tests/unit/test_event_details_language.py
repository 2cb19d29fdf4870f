"""A procedure ended by its center's revocation reads in the reader's language, not the stored Chinese reason."""
from __future__ import annotations

import re

from flask import Flask
from flask_babel import force_locale

from app.models import Event
from app.services.monitoring.event_text import details

CJK = re.compile(r"[\u4e00-\u9fff]")


def _ended_by_revocation() -> Event:
    return Event(kind="instance_terminated", actor="system", article="第二十三条", payload={
        "reason": "中心已撤销（第二十三条，流程实例 7），本程序随之终止", "cause": "center_revoked",
        "revoked_by_instance": 7, "previous_status": "running", "cancelled_tasks": 1, "cancelled_timers": 0})


def test_the_revocation_reason_in_both_languages(app: Flask) -> None:
    with app.test_request_context():
        with force_locale("zh_CN"):
            chinese = details(_ended_by_revocation())
        with force_locale("en"):
            english = details(_ended_by_revocation())
    assert "中心已撤销" in chinese and "7" in chinese
    assert "7" in english and "revoked" in english.lower() and not CJK.search(english), english


def test_another_reason_is_shown_as_stored(app: Flask) -> None:
    event = Event(kind="instance_terminated", actor="system", payload={"reason": "管理员终止：重复发起"})
    with app.test_request_context(), force_locale("zh_CN"):
        assert "重复发起" in details(event)
