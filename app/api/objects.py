"""Combine a model row with extra attributes for one response schema."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from sqlalchemy import inspect


def with_extra(row: Any, **extra: Any) -> SimpleNamespace:
    """The row's column attributes overlaid with `extra`, as one object a schema can dump."""
    columns = {attr.key: getattr(row, attr.key) for attr in inspect(row).mapper.column_attrs}
    return SimpleNamespace(**{**columns, **extra})
