"""The ops metrics against hand-computed values: views and top videos, hotness tiers, signups and plan mix, ads per
advertiser, moderation percentiles (bucket resolution), backlog, decisions, SLA breaches; and role refusals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from console.actor import SYSTEM, Actor
from console.db import session_scope
from console.errors import Forbidden
from console.insights.models import ContentDaily, MembersDaily, ModerationDaily
from console.insights.periods import Period
from console.insights.rollup_content import build_totals, rollup_hotness_day
from console.insights.service import content, ops
from console.paging import PageRequest
from tests.ads import stat_factories as af
from tests.insights import ops_factories as f

END = date(2026, 3, 31)
MARCH = Period(date(2026, 3, 1), END)


def _put(*rows: object) -> None:
    with session_scope() as session:
        session.add_all(rows)


def test_hotness_score_and_tiers_by_hand() -> None:
    assert ops.hotness(0, 0, 0) == 0
    assert ops.hotness(4000, 10000, 20000) == pytest.approx((2000 + 3000 + 4000) / 10000)  # 0.9
    assert ops.hotness(100000, 0, 0) == 1.0
    assert [ops.tier(s) for s in (0.9, 0.8, 0.79, 0.5, 0.49)] == [
        "global",
        "global",
        "regional",
        "regional",
        "on_demand",
    ]
    hot, warm, cold = f.video(), f.video(), f.video()
    # hot: 4000 on END, 6000 more within 7 days, 10000 more within 30 days -> (2000 + 3000 + 4000) / 1e4 = 0.9
    _put(
        ContentDaily(day=END, video_id=hot, views=4000),
        ContentDaily(day=END - timedelta(days=3), video_id=hot, views=6000),
        ContentDaily(day=END - timedelta(days=20), video_id=hot, views=10000),
        # warm: 10000 three days ago -> (0 + 3000 + 2000) / 1e4 = 0.5
        ContentDaily(day=END - timedelta(days=3), video_id=warm, views=10000),
        # cold: 10000 views 40 days ago (outside 30 days) and 100 today -> (50 + 30 + 20) / 1e4 = 0.01
        ContentDaily(day=END - timedelta(days=40), video_id=cold, views=10000),
        ContentDaily(day=END, video_id=cold, views=100),
        # the rollup's daily totals (video_id 0)
        *(
            ContentDaily(day=END - timedelta(days=k), video_id=0, views=n)
            for k, n in ((0, 4100), (3, 16000), (20, 10000), (40, 10000))
        ),
    )
    expected_tiers = [("Global tier", 1), ("Regional tier", 1), ("On-demand tier", 1)]
    expected = [(hot, 0.9, "global"), (warm, 0.5, "regional"), (cold, 0.01, "on_demand")]
    for kept in (False, True):  # scored from the daily rows, then read from the day's ranking
        if kept:
            with session_scope() as session:
                rollup_hotness_day(session, END)
        with session_scope() as session:
            assert (content.hotness_snapshot(session, END) is not None) is kept
            tiers = ops.hotness_tiers(session, actor=SYSTEM, period=MARCH)
            page = ops.hottest(session, actor=SYSTEM, period=MARCH)
            second = ops.hottest(session, actor=SYSTEM, period=MARCH, page=PageRequest(page=2, size=1))
        assert [(k.name, k.value) for k in tiers] == expected_tiers
        assert [(r["video_id"], r["score"], r["tier"]) for r in page.rows] == expected
        assert [r["video_id"] for r in second.rows] == [warm] and second.estimated


def test_views_top_videos_and_published(monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = f.video(), f.video()
    _put(
        ContentDaily(day=date(2026, 3, 2), video_id=a, views=10, completes=4),
        ContentDaily(day=date(2026, 3, 9), video_id=a, views=5, completes=1),
        ContentDaily(day=date(2026, 3, 9), video_id=b, views=30, completes=30),
        ContentDaily(day=date(2026, 2, 27), video_id=b, views=1000),  # before the period
        # the rollup's daily totals (video_id 0), which the views chart reads
        ContentDaily(day=date(2026, 3, 2), video_id=0, views=10, completes=4),
        ContentDaily(day=date(2026, 3, 9), video_id=0, views=35, completes=31),
        ContentDaily(day=date(2026, 2, 27), video_id=0, views=1000),
    )
    with session_scope() as session:
        series = ops.views(session, actor=SYSTEM, period=MARCH, grain="week")
        top = ops.top_videos(session, actor=SYSTEM, period=MARCH)
        first = ops.top_videos(session, actor=SYSTEM, period=MARCH, page=PageRequest(size=1))
        kpi = ops.views_kpi(session, actor=SYSTEM, period=MARCH)
        published = ops.videos_published(session, actor=SYSTEM, period=MARCH, grain="week")
    assert series[0].values()[date(2026, 3, 2)] == 10 and series[0].values()[date(2026, 3, 9)] == 35
    assert series[1].total == 35
    assert [(r["video_id"], r["views"]) for r in top.rows] == [(b, 30), (a, 15)] and top.total == 2
    assert not top.estimated and first.estimated and [r["video_id"] for r in first.rows] == [b]
    with session_scope() as session:  # the month snapshots, and the same answer read from them
        for month in (date(2026, 2, 1), date(2026, 3, 1)):
            build_totals(session, month)
    monkeypatch.setattr(content, "SNAPSHOT_DAYS", -1000)
    with session_scope() as session:
        assert [t.month for t in content.plan(session, MARCH) if t.month] == [date(2026, 3, 1), date(2026, 2, 1)]
        again = ops.top_videos(session, actor=SYSTEM, period=MARCH)
    assert [(r["video_id"], r["views"], r["completes"]) for r in again.rows] == [(b, 30, 30), (a, 15, 5)]
    assert (kpi.value, kpi.previous) == (45, 1000)
    assert published[0].total == 0  # drafts


def test_signups_and_plan_mix() -> None:
    _put(
        MembersDaily(day=date(2026, 3, 2), dimension="signups", key="US", value=3),
        MembersDaily(day=date(2026, 3, 3), dimension="signups", key="DE", value=2),
        MembersDaily(day=date(2026, 3, 3), dimension="signups", key="", value=1),
        MembersDaily(day=date(2026, 3, 2), dimension="plan_mix", key="basic/stripe", value=10),
        MembersDaily(day=date(2026, 3, 4), dimension="plan_mix", key="basic/stripe", value=12),
    )
    with session_scope() as session:
        s = ops.signups(session, actor=SYSTEM, period=MARCH, grain="week")
        mix = ops.plan_mix(session, actor=SYSTEM, period=MARCH, grain="week")
    assert [(x.name, x.total) for x in s] == [("signups", 6), ("US", 3), ("DE", 2), ("(none)", 1)]
    assert mix[0].name == "basic/stripe" and mix[0].values()[date(2026, 3, 2)] == 12  # the week's last snapshot


def test_ads_per_advertiser_and_kpis() -> None:
    acme = af.advertiser("Acme")
    ad = af.ad(af.campaign(acme))
    af.daily(ad, date(2026, 3, 5), impressions=1000, clicks=25, starts=100, completes=40, spend_cents=250)
    af.daily(ad, date(2026, 3, 6), impressions=1000, clicks=15, starts=100, completes=60, spend_cents=250)
    with session_scope() as session:
        page = ops.ads_by_advertiser(session, actor=SYSTEM, period=MARCH)
        kpis = {k.name: k.value for k in ops.ads_kpis(session, actor=SYSTEM, period=MARCH)}
    row = page.rows[0]
    assert (row["advertiser"], row["impressions"], row["clicks"], row["spend_cents"]) == ("Acme", 2000, 40, 500)
    assert (row["ctr_percent"], row["completion_percent"]) == (2.0, 50.0)
    assert kpis == {"Impressions": 2000, "Clicks": 40, "CTR": 2.0, "Completion": 50.0, "Spend": 5.0}


def test_percentiles_by_hand() -> None:
    hist = {5: 5, 60: 3, 240: 1, 1440: 1}  # 10 cases
    assert ops.percentile_minutes(hist, 0.5) == 5  # 5th of 10 lies in the 5-minute bucket
    assert ops.percentile_minutes(hist, 0.6) == 60
    assert ops.percentile_minutes(hist, 0.9) == 240
    assert ops.percentile_minutes(hist, 1.0) == 1440
    assert ops.percentile_minutes({}, 0.5) is None
    assert ops.percentile_minutes({10**7: 1}, 0.5) is None  # beyond 7 days


def test_moderation_metrics_from_the_daily_rows() -> None:
    d1, d2 = date(2026, 3, 10), date(2026, 3, 11)
    M = ModerationDaily
    _put(
        M(day=d1, metric="resolution", key="60", value=6),
        M(day=d2, metric="resolution", key="1440", value=4),
        M(day=d1, metric="first_action", key="15", value=9),
        M(day=d2, metric="first_action", key="4320", value=1),
        M(day=d1, metric="sla_resolved", key="met", value=7),
        M(day=d2, metric="sla_resolved", key="breached", value=3),
        M(day=d1, metric="decisions", key="dismiss:0", value=2),
        M(day=d2, metric="decisions", key="warn:7", value=5),
        M(day=d1, metric="backlog", key="open", value=40),
        M(day=d2, metric="backlog", key="open", value=30),
        M(day=d2, metric="backlog", key="oldest_minutes", value=150),
    )
    with session_scope() as session:
        times = {k.name: k.value for k in ops.sla_times(session, actor=SYSTEM, period=MARCH)}
        breaches = {k.name: k.value for k in ops.sla_breaches(session, actor=SYSTEM, period=MARCH)}
        backlog = {k.name: k.value for k in ops.backlog_kpis(session, actor=SYSTEM, period=MARCH)}
        actions = ops.decisions_by_action(session, actor=SYSTEM, period=MARCH, grain="day")
        people = ops.decisions_by_moderator(session, actor=SYSTEM, period=MARCH)
        series = ops.backlog(session, actor=SYSTEM, period=MARCH, grain="month")
    assert times == {
        "Time to first action p50": 0.25,
        "Time to first action p90": 0.25,
        "Time to resolution p50": 1.0,
        "Time to resolution p90": 24.0,
    }
    assert breaches == {"SLA breaches": 3, "Breach rate": 30.0}
    assert backlog == {"Backlog": 30, "Oldest case": 2.5}
    assert [(s.name, s.total) for s in actions] == [("dismiss", 2), ("warn", 5)]
    assert [(r["moderator_id"], r["decisions"]) for r in people.rows] == [(7, 5), (0, 2)]
    assert series[0].values()[date(2026, 3, 1)] == 30


TAB_CALLS: list[tuple[str, Callable[..., object]]] = [
    ("content", ops.views),
    ("members", ops.signups),
    ("ads", ops.ads_over_time),
    ("moderation", ops.decisions_by_action),
]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("executive", {"content", "members", "ads", "moderation"}),
        ("finance", {"content", "members", "ads", "moderation"}),
        ("moderator", {"moderation"}),
        ("ads", {"ads"}),
        ("content", set()),
    ],
)
def test_roles(role: str, allowed: set[str], actor_with: Callable[..., Actor]) -> None:
    actor = actor_with(role)
    for tab, fn in TAB_CALLS:
        with session_scope() as session:
            if tab in allowed:
                fn(session, actor=actor, period=MARCH, grain="day")
            else:
                with pytest.raises(Forbidden):
                    fn(session, actor=actor, period=MARCH, grain="day")
