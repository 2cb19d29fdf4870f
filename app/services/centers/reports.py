"""Annual-report history of a center: which owed reports were submitted, and which never were."""
from __future__ import annotations

from app.extensions import db
from app.models import Center
from app.services.centers.submissions import SUBMIT_ELEMENTS as SUBMIT_ELEMENTS
from app.services.centers.submissions import submitted_at
from app.services.time import deadlines


def consecutive_missing_reports(center_id: int, report_year: int) -> int:
    """Owed reports never submitted, counted backwards from `report_year` until one was.

    nmg2025 第三十一条(一) "连续2年未报送年度报告": a report submitted late is a submitted report; its lateness was
    escalated when its deadline passed (the annual report's overdue escalation), it does not count here.
    """
    center = db.session.get(Center, center_id)
    if center is None:
        return 0
    count = 0
    year = report_year
    while count < 10 and deadlines.owes_annual_report(center, year) and submitted_at(center, year) is None:
        count += 1
        year -= 1
    return count
