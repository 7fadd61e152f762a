"""The insights demo: deterministic watch events over the span, rolled up for every area; a second run adds
nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from console.db import session_scope
from console.insights import demo
from console.insights.models import ContentDaily, ContentTotals, HotnessTiers, InsightsRollupRun, WatchEvent
from tests.insights import ops_factories as f

TODAY = date(2026, 3, 15)


def _events() -> list[tuple[int, str]]:
    with session_scope() as session:
        return [
            (v, str(t))
            for v, t in session.execute(select(WatchEvent.video_id, WatchEvent.started_at).order_by(WatchEvent.id))
        ]


def test_demo_spreads_views_and_rolls_everything_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "MONTHS", 1)
    assert "no videos" in demo.seed_insights_demo(TODAY)
    for _ in range(4):
        f.video()
    message = demo.seed_insights_demo(TODAY)
    assert "(0 failed)" in message, message
    start, end = demo.demo_span(TODAY)
    with session_scope() as session:
        first, last, n = session.execute(
            select(func.min(WatchEvent.started_at), func.max(WatchEvent.started_at), func.count())
        ).one()
        assert first.date() >= start and last.date() == end and n > 3000
        assert (
            session.scalar(select(func.sum(ContentDaily.views)).where(ContentDaily.video_id != 0)) == n
        )  # the rollup equals the raw rows
        snapshot = select(ContentTotals.views).where(
            ContentTotals.month == end.replace(day=1), ContentTotals.video_id == 0
        )
        assert session.scalar(snapshot) == n  # the last month's snapshot holds every view so far
        ranked_days = session.scalar(select(func.count()).select_from(HotnessTiers))
        assert ranked_days == (end - start).days + 1
        areas = set(session.execute(select(InsightsRollupRun.area)).scalars())
        assert areas == {"content", "members", "moderation", "revenue", "mrr"}
    assert demo.seed_insights_demo(TODAY).startswith("Insights demo data already present")


def test_demo_is_deterministic(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "MONTHS", 1)
    monkeypatch.setattr(demo, "rollup_span", lambda **kwargs: [])
    videos = [f.video() for _ in range(3)]
    demo.seed_insights_demo(TODAY)
    first = _events()
    with session_scope() as session:
        session.execute(WatchEvent.__table__.delete())
    demo.seed_insights_demo(TODAY)
    assert _events() == first and {v for v, _ in first} == set(videos)


def test_members_watch_only_after_they_joined(monkeypatch: pytest.MonkeyPatch) -> None:
    """A member's views start after their join (the demo drew member ids 1-400, whenever they joined and whether
    they existed); the rest of the views are anonymous."""
    monkeypatch.setattr(demo, "MONTHS", 1)
    monkeypatch.setattr(demo, "rollup_span", lambda **kwargs: [])
    start, end = demo.demo_span(TODAY)
    early = f.member(f.at(start - timedelta(days=400)))
    midway = f.member(f.at(start + timedelta(days=15)))
    f.member(f.at(end + timedelta(days=1)))  # joins after the span: watches nothing in it
    f.video()
    demo.seed_insights_demo(TODAY)
    with session_scope() as session:
        first = dict(
            session.execute(
                select(WatchEvent.member_id, func.min(WatchEvent.started_at)).group_by(WatchEvent.member_id)
            )
            .tuples()
            .all()
        )
    assert set(first) == {early, midway, None}
    assert first[midway].date() > start + timedelta(days=15)
