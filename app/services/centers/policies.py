"""Policy versions as data: `processes/<policy>/policy.yaml`."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from app.errors import NotFound
from app.i18n import english
from handlers import policy_data


def processes_dir() -> Path:
    """The directory of the deployed policies (TIC_PROCESSES_DIR)."""
    return Path(current_app.config["TIC_PROCESSES_DIR"])


def policy(key: str) -> dict[str, Any]:
    """The data of policy `key` (title, deadlines, thresholds, grades ...), read by the handlers' own loader."""
    try:
        return policy_data.load(key, processes_dir())
    except policy_data.PolicyDataError:
        raise NotFound(_("未配置的政策：%(policy)s", policy=key)) from None


def policy_title(rule: dict[str, Any], key: str) -> str:
    """A policy document's title in the user's language (`title_en` of its policy.yaml on English pages)."""
    return str(rule.get("title_en") if english() and rule.get("title_en") else rule.get("title", key))


def out_of_force(key: str, day: date) -> str | None:
    """Why policy `key` is not in force on `day` (a sentence in the locale), or None when it is (or has no yaml)."""
    try:
        rule = policy(key)
    except NotFound:
        return None
    start, end = rule.get("effective_from"), rule.get("effective_to")
    title = policy_title(rule, key)
    if isinstance(start, date) and day < start:
        return _("《%(title)s》自 %(start)s 起施行，%(day)s 尚未生效", title=title, start=start.isoformat(),
                 day=day.isoformat())
    if isinstance(end, date) and day > end:
        successor = _successor(rule.get("superseded_by"))
        if rule.get("effective_to_configured"):
            return _("《%(title)s》的有效期按配置至 %(end)s（文件本身未规定截止日期），已由%(successor)s取代",
                     title=title, end=end.isoformat(), successor=successor or "—")
        if successor:
            return _("《%(title)s》的有效期至 %(end)s，已由%(successor)s取代", title=title, end=end.isoformat(),
                     successor=successor)
        return _("《%(title)s》的有效期至 %(end)s（试行期已满）", title=title, end=end.isoformat())
    return None


def _successor(key: Any) -> str | None:
    """The policy that took over: its title for the reader, its key after it for the API's readers, who match on
    it (《…管理办法（试行）》（nmg2025））."""
    if not key:
        return None
    try:
        return _("《%(title)s》（%(key)s）", title=policy_title(policy(str(key)), str(key)), key=str(key))
    except NotFound:
        return str(key)


def establishment_refusal(key: str, day: date) -> str | None:
    """Why no new establishment may start under policy `key` on `day`, or None.

    A policy out of force by a date its text fixes refuses new establishments; an end date the text does not fix
    (`effective_to_configured: true` in policy.yaml) does not: the start is allowed and warned about (an event).
    Neither does the end of a trial whose text says nothing of what follows it (`lapse: warn`, e.g. jinzhong
    第二十五条 试行期2年): the start is allowed, warned about and recorded with who went on.
    """
    reason = out_of_force(key, day)
    if reason is None:
        return None
    rule = policy(key)
    end = rule.get("effective_to")
    if isinstance(end, date) and day > end and (rule.get("effective_to_configured") or rule.get("lapse") == "warn"):
        return None
    return reason
