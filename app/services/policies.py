"""Policy versions as data: `processes/<policy>/policy.yaml`."""
from __future__ import annotations

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
