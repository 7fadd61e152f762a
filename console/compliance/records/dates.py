"""The dates the 2257 rules turn on: the eighteenth birthday, age on a day, the retention date, and typed dates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from console.config import get_settings


def eighteenth_birthday(dob: date) -> date:
    """The day the performer turns 18. Born on 29 February: 1 March in a non-leap year (the later, safer day)."""
    try:
        return dob.replace(year=dob.year + 18)
    except ValueError:
        return date(dob.year + 18, 3, 1)


def age_on(dob: date, day: date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def retention_from(moment: datetime) -> date:
    """Seven years (the setting) after creation or last amendment (28 CFR 75.4)."""
    years = get_settings().records_retention_years
    start = moment.date()
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return date(start.year + years, 3, 1)


def _parse_date(value: Any, field: str, errors: dict[str, str], *, required: bool = False) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[field] = "is required"
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        errors[field] = "is not a date (YYYY-MM-DD)"
        return None
