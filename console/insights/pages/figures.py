"""Plotly dict figures from `Series`: the current period solid, the comparison period dashed and shifted onto the
current period's axis, a transparent background and theme-aware fonts so charts follow the console's dark mode.
A bucket still filling (today, this week, this month) is drawn dotted or pale and named "in progress", so its low
value does not read as a collapse."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

from console.insights.pages.words import series_label
from console.insights.periods import Period, shift_to
from console.insights.series import Series
from console.ui.charts import CLEAR, DARK_FONT, DARK_GRID, LIGHT_FONT, LIGHT_GRID

CONFIG = {"displayModeBar": False, "responsive": True}
# Every chart's colour cycle (plotly's own default colours), set as the layout's colorway: a series' dotted
# in-progress end is drawn as a separate trace in COLOURS[i] and must match the colour plotly gives series i.
COLOURS = ("#636efa", "#EF553B", "#00cc96", "#ab63fa", "#FFA15A", "#19d3f3", "#FF6692", "#B6E880", "#FF97FF", "#FECB52")
IN_PROGRESS = "in progress"  # the meta tag of a trace that draws the bucket still filling
PALE = 0.4


def layout(title: str, *, height: int, dark: bool, unit: str = "", barmode: str | None = None) -> dict[str, Any]:
    font, grid = (DARK_FONT, DARK_GRID) if dark else (LIGHT_FONT, LIGHT_GRID)
    out: dict[str, Any] = {
        "title": {"text": title, "font": {"size": 14}},
        "template": "plotly_dark" if dark else "plotly_white",
        "paper_bgcolor": CLEAR,
        "plot_bgcolor": CLEAR,
        "font": {"color": font},
        "height": height,
        "margin": {"l": 55, "r": 20, "t": 40, "b": 40},
        "legend": {"orientation": "h", "y": -0.2},
        "showlegend": True,  # plotly hides the legend of a lone trace: one refund reason was a bar with no name (QA)
        "xaxis": {"type": "date", "gridcolor": grid},
        "yaxis": {"title": {"text": unit}, "rangemode": "tozero", "gridcolor": grid},
        "hovermode": "closest",
        "colorway": list(COLOURS),
    }
    if barmode:
        out["barmode"] = barmode
    return out


def _trace(
    series: Series, kind: str, *, dashed: bool = False, x: list[str] | None = None, label: str | None = None
) -> dict[str, Any]:
    """A series' trace: the legend shows its words (`label`, else `words.series_label`), `meta.series` keeps the
    series' own name, which a click drills down by."""
    xs = x if x is not None else [d.isoformat() for d, _ in series.points]
    ys = [None if math.isnan(v) else float(v) for _, v in series.points]  # a GAP is a gap, not a point
    name, meta = label or series_label(series.name), {"series": series.name}
    if kind == "bar" and not dashed:
        return {"type": "bar", "name": name, "meta": meta, "x": xs, "y": ys, "hovertemplate": "%{x}: %{y:,.2f}"}
    trace: dict[str, Any] = {
        "type": "scatter",
        "mode": "lines+markers" if not dashed else "lines",
        "name": name,
        "meta": meta,
        "x": xs,
        "y": ys,
    }
    if dashed:
        trace["line"] = {"dash": "dash"}
        trace["opacity"] = 0.7
    return trace


def figure(
    title: str,
    series: list[Series],
    *,
    kind: str = "line",
    height: int = 300,
    dark: bool = False,
    unit: str = "",
    compare: list[Series] | None = None,
    compare_label: str = "",
    period: Period | None = None,
    compare_period: Period | None = None,
    in_progress: date | None = None,
    grain: str | None = None,
) -> dict[str, Any]:
    """Current series (lines or stacked bars) and, when given, the comparison series dashed on the same axis.
    `in_progress` is the start of the bucket still filling (`periods.in_progress`): its point is left out of the
    solid line and drawn by a dotted segment after the others (bars: a pale bar), with a note on the chart."""
    if kind == "heatmap":
        return heatmap(title, series, height=height, dark=dark)
    data = [_trace(s, _kind(s, kind)) for s in series]
    partial = [i for i, s in enumerate(series) if in_progress is not None and _ends_on(s, in_progress)]
    for s in compare or []:
        x = None
        if period is not None and compare_period is not None:
            x = [shift_to(d, compare_period, period).isoformat() for d, _ in s.points]
        label = f"{series_label(s.name)} ({compare_label})" if compare_label else None
        data.append(_trace(s, _kind(s, kind), dashed=True, x=x, label=label))
    for i in partial:
        data.extend(_mark_in_progress(data[i], series[i].name, COLOURS[i % len(COLOURS)], _kind(series[i], kind)))
    # "relative": gains stack up from zero and losses down from it, so each bar is as tall as its value
    # ("stack" piled a loss onto the gains, drawing churn above zero and the net twice)
    lay = layout(title, height=height, dark=dark, unit=unit, barmode="relative" if kind == "bar" else None)
    lay["xaxis"].update(date_axis(data, grain))
    widen_a_lone_bar(data, lay["xaxis"], grain)
    if partial and in_progress is not None:
        lay["annotations"] = [_in_progress_note(in_progress)]
    return {"data": data, "layout": lay, "config": CONFIG}


def date_axis(traces: list[dict[str, Any]], grain: str | None = None) -> dict[str, Any]:
    """Ticks that name the buckets: months as "Nov 2026", days as "Nov 3". Left to itself plotly puts a chart of one
    point (a month's MRR at a 30-day range) on an axis of milliseconds, and a chart of a few days on hours. The
    chart's `grain` says whether buckets are months; without it they are months when every one starts on the 1st
    and they are 28 days or more apart (a single week that starts on the 1st cannot be told from a month)."""
    days = sorted({date.fromisoformat(str(x)[:10]) for t in traces for x in t.get("x", []) if x})
    if not days:
        return {}
    if grain is not None:
        monthly = grain == "month"
    else:
        monthly = all(d.day == 1 for d in days) and (len(days) == 1 or (days[1] - days[0]).days >= 28)
    axis: dict[str, Any] = {"tickformat": "%b %Y" if monthly else "%b %-d", "hoverformat": "%Y-%m-%d"}
    pad = timedelta(days=16 if monthly else 4 if grain == "week" else 1)
    if len(days) == 1 or (monthly and len(days) <= 12):
        axis["dtick"] = "M1" if monthly else 86_400_000
    elif not monthly and (days[-1] - days[0]).days <= 14:
        axis["dtick"] = 86_400_000
    if len(days) == 1:
        axis["range"] = [(days[0] - pad).isoformat(), (days[0] + pad).isoformat()]
    return axis


def widen_a_lone_bar(traces: list[dict[str, Any]], axis: dict[str, Any], grain: str | None = None) -> None:
    """Bars of a single bucket on a date axis are as wide as plotly's guess from their spacing: with no spacing, one
    millisecond, invisible on the month-wide axis `date_axis` draws. They get most of their bucket instead."""
    if "range" not in axis:
        return
    days = 27 if axis.get("dtick") == "M1" else 6 if grain == "week" else 0.8
    for trace in traces:
        if trace.get("type") == "bar":
            trace["width"] = days * 86_400_000


def _kind(series: Series, kind: str) -> str:
    """A sum (a net) is a line over its chart's bars, never one more bar in their stack."""
    return "line" if series.is_sum else kind


def _ends_on(series: Series, bucket: date) -> bool:
    return bool(series.points) and series.points[-1][0] == bucket


def _mark_in_progress(trace: dict[str, Any], key: str, colour: str, kind: str) -> list[dict[str, Any]]:
    """Take the last point of `trace` out of its solid line (the x axis keeps it) and return the dotted segment that
    draws it instead; a bar keeps its place in the stack and turns pale. Returns the traces to add."""
    name = str(trace["name"])
    last = len(trace["y"]) - 1
    if kind == "bar":
        trace["marker"] = {"opacity": [1.0] * last + [PALE]}
        trace["hovertemplate"] = [trace["hovertemplate"]] * last + [f"%{{x}}: %{{y:,.2f}} ({IN_PROGRESS})"]
        return []
    xs, ys = trace["x"][max(last - 1, 0) :], trace["y"][max(last - 1, 0) :]
    trace["y"] = [*trace["y"][:last], None]
    trace["line"], trace["marker"] = {"color": colour}, {"color": colour}
    return [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": f"{name} ({IN_PROGRESS})",
            "meta": {"part": IN_PROGRESS, "series": key},
            "showlegend": False,
            "x": xs,
            "y": ys,
            "line": {"color": colour, "dash": "dot"},
            "marker": {"color": colour, "symbol": ["circle"] * (len(xs) - 1) + ["circle-open"]},
            "hovertemplate": [f"%{{x}}: %{{y:,.2f}}<extra>{name}</extra>"] * (len(xs) - 1)
            + [f"%{{x}}: %{{y:,.2f}} ({IN_PROGRESS})<extra>{name}</extra>"],
        }
    ]


def _in_progress_note(bucket: date) -> dict[str, Any]:
    return {
        "x": bucket.isoformat(),
        "y": 1,
        "yref": "paper",
        "yanchor": "bottom",
        "text": IN_PROGRESS,
        "showarrow": False,
        "font": {"size": 10},
        "opacity": 0.7,
    }


def heatmap(title: str, rows: list[Series], *, height: int, dark: bool) -> dict[str, Any]:
    """One row per series (a cohort), columns by the position of the point (months since the cohort started)."""
    width = max((len(s.points) for s in rows), default=0)
    z = [[float(v) for _, v in s.points] + [None] * (width - len(s.points)) for s in rows]
    lay = layout(title, height=height, dark=dark)
    # whole months on the axis, the cohort names never cut, and one colour scale for every range (0-100 %)
    lay["xaxis"] = {"title": {"text": "months since first payment"}, "type": "linear", "dtick": 1, "tick0": 0}
    lay["yaxis"] = {"type": "category", "autorange": "reversed", "automargin": True}
    data = [
        {
            "type": "heatmap",
            "z": z,
            "x": list(range(width)),
            "y": [s.name for s in rows],
            "colorscale": "Blues",
            "reversescale": True,  # plotly's "Blues" runs dark to light: a retained cohort is the darker one
            "zmin": 0,
            "zmax": 100,
            "texttemplate": "%{z:.0f}",
            "hovertemplate": "cohort %{y}, month %{x}: %{z:.1f}<extra></extra>",
        }
    ]
    return {"data": data, "layout": lay, "config": CONFIG}


def trace_names(fig: dict[str, Any]) -> list[str]:
    return [str(t.get("name")) for t in fig.get("data", [])]
