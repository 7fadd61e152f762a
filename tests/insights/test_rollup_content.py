"""The content rollup's derived tables against direct aggregates of watch_events (month snapshots, hotness
rankings and tier counts), kept right by re-runs, late events and days rolled up out of order; top videos from the
snapshots and edge days equal the sum of the period's views for a period starting mid-month, of whole months, inside
one month, and for a video viewed only in the edges."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import case, func, select

from console.actor import SYSTEM
from console.db import session_scope
from console.insights.models import ContentTotals, HotnessDaily, HotnessTiers, WatchEvent
from console.insights.periods import Period
from console.insights.rollup_content import month_end, rollup_content_day
from console.insights.rollup_ops import TOTAL_VIDEO, day_bounds
from console.insights.service import content, ops
from console.paging import PageRequest
from tests.insights import ops_factories as f

FIRST, LAST = date(2026, 1, 20), date(2026, 4, 12)
MONTHS = [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)]


def _days(first: date = FIRST, last: date = LAST) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _roll(days: list[date]) -> None:
    for day in days:
        with session_scope() as session:
            rollup_content_day(session, day)


def _watch() -> dict[str, int]:
    """a: spread over the months; b: February and mid-March; c: only on 2 March and 11 April (edges)."""
    a, b, c = f.video(), f.video(), f.video()
    for vid, day, n in [
        (a, date(2026, 1, 25), 5),
        (a, date(2026, 2, 10), 3),
        (a, date(2026, 3, 31), 2),
        (a, date(2026, 4, 2), 4),
        (b, date(2026, 2, 1), 10),
        (b, date(2026, 2, 28), 1),
        (b, date(2026, 3, 15), 7),
        (c, date(2026, 3, 2), 6),
        (c, date(2026, 4, 11), 9),
    ]:
        f.views(vid, f.at(day, 10), n, completed=n % 2 == 0)
    return {"a": a, "b": b, "c": c}


def _direct_views(lo: date, hi: date) -> dict[int, int]:
    w = WatchEvent
    with session_scope() as session:
        found = session.execute(
            select(w.video_id, func.count())
            .where(w.started_at >= day_bounds(lo)[0], w.started_at < day_bounds(hi)[1])
            .group_by(w.video_id)
        )
        return {v: n for v, n in found}


def _snapshot(month: date) -> dict[int, tuple[int, int]]:
    t = ContentTotals
    with session_scope() as session:
        found = session.execute(select(t.video_id, t.views, t.completes).where(t.month == month))
        return {v: (n, k) for v, n, k in found}


def _direct_totals(month: date) -> dict[int, tuple[int, int]]:
    w = WatchEvent
    with session_scope() as session:
        found = session.execute(
            select(w.video_id, func.count(), func.sum(case((w.completed, 1), else_=0)))
            .where(w.started_at < day_bounds(month_end(month))[1])
            .group_by(w.video_id)
        )
        out = {v: (n, k) for v, n, k in found}
    if out:
        out[TOTAL_VIDEO] = (sum(n for n, _ in out.values()), sum(k for _, k in out.values()))
    return out


def _ranking(day: date) -> tuple[list[tuple[int, int, int, int]], tuple[int, int, int, int] | None]:
    h = HotnessDaily
    with session_scope() as session:
        rows = session.execute(
            select(h.video_id, h.views_1d, h.views_7d, h.views_30d).where(h.day == day).order_by(h.rank)
        ).all()
        tiers = session.get(HotnessTiers, day)
        counts = (
            (tiers.global_videos, tiers.regional_videos, tiers.on_demand_videos, tiers.window_views) if tiers else None
        )
    return [tuple(r) for r in rows], counts  # type: ignore[misc]


def _direct_ranking(day: date) -> list[tuple[int, int, int, int]]:
    one = _direct_views(day, day)
    week = _direct_views(day - timedelta(days=6), day)
    month = _direct_views(day - timedelta(days=29), day)
    rows = [(v, one.get(v, 0), week.get(v, 0), n) for v, n in month.items()]
    return sorted(rows, key=lambda r: (-(5 * r[1] + 3 * r[2] + 2 * r[3]), r[0]))


def _assert_all_equal_direct() -> None:
    for month in MONTHS:
        assert _snapshot(month) == _direct_totals(month), month
    for day in (date(2026, 2, 1), date(2026, 3, 2), date(2026, 4, 11), LAST):
        rows, counts = _ranking(day)
        assert rows == _direct_ranking(day), day
        assert counts == (0, 0, len(rows), sum(r[3] for r in rows)), day


def test_snapshots_and_rankings_equal_direct_aggregates_and_a_rerun_changes_nothing() -> None:
    v = _watch()
    _roll(_days())
    _assert_all_equal_direct()
    assert _snapshot(MONTHS[-1])[v["c"]] == (15, 6)  # 6 views (all completed) + 9 (none)
    before = [_snapshot(m) for m in MONTHS], [_ranking(d) for d in _days()]
    _roll([date(2026, 2, 10), date(2026, 3, 2)])
    assert ([_snapshot(m) for m in MONTHS], [_ranking(d) for d in _days()]) == before


def test_a_late_event_reaches_every_later_snapshot_and_the_next_rankings() -> None:
    v = _watch()
    _roll(_days())
    late = date(2026, 2, 20)
    f.views(v["c"], f.at(late, 23, 59), 40)
    _roll([late])
    _assert_all_equal_direct()
    assert [_snapshot(m).get(v["c"], (0, 0))[0] for m in MONTHS] == [0, 40, 46, 55]
    rows, _ = _ranking(late + timedelta(days=29))  # still inside the 30 days: c ranks first
    assert rows[0][0] == v["c"] and rows[0][3] == 46  # 40 late + 6 on 2 March


def test_days_rolled_up_out_of_order_give_the_same_tables() -> None:
    _watch()
    days = _days()
    _roll(days[40:] + days[:40][::-1])
    _assert_all_equal_direct()


@pytest.mark.parametrize(
    "period",
    [
        Period(date(2026, 2, 10), date(2026, 4, 11)),  # starts mid-month, ends in the running month
        Period(date(2026, 2, 1), date(2026, 3, 31)),  # whole months
        Period(date(2026, 3, 3), date(2026, 3, 30)),  # inside one month
        Period(date(2026, 3, 2), date(2026, 4, 11)),  # c has views only on the edge days
        Period(date(2026, 1, 1), date(2026, 4, 30)),  # from before the first view to after the last
    ],
)
def test_top_videos_from_snapshots_equal_the_periods_views(monkeypatch: pytest.MonkeyPatch, period: Period) -> None:
    _watch()
    _roll(_days())
    expected = sorted(_direct_views(period.start, period.end).items(), key=lambda r: (-r[1], r[0]))
    with session_scope() as session:
        bounded = content.top_by_bounds(session, period, 0, 10)
        page = ops.top_videos(session, actor=SYSTEM, period=period)  # the candidates by their month snapshot
        monkeypatch.setattr(content, "top_by_bounds", lambda *args: None)  # every video summed:
        direct = ops.top_videos(session, actor=SYSTEM, period=period)  # ... from the daily rows (sparse data)
        monkeypatch.setattr(content, "SNAPSHOT_DAYS", -1000)  # ... from snapshots whenever they can be used
        terms = content.plan(session, period)
        forced = ops.top_videos(session, actor=SYSTEM, period=period)
        one = ops.top_videos(session, actor=SYSTEM, period=period, page=PageRequest(size=1, page=2))
    assert bounded is not None and [(v, n) for v, n, _ in bounded] == expected
    assert any(t.month is not None for t in terms)
    for found in (page, direct, forced):
        assert [(r["video_id"], r["views"]) for r in found.rows] == expected
    assert [r["video_id"] for r in one.rows] == [v for v, _ in expected[1:2]]


def test_the_candidates_grow_until_no_other_video_can_reach_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """Old favourites (many views before the period, few in it) lead the month snapshot but not the period."""
    old = [f.video() for _ in range(6)]
    new = [f.video() for _ in range(4)]
    for k, vid in enumerate(old):
        f.views(vid, f.at(date(2026, 1, 22)), 50 + k)
        f.views(vid, f.at(date(2026, 3, 20)), 1)
    for k, vid in enumerate(new):
        f.views(vid, f.at(date(2026, 3, 10 + k)), 10 - k)
    _roll(_days(date(2026, 1, 20), date(2026, 3, 31)))
    period = Period(date(2026, 3, 1), date(2026, 3, 25))
    expected = sorted(_direct_views(period.start, period.end).items(), key=lambda r: (-r[1], r[0]))
    monkeypatch.setattr(content, "PRUNE_FIRST", 1)
    with session_scope() as session:
        for offset in range(len(expected)):  # 4 candidates (the old ones), then 16 (everyone)
            ranked = content.top_by_bounds(session, period, offset, 1)
            assert ranked is not None and [(v, n) for v, n, _ in ranked] == expected[offset : offset + 1]
        monkeypatch.setattr(content, "PRUNE_MAX", 4)  # 4 old favourites cannot settle it: every video is summed
        assert content.top_by_bounds(session, period, 0, 1) is None
        page = ops.top_videos(session, actor=SYSTEM, period=period, page=PageRequest(size=3))
    assert [(r["video_id"], r["views"]) for r in page.rows] == expected[:3] and page.estimated
    assert [v for v, _ in expected[:4]] == new


def test_a_snapshot_behind_the_daily_rows_is_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    v = _watch()
    _roll(_days())
    with session_scope() as session:  # a March snapshot that lost a video's views: its total no longer matches
        row = session.get(ContentTotals, (date(2026, 3, 1), TOTAL_VIDEO))
        assert row is not None
        row.views -= 1
    monkeypatch.setattr(content, "SNAPSHOT_DAYS", -1000)
    period = Period(date(2026, 2, 1), date(2026, 3, 31))
    with session_scope() as session:
        assert all(t.month != date(2026, 3, 1) for t in content.plan(session, period))
        page = ops.top_videos(session, actor=SYSTEM, period=period)
    assert {r["video_id"]: r["views"] for r in page.rows} == {v["b"]: 18, v["a"]: 5, v["c"]: 6}
