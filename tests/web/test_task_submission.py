"""A web submission is one transaction: nothing stored when it fails, one COMMIT when it succeeds, 409 for a race."""
from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, func, select

from app.extensions import db
from app.models import HumanTask, StoredFile
from tests.web.conftest import GOOD_REPORT, csrf_token, logged_in
from tests.web.test_pages import post_form, use_members_form


@contextmanager
def counting_commits(app: Flask) -> Iterator[list[int]]:
    """Count COMMITs on the app's engine while the block runs."""
    seen: list[int] = []
    with app.app_context():
        engine = db.engine

    def on_commit(_conn: Any) -> None:
        seen.append(1)

    event.listen(engine, "commit", on_commit)
    try:
        yield seen
    finally:
        event.remove(engine, "commit", on_commit)


def _files_on_disk(tmp_path: Path) -> list[Path]:
    return [p for p in (tmp_path / "files").rglob("*") if p.is_file()]


def test_completing_through_the_web_form_is_one_commit(app: Flask, staff: dict[str, Any], tmp_path: Path) -> None:
    task_id = use_members_form(app, staff, tmp_path)
    client = logged_in(app, staff["applicant"])
    token = csrf_token(client.get(f"/tasks/{task_id}").get_data(as_text=True))
    form = {"members.0.name": "张三", "agree": "true", "action": "complete", "csrf_token": token,
            "attachments": (io.BytesIO(b"%PDF-1.4 minutes"), "会议纪要.pdf")}
    with counting_commits(app) as commits:
        response = client.post(f"/tasks/{task_id}", data=form, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert len(commits) == 1
    with app.app_context():
        task = db.session.get(HumanTask, task_id)
        assert task is not None and task.state == "completed" and task.draft is None
        [stored] = db.session.scalars(select(StoredFile)).all()
        assert task.data is not None and task.data["attachments"] == [{"name": "会议纪要.pdf", "file_id": stored.id}]
    assert len(_files_on_disk(tmp_path)) == 1


def test_a_refused_submission_stores_no_file(app: Flask, staff: dict[str, Any], tmp_path: Path) -> None:
    task_id = use_members_form(app, staff, tmp_path)
    client = logged_in(app, staff["applicant"])
    response = post_form(client, f"/tasks/{task_id}", {  # `members` is required: the form is invalid
        "agree": "true", "action": "complete", "attachments": (io.BytesIO(b"%PDF-1.4"), "a.pdf"),
    }, content_type="multipart/form-data")
    assert response.status_code == 422
    alert = response.get_data(as_text=True).split('data-testid="task-alert">', 1)[1].split("</div>", 1)[0]
    assert alert == "所选文件未保存，请改正后重新选择：a.pdf"  # the browser cannot keep a chosen file: say so
    assert _files_on_disk(tmp_path) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 0
        task = db.session.get(HumanTask, task_id)
        assert task is not None and task.state == "ready" and task.draft is None and task.claimed_by is None


def test_a_failure_after_the_files_were_stored_removes_them(app: Flask, staff: dict[str, Any], tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from app.services.tasks import actions

    def broken_step(*_args: Any, **_kwargs: Any) -> set[str]:
        raise RuntimeError("disk full while writing the read models")

    task_id = use_members_form(app, staff, tmp_path)
    monkeypatch.setattr(actions, "record_step", broken_step)
    client = logged_in(app, staff["applicant"])
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = post_form(client, f"/tasks/{task_id}", {
        "members.0.name": "张三", "agree": "true", "action": "complete",
        "attachments": (io.BytesIO(b"%PDF-1.4"), "a.pdf"),
    }, content_type="multipart/form-data")
    assert response.status_code == 500
    assert _files_on_disk(tmp_path) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 0
        task = db.session.get(HumanTask, task_id)
        assert task is not None and task.state == "ready"


def test_two_people_submitting_at_once_one_wins_the_other_gets_409(app: Flask, staff: dict[str, Any],
                                                                    tmp_path: Path) -> None:
    from tests.web.conftest import create_web_user, ready_task_id, set_clock, start_annual_report

    with app.app_context():
        from app.models import User

        org = db.session.get(User, staff["applicant"].id).organisation_id  # type: ignore[union-attr]
    colleague = create_web_user(app, "colleague", "applicant", org, "nmg2025")
    set_clock(app, "2026-12-01T09:00:00+08:00")
    clients = [logged_in(app, staff["applicant"]), logged_in(app, colleague)]
    statuses: list[int] = []
    for year in (2026, 2027, 2028, 2029, 2030):  # several races, each on a fresh task nobody has claimed
        start_annual_report(app, staff, "a", year)
        task_id = ready_task_id(app, "submit_report", staff["centers"]["a"]) if year == 2026 else _newest(app)
        tokens = [csrf_token(c.get(f"/tasks/{task_id}").get_data(as_text=True)) for c in clients]
        barrier = threading.Barrier(2)
        results: list[int] = []

        def submit(i: int, task_id: int = task_id, tokens: list[str] = tokens, results: list[int] = results,
                   barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            answer = clients[i].post(f"/tasks/{task_id}", data={**GOOD_REPORT, "action": "complete",
                                                                 "csrf_token": tokens[i]})
            results.append(answer.status_code)

        threads = [threading.Thread(target=submit, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        statuses.extend(results)
        assert sorted(results) == [302, 409], results
    assert 500 not in statuses


def _newest(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.max(HumanTask.id)).where(HumanTask.state == "ready")) or 0)
