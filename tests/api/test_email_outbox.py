"""Email copies of notifications: a transactional outbox delivered to a real local SMTP server (aiosmtpd)."""
from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Notification, User
from app.services.infrastructure.mailer import MAX_ATTEMPTS, backoff, deliver_due_emails
from tests.processes.test_nmg2025_annual_report import set_clock, start_report

APPLICANT_EMAIL = "applicant-a@example.cn"
REMINDER_AT = datetime(2027, 1, 1, 16, 0, tzinfo=UTC)  # 2027-01-02T00:00:00+08:00
REMINDER_SUBJECT = "年度报告即将到期：测试中心_a"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Collector:
    """aiosmtpd handler keeping every accepted message."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd hook)
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.lock:
            self.messages.append(parsed)
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    """A local SMTP server on a fixed free port; not listening until `start()`."""

    port: int
    handler: _Collector = field(default_factory=_Collector)
    controller: Controller | None = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(app: Flask) -> Iterator[SmtpServer]:
    server = SmtpServer(_free_port())
    app.config["TIC_SMTP_PORT"] = server.port
    try:
        yield server
    finally:
        server.stop()


def _give_email(app: Flask, username: str, address: str = APPLICANT_EMAIL) -> int:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        assert user is not None
        user.email = address
        db.session.commit()
        return user.id


def _reminder(app: Flask, user_id: int) -> Notification:
    with app.app_context():
        [note] = db.session.scalars(
            select(Notification).where(Notification.template == "annual_report_reminder", Notification.user_id == user_id)
        ).all()
        db.session.expunge(note)
        return note


def _deliver(app: Flask) -> Any:
    with app.app_context():
        return deliver_due_emails()


def _update(app: Flask, note_id: int, **values: Any) -> None:
    with app.app_context():
        note = db.session.get(Notification, note_id)
        assert note is not None
        for key, value in values.items():
            setattr(note, key, value)
        db.session.commit()


@pytest.fixture
def mail_paused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Clock moves run a scheduler tick that also delivers email: pause that step to watch the outbox."""
    monkeypatch.setattr("app.services.time.tick.deliver_emails", lambda: 0)


def _produce_reminder(app: Flask, people: dict[str, Any]) -> Notification:
    user_id = _give_email(app, people["applicant"].username)
    set_clock(people["supervisor"], "2026-12-01T09:00:00+08:00")
    start_report(people)
    set_clock(people["supervisor"], "2027-01-02T00:00:00+08:00")  # the reminder timer fires
    return _reminder(app, user_id)


@pytest.fixture
def reminded(app: Flask, people: dict[str, Any], mail_paused: None) -> Notification:
    """The applicant has an address; moving the clock fired the reminder; its email is queued, not yet sent."""
    return _produce_reminder(app, people)


def test_backoff_schedule() -> None:
    seconds = [backoff(n).total_seconds() for n in range(1, MAX_ATTEMPTS + 1)]
    assert seconds[:8] == [30, 60, 120, 240, 480, 960, 1920, 3600]
    assert set(seconds[7:]) == {3600}
    assert backoff(0) == timedelta(0)
    assert backoff(10_000) == timedelta(hours=1)


def test_reminder_email_is_queued_with_its_step_and_sent_once(
    app: Flask, people: dict[str, Any], reminded: Notification, smtp: SmtpServer
) -> None:
    # committed by the timer's step, before any delivery ran
    assert (reminded.email_to, reminded.email_status, reminded.email_attempts) == (APPLICANT_EMAIL, "pending", 0)
    assert reminded.email_next_attempt_at == REMINDER_AT == reminded.created_at
    assert reminded.title == REMINDER_SUBJECT
    smtp.start()
    report = _deliver(app)
    assert (report.sent, report.failed_attempts, report.gave_up) == (1, 0, 0)
    [message] = smtp.messages
    assert message["Subject"] == REMINDER_SUBJECT
    assert message["To"] == APPLICANT_EMAIL and message["From"] == "tic@localhost"
    content = message.get_content()
    assert "2027年1月31日 23:59" in content and reminded.body in content
    after = _reminder(app, reminded.user_id)
    assert (after.email_status, after.email_sent_at, after.email_attempts) == ("sent", REMINDER_AT, 0)
    assert _deliver(app).sent == 0
    assert len(smtp.messages) == 1


def test_users_without_address_get_no_email(app: Flask, people: dict[str, Any], reminded: Notification) -> None:
    set_clock(people["supervisor"], "2027-02-01T00:00:00+08:00")  # overdue: notifies the supervisor (no address)
    with app.app_context():
        overdue = db.session.scalars(select(Notification).where(Notification.template == "annual_report_overdue")).all()
    assert overdue and all((n.email_status, n.email_to) == ("none", None) for n in overdue)


def test_smtp_down_then_retry_after_backoff(
    app: Flask, people: dict[str, Any], reminded: Notification, smtp: SmtpServer
) -> None:
    report = _deliver(app)  # nothing listens on the port
    assert (report.sent, report.failed_attempts, report.gave_up) == (0, 1, 0)
    failed = _reminder(app, reminded.user_id)
    assert (failed.email_status, failed.email_attempts) == ("pending", 1)
    assert failed.email_last_error and "Connection" in failed.email_last_error
    assert failed.email_next_attempt_at == REMINDER_AT + timedelta(seconds=30)
    smtp.start()
    assert people["supervisor"].post("/api/v1/clock", json={"advance": "PT29S"}).status_code == 200
    assert _deliver(app).sent == 0  # not due yet
    assert smtp.messages == []
    assert people["supervisor"].post("/api/v1/clock", json={"advance": "PT1S"}).status_code == 200
    assert _deliver(app).sent == 1
    assert _deliver(app).sent == 0
    [message] = smtp.messages
    assert message["Subject"] == REMINDER_SUBJECT
    sent = _reminder(app, reminded.user_id)
    assert (sent.email_status, sent.email_attempts) == ("sent", 1)
    assert sent.email_sent_at == REMINDER_AT + timedelta(seconds=30)


def test_not_due_yet_is_not_sent(app: Flask, reminded: Notification, smtp: SmtpServer) -> None:
    _update(app, reminded.id, email_next_attempt_at=REMINDER_AT + timedelta(seconds=1))
    smtp.start()
    assert _deliver(app).sent == 0
    assert smtp.messages == []
    assert _reminder(app, reminded.user_id).email_status == "pending"


def test_gives_up_after_the_maximum_and_keeps_the_row(
    app: Flask, people: dict[str, Any], reminded: Notification, smtp: SmtpServer
) -> None:
    _update(app, reminded.id, email_attempts=MAX_ATTEMPTS - 1)
    report = _deliver(app)
    assert (report.sent, report.failed_attempts, report.gave_up) == (0, 1, 1)
    given_up = _reminder(app, reminded.user_id)
    assert (given_up.email_status, given_up.email_attempts) == ("failed", MAX_ATTEMPTS)
    assert given_up.email_last_error and given_up.email_next_attempt_at is None
    smtp.start()
    assert _deliver(app).sent == 0
    assert smtp.messages == []
    [visible] = people["applicant"].get("/api/v1/notifications").get_json()  # the notification itself is kept
    assert visible["id"] == reminded.id


def test_email_disabled_queues_nothing(app: Flask, people: dict[str, Any], mail_paused: None) -> None:
    app.config["TIC_EMAIL"] = False
    note = _produce_reminder(app, people)
    assert (note.email_status, note.email_to, note.email_next_attempt_at) == ("none", None, None)
    assert _deliver(app).sent == 0


def test_clock_move_tick_delivers_the_email(app: Flask, people: dict[str, Any], smtp: SmtpServer) -> None:
    smtp.start()  # the scheduler's tick (run by the clock move) delivers without a separate call
    note = _produce_reminder(app, people)
    assert (note.email_status, note.email_sent_at) == ("sent", REMINDER_AT)
    assert [m["Subject"] for m in smtp.messages] == [REMINDER_SUBJECT]


def test_concurrent_deliveries_send_each_email_once(
    app: Flask, people: dict[str, Any], reminded: Notification, smtp: SmtpServer
) -> None:
    with app.app_context():
        now = clock.now()
        for i in range(20):
            db.session.add(Notification(
                user_id=reminded.user_id, template="bulk", title=f"批量通知 {i}", body="正文", created_at=now,
                email_to=f"user{i}@example.cn", email_status="pending", email_attempts=0, email_next_attempt_at=now,
            ))
        db.session.commit()
    smtp.start()
    barrier = threading.Barrier(4)
    totals: list[int] = []

    def run() -> None:
        barrier.wait()
        with app.app_context():
            while (report := deliver_due_emails(limit=3)).sent:
                totals.append(report.sent)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(totals) == 21
    ids = [m["Message-ID"] for m in smtp.messages]
    assert len(ids) == 21 and len(set(ids)) == 21
    with app.app_context():
        statuses = db.session.scalars(select(Notification.email_status).where(Notification.email_to.is_not(None)))
        assert set(statuses) == {"sent"}
