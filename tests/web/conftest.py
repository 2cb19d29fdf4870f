"""Web fixtures: users with passwords, a logged-in Flask client, a live server and headless Chromium.

- `staff`: the `seed_people` users (centers A and B of nmg2025), each with password `PASSWORD`;
  `staff["applicant"]`, `staff["sponsor_b"]`, `staff["supervisor"]`, `staff["admin"]` ... are `WebUser`s.
- `login(client, username)` / `logged_in(app, key)`: a Flask test client with a session.
- `set_clock(app, iso)`, `start_annual_report(app, staff)`: simulated time and an nmg2025 annual report.
- `live_server`: the app served by werkzeug on a free 127.0.0.1 port in a thread (`live_server.url`).
- `browser` (session) and `page` (per test, zh-CN, 1280x900): Playwright driving /usr/bin/chromium.
- `screenshot(page, name)`: saves tests/artifacts/<name>.png (ignored by git).
"""
from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash
from werkzeug.serving import BaseWSGIServer, make_server

from app.extensions import db
from tests.conftest import make_app
from tests.support import seed_people

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
PASSWORD = "Pa55-word!"
FAST_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")  # tests only: fast to check
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

GOOD_REPORT = {
    "summary": "本年度围绕现代煤化工关键技术开展攻关，完成中试两项，新增授权发明专利十二件。",
    "achievements": "突破煤制烯烃催化剂寿命瓶颈，成果在两家企业转化应用。",
    "problems": "高端人才引进难，部分大型仪器依赖进口。",
    "next_year_plan": "完成万吨级示范线建设，新增专职研究人员十名。",
    "fulltime_researchers": "42",
    "annual_operating_funds": "800",
}


@dataclass
class WebUser:
    """A seeded user who logs in with a password."""

    key: str
    id: int
    username: str
    role: str
    password: str = PASSWORD
    token: str = ""


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The application on the test database, with uploads in a temporary directory."""
    app = make_app(database_url, TIC_FILES_DIR=str(tmp_path / "files"), TIC_MAX_UPLOAD_MB=0.25)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def create_web_user(app: Flask, username: str, role: str, organisation_id: int | None = None,
                    policy: str | None = None, password: str = PASSWORD) -> WebUser:
    """A new user with a (fast-hashed) password."""
    from app.services.people.users import create_user

    with app.app_context():
        user, _ = create_user(username, role, organisation_id=organisation_id, policy=policy)
        user.password_hash = generate_password_hash(password, method="pbkdf2:sha256:1000")
        db.session.commit()
        return WebUser(username, user.id, username, role, password)


@pytest.fixture
def staff(app: Flask) -> dict[str, Any]:
    """Centers A and B (`staff["centers"]`) and one WebUser per role and center, all with password PASSWORD."""
    return staff_of(app, "nmg2025")


def staff_of(app: Flask, policy: str) -> dict[str, Any]:
    """The `staff` of `policy`: its centers A and B and one WebUser per role and center (usernames `<policy>_<role>`)."""
    from sqlalchemy import select

    from app.models import User

    with app.app_context():
        seeded = seed_people(policy)
        found: dict[str, Any] = {"centers": seeded["centers"]}
        for key, (username, role, token) in seeded["users"].items():
            user = db.session.scalar(select(User).where(User.username == username))
            assert user is not None
            user.password_hash = FAST_HASH
            found[key] = WebUser(key, user.id, username, role, PASSWORD, token)
        db.session.commit()
    return found


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = CSRF_RE.search(html)
    assert match, "no csrf_token on the page"
    return match.group(1)


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> Any:
    """Log `client` in through the login form; returns the POST response."""
    page = client.get("/login")
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": csrf_token(page.get_data(as_text=True))})


def logged_in(app: Flask, user: WebUser) -> FlaskClient:
    """A new test client logged in as `user`."""
    client = app.test_client()
    response = login(client, user.username, user.password)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def set_clock(app: Flask, iso: str) -> None:
    """Move the simulated clock to `iso` without firing anything."""
    from app import clock

    with app.app_context():
        clock.set_simulated(datetime.fromisoformat(iso))
        db.session.commit()


def start_annual_report(app: Flask, staff: dict[str, Any], center: str = "a", year: int = 2026) -> int:
    """Start the nmg2025 annual report of center A (or B) for `year`; returns the instance id."""
    from app.models import User
    from app.services.running import instances

    with app.app_context():
        supervisor = db.session.get(User, staff["supervisor"].id)
        instance = instances.start_instance(supervisor, "nmg2025_annual_report", staff["centers"][center],
                                            {"report_year": year})
        return int(instance.id)


def ready_task_id(app: Flask, element_id: str, center_id: int | None = None) -> int:
    """The id of the one ready human task at `element_id` (optionally of one center)."""
    from sqlalchemy import select

    from app.models import HumanTask

    with app.app_context():
        query = select(HumanTask.id).where(HumanTask.element_id == element_id, HumanTask.state == "ready")
        if center_id is not None:
            query = query.where(HumanTask.center_id == center_id)
        ids = list(db.session.scalars(query))
        assert len(ids) == 1, ids
        return int(ids[0])


@dataclass
class LiveServer:
    """The app served over HTTP for the browser."""

    app: Flask
    url: str


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    """Serve `app` with werkzeug on a free local port in a background thread."""
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright (never downloads a browser)."""
    if shutil.which(CHROMIUM) is None and not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium, or run scripts/setup)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    """A fresh browser context (zh-CN, 1280x900) whose relative URLs point at the live server."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900},
                                  base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def screenshot(page: Any, name: str, full_page: bool = True) -> Path:
    """Save a screenshot of `page` as tests/artifacts/<name>.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def browser_login(page: Any, user: WebUser) -> None:
    """Log in through the login page and wait for the inbox."""
    page.goto("/login")
    page.fill("#username", user.username)
    page.fill("#password", user.password)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=inbox]")
