"""Statutory deadlines of a center, computed from its dates and its policy's yaml (never hard-coded here).

Every due moment is the end of its day, 23:59:59 China time (+08:00). "N years from a date" lands on the
same month and day N years later; from 29 February it lands on 28 February when that year has no 29th.
The rectification period runs from `profile["rectification_started_at"]`, which the evaluation procedure
sets when a grade calls for rectification; the Jinzhong public notice runs from
`profile["public_notice_start"]`, which the establishment procedure sets when the notice is published.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from flask_babel import gettext as _

from app import calendar, clock
from app.clock import CHINA
from app.models import Center, User
from app.services.centers import registry as centers
from app.services.centers.policies import policy
from app.services.centers.submissions import submitted_at
from app.vocabulary import REPORTING_STATUSES, REPORTS_ON_RECORD_FROM, CenterStatus
from handlers.policy_data import require


@dataclass
class Deadline:
    """One statutory deadline: what, which period, when (aware, China time), why (article)."""

    kind: str
    period: str
    due: datetime
    article: str
    configured: bool
    note: str | None = None
    overdue: bool = False  # passed and not yet met (an owed annual report never submitted)


def end_of_day(day: date) -> datetime:
    """23:59:59 of `day`, China Standard Time."""
    return datetime.combine(day, time(23, 59, 59), CHINA)


def add_years(day: date, years: int) -> date:
    """The same month and day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def annual_report_due(policy_key: str, report_year: int) -> datetime | None:
    """End of the due day of the report on `report_year` (due the following year), or None if not configured."""
    rule = policy(policy_key).get("annual_report") or {}
    if "due_month" not in rule or "due_day" not in rule:
        return None
    return end_of_day(date(report_year + 1, int(rule["due_month"]), int(rule["due_day"])))


def annual_report_reminder_days(policy_key: str) -> int:
    """How many days before the report's due day its reminder fires (policy.yaml `annual_report.reminder_days_before`)."""
    return int(require(policy(policy_key), "annual_report", "reminder_days_before"))


def annual_report_exemption(center: Center, report_year: int) -> str | None:
    """Why `center` owes no report on `report_year` (a reason citing its article), or None if it owes one."""
    approved = center.approved_at
    if approved is None:
        return None
    if report_year < approved.year:
        return _("该中心于 %(approved)s 批准，%(year)s 年度尚未批准，无需提交该年度报告",
                 approved=approved.isoformat(), year=report_year)
    exemption = (policy(center.policy).get("annual_report") or {}).get("exemption") or {}
    after = exemption.get("approved_after_month")
    if after is not None and report_year == approved.year and approved.month > int(after):
        return _("该中心于 %(approved)s（%(year)s 年 %(month)s 月后）批复，依据%(cite)s无需提交 %(year)s 年度报告",
                 approved=approved.isoformat(), year=report_year, month=after,
                 cite=_cite(center.policy, exemption["article"]))
    return None


def owes_annual_report(center: Center, report_year: int) -> bool:
    """True when `center` must report on `report_year` here: not exempt (e.g. nmg2020 exempts centers approved after
    June) and not before the year its reports are kept on this platform from (`reports_on_record_from`, set when a
    running center is registered: the platform holds no record of the years before, so they are neither listed,
    started nor counted as missing; a report of such a year can still be started by hand)."""
    first = (center.profile or {}).get(REPORTS_ON_RECORD_FROM)
    if isinstance(first, int) and report_year < first:
        return False
    return annual_report_exemption(center, report_year) is None


def first_open_report_year(policy_key: str, now: datetime) -> int:
    """The earliest report year whose deadline has not passed at `now` (a running center registered now reports
    from it on)."""
    year = now.astimezone(CHINA).year - 1
    while (due := annual_report_due(policy_key, year)) is not None and due < now:
        year += 1
    return year


def _cite(policy_key: str, article: str) -> str:
    return f"《{policy(policy_key).get('title', policy_key)}》{article}"


# how many past report years an overdue, never submitted report stays listed
OVERDUE_REPORT_YEARS = 5


def _annual_report(center: Center, now: datetime) -> list[Deadline]:
    """The next report not yet submitted, after every owed report whose deadline passed without it (listed until
    submitted); a report submitted before its deadline gives way to the next year's."""
    rule = policy(center.policy).get("annual_report") or {}
    configured = bool(rule.get("configured", False))
    note = _("文件未规定报送日期：此为配置的日期，以主管部门通知为准") if configured else None
    found: list[Deadline] = []
    this_year = now.astimezone(CHINA).year
    for year in range(this_year - OVERDUE_REPORT_YEARS, this_year + 2):
        due = annual_report_due(center.policy, year)
        if due is None or not owes_annual_report(center, year):
            continue
        if submitted_at(center, year) is not None:
            continue
        late = due < now
        found.append(Deadline("annual_report", _("%(year)s年度", year=year), due, rule.get("article", ""), configured,
                              note, overdue=late))
        if not late:
            break
    return found

def _years_after(center: Center, kind: str, section: str, label: str, start: date | None) -> list[Deadline]:
    rule = policy(center.policy).get(section) or {}
    if start is None or "years" not in rule:
        return []
    end = add_years(start, int(rule["years"]))
    configured = bool(rule.get("configured", False))
    note = _("文件未规定期限长度：此为配置的年限") if configured else None
    period = _("%(label)s %(start)s 至 %(end)s", label=label, start=start.isoformat(), end=end.isoformat())
    return [Deadline(kind, period, end_of_day(end), rule.get("article", ""), configured, note)]


def _preparation(center: Center) -> list[Deadline]:
    """The 筹建期 end; moved to the date the authority set when it extended the period after a failed assessment."""
    found = _years_after(center, "preparation_end", "preparation", _("筹建期"), center.approved_at)
    extended = _profile_date(center, "preparation_extended_to")
    if not found or extended is None:
        return found
    statutory = found[0]
    note = _("筹建期原定 %(end)s 届满；考核未通过后经科技厅决定延长至 %(extended)s（文件未规定延长）",
             end=statutory.due.date().isoformat(), extended=extended.isoformat())
    return [Deadline(statutory.kind, statutory.period, end_of_day(extended), statutory.article, True, note)]


@dataclass(frozen=True)
class EvaluationCycle:
    """The k-th periodic evaluation of a center: the period it closes and whether its length is the text's."""

    number: int
    start: date
    due: date
    article: str
    configured: bool


def evaluation_cycle(center: Center, number: int) -> EvaluationCycle | None:
    """Cycle `number` (1, 2, ...) of the center's periodic evaluation; None when the policy or the dates lack it."""
    rule = policy(center.policy).get("evaluation") or {}
    starts = [getattr(center, key, None) for key in rule.get("starts_from", ["established_at", "approved_at"])]
    base = next((d for d in starts if d is not None), None)
    if base is None or "cycle_years" not in rule or number < 1:
        return None
    years = int(rule["cycle_years"])
    configured = bool(rule.get("configured", False)) or (number > 1 and bool(rule.get("later_cycles_configured")))
    return EvaluationCycle(number, add_years(base, years * (number - 1)), add_years(base, years * number),
                           str(rule.get("article", "")), configured)


def evaluation_due_cycle(center: Center, now: datetime) -> EvaluationCycle | None:
    """The latest evaluation cycle whose period has run out (the one to evaluate now), or None before the first.

    A cycle of N years runs out at the end of its last day ("满三年"): its evaluation starts from the next day on.
    """
    found, k = None, 1
    while (cycle := evaluation_cycle(center, k)) is not None and end_of_day(cycle.due) < now:
        found, k = cycle, k + 1
    return found


def _evaluation(center: Center, now: datetime) -> list[Deadline]:
    k = 1
    while (cycle := evaluation_cycle(center, k)) is not None and end_of_day(cycle.due) < now:
        k += 1
    if cycle is None:
        return []
    period = _("第%(n)s个评估周期 %(start)s 至 %(end)s", n=k, start=cycle.start.isoformat(), end=cycle.due.isoformat())
    note = _("文件只规定首次评估的时间，此后的评估周期为配置值") if cycle.configured and k > 1 else None
    return [Deadline("evaluation", period, end_of_day(cycle.due), cycle.article, cycle.configured, note)]


def _public_notice(center: Center) -> list[Deadline]:
    rule = policy(center.policy).get("public_notice") or {}
    start = _profile_date(center, "public_notice_start")
    if start is None or "working_days" not in rule:
        return []
    span = calendar.working_period(start, int(rule["working_days"]))
    period = _("公示期 %(start)s 起 %(days)s 个工作日，至 %(end)s", start=span.start.isoformat(),
               days=len(span.working_days), end=span.end.isoformat())
    note = "；".join(span.warnings) or None
    return [Deadline("public_notice_end", period, end_of_day(span.end), rule.get("article", ""),
                     bool(rule.get("configured", False)), note)]


def _profile_date(center: Center, key: str) -> date | None:
    value: Any = (center.profile or {}).get(key)
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def center_deadlines(center: Center, now: datetime) -> list[Deadline]:
    """The deadlines the center's state owes at `now`: its current period, reports due or overdue, evaluation.

    A 筹建期 or 建设期 is listed while the center is in it, a rectification period while it rectifies, the public
    notice while it is proposed; annual reports while it reports (REPORTING_STATUSES); a revoked center owes none.
    """
    status = center.status
    found: list[Deadline] = []
    if status in (CenterStatus.PROPOSED, CenterStatus.CULTIVATING):
        found += _public_notice(center)
    if status == CenterStatus.APPROVED_FOR_PREPARATION:
        found += _preparation(center)
    if status == CenterStatus.UNDER_CONSTRUCTION:
        found += _years_after(center, "construction_end", "construction", _("建设期"), center.approved_at)
    if status in REPORTING_STATUSES:
        found += _annual_report(center, now)
    if status in (CenterStatus.ESTABLISHED, CenterStatus.UNDER_CONSTRUCTION):
        found += _evaluation(center, now)
    if status == CenterStatus.RECTIFYING:
        found += _years_after(center, "rectification_end", "rectification", _("整改期"),
                              _profile_date(center, "rectification_started_at"))
    return sorted(found, key=lambda d: d.due)


def visible_center_deadlines(user: User, center_id: int) -> list[Deadline]:
    """The deadlines of a center visible to `user`, at the application clock's now."""
    return center_deadlines(centers.get_center(user, center_id), clock.now())
