"""Small shapes between the services and the page: a KPI from a series, the cohort matrix as heatmap rows, and
each service's own drill-down called with the bucket's days. No metric is computed here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from console.actor import Actor
from console.errors import ValidationFailed
from console.insights.pages.specs import ChartSpec, bucket_days
from console.insights.periods import Grain, Period
from console.insights.series import Kpi, Series
from console.paging import Page, PageRequest


def series_kpi(
    fn: Callable[..., list[Series]],
    name: str,
    *,
    how: str = "total",
    label: str | None = None,
    lower_is_better: bool = False,
) -> Any:
    """A KPI read off one series of `fn`: its total over the period, or its last point (a balance like MRR)."""

    def load(session: Session, *, actor: Actor, period: Period, grain: Grain) -> Kpi:
        found = {s.name: s for s in fn(session, actor=actor, period=period, grain=grain)}
        series = found.get(name)
        if series is None:
            return Kpi(label or name, None, lower_is_better=lower_is_better)
        value = series.total if how == "total" else (series.points[-1][1] if series.points else None)
        return Kpi(label or name, value, None, series.unit, series.definition, lower_is_better, snapshot=how == "last")

    load.series_of = (fn, name)  # type: ignore[attr-defined]  # for the test that every KPI names a real series
    return load


def _add_months(month: date, k: int) -> date:
    total = month.month - 1 + k
    return date(month.year + total // 12, total % 12 + 1, 1)


def cohort_label(cohort: date, size: int) -> str:
    return f"{cohort:%Y-%m} (n={size})"


def cohort_of(label: str) -> date | None:
    """The cohort month of a heatmap row label (`cohort_label`), None when it is not one."""
    try:
        return date.fromisoformat(f"{label[:7]}-01")
    except ValueError:
        return None


def heatmap_cell(label: str, months_since: Any) -> tuple[date, date] | None:
    """(cohort, month) of a clicked heatmap cell: its row label and its column (months since the cohort)."""
    cohort = cohort_of(label)
    try:
        k = int(months_since)
    except (TypeError, ValueError):
        return None
    return None if cohort is None or k < 0 else (cohort, _add_months(cohort, k))


def cohort_rows(fn: Callable[..., Any]) -> Any:
    """The service's cohort matrix as one Series per cohort (first-payment month), cells in percent."""

    def load(session: Session, *, actor: Actor, period: Period, grain: Grain) -> list[Series]:
        found = fn(session, actor=actor, period=period, grain=grain)
        rows = []
        for cohort, size, cells in zip(found.cohorts, found.sizes, found.matrix, strict=False):
            points = [(_add_months(cohort, k), float(v)) for k, v in enumerate(cells) if v is not None]
            rows.append(Series(cohort_label(cohort, size), points, found.definition, "%"))
        return rows

    return load


def drill_month(fn: Callable[..., Page[dict[str, Any]]]) -> Any:
    """A drill-down taking the clicked month (`month`): the MRR chart's members at that month's end."""

    def drill(
        session: Session, *, actor: Actor, period: Period, day: date, series: str, grain: Grain, request: PageRequest
    ) -> Page[dict[str, Any]]:
        return fn(session, actor=actor, month=day, page=request)

    return drill


def drill_cohort(fn: Callable[..., Page[dict[str, Any]]]) -> Any:
    """A drill-down of a heatmap cell: the clicked row's cohort (from its label) and `day`, the cell's month."""

    def drill(
        session: Session, *, actor: Actor, period: Period, day: date, series: str, grain: Grain, request: PageRequest
    ) -> Page[dict[str, Any]]:
        cohort = cohort_of(series)
        if cohort is None:
            raise ValidationFailed({"cohort": f"{series!r} is not a cohort"})
        return fn(session, actor=actor, cohort=cohort, month=day, page=request)

    return drill


def drill_by_days(fn: Callable[..., Page[dict[str, Any]]], **fixed: Any) -> Any:
    """A drill-down taking start/end days (payments_behind, refunds_behind) for the clicked bucket."""

    def drill(
        session: Session, *, actor: Actor, period: Period, day: date, series: str, grain: Grain, request: PageRequest
    ) -> Page[dict[str, Any]]:
        start, end = bucket_days(day, grain, period)
        return fn(session, actor=actor, start=start, end=end, page=request, **fixed)

    return drill


def drill_choose(choices: dict[str, Any], default: Any) -> Any:
    """Pick the drill-down by the clicked series' name (e.g. Refunds → refunds, else payments)."""

    def drill(session: Session, **kwargs: Any) -> Page[dict[str, Any]]:
        return choices.get(kwargs["series"], default)(session, **kwargs)

    return drill


def drill_series_as(fn: Callable[..., Page[dict[str, Any]]], param: str, *, day_param: str | None = None) -> Any:
    """A drill-down taking the clicked series' name as `param` (a refund reason, an MRR movement), and either the
    bucket's days (start/end) or, with `day_param`, the bucket's first day (a month)."""

    def drill(
        session: Session, *, actor: Actor, period: Period, day: date, series: str, grain: Grain, request: PageRequest
    ) -> Page[dict[str, Any]]:
        if day_param is not None:
            return fn(session, actor=actor, page=request, **{day_param: day, param: series})
        start, end = bucket_days(day, grain, period)
        return fn(session, actor=actor, start=start, end=end, page=request, **{param: series})

    return drill


def bars_by(
    key: str, title: str, load: Callable[..., list[Series]], behind: Callable[..., Any], param: str
) -> ChartSpec:
    """A stacked bar chart with a series per value of `param` (refund reasons, plans); a bar drills into the rows
    behind it: `behind(…, start, end, {param}=the series)` (`drill_series_as`)."""
    return ChartSpec(key, title, load, kind="bar", drill=drill_series_as(behind, param))


def drill_period(fn: Callable[..., Page[dict[str, Any]]]) -> Any:
    """A drill-down taking a period (top videos, spend by advertiser, decisions per moderator) over the bucket."""

    def drill(
        session: Session, *, actor: Actor, period: Period, day: date, series: str, grain: Grain, request: PageRequest
    ) -> Page[dict[str, Any]]:
        start, end = bucket_days(day, grain, period)
        return fn(session, actor=actor, period=Period(start, end), page=request)

    return drill


def drill_series_via(fn: Callable[..., Page[dict[str, Any]]], param: str, convert: Callable[[str], Any]) -> Any:
    """A drill-down taking the bucket's days and the clicked series' name turned into `param` by `convert` (a
    signups series into a country filter, a time series into which time)."""

    def drill(
        session: Session, *, actor: Actor, period: Period, day: date, series: str, grain: Grain, request: PageRequest
    ) -> Page[dict[str, Any]]:
        start, end = bucket_days(day, grain, period)
        return fn(session, actor=actor, start=start, end=end, page=request, **{param: convert(series)})

    return drill
