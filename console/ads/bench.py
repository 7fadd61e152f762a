"""`bench` entries ads.*: the review queue (first page of pending review, the 100th and last page of every ad,
filtered by type and check result, by advertiser; goal p95 150 ms), one review card, one ad's 90-day stats (goal
100 ms), one campaign's 90-day stats with its anomaly flags and its pacing, and the rollup of one day of raw
impressions (goal 30 s), each through the service the page or the job calls. The rollup runs in a transaction that
is rolled back, so every run replaces the same rows. Needs only `seed --scale --areas ads`."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from console.bench_common import BENCH_EMAIL, page_timer, summary, time_sync

PAGE_GOAL_MS = 150
STATS_GOAL_MS = 100
ROLLUP_GOAL_MS = 30_000
ROLLUP_RUNS = 5  # a rollup takes seconds: a few runs, not --runs
SIZE = 25


def _probes() -> dict[str, Any] | None:
    """The busiest ad of the last 90 days, its campaign, the advertiser with the most ads pending review, a pending
    ad, and yesterday (a whole day of raw rows). None when there are no ads."""
    from sqlalchemy import func, select

    from console.ads.models import Ad, AdCampaign, AdStatsDaily
    from console.db import session_scope, utcnow

    today = utcnow().date()
    with session_scope() as session:
        if session.execute(select(Ad.id).limit(1)).first() is None:
            return None
        busiest = session.execute(
            select(AdStatsDaily.ad_id)
            .where(AdStatsDaily.day >= today - timedelta(days=90))
            .group_by(AdStatsDaily.ad_id)
            .order_by(func.sum(AdStatsDaily.impressions).desc(), AdStatsDaily.ad_id)
            .limit(1)
        ).scalar_one_or_none()
        ad = session.get(Ad, busiest) if busiest else session.execute(select(Ad).limit(1)).scalar_one()
        assert ad is not None
        advertiser = session.execute(
            select(AdCampaign.advertiser_id)
            .join(Ad, Ad.campaign_id == AdCampaign.id)
            .where(Ad.state == "pending_review")
            .group_by(AdCampaign.advertiser_id)
            .order_by(func.count().desc(), AdCampaign.advertiser_id)
            .limit(1)
        ).scalar_one_or_none()
        pending = session.execute(
            select(Ad.id).where(Ad.state == "pending_review").order_by(Ad.submitted_at).limit(1)
        ).scalar_one_or_none()
    return {
        "ad_id": ad.id,
        "campaign_id": ad.campaign_id,
        "advertiser_id": advertiser,
        "pending_id": pending or ad.id,
        "today": today,
    }


def _queue(runs: int, actor: Any, probe: dict[str, Any]) -> list[dict[str, Any]]:
    from console.ads.service.queue import QueueFilter, list_queue, review_card
    from console.db import session_scope
    from console.paging import PageRequest

    def page(flt: QueueFilter, number: int) -> Callable[[], Any]:
        def list_page(request: PageRequest) -> Any:
            with session_scope() as session:
                return list_queue(session, actor=actor, flt=flt, page=request)

        return page_timer(list_page, number, SIZE)

    def card() -> Any:
        with session_scope() as session:
            return review_card(session, actor=actor, ad_id=probe["pending_id"])

    everything = QueueFilter(state="all")
    cases = {
        "ads.queue_page_1": page(QueueFilter(), 1),
        "ads.queue_page_100": page(everything, 100),
        "ads.queue_page_last": page(everything, -1),
        "ads.queue_filtered": page(QueueFilter(type="banner", check_state="warn"), 1),
        "ads.queue_advertiser": page(QueueFilter(advertiser_id=probe["advertiser_id"]), 1),
        "ads.review_card": card,
    }
    return [summary(name, time_sync(runs, fn), PAGE_GOAL_MS) for name, fn in cases.items()]


def _stats(runs: int, actor: Any, probe: dict[str, Any]) -> list[dict[str, Any]]:
    from console.ads.service.stats import ad_stats, anomalies, campaign_pacing, campaign_stats
    from console.db import session_scope

    end = probe["today"]
    start = end - timedelta(days=89)

    def one_ad() -> Any:
        with session_scope() as session:
            days = ad_stats(session, actor=actor, ad_id=probe["ad_id"], start=start, end=end)
            assert len(days) == 90
            return anomalies(days)

    def campaign() -> Any:
        with session_scope() as session:
            days = campaign_stats(session, actor=actor, campaign_id=probe["campaign_id"], start=start, end=end)
            return anomalies(days)

    def pacing() -> Any:
        with session_scope() as session:
            return campaign_pacing(session, actor=actor, campaign_id=probe["campaign_id"])

    return [
        summary("ads.stats_90_days", time_sync(runs, one_ad), STATS_GOAL_MS),
        summary("ads.campaign_stats_90_days", time_sync(runs, campaign), STATS_GOAL_MS),
        summary("ads.campaign_pacing", time_sync(runs, pacing), STATS_GOAL_MS),
    ]


def _rollup(actor: Any, probe: dict[str, Any]) -> list[dict[str, Any]]:
    """Yesterday rolled up again (a whole day of raw rows), flushed, then rolled back: each run does the same work."""
    from console.ads.service.rollup import rollup_day
    from console.db import session_scope

    day = probe["today"] - timedelta(days=1)
    samples, result = [], None
    for _ in range(ROLLUP_RUNS + 1):  # the first is a warm-up
        with session_scope() as session:
            started = time.perf_counter()
            result = rollup_day(session, actor=actor, day=day, kind="day")
            session.flush()
            samples.append((time.perf_counter() - started) * 1000)
            session.rollback()
    assert result is not None
    rows = {"impressions": result.impressions, "clicks": result.clicks, "ads": result.ads}
    return [summary("ads.rollup_one_day", samples[1:], ROLLUP_GOAL_MS) | {"rows": rows}]


def ads_measurements(runs: int) -> list[dict[str, Any]]:
    from sqlalchemy import select

    from console.db import session_scope
    from console.staff.auth import staff_actor
    from console.staff.models import Staff

    probe = _probes()
    if probe is None:
        return []
    with session_scope() as session:
        actor = staff_actor(session.execute(select(Staff).where(Staff.email == BENCH_EMAIL)).scalar_one())
    return _queue(runs, actor, probe) + _stats(runs, actor, probe) + _rollup(actor, probe)
