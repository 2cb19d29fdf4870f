"""A procedure ended by its center's revocation reads in the reader's language, not the stored Chinese reason."""
from __future__ import annotations

import json
import re
from pathlib import Path

from flask import Flask
from flask_babel import force_locale

from app.labels import RESULT_LABELS
from app.models import Event
from app.services.monitoring.event_text import details, people_names

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
    assert "撤销程序" not in chinese  # the revoking instance may be an evaluation (jinzhong 第二十二条)
    assert "7" in english and "revoked" in english.lower() and not CJK.search(english), english


def test_another_reason_is_shown_as_stored(app: Flask) -> None:
    event = Event(kind="instance_terminated", actor="system", payload={"reason": "管理员终止：重复发起"})
    with app.test_request_context(), force_locale("zh_CN"):
        assert "重复发起" in details(event)


ROOT = Path(__file__).resolve().parents[2]


def _result_codes() -> set[str]:
    """Every outcome and report status a process assigns, and every decision a form offers."""
    assigned = re.compile(r"\b(?:outcome|report_status)\s*=\s*'([a-z_]+)'")
    codes = {c for path in (ROOT / "processes").glob("*/*.bpmn") for c in assigned.findall(path.read_text("utf-8"))}
    for path in (ROOT / "forms").glob("*/*.json"):
        decision = json.loads(path.read_text("utf-8")).get("properties", {}).get("decision", {})
        codes |= set(decision.get("enum", []))
    return codes


def test_every_result_a_procedure_records_has_its_words() -> None:
    codes = _result_codes()
    assert {"filed", "adopted", "file", "accepted"} <= codes  # the scan finds them
    assert sorted(codes - set(RESULT_LABELS)) == []


def test_an_ended_procedure_reads_its_result_in_both_languages(app: Flask) -> None:
    event = Event(kind="instance_completed", actor="system", payload={"result": {"decision": "file",
                                                                                 "outcome": "filed"}})
    with app.test_request_context():
        with force_locale("zh_CN"):
            chinese = details(event)
        with force_locale("en"):
            english = details(event)
    assert chinese == "结论：予以备案；结果：已备案", chinese
    assert "file" not in chinese and not CJK.search(english) and "Filed" in english, english


def test_who_started_a_procedure_reads_as_a_person_or_a_procedure(app: Flask) -> None:
    with app.test_request_context():
        with force_locale("zh_CN"):
            chinese = people_names(["instance:15", "system", None, "nobody_known"])
        with force_locale("en"):
            english = people_names(["instance:15"])
    assert chinese["instance:15"] == "流程实例 15" and chinese["system"] == "系统"
    assert chinese.get("nobody_known", "nobody_known") == "nobody_known" and None not in chinese
    assert "15" in english["instance:15"] and not CJK.search(english["instance:15"]), english
