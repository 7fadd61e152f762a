"""The ads bench runs every measurement (review queue pages, a review card, 90-day stats of an ad and its campaign,
pacing, the rollup of yesterday's raw rows) on a tiny dataset, and its rollups are rolled back."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from console.ads.bench import ROLLUP_RUNS, ads_measurements
from console.ads.models import AdStatsDaily
from console.bench import _bench_account
from console.db import session_scope
from tests.ads import stat_factories as f
from tests.ads.factories import today

RUNS = 2
NAMES = {
    "ads.queue_page_1",
    "ads.queue_page_100",
    "ads.queue_page_last",
    "ads.queue_filtered",
    "ads.queue_advertiser",
    "ads.review_card",
    "ads.stats_90_days",
    "ads.campaign_stats_90_days",
    "ads.campaign_pacing",
    "ads.rollup_one_day",
}


def _daily_rows() -> list[tuple[int, object, int]]:
    with session_scope() as session:
        rows = session.execute(select(AdStatsDaily.ad_id, AdStatsDaily.day, AdStatsDaily.impressions))
        return sorted(rows.tuples().all())


def test_bench_measures_the_queue_the_stats_and_the_rollup() -> None:
    assert ads_measurements(RUNS) == []  # no ads: nothing to measure, and no error
    _bench_account()
    campaign = f.campaign(f.advertiser())
    live = f.ad(campaign, state="approved")
    f.ad(campaign)  # pending review, checks passed
    f.ad(campaign, check_state="warn")  # pending review, a warning: the filtered page has a row
    yesterday = today() - timedelta(days=1)
    for back in range(2, 5):
        f.daily(live, today() - timedelta(days=back), impressions=100 * back, clicks=back)
    f.impressions(live, f.at(yesterday), 7)
    f.clicks(live, f.at(yesterday, 13), 2)
    before = _daily_rows()
    results = ads_measurements(RUNS)
    names = [r["name"] for r in results]
    assert sorted(names) == sorted(NAMES)  # each exactly once
    for result in results:
        expected = ROLLUP_RUNS if result["name"] == "ads.rollup_one_day" else RUNS
        assert result["n"] == expected, result["name"]
        assert 0 <= result["p50_ms"] <= result["p95_ms"], result["name"]
        assert not [key for key in result if "error" in key], result["name"]
    rollup = next(r for r in results if r["name"] == "ads.rollup_one_day")
    assert rollup["rows"] == {"impressions": 7, "clicks": 2, "ads": 1}  # yesterday's raw rows, for real
    assert _daily_rows() == before  # every rollup was rolled back
