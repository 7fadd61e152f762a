""" "Scheduled on day D" is D in the staff member's own zone (the home tile "Scheduled today", ?scheduled_on=): from
its midnight to the next, in UTC for the query, 23 or 25 hours on a clock-change day; a zone the database does not
know reads as UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from console.actor import SYSTEM
from console.catalog import service
from console.catalog.models import Video
from console.catalog.service import VideoFilter
from console.db import session_scope
from console.paging import PageRequest
from tests.catalog.factories import make_video


def _scheduled(*moments: datetime) -> list[int]:
    ids = [make_video(title=f"Due {n}") for n in range(len(moments))]
    with session_scope() as session:
        for video_id, at in zip(ids, moments, strict=True):
            video = session.get(Video, video_id)
            assert video is not None
            video.state, video.publish_at = "scheduled", at
    return ids


def _on(day: date, zone: str) -> list[int]:
    flt = VideoFilter(publish_day=day, day_zone=zone)
    with session_scope() as session:
        rows = service.list_videos(session, actor=SYSTEM, flt=flt, page=PageRequest(1, 50)).rows
        assert service.count_videos(session, actor=SYSTEM, flt=flt) == (len(rows), False)
        return sorted(v.id for v in rows)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_a_day_in_tokyo_runs_from_15_00_utc_the_day_before() -> None:
    _, first, last, after = _scheduled(
        utc(2099, 5, 31, 14, 59), utc(2099, 5, 31, 15, 0), utc(2099, 6, 1, 14, 59), utc(2099, 6, 1, 15, 0)
    )
    assert _on(date(2099, 6, 1), "Asia/Tokyo") == [first, last]
    assert _on(date(2099, 6, 1), "UTC") == [last, after]


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        (date(2099, 3, 29), utc(2099, 3, 28, 23, 0), utc(2099, 3, 29, 22, 0)),  # spring forward: 23 hours
        (date(2099, 10, 25), utc(2099, 10, 24, 22, 0), utc(2099, 10, 25, 23, 0)),  # fall back: 25 hours
    ],
)
def test_a_clock_change_day_in_berlin_has_its_own_length(day: date, start: datetime, end: datetime) -> None:
    minute = timedelta(minutes=1)
    before, first, last, after = _scheduled(start - minute, start, end - minute, end)
    assert _on(day, "Europe/Berlin") == [first, last]
    assert before in _on(day - timedelta(days=1), "Europe/Berlin")
    assert after in _on(day + timedelta(days=1), "Europe/Berlin")


def test_an_unknown_zone_reads_as_utc() -> None:
    (due,) = _scheduled(utc(2099, 6, 1, 12, 0))
    assert _on(date(2099, 6, 1), "Mars/Olympus_Mons") == [due]
    assert _on(date(2099, 6, 1), "../../etc/passwd") == [due]
