"""Page tests with Flask's client: login, CSRF, rate limit, language, inbox, claims, task forms, files, centers."""
from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from app.extensions import db
from app.models import User
from tests.web.conftest import (
    GOOD_REPORT,
    PASSWORD,
    create_web_user,
    csrf_token,
    logged_in,
    login,
    ready_task_id,
    set_clock,
    start_annual_report,
)

ROOT = Path(__file__).resolve().parents[2]
MEMBERS_FORM = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "测试：理事会组成",
    "description": "请填写理事会成员并上传章程（测试表单）。",
    "x-article": "第十四条",
    "type": "object",
    "properties": {
        "members": {
            "type": "array", "title": "理事会成员", "minItems": 1,
            "items": {"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string", "title": "姓名", "minLength": 1},
                "title": {"type": "string", "title": "职务"},
                "since": {"type": "string", "format": "date", "title": "任职日期"},
                "share": {"type": "number", "title": "出资", "x-unit": "万元", "minimum": 0},
                "fulltime": {"type": "boolean", "title": "专职"},
            }},
        },
        "agree": {"type": "boolean", "title": "承诺所填信息真实"},
        "founded": {"type": "string", "format": "date", "title": "成立日期"},
        "level": {"type": "string", "title": "级别", "enum": ["a", "b", "c", "d", "e"],
                  "x-enum-labels": {"a": "国家级", "b": "省级", "c": "市级", "d": "县级", "e": "其他"}},
        "attachments": {"type": "array", "title": "附件", "x-widget": "file", "items": {
            "type": "object", "properties": {"name": {"type": "string"}, "file_id": {"type": "string"}}}},
    },
    "required": ["members", "agree"],
    "additionalProperties": False,
}


def use_members_form(app: Flask, staff: dict[str, Any], tmp_path: Path) -> int:
    """A ready applicant task of center A whose form is MEMBERS_FORM (copied forms dir); returns its id."""
    from app.models import HumanTask

    forms = tmp_path / "forms"
    if not forms.exists():
        shutil.copytree(ROOT / "forms", forms)
        (forms / "test").mkdir()
        (forms / "test" / "members.json").write_text(json.dumps(MEMBERS_FORM, ensure_ascii=False), encoding="utf-8")
    app.config["TIC_FORMS_DIR"] = forms
    set_clock(app, "2026-12-01T09:00:00+08:00")
    start_annual_report(app, staff)
    task_id = ready_task_id(app, "submit_report", staff["centers"]["a"])
    with app.app_context():
        task = db.session.get(HumanTask, task_id)
        assert task is not None
        task.form_key = "test/members.json"
        db.session.commit()
    return task_id


def page_of(client: FlaskClient, path: str) -> tuple[int, str]:
    response = client.get(path)
    return response.status_code, response.get_data(as_text=True)


def status_of(client: FlaskClient, path: str) -> int:
    response = client.get(path)
    response.close()  # a file response holds its file open until closed
    return response.status_code


def post_form(client: FlaskClient, path: str, data: dict[str, Any], **kw: Any) -> Any:
    token = csrf_token(client.get(path).get_data(as_text=True))
    return client.post(path, data={**data, "csrf_token": token}, **kw)


@pytest.fixture
def report(app: Flask, staff: dict[str, Any]) -> int:
    set_clock(app, "2026-12-01T09:00:00+08:00")
    return start_annual_report(app, staff)


# --- login, CSRF, rate limit, language ---------------------------------------------------------------------------


def test_login_page_and_login(app: Flask, staff: dict[str, Any]) -> None:
    client = app.test_client()
    assert client.get("/").headers["Location"].startswith("/login?next=")
    status, html = page_of(client, "/login")
    assert status == 200 and 'name="username"' in html and 'name="password"' in html and 'name="csrf_token"' in html
    bad = login(client, staff["applicant"].username, "wrong")
    assert bad.status_code == 401 and "用户名或密码错误" in bad.get_data(as_text=True)
    assert login(client, "nobody", "wrong").get_data(as_text=True).count("用户名或密码错误") == 1
    ok = login(client, staff["applicant"].username)
    assert ok.status_code == 302 and ok.headers["Location"] == "/"
    status, html = page_of(client, "/")
    assert status == 200 and staff["applicant"].username in html


def test_the_icon_is_served_without_login(app: Flask) -> None:
    client = app.test_client()
    moved = client.get("/favicon.ico")
    assert moved.status_code == 301 and moved.headers["Location"].endswith("/static/favicon.svg")
    with client.get(moved.headers["Location"]) as icon:  # a file response: close it
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in icon.data
    assert 'rel="icon"' in page_of(client, "/login")[1]


def test_login_redirects_only_to_local_next(app: Flask, staff: dict[str, Any]) -> None:
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    form = {"username": staff["applicant"].username, "password": PASSWORD, "csrf_token": token}
    response = client.post("/login?next=https://evil.example/x", data=form)
    assert response.headers["Location"] == "/"
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login?next=/centers", data={**form, "csrf_token": token})
    assert response.headers["Location"] == "/centers"


def test_passwords_are_hashed_with_a_current_algorithm(app: Flask) -> None:
    from sqlalchemy import select

    from app.models import User
    from app.services.people.users import create_user

    with app.app_context():
        create_user("hash_check", "applicant", password="s3cret-Pass")
        db.session.commit()
        stored = db.session.scalar(select(User.password_hash).where(User.username == "hash_check"))
    assert stored and stored.startswith(("scrypt:", "pbkdf2:sha256")) and "s3cret" not in stored
    assert login(app.test_client(), "hash_check", "s3cret-Pass").status_code == 302  # as `tic demo` users do


def test_logout_needs_post_with_token(app: Flask, staff: dict[str, Any]) -> None:
    client = logged_in(app, staff["applicant"])
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no CSRF token
    assert client.get("/").status_code == 200
    token = csrf_token(client.get("/").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).headers["Location"] == "/login"
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("path", ["/login", "/tasks/1", "/tasks/1/claim", "/tasks/1/unclaim", "/logout"])
def test_csrf_enforced_on_every_form(app: Flask, staff: dict[str, Any], report: int, path: str) -> None:
    client = logged_in(app, staff["applicant"])
    task_id = ready_task_id(app, "submit_report", staff["centers"]["a"])
    path = path.replace("/1", f"/{task_id}")
    response = client.post(path, data={**GOOD_REPORT, "action": "complete", "username": "x", "password": "y"})
    assert response.status_code == 400
    assert "表单可能已过期" in response.get_data(as_text=True)
    from app.models import HumanTask

    with app.app_context():
        task = db.session.get(HumanTask, task_id)
        assert task is not None and task.state == "ready" and task.claimed_by is None and task.draft is None


def test_api_is_not_subject_to_csrf(app: Flask, staff: dict[str, Any], report: int) -> None:
    client = app.test_client()
    task_id = ready_task_id(app, "submit_report", staff["centers"]["a"])
    response = client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {"summary": "x"}},
                           headers={"Authorization": f"Bearer {staff['applicant'].token}"})
    assert response.status_code == 422 and response.is_json  # validated by the API, not refused by CSRF


def test_login_is_rate_limited(app: Flask, staff: dict[str, Any]) -> None:
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    form = {"username": staff["applicant"].username, "password": "wrong", "csrf_token": token}
    statuses = [client.post("/login", data=form).status_code for _ in range(10)]
    assert statuses == [401] * 10
    blocked = client.post("/login", data={**form, "password": PASSWORD})
    assert blocked.status_code == 429
    assert "登录尝试过于频繁" in blocked.get_data(as_text=True)
    assert client.get("/login").status_code == 200  # only POST is limited


def test_language_switch(app: Flask, staff: dict[str, Any]) -> None:
    client = logged_in(app, staff["applicant"])
    assert "收件箱" in client.get("/").get_data(as_text=True)
    response = client.get("/lang/en?next=/centers")
    assert response.status_code == 302 and response.headers["Location"] == "/centers"
    assert "lang=en" in response.headers["Set-Cookie"]
    html = client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "Inbox" in html and 'lang="en"' in html  # the choice wins over Accept-Language
    assert client.get("/lang/zh-CN?next=https://evil.example").headers["Location"] == "/"
    assert "收件箱" in client.get("/").get_data(as_text=True)
    assert client.get("/lang/xx").status_code == 404
    fresh = app.test_client()  # without a choice, Accept-Language decides
    assert "Sign in" in fresh.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    fresh.set_cookie("lang", "en")
    assert "Sign in" in fresh.get("/login").get_data(as_text=True)


# --- inbox, claims ---------------------------------------------------------------------------------------------------


def test_inbox_lists_my_tasks_with_counts_and_filters(app: Flask, staff: dict[str, Any], report: int) -> None:
    start_annual_report(app, staff, center="b")
    client = logged_in(app, staff["applicant"])
    status, html = page_of(client, "/")
    assert status == 200 and html.count('data-element="submit_report"') == 1 and "测试中心_a" in html
    assert 'data-testid="count-all"><strong>1</strong>' in html
    assert 'data-testid="count-soon"><strong>0</strong>' in html
    for query, expected in [("procedure=annual_report", 1), ("procedure=evaluation", 0), ("policy=nmg2025", 1),
                            ("policy=national", 0), (f"center={staff['centers']['a']}", 1),
                            (f"center={staff['centers']['b']}", 0), ("due=overdue", 0), ("due=soon", 0),
                            ("sort=-due", 1), ("due=mine", 0)]:
        assert page_of(client, f"/?{query}")[1].count('data-element="submit_report"') == expected, query
    other = logged_in(app, staff["applicant_b"])
    html = page_of(other, "/")[1]
    assert html.count('data-element="submit_report"') == 1 and "测试中心_b" in html and "测试中心_a" not in html

    set_clock(app, "2027-01-28T09:00:00+08:00")  # due 31 January: within 7 days
    html = page_of(client, "/?due=soon")[1]
    assert html.count('data-element="submit_report"') == 1 and "即将到期" in html
    set_clock(app, "2027-02-01T00:00:01+08:00")
    html = page_of(client, "/?due=overdue")[1]
    assert html.count('data-element="submit_report"') == 1 and 'data-testid="count-overdue"><strong>1</strong>' in html


def test_claim_and_unclaim(app: Flask, staff: dict[str, Any], report: int) -> None:
    from app.models import User

    with app.app_context():
        org = db.session.get(User, staff["applicant"].id).organisation_id  # type: ignore[union-attr]
    colleague = create_web_user(app, "colleague", "applicant", org, "nmg2025")
    task_id = ready_task_id(app, "submit_report")
    me, them = logged_in(app, staff["applicant"]), logged_in(app, colleague)
    token = csrf_token(me.get("/").get_data(as_text=True))
    assert me.post(f"/tasks/{task_id}/claim", data={"csrf_token": token, "next": "/"}).status_code == 302
    html = page_of(me, "/?due=mine")[1]
    assert 'data-testid="count-mine"><strong>1</strong>' in html and "放弃认领" in html
    assert staff["applicant"].username in page_of(them, "/")[1]
    # the colleague can neither claim nor submit it
    token2 = csrf_token(them.get("/").get_data(as_text=True))
    them.post(f"/tasks/{task_id}/claim", data={"csrf_token": token2})
    assert "已由" in page_of(them, f"/tasks/{task_id}")[1]
    blocked = them.post(f"/tasks/{task_id}", data={**GOOD_REPORT, "action": "complete", "csrf_token": token2})
    assert blocked.status_code == 409 and "认领" in blocked.get_data(as_text=True)
    refused = them.post(f"/tasks/{task_id}/unclaim", data={"csrf_token": token2})  # not theirs to give back
    assert refused.status_code == 409 and "您没有认领该任务" in refused.get_data(as_text=True)
    me.post(f"/tasks/{task_id}/unclaim", data={"csrf_token": token})
    them.post(f"/tasks/{task_id}/claim", data={"csrf_token": token2})
    assert "您已认领此任务" in page_of(them, f"/tasks/{task_id}")[1]


# --- task page -----------------------------------------------------------------------------------------------------


def test_task_page_shows_form_instructions_and_article(app: Flask, staff: dict[str, Any], report: int) -> None:
    client = logged_in(app, staff["applicant"])
    task_id = ready_task_id(app, "submit_report")
    status, html = page_of(client, f"/tasks/{task_id}")
    assert status == 200
    assert "第二十九条" in html and "应于每年1月底前" in html  # article and the form's instructions
    assert 'name="summary"' in html and "<textarea" in html
    assert 'name="annual_operating_funds"' in html and "万元" in html and "m²" in html  # numbers with units
    assert "2027-01-31 23:59" in html and "测试中心_a" in html


def test_validation_messages_beside_fields_and_nothing_lost(app: Flask, staff: dict[str, Any], report: int) -> None:
    client = logged_in(app, staff["applicant"])
    task_id = ready_task_id(app, "submit_report")
    bad = {**GOOD_REPORT, "summary": "", "fulltime_researchers": "-3", "annual_operating_funds": "八百"}
    response = post_form(client, f"/tasks/{task_id}", {**bad, "action": "complete"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'data-error-for="summary">上年度工作总结 为必填项' in html
    assert 'data-error-for="fulltime_researchers">专职固定科研人员数 不能小于 0' in html
    assert 'data-error-for="annual_operating_funds">' in html
    assert GOOD_REPORT["achievements"] in html and 'value="八百"' in html and 'value="-3"' in html
    # one submission is one transaction: a refused one stores nothing (the page above kept what was typed)
    assert 'value="八百"' not in page_of(client, f"/tasks/{task_id}")[1]
    ok = post_form(client, f"/tasks/{task_id}", {**GOOD_REPORT, "action": "complete"})
    assert ok.status_code == 302 and ok.headers["Location"] == "/"
    assert "已提交" in page_of(client, "/")[1]


def test_save_draft_then_complete_then_conflict(app: Flask, staff: dict[str, Any], report: int) -> None:
    from app.models import HumanTask

    client = logged_in(app, staff["applicant"])
    task_id = ready_task_id(app, "submit_report")
    response = post_form(client, f"/tasks/{task_id}", {"summary": "草稿中的总结", "action": "draft"})
    assert response.status_code == 302
    html = page_of(client, f"/tasks/{task_id}")[1]
    assert "草稿中的总结" in html and "草稿已保存" in html and "已保存草稿" in html
    with app.app_context():
        task = db.session.get(HumanTask, task_id)
        assert task is not None and task.state == "ready" and task.draft == {"summary": "草稿中的总结"}
        assert task.claimed_by == staff["applicant"].username
    token = csrf_token(html)
    assert client.post(f"/tasks/{task_id}", data={**GOOD_REPORT, "action": "complete",
                                                  "csrf_token": token}).status_code == 302
    again = client.post(f"/tasks/{task_id}", data={**GOOD_REPORT, "action": "complete", "csrf_token": token})
    assert again.status_code == 409
    assert "已办理完毕" in again.get_data(as_text=True)
    with app.app_context():
        task = db.session.get(HumanTask, task_id)
        assert task is not None and task.state == "completed" and task.draft is None
        assert task.data and task.data["fulltime_researchers"] == 42 and task.data["annual_operating_funds"] == 800


def test_reviewer_sees_report_and_decides(app: Flask, staff: dict[str, Any], report: int) -> None:
    applicant = logged_in(app, staff["applicant"])
    post_form(applicant, f"/tasks/{ready_task_id(app, 'submit_report')}", {**GOOD_REPORT, "action": "complete"})
    review_id = ready_task_id(app, "sponsor_review")
    organising_unit = logged_in(app, staff["sponsor"])  # the 组织单位 does not review (第二十九条)
    assert page_of(organising_unit, f"/tasks/{review_id}")[0] == 403
    assert page_of(logged_in(app, staff["local_authority_b"]), f"/tasks/{review_id}")[0] == 404
    reviewer = logged_in(app, staff["local_authority"])  # the center's 地方科技管理部门
    status, html = page_of(reviewer, f"/tasks/{review_id}")
    assert status == 200 and GOOD_REPORT["summary"] in html and "本流程已提交的材料" in html
    assert 'type="radio" name="decision" value="approve"' in html and "退回修改" in html
    returned = post_form(reviewer, f"/tasks/{review_id}", {"decision": "return", "action": "complete"})
    assert returned.status_code == 422 and 'data-error-for="comment"' in returned.get_data(as_text=True)
    done = post_form(reviewer, f"/tasks/{review_id}", {"decision": "approve", "comment": "同意", "action": "complete"})
    assert done.status_code == 302
    authority = logged_in(app, staff["authority"])
    html = page_of(authority, f"/tasks/{ready_task_id(app, 'authority_review')}")[1]
    assert "地方科技管理部门审核" in html and ">同意</span>" in html  # the first review, read-only
    assert 'value="approve" checked' not in html and "同意</textarea>" not in html  # not prefilled as mine
    post_form(authority, f"/tasks/{ready_task_id(app, 'authority_review')}",
              {"decision": "return", "comment": "请补充数据", "action": "complete"})
    html = page_of(applicant, f"/tasks/{ready_task_id(app, 'revise_report')}")[1]
    assert GOOD_REPORT["achievements"] + "</textarea>" in html  # a returned report comes back filled in
    trail = page_of(logged_in(app, staff["supervisor"]), f"/monitor/instances/{report}")[1]
    assert "结论：退回修改；意见：请补充数据" in trail  # the audit trail keeps what the reviewer decided and wrote


def test_check_results_shown_beside_the_decision(app: Flask, staff: dict[str, Any], report: int,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from app.services.tasks import view as task_view_module

    checks = {"results": [
        {"rule": "运行经费", "article": "第十条(一)", "passed": True, "reason": "800 万元，不少于 500 万元", "missing": []},
        {"rule": "专职人员", "article": "第十条(二)", "passed": False, "reason": "12 人，少于 30 人", "missing": []},
    ], "all_passed": False, "failed_rules": ["专职人员"]}

    class FakeWorkflow:
        def task_data(self, task_uuid: str) -> dict[str, Any]:
            return {"decision": "approve", "establishment_checks": checks, "center_name": "测试中心_a"}

    monkeypatch.setattr(task_view_module, "read_workflow", lambda instance: FakeWorkflow())
    applicant = logged_in(app, staff["applicant"])
    html = page_of(applicant, f"/tasks/{ready_task_id(app, 'submit_report')}")[1]
    assert 'data-testid="checks"' in html and "12 人，少于 30 人" in html and "存在未通过项" in html
    assert "第十条(二)" in html


def test_other_centers_users_get_404_or_403(app: Flask, staff: dict[str, Any], report: int) -> None:
    task_id = ready_task_id(app, "submit_report")
    other = logged_in(app, staff["applicant_b"])
    status, html = page_of(other, f"/tasks/{task_id}")
    assert status == 404 and "页面不存在" not in html and "任务不存在" in html
    token = csrf_token(other.get("/").get_data(as_text=True))
    assert other.post(f"/tasks/{task_id}", data={**GOOD_REPORT, "action": "complete",
                                                "csrf_token": token}).status_code == 404
    assert other.post(f"/tasks/{task_id}/claim", data={"csrf_token": token}).status_code == 404
    assert page_of(other, f"/centers/{staff['centers']['a']}")[0] == 404
    wrong_lane = logged_in(app, staff["sponsor"])
    assert page_of(wrong_lane, f"/tasks/{task_id}")[0] == 403
    assert page_of(wrong_lane, "/tasks/999999")[0] == 404


# --- arrays, booleans, dates, files ------------------------------------------------------------------------------


def test_array_rows_without_javascript(app: Flask, staff: dict[str, Any], tmp_path: Path) -> None:
    from app.models import HumanTask

    task_id = use_members_form(app, staff, tmp_path)
    client = logged_in(app, staff["applicant"])
    status, html = page_of(client, f"/tasks/{task_id}")
    assert status == 200 and 'name="members.0.name"' in html and 'name="members.1.name"' in html
    assert 'name="members.2.name"' not in html and 'type="date"' in html and 'type="file"' in html
    assert "国家级" in html and "<select" in html  # enum of 5 with labels
    form = {
        "members.0.name": "张三", "members.0.title": "理事长", "members.0.since": "2026-06-01",
        "members.0.share": "100", "members.0.fulltime": "true",
        "members.1.name": "", "members.1.title": "", "members.1.since": "", "members.1.share": "",  # blank row
        "members.5.name": "李四", "members.5.fulltime": "false",
        "agree": "true", "founded": "2026-06-01", "level": "b", "action": "draft",
    }
    assert post_form(client, f"/tasks/{task_id}", form).status_code == 302
    with app.app_context():
        task = db.session.get(HumanTask, task_id)
        assert task is not None and task.draft == {
            "members": [{"name": "张三", "title": "理事长", "since": "2026-06-01", "share": 100, "fulltime": True},
                        {"name": "李四", "fulltime": False}],
            "agree": True, "founded": "2026-06-01", "level": "b",
        }
    html = page_of(client, f"/tasks/{task_id}")[1]
    assert 'name="members.3.name"' in html and 'value="李四"' in html  # two saved rows + two blank rows
    # remove the first row with its checkbox, give a row without the required name
    form = {"members.0.name": "张三", "members.0._remove": "1", "members.1.name": "李四",
            "members.2.title": "监事", "agree": "true", "action": "complete"}
    response = post_form(client, f"/tasks/{task_id}", form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'data-error-for="members.1.name"' in html and 'value="监事"' in html
    form = {"members.0.name": "李四", "agree": "false", "action": "complete"}
    assert post_form(client, f"/tasks/{task_id}", form).status_code == 302
    with app.app_context():
        task = db.session.get(HumanTask, task_id)
        assert task is not None and task.data == {"members": [{"name": "李四"}], "agree": False}


def test_file_upload_download_and_access(app: Flask, staff: dict[str, Any], tmp_path: Path) -> None:
    from app.models import HumanTask, StoredFile

    task_id = use_members_form(app, staff, tmp_path)
    client = logged_in(app, staff["applicant"])
    content = "章程全文".encode() * 100
    form = {"members.0.name": "张三", "agree": "true", "action": "draft",
            "attachments": (io.BytesIO(content), "../../章程<v1>.pdf", "application/pdf")}
    assert post_form(client, f"/tasks/{task_id}", form, content_type="multipart/form-data").status_code == 302
    with app.app_context():
        task = db.session.get(HumanTask, task_id)
        assert task is not None and task.draft is not None
        [entry] = task.draft["attachments"]
        stored = db.session.get(StoredFile, entry["file_id"])
        assert stored is not None and stored.name == "章程_v1_.pdf" and stored.size == len(content)
        assert stored.center_id == staff["centers"]["a"] and stored.task_id == task_id
    on_disk = [p for p in (tmp_path / "files").rglob("*") if p.is_file()]
    assert [p.name for p in on_disk] == [entry["file_id"]]  # stored under the random id, not the name
    html = page_of(client, f"/tasks/{task_id}")[1]
    assert "章程_v1_.pdf" in html and f'value="{entry["file_id"]}" checked' in html

    download = client.get(f"/files/{entry['file_id']}")
    assert download.status_code == 200 and download.data == content
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Type"] == "application/pdf"
    download.close()
    assert status_of(logged_in(app, staff["supervisor"]), f"/files/{entry['file_id']}") == 200
    assert status_of(logged_in(app, staff["applicant_b"]), f"/files/{entry['file_id']}") == 404
    assert status_of(app.test_client(), f"/files/{entry['file_id']}") == 302  # login first
    assert status_of(client, "/files/../../etc/passwd") == 404
    with app.app_context():
        db.session.execute(update(User).where(User.username == staff["applicant"].username).values(
            display_name="张建华"))
        db.session.commit()
    center = page_of(client, f"/centers/{staff['centers']['a']}")[1]
    assert "章程_v1_.pdf" in center  # the center's documents
    assert "<td>张建华</td>" in center  # the uploader by name, not login
    assert f"<td>{staff['applicant'].username}</td>" not in center
    # a file added to the draft and dropped again is not one of the center's documents
    form = {"members.0.name": "张三", "agree": "true", "action": "draft", "attachments.keep": entry["file_id"],
            "attachments": (io.BytesIO(b"%PDF-1.4 draft"), "草稿附件.pdf", "application/pdf")}
    assert post_form(client, f"/tasks/{task_id}", form, content_type="multipart/form-data").status_code == 302
    assert "草稿附件.pdf" in page_of(client, f"/centers/{staff['centers']['a']}")[1]
    form = {"members.0.name": "张三", "agree": "true", "action": "draft", "attachments.keep": entry["file_id"]}
    assert post_form(client, f"/tasks/{task_id}", form).status_code == 302
    center = page_of(client, f"/centers/{staff['centers']['a']}")[1]
    assert "草稿附件.pdf" not in center and "章程_v1_.pdf" in center

    # keeping the file and completing: the submitted data references it
    form = {"members.0.name": "张三", "agree": "true", "action": "complete", "attachments.keep": entry["file_id"]}
    assert post_form(client, f"/tasks/{task_id}", form).status_code == 302
    with app.app_context():
        task = db.session.get(HumanTask, task_id)
        assert task is not None and task.data is not None
        assert task.data["attachments"] == [{"name": "章程_v1_.pdf", "file_id": entry["file_id"]}]
    assert "该任务已由 张建华 于" in page_of(client, f"/tasks/{task_id}")[1]  # the person, not the login


def test_upload_limit_and_foreign_file_ids(app: Flask, staff: dict[str, Any], tmp_path: Path) -> None:
    from app.models import HumanTask

    task_id = use_members_form(app, staff, tmp_path)
    client = logged_in(app, staff["applicant"])
    too_big = io.BytesIO(b"x" * (256 * 1024 + 1))  # TIC_MAX_UPLOAD_MB=0.25 in these tests
    response = post_form(client, f"/tasks/{task_id}", {
        "members.0.name": "张三", "agree": "true", "action": "draft", "attachments": (too_big, "big.bin"),
    }, content_type="multipart/form-data")
    assert response.status_code == 422
    assert 'data-error-for="attachments">文件“big.bin”超过 0.25 MB 的上限' in response.get_data(as_text=True)
    assert not [p for p in (tmp_path / "files").rglob("*") if p.is_file()]
    # a file id from another instance is not accepted
    foreign = "00000000-0000-4000-8000-000000000000"
    refused = post_form(client, f"/tasks/{task_id}", {"members.0.name": "张三", "agree": "true", "action": "draft",
                                                      "attachments.keep": foreign})
    assert refused.status_code == 422 and "附件不存在或不属于本流程" in refused.get_data(as_text=True)
    with app.app_context():
        task = db.session.get(HumanTask, task_id)
        assert task is not None and task.draft is None


# --- centers -------------------------------------------------------------------------------------------------------


def test_center_pages(app: Flask, staff: dict[str, Any], report: int) -> None:
    from app import clock
    from app.models import Event

    with app.app_context():
        db.session.add(Event(center_id=staff["centers"]["a"], instance_id=report, at=clock.now(), actor="system",
                             kind="center_status_changed", article="第三十条",
                             payload={"from": "established", "to": "rectifying"}))
        db.session.commit()
    client = logged_in(app, staff["applicant"])
    status, html = page_of(client, "/centers")
    assert status == 200 and "测试中心_a" in html and "测试中心_b" not in html
    status, html = page_of(client, f"/centers/{staff['centers']['a']}")
    assert status == 200
    assert "已成立" in html and "整改中" in html and "第三十条" in html  # status and its history
    assert "年度报告" in html and "第二十九条" in html  # a statutory deadline and the procedure
    assert "填报年度报告" in html and "流程启动" in html  # the open task and the events
    assert page_of(client, f"/centers/{staff['centers']['b']}")[0] == 404
    assert page_of(client, "/centers/999999")[0] == 404
    supervisor = logged_in(app, staff["supervisor"])
    html = page_of(supervisor, "/centers")[1]
    assert "测试中心_a" in html and "测试中心_b" in html


def test_nav_links_by_role(app: Flask, staff: dict[str, Any]) -> None:
    html = page_of(logged_in(app, staff["applicant"]), "/")[1]
    assert 'href="/centers"' in html and "/monitor/instances" not in html
    html = page_of(logged_in(app, staff["supervisor"]), "/")[1]
    assert all(link in html for link in ('href="/monitor/instances"', 'href="/monitor/deadlines"', 'href="/dashboard"'))
    assert "监督人员" in html and "nmg2025 科技厅" in html


def test_a_second_review_round_starts_without_the_last_rounds_decision(
        app: Flask, staff: dict[str, Any], report: int) -> None:
    applicant = logged_in(app, staff["applicant"])
    post_form(applicant, f"/tasks/{ready_task_id(app, 'submit_report')}", {**GOOD_REPORT, "action": "complete"})
    reviewer = logged_in(app, staff["local_authority"])
    post_form(reviewer, f"/tasks/{ready_task_id(app, 'sponsor_review')}",
              {"decision": "return", "comment": "请核实专职人员数", "action": "complete"})
    revise = ready_task_id(app, "revise_report")
    assert post_form(applicant, f"/tasks/{revise}", {**GOOD_REPORT, "action": "complete"}).status_code == 302
    status, html = page_of(reviewer, f"/tasks/{ready_task_id(app, 'sponsor_review')}")
    assert status == 200 and "请核实专职人员数" in html  # the last round stays readable among the submissions
    assert 'value="return" checked' not in html and "请核实专职人员数</textarea>" not in html  # not the new answer


def test_a_text_beyond_the_bound_is_refused_by_its_label_and_nothing_is_lost(
        app: Flask, staff: dict[str, Any], report: int) -> None:
    from app.services.infrastructure.forms import TEXT_MAX

    applicant = logged_in(app, staff["applicant"])
    task_id = ready_task_id(app, "submit_report")
    html = page_of(applicant, f"/tasks/{task_id}")[1]
    assert f'maxlength="{TEXT_MAX}"' in html  # the browser stops a paste before the request grows past its bound
    long_text = "很" * (TEXT_MAX + 1)
    for action in ("draft", "complete"):
        refused = post_form(applicant, f"/tasks/{task_id}", {**GOOD_REPORT, "summary": long_text, "action": action})
        body = refused.get_data(as_text=True)
        assert refused.status_code == 422 and f"不能超过 {TEXT_MAX} 个字" in body, action
        assert GOOD_REPORT["achievements"] in body  # the rest of the form comes back as typed
    api = app.test_client().post(f"/api/v1/tasks/{task_id}/complete", json={"data": {**GOOD_REPORT, "summary": long_text}},
                                 headers={"Authorization": f"Bearer {staff['applicant'].token}"})
    assert api.status_code == 422 and any("不能超过" in m for m in api.get_json()["errors"]["summary"])


def test_the_error_summary_names_the_table_and_row_of_a_cell(app: Flask, staff: dict[str, Any],
                                                              tmp_path: Path) -> None:
    task_id = use_members_form(app, staff, tmp_path)
    client = logged_in(app, staff["applicant"])
    refused = post_form(client, f"/tasks/{task_id}", {"members.0.name": "张三", "members.1.title": "理事",
                                                      "agree": "true", "action": "complete"})
    assert refused.status_code == 422
    summary = refused.get_data(as_text=True).split('data-testid="form-errors"', 1)[1].split("</ul>", 1)[0]
    assert "理事会成员 第 2 行：姓名 为必填项" in summary, summary


def test_the_center_page_tells_procedures_of_the_same_kind_apart(app: Flask, staff: dict[str, Any]) -> None:
    set_clock(app, "2027-12-01T09:00:00+08:00")
    start_annual_report(app, staff, year=2026)
    start_annual_report(app, staff, year=2027)
    html = page_of(logged_in(app, staff["supervisor"]), f"/centers/{staff['centers']['a']}")[1]
    subjects = re.findall(r'data-testid="procedure-subject">([^<]+)<', html)
    assert subjects == ["2027年度", "2026年度"], subjects


def test_jinzhong_pages_name_its_roles_as_its_text_does(app: Flask) -> None:
    """jinzhong 第五条: the county S&T department is the 主管部门; 晋中市科学技术局 decides (not "推荐单位"/"主管部门")."""
    from tests.web.test_browser_escalation import seeded

    people = seeded(app, "jinzhong")
    county = logged_in(app, people["sponsor"])
    center = page_of(county, f"/centers/{people['centers']['a']}")[1]
    assert "<th>主管部门（县级科技管理部门）</th>" in center and "<th>晋中市科学技术局</th>" in center
    assert "推荐单位" not in center
    assert '<span class="role-badge">主管部门（县级科技管理部门）</span>' in center
    nmg = page_of(logged_in(app, seeded(app, "nmg2025")["sponsor"]), "/")[1]
    assert '<span class="role-badge">推荐单位</span>' in nmg  # the other policies keep the common words
