"""A chart's legend speaks words, not the stored values it groups by ("ppv", "standard/stripe",
"requested_by_customer"); each trace keeps its series' own name in `meta.series`, which a click drills down by. A
single bucket is labelled by the chart's grain: a week that starts on the 1st is not a month."""

from __future__ import annotations

from datetime import date

from console.insights.pages import figures
from console.insights.pages.words import series_label
from console.insights.periods import Period
from console.insights.series import Series


def test_stored_values_read_as_words() -> None:
    cases = {
        "ppv": "Pay-per-view",
        "tip platform fee": "Tip platform fee",
        "subscription": "Subscription",
        "standard/stripe": "Standard · Stripe",
        "free/comp": "Free · complimentary",
        "requested_by_customer": "Requested by customer",
        "hide_comment": "Hide comment",
        "past SLA": "Past SLA",
        "first action p90": "First action p90",
        "no plan": "No plan",
        "DE": "DE",  # country codes, names and "MRR" as they are
        "MRR": "MRR",
        "Gross": "Gross",
        "(none)": "(none)",
        "": "",
    }
    assert {name: series_label(name) for name in cases} == cases


def test_traces_show_words_and_keep_the_series_key() -> None:
    march, april = date(2026, 3, 1), date(2026, 4, 1)
    current = [Series("ppv", [(april, 5.0)]), Series("standard/stripe", [(april, 7.0)])]
    before = [Series("ppv", [(march, 4.0)])]
    fig = figures.figure(
        "Net revenue by kind",
        current,
        kind="bar",
        compare=before,
        compare_label="previous",
        period=Period(april, date(2026, 4, 30)),
        compare_period=Period(march, date(2026, 3, 31)),
        in_progress=april,
        grain="month",
    )
    assert [(t["name"], t["meta"]["series"]) for t in fig["data"]] == [
        ("Pay-per-view", "ppv"),
        ("Standard · Stripe", "standard/stripe"),
        ("Pay-per-view (previous)", "ppv"),
    ]
    line = figures.figure("Signups", [Series("signups", [(march, 1.0), (april, 2.0)])], in_progress=april)
    solid, dotted = line["data"]
    assert (solid["name"], dotted["name"], dotted["meta"]) == (
        "Signups",
        "Signups (in progress)",
        {"part": "in progress", "series": "signups"},
    )
    assert dotted["hovertemplate"][-1].endswith("<extra>Signups</extra>")


def test_a_single_week_starting_on_the_first_is_labelled_as_a_week() -> None:
    monday_the_first = date(2026, 6, 1)
    week = [Series("views", [(monday_the_first, 3.0)])]
    weekly = figures.figure("Views", week, kind="bar", grain="week")
    axis = weekly["layout"]["xaxis"]
    assert axis["tickformat"] == "%b %-d" and axis["range"] == ["2026-05-28", "2026-06-05"]
    assert weekly["data"][0]["width"] == 6 * 86_400_000
    monthly = figures.figure("MRR", week, kind="bar", grain="month")["layout"]["xaxis"]
    assert monthly["tickformat"] == "%b %Y" and monthly["dtick"] == "M1"
    guessed = figures.figure("MRR", week, kind="bar")["layout"]["xaxis"]  # no grain: the 1st reads as a month
    assert guessed["tickformat"] == "%b %Y"


def test_drill_rows_name_plans_as_the_legends_do() -> None:
    """The drill-down's Plan column showed "basic" and "family" where every other screen says "Basic"."""
    from console.insights.pages.drill import readable

    row = readable({"id": 7, "plan_code": "basic", "plan": "family", "status": "past_due", "member_id": 3})
    assert row == {"id": 7, "plan_code": "Basic", "plan": "Family", "status": "Past due", "member_id": 3}
