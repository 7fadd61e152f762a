"""The insights scale seed, small: every view written, for the catalog's videos, rolled up to the same total."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from console.db import session_scope
from console.insights import scale
from console.insights.models import ContentDaily, WatchEvent
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
    assert rolled == 5_000  # the span ends yesterday: every view is in a rolled-up day
