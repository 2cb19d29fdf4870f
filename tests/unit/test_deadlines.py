"""Statutory deadlines (procedures.md §2–§4 and the worked examples)."""
from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask

from app.clock import CHINA
from app.errors import InvalidSubmission
from app.models import Center
from app.services.running import start_data
from app.services.time import deadlines

ROOT = Path(__file__).resolve().parents[2]


def center(policy: str, approved: str | None, *, established: str | None = None, status: str = "established",
           **profile: Any) -> Center:
    return Center(
        id=1, name="测试中心", policy=policy, status=status, profile=profile,
        approved_at=date.fromisoformat(approved) if approved else None,
        established_at=date.fromisoformat(established) if established else None,
    )


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


def by_kind(c: Center, now: str) -> dict[str, deadlines.Deadline]:
    found = deadlines.center_deadlines(c, at(now))
    assert [d.due for d in found] == sorted(d.due for d in found)
    return {d.kind: d for d in found}


def test_nmg2025_preparation_and_first_report(app: Flask) -> None:
    with app.app_context():
        found = by_kind(center("nmg2025", "2025-09-10", status="approved_for_preparation"), "2025-10-01T09:00")
        assert deadlines.annual_report_due("nmg2025", 2025).isoformat() == "2026-01-31T23:59:59+08:00"  # type: ignore[union-attr]
    assert found["preparation_end"].due.isoformat() == "2027-09-10T23:59:59+08:00"
    assert found["preparation_end"].article == "第二十条" and not found["preparation_end"].configured
    report = found["annual_report"]
    assert report.due.isoformat() == "2026-01-31T23:59:59+08:00" and report.period == "2025年度"
    assert report.article == "第二十九条" and report.configured is False and report.note is None
    assert "evaluation" not in found  # nmg2025 第三十二条: cycles start after establishment
    assert set(found) == {"preparation_end", "annual_report"}


def test_nmg2020_after_june_owes_no_report_for_that_year(app: Flask) -> None:
    c = center("nmg2020", "2025-08-01")
    with app.app_context():
        assert deadlines.owes_annual_report(c, 2025) is False
        assert "三(六)1" in (deadlines.annual_report_exemption(c, 2025) or "")
        assert deadlines.owes_annual_report(c, 2026) is True
        assert deadlines.annual_report_due("nmg2020", 2026).isoformat() == "2027-03-31T23:59:59+08:00"  # type: ignore[union-attr]
        found = by_kind(c, "2025-09-01T09:00")
    assert found["annual_report"].period == "2026年度"
    assert found["annual_report"].due.isoformat() == "2027-03-31T23:59:59+08:00"


@pytest.mark.parametrize("approved,owes", [("2025-04-01", True), ("2025-06-30", True), ("2025-07-01", False)])
def test_nmg2020_june_boundary(app: Flask, approved: str, owes: bool) -> None:
    with app.app_context():
        assert deadlines.owes_annual_report(center("nmg2020", approved), 2025) is owes
        assert deadlines.annual_report_due("nmg2020", 2025).isoformat() == "2026-03-31T23:59:59+08:00"  # type: ignore[union-attr]


def test_nmg2025_has_no_exemption_but_no_report_before_approval(app: Flask) -> None:
    c = center("nmg2025", "2025-09-10")
    with app.app_context():
        assert deadlines.owes_annual_report(c, 2025) is True
        assert deadlines.owes_annual_report(c, 2024) is False
        assert deadlines.owes_annual_report(center("nmg2025", None), 2024) is True


def test_xpcc_construction_period_and_configured_report(app: Flask) -> None:
    with app.app_context():
        found = by_kind(center("xpcc", "2025-05-20", status="under_construction"), "2025-06-01T09:00")
    assert found["construction_end"].due.isoformat() == "2028-05-20T23:59:59+08:00"
    assert found["construction_end"].article == "第十二条5"
    assert found["annual_report"].configured is True and found["annual_report"].article == "第十七条"
    assert found["annual_report"].note
    assert found["evaluation"].due.isoformat() == "2028-05-20T23:59:59+08:00"  # 第二十三条, from approval


@pytest.mark.parametrize("start,years,end", [
    ("2024-02-29", 2, "2026-02-28"), ("2024-02-29", 4, "2028-02-29"), ("2024-02-29", 1, "2025-02-28"),
    ("2025-09-10", 2, "2027-09-10"),
])
def test_add_years_29_february(start: str, years: int, end: str) -> None:
    assert deadlines.add_years(date.fromisoformat(start), years) == date.fromisoformat(end)


def test_29_february_approval(app: Flask) -> None:
    with app.app_context():
        found = by_kind(center("nmg2025", "2024-02-29", status="approved_for_preparation"), "2024-03-01T00:00")
    assert found["preparation_end"].due.isoformat() == "2026-02-28T23:59:59+08:00"


def test_evaluation_cycles_from_establishment(app: Flask) -> None:
    c = center("nmg2025", "2025-09-10", established="2027-09-10")
    with app.app_context():
        first = by_kind(c, "2028-01-01T00:00")["evaluation"]
        second = by_kind(c, "2030-09-11T00:00")["evaluation"]
        established = by_kind(c, "2028-01-01T00:00")
        preparing = by_kind(center("nmg2025", "2025-09-10", status="approved_for_preparation"), "2026-01-01T00:00")
    assert first.due.isoformat() == "2030-09-10T23:59:59+08:00" and first.article == "第三十二条"
    assert first.period.startswith("第1个评估周期")
    assert second.due.isoformat() == "2033-09-10T23:59:59+08:00" and second.period.startswith("第2个评估周期")
    # the deadlines follow the state: an established center has left its 筹建期; one in it is not yet evaluated
    assert "preparation_end" not in established
    assert preparing["preparation_end"].due.isoformat() == "2027-09-10T23:59:59+08:00" and "evaluation" not in preparing


@pytest.mark.parametrize("status", ["proposed", "revoked"])
def test_no_report_owed_before_approval_or_after_revocation(app: Flask, status: str) -> None:
    with app.app_context():
        assert by_kind(center("nmg2025", "2025-09-10", status=status), "2026-12-01T00:00") == {}


@pytest.mark.parametrize("policy,article,configured", [
    ("nmg2025", "第三十四条", False), ("nmg2020", "三(六)2", False), ("xpcc", "第二十四条", False),
    ("jinzhong", "第二十二条", False), ("national", "第三十条", True),
])
def test_rectification_year_from_profile(app: Flask, policy: str, article: str, configured: bool) -> None:
    c = center(policy, "2022-01-10", status="rectifying", rectification_started_at="2026-03-01")
    with app.app_context():
        found = by_kind(c, "2026-03-02T00:00")
        assert "rectification_end" not in by_kind(center(policy, "2022-01-10"), "2026-03-02T00:00")
        assert "evaluation" not in found  # rectifying: the re-check follows the rectification, not the cycle
    assert found["rectification_end"].due.isoformat() == "2027-03-01T23:59:59+08:00"
    assert found["rectification_end"].article == article and found["rectification_end"].configured is configured


def test_jinzhong_public_notice_five_working_days(app: Flask) -> None:
    c = center("jinzhong", None, status="proposed", public_notice_start="2025-09-29")
    with app.app_context():
        found = by_kind(c, "2025-09-29T09:00")
    notice = found["public_notice_end"]
    assert notice.due.isoformat() == "2025-10-11T23:59:59+08:00"
    assert notice.article == "第七条(五)" and notice.note is None


def test_public_notice_in_an_unscheduled_year_carries_the_warning(app: Flask) -> None:
    c = center("jinzhong", None, status="proposed", public_notice_start="2099-01-01")
    with app.app_context():
        notice = by_kind(c, "2098-12-01T09:00")["public_notice_end"]
    assert notice.due.isoformat() == "2099-01-07T23:59:59+08:00"
    assert notice.note and "2099" in notice.note


def test_jinzhong_and_national_reports(app: Flask) -> None:
    with app.app_context():
        jinzhong = by_kind(center("jinzhong", "2024-06-01"), "2026-02-01T00:00")["annual_report"]
        national = by_kind(center("national", "2023-03-01"), "2026-02-01T00:00")["annual_report"]
    assert jinzhong.due.isoformat() == "2027-01-31T23:59:59+08:00" and jinzhong.period == "2026年度"
    assert jinzhong.article == "第二十条" and not jinzhong.configured
    assert national.configured is True and national.article == "第二十五条"
    assert national.due.isoformat() == "2026-03-31T23:59:59+08:00" and national.period == "2025年度"


def test_start_data_refuses_an_exempt_year_and_keeps_its_keys(app: Flask) -> None:
    with app.app_context():
        with pytest.raises(InvalidSubmission) as err:
            start_data.prepare("nmg2020_annual_report", center("nmg2020", "2025-08-01"), {"report_year": 2025},
                               at("2026-01-05T00:00"))
        data = start_data.prepare("nmg2020_annual_report", center("nmg2020", "2025-04-01"), {"report_year": 2025},
                                  at("2026-01-05T00:00"))
    assert "6 月后" in err.value.errors["data.report_year"][0]  # type: ignore[index]
    assert data["report_year"] == 2025 and data["due_at"] == "2026-03-31T23:59:59+08:00"
    assert data["remind_at"] == "2026-03-01T23:59:59+08:00"


# --- the periods are policy.yaml's: change the data and the deadlines follow ----------------------------------


def _edited_policies(tmp_path: Path, policy: str, edit: Callable[[dict[str, Any]], None]) -> Path:
    """A copy of processes/ whose `policy`'s policy.yaml went through `edit`."""
    root = tmp_path / "processes"
    shutil.copytree(ROOT / "processes", root)
    path = root / policy / "policy.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return root


def test_deadlines_follow_the_yaml(app: Flask, tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["preparation"]["years"] = 3
        data["annual_report"].update(due_month=2, due_day=15, reminder_days_before=10)

    app.config["TIC_PROCESSES_DIR"] = _edited_policies(tmp_path, "nmg2025", edit)
    with app.app_context():
        found = by_kind(center("nmg2025", "2025-09-10", status="approved_for_preparation"), "2025-10-01T09:00")
        data = start_data.prepare("nmg2025_annual_report", center("nmg2025", "2025-09-10"), {"report_year": 2025},
                                  at("2026-01-05T00:00"))
    assert found["preparation_end"].due.isoformat() == "2028-09-10T23:59:59+08:00"
    assert found["annual_report"].due.isoformat() == "2026-02-15T23:59:59+08:00"
    assert data["due_at"] == "2026-02-15T23:59:59+08:00" and data["remind_at"] == "2026-02-05T23:59:59+08:00"


def test_a_reminder_the_yaml_does_not_set_is_an_error_not_a_guess(app: Flask, tmp_path: Path) -> None:
    app.config["TIC_PROCESSES_DIR"] = _edited_policies(
        tmp_path, "nmg2025", lambda data: data["annual_report"].pop("reminder_days_before"))
    with app.app_context(), pytest.raises(LookupError, match="annual_report.reminder_days_before"):
        start_data.prepare("nmg2025_annual_report", center("nmg2025", "2025-09-10"), {"report_year": 2025},
                           at("2026-01-05T00:00"))
