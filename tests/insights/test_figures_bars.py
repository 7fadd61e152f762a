"""Bar charts of gains and losses (MRR movements): each bar is as tall as its value, losses below zero, and the
net is a line over them, not one more bar on the pile (QA: November's net of $119.90 was drawn as a 240-high
stack, churn could not be seen, and over a year churned MRR showed above zero)."""

from __future__ import annotations

from datetime import date

from console.insights.pages import figures
from console.insights.series import Series

MONTHS = [date(2026, 10, 1), date(2026, 11, 1)]


def movements() -> list[Series]:
    def s(name: str, values: list[float], **kw: bool) -> Series:
        return Series(name, list(zip(MONTHS, values, strict=True)), "", "USD", **kw)

    return [
        s("new", [120.0, 144.86]),
        s("expansion", [0.0, 15.0]),
        s("contraction", [-5.0, -5.0]),
        s("churned", [-60.0, -39.95]),
        s("net", [55.0, 114.91], is_sum=True),
    ]


def test_gains_stack_up_from_zero_losses_down_from_it_and_the_net_is_a_line() -> None:
    fig = figures.figure("MRR movements", movements(), kind="bar")
    assert fig["layout"]["barmode"] == "relative"  # "stack" drew a loss from the top of the gains
    kinds = {t["meta"]["series"]: t["type"] for t in fig["data"]}
    assert kinds == {"new": "bar", "expansion": "bar", "contraction": "bar", "churned": "bar", "net": "scatter"}
    net = next(t for t in fig["data"] if t["meta"]["series"] == "net")
    assert net["y"] == [55.0, 114.91] and net["mode"] == "lines+markers"


def test_the_net_of_a_month_in_progress_is_drawn_dotted_like_any_line() -> None:
    fig = figures.figure("MRR movements", movements(), kind="bar", in_progress=MONTHS[-1])
    net = [t for t in fig["data"] if t["meta"]["series"] == "net"]
    assert [t["type"] for t in net] == ["scatter", "scatter"] and net[1]["line"]["dash"] == "dot"
    churned = next(t for t in fig["data"] if t["meta"]["series"] == "churned")
    assert churned["marker"]["opacity"][-1] < 1.0  # the bars of the month still running turn pale


def test_a_chart_of_one_series_still_names_it_in_a_legend() -> None:
    """QA: "Refunds by reason" with one reason drew one bar and no legend (plotly hides a lone trace's)."""
    fig = figures.figure("Refunds by reason", [Series("goodwill", [(MONTHS[0], 12.0)])], kind="bar")
    assert fig["layout"]["showlegend"] is True and fig["data"][0]["name"] == "Goodwill"
