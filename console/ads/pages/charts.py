"""Plotly figures for the campaign page, built from the stats service's daily aggregates (never raw rows): counts
(impressions, clicks) and rates (CTR, completion, skip rate) per day. Plain dicts: NiceGUI bundles plotly.js, so
no CDN is involved, and the figures hold only numbers and dates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

COUNT_TRACES = (("Impressions", "impressions"), ("Clicks", "clicks"))
RATE_TRACES = (("CTR", "ctr"), ("Completion rate", "completion_rate"), ("Skip rate", "skip_rate"))


def _percent(value: Any) -> float | None:
    """A rate in percent (the stats service's 0-100) with two decimals; None (a gap) when nothing to divide."""
    if value is None:
        return None
    return round(float(value), 2)


CONFIG = {"displayModeBar": False, "responsive": True}


def _layout(title: str, y_title: str, **extra: Any) -> dict[str, Any]:
    return {
        "title": {"text": title, "font": {"size": 14}},
        "margin": {"l": 50, "r": 50, "t": 40, "b": 40},
        "height": 280,
        "legend": {"orientation": "h", "y": -0.2},
        "xaxis": {"type": "date"},
        "yaxis": {"title": {"text": y_title}, "rangemode": "tozero", **extra},
        "hovermode": "x unified",
    }


def _line(name: str, days: Sequence[Any], y: list[Any], **extra: Any) -> dict[str, Any]:
    """One lines-and-markers trace over the days."""
    return {
        "type": "scatter",
        "mode": "lines+markers",
        "name": name,
        "x": [d.day.isoformat() for d in days],
        "y": y,
        **extra,
    }


def counts_figure(days: Sequence[Any]) -> dict[str, Any]:
    """Impressions on the left axis, clicks on the right one (a hundred times fewer would lie flat on one axis)."""
    data = [
        _line(name, days, [int(getattr(d, attr)) for d in days], yaxis=axis)
        for (name, attr), axis in zip(COUNT_TRACES, ("y", "y2"), strict=True)
    ]
    layout = _layout("Impressions and clicks per day", "impressions")
    layout["yaxis2"] = {"title": {"text": "clicks"}, "overlaying": "y", "side": "right", "rangemode": "tozero"}
    return {"data": data, "layout": layout, "config": CONFIG}


def rates_figure(days: Sequence[Any]) -> dict[str, Any]:
    data = [
        _line(name, days, [_percent(getattr(d, attr)) for d in days], connectgaps=False) for name, attr in RATE_TRACES
    ]
    layout = _layout("CTR, completion and skip rate per day", "%", ticksuffix=" %")
    return {"data": data, "layout": layout, "config": CONFIG}


def trace_names(figure: dict[str, Any]) -> list[str]:
    return [str(t.get("name")) for t in figure.get("data", [])]
