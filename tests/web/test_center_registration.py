"""Register a center, give its roles to organisations by name, and start what its state allows — in the browser."""
from __future__ import annotations

import re
from typing import Any

from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import Center, Organisation, ProcessInstance
from tests.web.conftest import LiveServer, browser_login, csrf_token, logged_in, screenshot, set_clock


def text(response: Any) -> str:
    return str(response.get_data(as_text=True))


def register(app: Flask, staff: dict[str, Any], **fields: str) -> Any:
    client = logged_in(app, staff["authority"])
    token = csrf_token(text(client.get("/centers/new")))
    form = {"csrf_token": token, "name": "内蒙古自治区氢能技术创新中心", "policy": "nmg2025", "category": "field",
            "status": "proposed", "org_applicant": "nmg2025 applicant_a", "org_sponsor": "nmg2025 sponsor_a",
            "org_local_authority": "乌海市科学技术局", **fields}
    return client.post("/centers/new", data=form)


def test_authority_registers_a_center_choosing_organisations_by_name(app: Flask, staff: dict[str, Any]) -> None:
    listing = text(logged_in(app, staff["authority"]).get("/centers"))
    assert 'data-testid="register-center-link"' in listing
    form = text(logged_in(app, staff["authority"]).get("/centers/new"))
    assert '<option value="nmg2025 applicant_a">' in form  # known organisations offered by name
    response = register(app, staff)
    assert response.status_code == 302
    center_id = int(re.search(r"/centers/(\d+)$", response.headers["Location"]).group(1))  # type: ignore[union-attr]
    with app.app_context():
        center = db.session.get(Center, center_id)
        assert center is not None and center.status == "proposed" and center.policy == "nmg2025"
        names = {o.role: db.session.get(Organisation, o.organisation_id).name for o in center.organisations}  # type: ignore[union-attr]
        assert names == {"applicant": "nmg2025 applicant_a", "sponsor": "nmg2025 sponsor_a",
                         "local_authority": "乌海市科学技术局"}
        created = db.session.scalar(select(Organisation).where(Organisation.name == "乌海市科学技术局"))
        assert created is not None and created.policy == "nmg2025" and created.kind == "local_authority"


def test_bad_registration_keeps_what_was_typed_and_names_the_field(app: Flask, staff: dict[str, Any]) -> None:
    with app.app_context():
        db.session.add(Organisation(name="兵团某单位", kind="applicant", policy="xpcc"))
        db.session.commit()
    response = register(app, staff, org_applicant="兵团某单位", approved_at="2026-13-01")
    assert response.status_code == 422
    page = text(response)
    assert "日期格式应为 年-月-日" in page and 'value="内蒙古自治区氢能技术创新中心"' in page
    response = register(app, staff, org_applicant="兵团某单位")
    page = text(response)
    assert response.status_code == 422 and "属于其他政策" in page and 'value="兵团某单位"' in page
    assert logged_in(app, staff["applicant"]).get("/centers/new").status_code == 403


def test_a_blank_name_or_dates_out_of_order_are_refused(app: Flask, staff: dict[str, Any]) -> None:
    blank = register(app, staff, name="   ")
    assert blank.status_code == 422 and "名称须为 2 到 200 个字" in text(blank)
    backwards = register(app, staff, status="established", approved_at="2027-01-01", established_at="2020-01-01")
    assert backwards.status_code == 422 and "成立日期不能早于批复日期（2027-01-01）" in text(backwards)
    with app.app_context():
        assert db.session.scalar(select(Center).where(Center.name.in_(["", "   "]))) is None
    padded = register(app, staff, name="  内蒙古自治区储能技术创新中心 ")
    assert padded.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Center.id).where(Center.name == "内蒙古自治区储能技术创新中心"))


def test_organisations_edited_by_name(app: Flask, staff: dict[str, Any]) -> None:
    center_a = staff["centers"]["a"]
    client = logged_in(app, staff["authority"])
    page = text(client.get(f"/centers/{center_a}/organisations"))
    assert 'value="nmg2025 council_a"' in page
    fields = {m.group(1): m.group(2) for m in re.finditer(r'name="(org_\w+)" list="known-organisations" value="([^"]*)"', page)}
    fields["org_council"] = "测试中心理事会（新）"
    response = client.post(f"/centers/{center_a}/organisations", data={"csrf_token": csrf_token(page), **fields})
    assert response.status_code == 302
    assert "测试中心理事会（新）" in text(client.get(f"/centers/{center_a}"))
    assert logged_in(app, staff["applicant"]).get(f"/centers/{center_a}/organisations").status_code == 403
    # a post that carries no organisation fields changes nothing (only a field left empty removes a role)
    page = text(client.get(f"/centers/{center_a}/organisations"))
    assert client.post(f"/centers/{center_a}/organisations", data={"csrf_token": csrf_token(page)}).status_code == 302
    assert 'value="nmg2025 sponsor_a"' in text(client.get(f"/centers/{center_a}/organisations"))


def test_only_what_the_state_allows_is_offered(app: Flask, staff: dict[str, Any]) -> None:
    established = text(logged_in(app, staff["supervisor"]).get(f"/centers/{staff['centers']['a']}"))
    assert 'data-testid="start-nmg2025_annual_report"' in established
    assert 'data-testid="start-nmg2025_establishment"' not in established  # 第十一条: a proposed center only
    assert 'data-testid="start-procedures"' not in text(logged_in(app, staff["expert"]).get(
        f"/centers/{staff['centers']['a']}"))  # experts start nothing
    response = register(app, staff, name="内蒙古自治区拟建中心")  # the clock is at 2024-01-01: before nmg2025
    proposed = text(logged_in(app, staff["applicant"]).get(response.headers["Location"]))
    assert 'data-testid="start-nmg2025_establishment"' not in proposed  # not in force: refused, so not offered


def test_each_role_is_offered_what_it_begins(app: Flask, staff: dict[str, Any]) -> None:
    """Who begins a procedure is read from the model: its first step's lane (nmg2025: the applicant's change
    request, the supervisor's revocation case); oversight roles may start any; scheduled ones only oversight."""
    center_a = f"/centers/{staff['centers']['a']}"
    applicant = text(logged_in(app, staff["applicant"]).get(center_a))
    assert 'data-testid="start-nmg2025_major_change"' in applicant and 'start-nmg2025_appointments"' in applicant
    for never in ("revocation", "annual_report", "evaluation"):
        assert f'data-testid="start-nmg2025_{never}"' not in applicant, never
    supervisor = text(logged_in(app, staff["supervisor"]).get(center_a))
    assert 'data-testid="start-nmg2025_revocation"' in supervisor and 'start-nmg2025_annual_report"' in supervisor
    assert 'data-testid="start-procedures"' not in text(logged_in(app, staff["sponsor"]).get(center_a))


def test_browser_register_then_the_sponsor_starts_the_establishment(
    page: Any, live_server: LiveServer, staff: dict[str, Any]
) -> None:
    set_clock(live_server.app, "2026-12-01T09:00:00+08:00")  # nmg2025 in force (from 2025-08-27)
    browser_login(page, staff["authority"])
    page.goto("/centers/new")
    page.fill("#org_applicant", "nmg2025 applicant_a")
    page.fill("#org_sponsor", "nmg2025 sponsor_a")
    page.keyboard.press("Escape")  # close the organisation suggestions before moving on
    page.fill("#name", "内蒙古自治区储能技术创新中心")
    page.select_option("#policy", "nmg2025")
    screenshot(page, "centers-01-register")
    page.click("[data-testid=register-center]")
    page.wait_for_selector("[data-testid=center-name]")
    assert page.inner_text("[data-testid=center-status]") == "拟建"
    center_url = page.url
    with page.expect_navigation():
        page.click("form[action='/logout'] button")
    browser_login(page, staff["sponsor"])  # nmg2025 第十一条(一): the organising unit proposes the establishment
    page.goto(center_url)
    page.wait_for_selector("[data-testid=start-procedures]")
    assert "第十一条" in page.inner_text("[data-testid=start-procedures]")
    screenshot(page, "centers-02-start-establishment")
    page.click("[data-testid=start-nmg2025_establishment]")
    page.wait_for_selector(".flash")
    assert "已发起程序" in page.inner_text(".flash")
    with live_server.app.app_context():
        started = db.session.scalar(select(ProcessInstance).where(ProcessInstance.process_key == "nmg2025_establishment"))
        assert started is not None and started.started_by == staff["sponsor"].username


def test_a_running_center_registered_here_owes_no_report_of_the_years_before(app: Flask, staff: dict[str, Any]) -> None:
    from app.services.time.tick import run_tick

    set_clock(app, "2026-12-03T09:00:00+08:00")  # the 2025 report was due on 2026-01-31: before the platform knew it
    form = text(logged_in(app, staff["authority"]).get("/centers/new"))
    assert 'name="reports_on_record_from" inputmode="numeric" maxlength="4" value="2026"' in form
    refused = register(app, staff, status="established", approved_at="2020-01-01", established_at="2022-01-01",
                       reports_on_record_from="二〇二六")
    assert refused.status_code == 422 and "起始年度须为 1990 至" in text(refused)
    response = register(app, staff, status="established", approved_at="2020-01-01", established_at="2022-01-01",
                        reports_on_record_from="2026")
    assert response.status_code == 302
    center_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = text(logged_in(app, staff["authority"]).get(f"/centers/{center_id}"))
    assert "2025年度" not in page and "2026年度" in page  # only the report the platform can ask for
    with app.app_context():
        run_tick()
        started = db.session.scalars(select(ProcessInstance.process_key).where(
            ProcessInstance.center_id == center_id)).all()
    assert "nmg2025_revocation" not in started and started.count("nmg2025_annual_report") <= 1
