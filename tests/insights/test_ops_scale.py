"""The insights scale seed, small: every view written, for the catalog's videos, rolled up to the same total."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from console.db import session_scope
from console.insights import scale
from console.insights.models import ContentDaily, ContentTotals, HotnessDaily, WatchEvent
from tests.insights import ops_factories as f


def test_scale_writes_the_views_and_rolls_them_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scale, "DAYS", 6)
    with pytest.raises(ValueError, match="catalog"):
        scale.scale_insights(views=10, members=5)
    videos = {f.video() for _ in range(5)}
    summary = scale.scale_insights(views=5_000, members=50)
    assert summary["watch_events"] == 5_000 and summary["insights_rollup_failures"] == 0
    with session_scope() as session:
        assert set(session.execute(select(WatchEvent.video_id).distinct()).scalars()) <= videos
        rolled = session.scalar(select(func.sum(ContentDaily.views)).where(ContentDaily.video_id != 0))
        last = session.scalar(select(func.max(ContentTotals.month)))
        total = session.scalar(
            select(ContentTotals.views).where(ContentTotals.month == last, ContentTotals.video_id == 0)
        )
        ranked = session.scalar(select(func.count(func.distinct(HotnessDaily.day))))
    assert rolled == 5_000 == total  # the span ends yesterday: every view is in a rolled-up day and the last snapshot
    assert ranked == 6
