"""Every KPI read off a chart's series names a series its function returns: a misspelt name ("Signups" for the
series "signups") showed "—" and "no comparison" on the Members tab for every period, with data in the chart."""

from __future__ import annotations

from datetime import date

import pytest

from console.actor import SYSTEM
from console.db import session_scope
from console.insights.pages.tabs import all_tabs
from console.insights.periods import Period

SERIES_KPIS = [
    (tab.key, kpi.key, *kpi.load.series_of) for tab in all_tabs() for kpi in tab.kpis if hasattr(kpi.load, "series_of")
]


def test_the_series_kpis_are_found() -> None:
    found = {(tab, kpi) for tab, kpi, _fn, _name in SERIES_KPIS}
    assert ("members", "signups") in found and len(found) >= 6  # gross, refunds, net, MRR, paying, signups


@pytest.mark.parametrize(("tab", "kpi", "fn", "name"), SERIES_KPIS, ids=[f"{t}-{k}" for t, k, _f, _n in SERIES_KPIS])
def test_each_series_kpi_names_a_series_of_its_function(tab: str, kpi: str, fn: object, name: str) -> None:
    with session_scope() as session:
        found = fn(session, actor=SYSTEM, period=Period(date(2026, 3, 1), date(2026, 3, 31)), grain="day")  # type: ignore[operator]
    assert name in {s.name for s in found}, f"{tab}/{kpi}: no series {name!r} in {[s.name for s in found]}"
