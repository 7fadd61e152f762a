"""Date ranges for the insights dashboards: presets, comparison periods, chart grain and buckets.

A `Period` is inclusive at both ends (a "7d" period ending today holds seven days, today included).
Presets end on `today`: "7d", "30d", "90d" are the last N days; "quarter" is the calendar quarter
to date; "year" is the last 365 days (a full year of seasonality whatever the date).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Grain = Literal["day", "week", "month"]
PRESETS: tuple[str, ...] = ("7d", "30d", "90d", "quarter", "year")
PRESET_LABELS: dict[str, str] = {
    "7d": "7 days",
    "30d": "30 days",
    "90d": "90 days",
    "quarter": "Quarter to date",
    "year": "Year (365 days)",
}
DAY_GRAIN_MAX_DAYS = 92
WEEK_GRAIN_MAX_DAYS = 366


@dataclass(frozen=True)
class Period:
    """Inclusive date range [start, end]."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def label(self) -> str:
        return f"{self.start.isoformat()} – {self.end.isoformat()}"


def preset(name: str, today: date) -> Period:
    """The named preset period ending on `today`."""
    if name in ("7d", "30d", "90d"):
        return Period(today - timedelta(days=int(name[:-1]) - 1), today)
    if name == "quarter":
        first_month = 3 * ((today.month - 1) // 3) + 1
        return Period(date(today.year, first_month, 1), today)
    if name == "year":
        return Period(today - timedelta(days=364), today)
    raise ValueError(f"unknown period preset {name!r}; expected one of {', '.join(PRESETS)}")


def previous(period: Period) -> Period:
    """The period of the same length that ends the day before `period` starts."""
    end = period.start - timedelta(days=1)
    return Period(end - timedelta(days=period.days - 1), end)


def _year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def last_year(period: Period) -> Period:
    """The same calendar dates one year earlier (29 February becomes the 28th)."""
    return Period(_year_earlier(period.start), _year_earlier(period.end))


def grain_for(period: Period) -> Grain:
    """ "day" up to 92 days, "week" up to a year (366 days), else "month"."""
    if period.days <= DAY_GRAIN_MAX_DAYS:
        return "day"
    if period.days <= WEEK_GRAIN_MAX_DAYS:
        return "week"
    return "month"


def bucket_start(day: date, grain: Grain) -> date:
    """The first day of the bucket holding `day`: itself, its ISO week's Monday, or the 1st of its month."""
    if grain == "day":
        return day
    if grain == "week":
        return day - timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    raise ValueError(f"unknown grain {grain!r}")


def _next_bucket(start: date, grain: Grain) -> date:
    if grain == "day":
        return start + timedelta(days=1)
    if grain == "week":
        return start + timedelta(days=7)
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


def buckets(period: Period, grain: Grain) -> list[date]:
    """Bucket start dates covering the period, in order. The first bucket may start before the
    period (a week starts on Monday, a month on the 1st); points are keyed by these dates."""
    out: list[date] = []
    current = bucket_start(period.start, grain)
    while current <= period.end:
        out.append(current)
        current = _next_bucket(current, grain)
    return out


def in_progress(period: Period, grain: Grain, today: date) -> date | None:
    """The start of the bucket that holds `today` when the period reaches today: that bucket is still filling (today
    has only the hours so far, and today's rollup may not have run), so a chart must not draw it as a drop."""
    return bucket_start(today, grain) if today in period else None


def shift_to(day: date, source: Period, target: Period) -> date:
    """Map a date of the comparison period `source` onto the current period `target` (same offset
    from the start), so a comparison series can be drawn on the current period's axis."""
    return target.start + (day - source.start)
