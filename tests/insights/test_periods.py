from datetime import date

import pytest

from console.insights.periods import (
    Period,
    bucket_start,
    buckets,
    grain_for,
    last_year,
    preset,
    previous,
    shift_to,
)
from console.insights.series import Kpi, Series

TODAY = date(2026, 5, 20)


def test_presets_end_today_and_are_inclusive() -> None:
    assert preset("7d", TODAY) == Period(date(2026, 5, 14), TODAY)
    assert preset("7d", TODAY).days == 7
    assert preset("30d", TODAY).days == 30
    assert preset("90d", TODAY).days == 90
    assert preset("quarter", TODAY) == Period(date(2026, 4, 1), TODAY)
    assert preset("quarter", date(2026, 1, 1)) == Period(date(2026, 1, 1), date(2026, 1, 1))
    assert preset("year", TODAY).days == 365
    with pytest.raises(ValueError):
        preset("decade", TODAY)


def test_period_rejects_reversed_range() -> None:
    with pytest.raises(ValueError):
        Period(date(2026, 1, 2), date(2026, 1, 1))


def test_previous_is_same_length_just_before() -> None:
    period = Period(date(2026, 3, 1), date(2026, 3, 31))
    prev = previous(period)
    assert prev == Period(date(2026, 1, 29), date(2026, 2, 28))
    assert prev.days == period.days


def test_last_year_handles_leap_day() -> None:
    assert last_year(Period(date(2026, 3, 1), date(2026, 3, 31))) == Period(date(2025, 3, 1), date(2025, 3, 31))
    assert last_year(Period(date(2024, 2, 29), date(2024, 3, 1))) == Period(date(2023, 2, 28), date(2023, 3, 1))


def test_grain_thresholds() -> None:
    start = date(2026, 1, 1)
    assert grain_for(Period(start, date(2026, 4, 2))) == "day"  # 92 days
    assert grain_for(Period(start, date(2026, 4, 3))) == "week"  # 93 days
    assert grain_for(Period(start, date(2027, 1, 1))) == "week"  # 366 days
    assert grain_for(Period(start, date(2027, 1, 2))) == "month"


def test_buckets() -> None:
    period = Period(date(2026, 1, 28), date(2026, 3, 2))  # Wednesday .. Monday
    assert buckets(period, "month") == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    weeks = buckets(period, "week")
    assert weeks[0] == date(2026, 1, 26) and weeks[-1] == date(2026, 3, 2)
    assert all(w.weekday() == 0 for w in weeks)
    assert len(buckets(period, "day")) == period.days
    assert buckets(Period(date(2025, 12, 5), date(2026, 1, 5)), "month") == [date(2025, 12, 1), date(2026, 1, 1)]
    assert bucket_start(date(2026, 1, 28), "week") == date(2026, 1, 26)


def test_shift_to_maps_comparison_onto_current_axis() -> None:
    current = Period(date(2026, 3, 1), date(2026, 3, 31))
    assert shift_to(date(2026, 1, 29), previous(current), current) == date(2026, 3, 1)


def test_kpi_change() -> None:
    change = Kpi("Net revenue", 120.0, 100.0, "EUR").change
    assert change is not None
    assert change.absolute == 20.0 and change.percent == pytest.approx(20.0) and change.direction == "up"
    zero = Kpi("x", 5.0, 0.0).change
    assert zero is not None and zero.absolute == 5.0 and zero.percent is None
    assert Kpi("x", 5.0, None).change is None
    assert Kpi("x", None, 3.0).change is None
    down = Kpi("x", 50.0, 100.0).change
    assert down is not None and down.percent == pytest.approx(-50.0) and down.direction == "down"


def test_series_total() -> None:
    series = Series("Gross", [(date(2026, 1, 1), 1.5), (date(2026, 1, 2), 2.5)], "sum of payments")
    assert series.total == 4.0 and series.unit == ""
