"""The x axis names the buckets: a chart of one month (MRR at a 30-day range) used to sit on an axis of
milliseconds ("23:59:59.999 Oct 31"), a few days on hours; the cohort heatmap's axis ran -0.4..0.4 months with its
row names cut and a colour scale of 99.6..100.4 %."""

from __future__ import annotations

from datetime import date

from console.insights.pages import figures
from console.insights.series import Series


def months(*firsts: date) -> Series:
    return Series("MRR", [(d, 100.0 + i) for i, d in enumerate(firsts)])


def test_one_month_is_a_month_wide_with_month_ticks() -> None:
    axis = figures.figure("MRR", [months(date(2026, 11, 1))])["layout"]["xaxis"]
    assert axis["tickformat"] == "%b %Y" and axis["dtick"] == "M1"
    assert axis["range"] == ["2026-10-16", "2026-11-17"]
    assert axis["type"] == "date"


def test_a_lone_bar_is_as_wide_as_most_of_its_bucket() -> None:
    """MRR movements at 30 days: one month of bars, one millisecond wide on a month-wide axis: an empty chart."""
    fig = figures.figure("Movements", [months(date(2026, 11, 1))], kind="bar")
    assert {t["width"] for t in fig["data"] if t["type"] == "bar"} == {27 * 86_400_000}
    several = figures.figure("Movements", [months(date(2026, 10, 1), date(2026, 11, 1))], kind="bar")
    assert all("width" not in t for t in several["data"])  # plotly spaces several buckets itself


def test_a_year_of_months_ticks_every_month_and_plotly_ranges_it() -> None:
    firsts = [date(2025, m, 1) for m in range(12, 13)] + [date(2026, m, 1) for m in range(1, 12)]
    axis = figures.figure("MRR", [months(*firsts)])["layout"]["xaxis"]
    assert axis["tickformat"] == "%b %Y" and axis["dtick"] == "M1" and "range" not in axis


def test_days_are_named_as_days_and_a_short_range_ticks_each_day() -> None:
    days = Series("Views", [(date(2026, 11, d), 1.0) for d in range(1, 4)])  # starts on a 1st: still days
    axis = figures.figure("Views", [days])["layout"]["xaxis"]
    assert axis["tickformat"] == "%b %-d" and axis["dtick"] == 86_400_000
    one_day = figures.figure("Views", [Series("Views", [(date(2026, 11, 3), 1.0)])])["layout"]["xaxis"]
    assert one_day["range"] == ["2026-11-02", "2026-11-04"]
    long = Series("Views", [(date(2026, 1, 1).fromordinal(date(2026, 1, 1).toordinal() + i), 1.0) for i in range(90)])
    assert "dtick" not in figures.figure("Views", [long])["layout"]["xaxis"]  # plotly spaces 90 days itself


def test_the_cohort_heatmap_counts_whole_months_from_0_to_100_percent() -> None:
    fig = figures.heatmap("Cohorts", [Series("2026-11 (n=18)", [(date(2026, 11, 1), 100.0)])], height=300, dark=False)
    (cell,) = fig["data"]
    assert (cell["zmin"], cell["zmax"], cell["reversescale"]) == (0, 100, True)
    assert fig["layout"]["xaxis"]["dtick"] == 1 and fig["layout"]["yaxis"]["automargin"] is True
