"""What a tab is made of: KPI tiles and charts, each a service function plus how to draw and drill into it.

The pages know nothing of how a number is computed: a `ChartSpec` points at a service function
`fn(session, *, actor, period, grain) -> list[Series]` and at its drill-down function
`fn(session, *, actor, period, day, series, grain, request) -> Page[dict]` (the rows behind the bucket starting on
`day`; the tab modules adapt each service's own drill-down to this); a `KpiSpec` at a function returning a `Kpi`
(or several).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from console.actor import Actor
from console.insights.periods import Grain, Period
from console.insights.series import Kpi, Series
from console.paging import Page, PageRequest
from console.staff.permissions import Permission, can

SeriesFn = Callable[..., list[Series]]
KpiFn = Callable[..., "Kpi | list[Kpi]"]
DrillFn = Callable[..., Page[dict[str, Any]]]

EXEC = (Permission.INSIGHTS_READ,)  # the tabs only the executives' permission opens (tabs.py lists who sees which)


@dataclass(frozen=True)
class KpiSpec:
    key: str
    load: KpiFn


def named_kpi(load: KpiFn) -> KpiSpec:
    """A KPI tile keyed by its service function's name (`refund_rate`)."""
    return KpiSpec(load.__name__, load)


@dataclass(frozen=True)
class ChartSpec:
    key: str  # the chart's name: marks, the CSV file name and the audit entity id
    title: str
    load: SeriesFn
    kind: str = "line"  # "line", "bar" (stacked), "heatmap" (one series per row)
    drill: DrillFn | None = None
    height: int = 300
    unit: str = ""
    monthly: bool = False  # buckets are months whatever the grain (MRR at month end)


@dataclass(frozen=True)
class TabSpec:
    key: str
    label: str
    permissions: tuple[Permission, ...]  # any one of them opens the tab
    kpis: tuple[KpiSpec, ...] = ()
    charts: tuple[ChartSpec, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)  # extra definitions (e.g. Stripe's churn convention)

    def readable_by(self, actor: Actor) -> bool:
        return any(can(actor, p) for p in self.permissions)


@dataclass(frozen=True)
class Shows:
    """What a tab shows, as a tab module builds it; tabs.py names the tab and who may open it."""

    kpis: tuple[KpiSpec, ...]
    charts: tuple[ChartSpec, ...]
    notes: tuple[str, ...] = ()


def load_series(spec: ChartSpec, session: Session, actor: Actor, period: Period, grain: Grain) -> list[Series]:
    return list(spec.load(session, actor=actor, period=period, grain=grain))


def load_kpis(spec: KpiSpec, session: Session, actor: Actor, period: Period, grain: Grain) -> list[Kpi]:
    found = spec.load(session, actor=actor, period=period, grain=grain)
    return list(found) if isinstance(found, list) else [found]


def bucket_days(day: date, grain: Grain, period: Period) -> tuple[date, date]:
    """The days of the bucket starting on `day`, clipped to the period."""
    if grain == "day":
        end = day
    elif grain == "week":
        end = day + timedelta(days=6)
    else:
        end = date(day.year + day.month // 12, day.month % 12 + 1, 1) - timedelta(days=1)
    return max(day, period.start), min(end, period.end)


def load_drill(
    spec: ChartSpec,
    session: Session,
    actor: Actor,
    period: Period,
    day: date,
    series: str,
    grain: Grain,
    request: PageRequest,
) -> Page[dict[str, Any]]:
    assert spec.drill is not None
    return spec.drill(session, actor=actor, period=period, day=day, series=series, grain=grain, request=request)
