"""Email outbox delivery: send due pending notification emails over SMTP, retrying with backoff."""
from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from flask import current_app
from sqlalchemy import Select, select

from app import clock
from app.extensions import db
from app.models import Notification
from app.services import transactions

BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=1)
MAX_ATTEMPTS = 20
ERROR_CHARS = 1000


@dataclass
class DeliveryReport:
    """What one delivery run did: emails sent, failed attempts (gave_up included), emails given up."""

    sent: int = 0
    failed_attempts: int = 0
    gave_up: int = 0


def backoff(attempts: int) -> timedelta:
    """Wait before the next try after `attempts` failures: 30 s × 2^(attempts-1), at most one hour."""
    if attempts < 1:
        return timedelta(0)
    if attempts > 12:  # 30 s × 2^12 is far past the cap; avoid huge integers
        return BACKOFF_CAP
    return min(BACKOFF_BASE * (1 << (attempts - 1)), BACKOFF_CAP)


def deliver_due_emails(limit: int = 100) -> DeliveryReport:
    """Send up to `limit` due pending emails, one claimed row per transaction (commits); stops at a failure."""
    report = DeliveryReport()
    config = current_app.config
    if not config.get("TIC_EMAIL", True):
        return report
    now = clock.now()
    anything_due = _due_query(now).with_only_columns(Notification.id).limit(1)
    due = db.session.scalar(anything_due) is not None
    transactions.rollback()  # connect to SMTP holding no database lock
    if not due:
        return report
    try:
        smtp = smtplib.SMTP(config["TIC_SMTP_HOST"], int(config["TIC_SMTP_PORT"]), timeout=float(config["TIC_SMTP_TIMEOUT"]))
    except OSError as err:  # refused, unreachable, timed out, bad greeting (SMTPException is an OSError)
        note = _claim(now)
        if note is not None:
            _record_failure(note, err, report)
        transactions.commit_and_expire()
        return report
    try:
        for _ in range(limit):
            note = _claim(now)
            if note is None:
                break
            try:
                smtp.send_message(_message(note, str(config["TIC_SMTP_FROM"])))
            except OSError as err:
                _record_failure(note, err, report)
                transactions.commit_and_expire()
                break  # the connection may be unusable: the next run reconnects and goes on
            note.email_status = "sent"
            note.email_sent_at = clock.now()
            transactions.commit_and_expire()  # same transaction that claimed the row: a sent email is never claimed again
            report.sent += 1
        transactions.rollback()
    finally:
        _quit(smtp)
    return report


def _due_query(now: datetime) -> Select[tuple[Notification]]:
    return (
        select(Notification)
        .where(
            Notification.email_status == "pending", Notification.email_to.is_not(None),
            Notification.email_next_attempt_at <= now,
        )
        .order_by(Notification.email_next_attempt_at, Notification.id)
    )


def _claim(now: datetime) -> Notification | None:
    """Lock the next due pending email: FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite's BEGIN IMMEDIATE lock."""
    query = _due_query(now).limit(1)
    query = transactions.claim(query)
    return db.session.scalar(query.execution_options(populate_existing=True))


def _record_failure(note: Notification, err: OSError, report: DeliveryReport) -> None:
    """Count a failed attempt and schedule the next one, or give up after MAX_ATTEMPTS (the row is kept)."""
    note.email_attempts = (note.email_attempts or 0) + 1
    note.email_last_error = f"{type(err).__name__}: {err}"[:ERROR_CHARS]
    report.failed_attempts += 1
    if note.email_attempts >= MAX_ATTEMPTS:
        note.email_status = "failed"
        note.email_next_attempt_at = None
        report.gave_up += 1
    else:
        note.email_next_attempt_at = clock.now() + backoff(note.email_attempts)


def _message(note: Notification, sender: str) -> EmailMessage:
    """The email for a notification: UTF-8 subject and plain-text body, a stable Message-ID per notification."""
    message = EmailMessage()
    message["Subject"] = note.title
    message["From"] = sender
    message["To"] = note.email_to
    message["Date"] = format_datetime(note.created_at)
    message["Message-ID"] = f"<tic-notification-{note.id}@{sender.rpartition('@')[2] or 'localhost'}>"
    message.set_content(note.body)
    return message


def _quit(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except OSError:
        smtp.close()
