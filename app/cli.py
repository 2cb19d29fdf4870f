"""The `tic` command."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from app.errors import DomainError


def _create_app() -> Flask:
    from app import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False)
def main() -> None:
    """技术创新中心流程平台 — run, deploy and administer the procedures."""


@main.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", type=int, default=None, help="default: TIC_PORT or 5000")
@click.option("--workers", type=int, default=1)
@click.option("--threads", type=int, default=4)
def serve(host: str, port: int | None, workers: int, threads: int) -> None:
    """Serve the application (gunicorn) with the scheduler in-process when there is one worker."""
    from app.config import Settings
    from app.server import serve as run_server

    run_server(host, port or Settings().port, workers, threads)


@main.command("scheduler")
@with_appcontext
def scheduler() -> None:
    """Run the scheduler in the foreground (production form)."""
    from app.scheduler import run_blocking

    click.echo("scheduler running; Ctrl-C to stop")
    run_blocking(current_app._get_current_object())  # type: ignore[attr-defined]


@main.command("deploy")
@click.argument("path", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
@with_appcontext
def deploy(path: Path | None) -> None:
    """Deploy the BPMN files under PATH (default: processes/)."""
    from app.services.infrastructure.deploy import deploy_directory

    root = path or Path(current_app.config["TIC_PROCESSES_DIR"])
    try:
        results = deploy_directory(root)
    except DomainError as err:  # one line: the file, the line and the reason (the message names them)
        raise click.ClickException(err.message) from err
    for item in results:
        click.echo(f"{item.key} v{item.version} {'deployed' if item.created else 'unchanged'}")


@main.command("validate")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
@with_appcontext
def validate(path: Path | None) -> None:
    """Check BPMN files under PATH (default: processes/) with the designer's rules; exit 1 on any problem."""
    from app.services.design.validation import validate_path

    processes_dir = Path(current_app.config["TIC_PROCESSES_DIR"])
    results = validate_path(path or processes_dir, processes_dir=processes_dir,
                            forms_dir=Path(current_app.config["TIC_FORMS_DIR"]))
    problems = [(file, p) for file, found in results.items() for p in found]
    for file, problem in problems:
        click.echo(f"{file}: {problem.element_id or '-'}: [{problem.rule}] {problem.message}")
    if problems:
        raise SystemExit(1)
    click.echo(f"{len(results)} 个 BPMN 文件均通过校验")


@main.group("user")
def user() -> None:
    """Manage users."""


@user.command("create")
@click.argument("username")
@click.option("--role", required=True)
@click.option("--organisation", "organisation_name", default=None, help="organisation name (created if absent)")
@click.option("--policy", default=None)
@click.option("--password", default=None)
@with_appcontext
def user_create(username: str, role: str, organisation_name: str | None, policy: str | None,
                password: str | None) -> None:
    """Create a user; prints its API token once."""
    from app.services.people.users import register_user

    try:
        _, token = register_user(username, role, organisation_name=organisation_name, policy=policy,
                                 password=password)
    except DomainError as err:
        raise click.ClickException(f"{err.message} {err.errors or ''}") from err
    click.echo(f"user {username} created; API token: {token}")


@main.command("demo")
@click.option("--json", "as_json", is_flag=True, help="print users and centers as JSON")
@with_appcontext
def demo(as_json: bool) -> None:
    """Create the demo organisations, users and centers (credentials are refreshed on every run)."""
    from app.errors import DomainError
    from app.services.infrastructure.demo import seed_demo

    try:
        result: dict[str, Any] = seed_demo()
    except DomainError as err:
        raise click.ClickException(err.message) from err
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, default=str))
        return
    for u in result["users"]:
        click.echo(f"{u['name']:<22} {u['role']:<11} password={u['password']}  token={u['token']}")
    for c in result["centers"]:
        click.echo(f"center {c['id']}: {c['name']} ({c['policy']})")



@main.group("calendar")
def calendar_group() -> None:
    """Manage the working-day calendar (State Council holiday schedules)."""


@calendar_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--note", default=None, help="a note stored with the year")
@with_appcontext
def calendar_import(file: Path, note: str | None) -> None:
    """Replace one year's schedule with a `date,is_working,name` CSV file."""
    from app.services.time.calendar_admin import import_csv

    try:
        result = import_csv(None, file.read_text(encoding="utf-8"), note=note)
    except DomainError as err:
        raise click.ClickException(f"{err.message} {json.dumps(err.errors, ensure_ascii=False) if err.errors else ''}") from err
    click.echo(f"{result['year']} 年日历已导入：{len(result['days'])} 个特殊日期")


@calendar_group.command("seed")
@click.argument("year", type=int)
@with_appcontext
def calendar_seed(year: int) -> None:
    """Copy chinese_calendar's holidays and adjusted working days of YEAR into the editable table."""
    from app.services.time.calendar_admin import seed_from_library

    try:
        result = seed_from_library(year)
    except DomainError as err:
        raise click.ClickException(f"{err.message} {json.dumps(err.errors, ensure_ascii=False) if err.errors else ''}") from err
    click.echo(f"{year} 年日历已自日历库写入：{len(result['days'])} 个特殊日期")


@main.group("clock")
def clock_group() -> None:
    """The simulated clock (TIC_CLOCK=simulated)."""


@clock_group.command("set")
@click.argument("moment", metavar="DATE")
@with_appcontext
def clock_set(moment: str) -> None:
    """Start the simulated clock at DATE (2024-01-01 = midnight China time, or an ISO datetime with offset).

    Only while no process instance exists; afterwards the clock only moves forward (POST /api/v1/clock).
    """
    from app.clock import CHINA
    from app.config import parse_instant
    from app.services.time.clock_control import set_start

    try:
        instant = parse_instant(moment)
    except ValueError as err:
        raise click.BadParameter(f"日期格式无效：{moment!r}（例如 2024-01-01 或 2024-01-01T09:00:00+08:00）",
                                 param_hint="DATE") from err
    try:
        started = set_start(instant)
    except DomainError as err:
        raise click.ClickException(err.message) from err
    click.echo(f"模拟时钟已设为 {started.astimezone(CHINA).isoformat()}")
