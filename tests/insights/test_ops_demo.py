"""The insights demo: deterministic watch events over the span, rolled up for every area; a second run adds
nothing."""

from __future__ import annotations

from datetime import date

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
