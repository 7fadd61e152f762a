"""The bucket still filling (today, this week, this month) is drawn as in progress, not as a drop: its point leaves
the solid line for a dotted segment (bars turn pale), a note names it, and a finished period draws as before."""

from __future__ import annotations

from datetime import date, timedelta

from console.insights.pages import figures
from console.insights.periods import Period, in_progress, preset
from console.insights.series import Series

TODAY = date(2026, 5, 20)  # a Wednesday


def days(values: list[float], end: date = TODAY) -> Series:
    first = end - timedelta(days=len(values) - 1)
    return Series("Views", [(first + timedelta(days=i), v) for i, v in enumerate(values)])


def test_the_bucket_holding_today_is_in_progress_only_when_the_period_reaches_today() -> None:
    assert in_progress(preset("7d", TODAY), "day", TODAY) == TODAY
    assert in_progress(preset("year", TODAY), "week", TODAY) == date(2026, 5, 18)  # its Monday
    assert in_progress(Period(date(2024, 1, 1), TODAY), "month", TODAY) == date(2026, 5, 1)
    assert in_progress(Period(date(2026, 5, 1), date(2026, 5, 19)), "day", TODAY) is None  # ended yesterday


def test_todays_point_leaves_the_solid_line_for_a_dotted_end() -> None:
    fig = figures.figure("Views", [days([120, 130, 4])], in_progress=TODAY)
    solid, dotted = fig["data"]
    assert solid["x"][-1] == TODAY.isoformat() and solid["y"] == [120.0, 130.0, None]  # the axis keeps today
    assert dotted["x"] == [(TODAY - timedelta(days=1)).isoformat(), TODAY.isoformat()]
    assert dotted["y"] == [130.0, 4.0]
    assert dotted["line"]["dash"] == "dot" and dotted["line"]["color"] == solid["line"]["color"]
    assert dotted["showlegend"] is False and dotted["meta"] == {"part": "in progress", "series": "Views"}
    assert "in progress" in dotted["hovertemplate"][-1] and "in progress" not in dotted["hovertemplate"][0]
    assert [a["text"] for a in fig["layout"]["annotations"]] == ["in progress"]
    assert fig["layout"]["annotations"][0]["x"] == TODAY.isoformat()


def test_each_line_keeps_its_own_colour_and_comparisons_are_untouched() -> None:
    views, completes = days([5, 6, 1]), Series("Completes", days([3, 4, 0]).points)
    before = Series("Views", days([7, 8, 9], TODAY - timedelta(days=3)).points)
    fig = figures.figure("Views", [views, completes], compare=[before], compare_label="previous", in_progress=TODAY)
    names = [t["name"] for t in fig["data"]]
    assert names == ["Views", "Completes", "Views (previous)", "Views (in progress)", "Completes (in progress)"]
    assert fig["data"][3]["line"]["color"] == fig["data"][0]["line"]["color"] != fig["data"][1]["line"]["color"]
    assert fig["data"][4]["line"]["color"] == fig["data"][1]["line"]["color"]
    # the colours given explicitly are the layout's own cycle, which colours every other trace
    assert fig["layout"]["colorway"] == list(figures.COLOURS)
    assert [fig["data"][i]["line"]["color"] for i in (0, 1)] == list(figures.COLOURS[:2])
    assert fig["data"][2]["y"] == [7.0, 8.0, 9.0]  # a finished period: every point solid (dashed)


def test_a_bar_still_filling_stays_in_its_stack_and_turns_pale() -> None:
    fig = figures.figure("Published", [days([2, 3, 1])], kind="bar", in_progress=TODAY)
    (bars,) = fig["data"]
    assert bars["y"] == [2.0, 3.0, 1.0]
    assert bars["marker"]["opacity"] == [1.0, 1.0, figures.PALE]
    assert "in progress" in bars["hovertemplate"][-1] and "in progress" not in bars["hovertemplate"][0]


def test_a_finished_period_or_a_series_without_today_draws_as_before() -> None:
    plain = figures.figure("Views", [days([1, 2, 3])])
    assert figures.figure("Views", [days([1, 2, 3])], in_progress=None) == plain
    assert len(plain["data"]) == 1 and plain["data"][0]["y"] == [1.0, 2.0, 3.0] and "annotations" not in plain["layout"]
    ended_yesterday = days([1, 2, 3], TODAY - timedelta(days=1))
    fig = figures.figure("Views", [ended_yesterday], in_progress=TODAY)  # no point for today: nothing to mark
    assert len(fig["data"]) == 1 and fig["data"][0]["y"] == [1.0, 2.0, 3.0] and "annotations" not in fig["layout"]


def test_a_period_of_one_day_today_is_one_open_marker() -> None:
    fig = figures.figure("Views", [days([4])], in_progress=TODAY)
    solid, dotted = fig["data"]
    assert solid["y"] == [None]
    assert dotted["x"] == [TODAY.isoformat()] and dotted["marker"]["symbol"] == ["circle-open"]
