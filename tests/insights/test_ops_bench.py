"""The insights bench runs every tab (90 days, 2 years) and the one-day rollup, on a tiny dataset."""

from __future__ import annotations

from datetime import date

from console.bench import _bench_account
from console.insights.bench import insights_measurements
from tests.insights import ops_factories as f


def test_bench_measures_every_tab_and_the_rollup() -> None:
    _bench_account()
    f.views(f.video(), f.at(date(2026, 1, 1)), 3)
    results = insights_measurements(2)
    names = [r["name"] for r in results]
    for tab in ("content", "members", "ads", "moderation", "revenue", "mrr"):
        assert f"insights.{tab}_90_days" in names and f"insights.{tab}_2_years" in names
    assert names[-1] == "insights.rollup_one_day"
    assert not [k for k in results[-1]["rows"] if k.endswith("_error")]
