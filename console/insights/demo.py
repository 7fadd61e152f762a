"""Insights demo data: 18 months of watch events for the demo videos (deterministic: one seed, one span ending
yesterday), with a weekly rhythm, growth over time, a few breakout hits and some videos that fade, so the content
charts, top videos and hotness tiers mean something; then every insights rollup for the span (content, members,
moderation, revenue, MRR). Idempotent: a second run adds nothing."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from console.actor import Actor
from console.catalog.models import Video
from console.db import session_scope, utcnow
from console.insights.models import WatchEvent
from console.insights.rollup import rollup_span
from console.members.models import Member

DEMO = Actor(kind="system", label="insights demo")
MONTHS = 18
BASE_PER_DAY = 120  # views per day at the start of the span, across the catalog
COUNTRIES = ["US", "US", "US", "GB", "DE", "FR", "BR", "JP", "CA", "AU", "ES", "NL"]


def demo_span(today: date) -> tuple[date, date]:
    end = today - timedelta(days=1)
    return end - timedelta(days=MONTHS * 30), end


def _views_today(rng: random.Random, k: int, days: int, day: date) -> int:
    growth = 1 + 1.5 * k / days  # the platform grows 2.5x over the span
    weekly = 1.25 if day.weekday() >= 5 else 1.0
    return int(BASE_PER_DAY * growth * weekly * rng.uniform(0.85, 1.15))


def _day_rows(
    rng: random.Random, videos: list[int], weights: list[float], day: date, n: int, members: list[int]
) -> list[dict[str, Any]]:
    """`n` views on `day`; four in five by a member who had joined by then (`members`), the rest anonymous."""
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    rows = []
    for video in rng.choices(videos, weights=weights, k=n):
        seconds = int(rng.expovariate(1 / 900))
        rows.append(
            {
                "video_id": video,
                "member_id": rng.choice(members) if members and rng.random() < 0.8 else None,
                "started_at": start + timedelta(seconds=rng.randrange(86_400)),
                "seconds_watched": seconds,
                "completed": seconds > 1500,
                "country": rng.choice(COUNTRIES),
            }
        )
    return rows


def _weights(rng: random.Random, videos: list[int], k: int, days: int, hits: set[int]) -> list[float]:
    """Zipf-like popularity; hits break out in the last weeks (hotness tiers), the oldest third slowly fades."""
    out = []
    for rank, video in enumerate(videos, start=1):
        w = 1 / rank**0.8
        if video in hits and k > days - 21:
            w *= 200
        if rank % 3 == 0:
            w *= max(0.2, 1 - k / days)
        out.append(w)
    return out


def seed_insights_demo(today: date | None = None) -> str:
    today = today or utcnow().date()
    with session_scope() as session:
        if session.execute(select(WatchEvent.id).limit(1)).first() is not None:
            return "Insights demo data already present; nothing added."
        videos = list(session.execute(select(Video.id).order_by(Video.id)).scalars())
        joined = list(session.execute(select(Member.id, Member.created_at).order_by(Member.created_at)).tuples())
    if not videos:
        return "Insights demo: no videos to watch; seed the catalog demo first."
    rng = random.Random(12)
    start, end = demo_span(today)
    days = (end - start).days + 1
    hits = set(rng.sample(videos, min(3, len(videos))))
    total = 0
    for k in range(days):
        day = start + timedelta(days=k)
        members = [m for m, at in joined if at.date() < day]  # nobody watches as a member before joining
        weights = _weights(rng, videos, k, days, hits)
        rows = _day_rows(rng, videos, weights, day, _views_today(rng, k, days, day), members)
        with session_scope() as session:
            session.execute(insert(WatchEvent), rows)
        total += len(rows)
    results = rollup_span(actor=DEMO, start=start, end=end)
    failed = sum(1 for r in results if r.error)
    return f"Seeded {total:,} watch events over {days} days and {len(results):,} insights rollups ({failed} failed)."
