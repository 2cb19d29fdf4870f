"""The policy data handlers read: `processes/<policy>/policy.yaml`, the one place thresholds and periods live.

Pure Python (no Flask): `load(policy)` reads the repository's `processes/` by default; the application passes
its own processes directory (TIC_PROCESSES_DIR) and hands the data to the checks (`evaluate(..., data)`).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

PROCESSES_DIR = Path(__file__).resolve().parents[1] / "processes"
PolicyData = Mapping[str, Any]

_CHINESE_DIGITS = "零一二三四五六七八九十"
_FRACTION = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")


class PolicyDataError(LookupError):
    """policy.yaml lacks a value a handler needs, or the value is malformed."""


@lru_cache(maxsize=64)
def _read(path: Path, mtime_ns: int) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        return dict(yaml.safe_load(fh) or {})


def policy_file(policy: str, processes_dir: Path | str | None = None) -> Path:
    """The path of `policy`'s policy.yaml under `processes_dir` (default: the repository's processes/)."""
    return Path(processes_dir or PROCESSES_DIR) / policy / "policy.yaml"


def load(policy: str, processes_dir: Path | str | None = None) -> dict[str, Any]:
    """The data of `policy`'s policy.yaml (read again when the file changes); LookupError when there is none."""
    path = policy_file(policy, processes_dir)
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise PolicyDataError(f"no policy.yaml for policy {policy!r} at {path}") from None
    return _read(path, mtime)


def require(data: PolicyData, *keys: str) -> Any:
    """The value at `keys` (e.g. "governance", "branches", "max"); PolicyDataError naming the path if absent."""
    node: Any = data
    for depth, key in enumerate(keys):
        if not isinstance(node, Mapping) or node.get(key) is None:
            where = ".".join(keys[: depth + 1])
            raise PolicyDataError(f"policy.yaml of {data.get('key', '?')!r} has no {where}")
        node = node[key]
    return node


def share(value: Any) -> Fraction:
    """A share written in policy.yaml as `1/3`, `50%` or a number, as an exact Fraction."""
    if isinstance(value, bool):
        raise PolicyDataError(f"not a share: {value!r}")
    if isinstance(value, int | float):
        return Fraction(str(value))
    text = str(value)
    if match := _FRACTION.match(text):
        return Fraction(int(match[1]), int(match[2]))
    if match := _PERCENT.match(text):
        return Fraction(match[1]) / 100
    raise PolicyDataError(f"not a share (1/3, 50% or a number): {value!r}")


def share_words(value: Any) -> str:
    """A share as the Chinese text writes it: `1/3` → 三分之一, `50%` → 50%, `2/5` → 五分之二."""
    text = str(value).strip()
    match = _FRACTION.match(text)
    if match and 0 < int(match[1]) <= 10 and 0 < int(match[2]) <= 10:
        return f"{_CHINESE_DIGITS[int(match[2])]}分之{_CHINESE_DIGITS[int(match[1])]}"
    if _PERCENT.match(text):
        return text.replace(" ", "")
    fraction = share(value)
    return f"{float(fraction * 100):g}%"
