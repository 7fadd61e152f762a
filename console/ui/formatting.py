"""Display helpers: dates in UTC, money later, JSON values for diffs — always plain text (escaped by NiceGUI)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any


def plural(n: int, word: str) -> str:
    """`plural(1, "day")` is "1 day", `plural(1200, "day")` "1,200 days"."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def fmt_dt(value: datetime | None) -> str:
    if value is None:
        return "—"
    return value.strftime("%Y-%m-%d %H:%M UTC")


def fmt_date(value: date | None) -> str:
    return "—" if value is None else value.isoformat()


def fmt_value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
