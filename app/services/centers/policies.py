"""Policy versions as data: `processes/<policy>/policy.yaml`."""
from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from flask import current_app

from app.errors import NotFound


@lru_cache(maxsize=32)
def _load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        return dict(yaml.safe_load(fh) or {})


def policy(key: str) -> dict[str, Any]:
    """The policy constants of `key` (title, deadlines, thresholds, grades ...)."""
    path = Path(current_app.config["TIC_PROCESSES_DIR"]) / key / "policy.yaml"
    if not path.is_file():
        raise NotFound(f"未配置的政策：{key}")
    return _load(path)


def out_of_force(key: str, day: date) -> str | None:
    """Why policy `key` is not in force on `day` (a Chinese sentence), or None when it is (or has no yaml)."""
    try:
        rule = policy(key)
    except NotFound:
        return None
    start, end = rule.get("effective_from"), rule.get("effective_to")
    title = rule.get("title", key)
    if isinstance(start, date) and day < start:
        return f"《{title}》自 {start.isoformat()} 起施行，{day.isoformat()} 尚未生效"
    if isinstance(end, date) and day > end:
        successor = rule.get("superseded_by")
        tail = f"，已由 {successor} 取代" if successor else "（试行期已满）"
        return f"《{title}》的有效期至 {end.isoformat()}{tail}"
    return None
