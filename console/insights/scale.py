"""`seed --scale --areas insights`: 10,000,000 watch events over the last two years (numpy, loaded by binary COPY on
PostgreSQL like console/ads/scale_raw.py; SQLite through bulk_load), then every insights rollup for the span, timed.

Views go to the catalog's videos by a Zipf-like popularity, to random members, at uniform times within each day;
a day's share follows growth over the span and a weekend rhythm. Ids are written in time order."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

import numpy as np
from sqlalchemy import Table, func, select

from console.actor import Actor
from console.ads.scale_raw import PG_EPOCH_US, UNIX_EPOCH, copy_binary
from console.bulkload import bulk_load
from console.catalog.models import Video
from console.db import get_engine, owner_engine, session_scope
from console.insights.models import WatchEvent
from console.insights.rollup import rollup_span

SCALE = Actor(kind="system", label="insights scale seed")
DAYS = 730
COLUMNS = ["id", "video_id", "member_id", "started_at", "seconds_watched", "completed", "country"]
COUNTRIES = np.array([b"US", b"GB", b"DE", b"FR", b"ES", b"BR", b"JP", b"NL", b"CA", b"AU"], dtype="S2")
SHARES = np.array([32, 10, 9, 8, 6, 9, 7, 5, 8, 6], dtype=float) / 100
CHUNK = 200_000


def _per_day(total: int, start: date, rng: np.random.Generator) -> np.ndarray:
    k = np.arange(DAYS)
    weekend = np.array([1.2 if (start + timedelta(days=int(i))).weekday() >= 5 else 1.0 for i in k])
    shares = (1 + 1.5 * k / DAYS) * weekend * rng.uniform(0.9, 1.1, DAYS)
    exact = total * shares / shares.sum()
    whole = np.floor(exact).astype(np.int64)
    whole[np.argsort(whole - exact)[: total - int(whole.sum())]] += 1
    return whole


def _chunks(
    total: int, start: date, videos: np.ndarray, members: int, first_id: int, rng: np.random.Generator
) -> Iterator[list[tuple[str, np.ndarray | None]]]:
    popularity = 1 / np.arange(1, len(videos) + 1) ** 0.9
    popularity /= popularity.sum()
    next_id = first_id
    day0_us = int((datetime(start.year, start.month, start.day, tzinfo=UTC) - UNIX_EPOCH).total_seconds()) * 10**6
    for k, n in enumerate(_per_day(total, start, rng).tolist()):
        for done in range(0, n, CHUNK):
            m = min(CHUNK, n - done)
            at = np.sort(rng.integers(0, 86_400 * 10**6, m)) + day0_us + k * 86_400 * 10**6
            seconds = rng.exponential(900, m).astype(np.int32)
            yield [
                (">i8", np.arange(next_id, next_id + m, dtype=np.int64)),
                (">i8", videos[rng.choice(len(videos), m, p=popularity)]),
                (">i8", rng.integers(1, max(2, members + 1), m)),
                (">i8", at - PG_EPOCH_US),
                (">i4", seconds),
                ("?", seconds > 1500),
                ("S2", COUNTRIES[rng.choice(len(COUNTRIES), m, p=SHARES)]),
            ]
            next_id += m


def _sqlite_rows(chunks: Iterator[list[tuple[str, np.ndarray | None]]]) -> Iterator[dict[str, Any]]:
    for chunk in chunks:
        lists = [cast(np.ndarray, values).tolist() for _, values in chunk]
        lists[3] = [UNIX_EPOCH + timedelta(microseconds=v + PG_EPOCH_US) for v in lists[3]]
        lists[6] = [c.decode() for c in lists[6]]
        for row in zip(*lists, strict=True):
            yield dict(zip(COLUMNS, row, strict=True))


def scale_insights(*, views: int = 10_000_000, members: int = 1_000_000, rollup: bool = True) -> dict[str, int]:
    """Load `views` watch events over the last DAYS days, then roll every area up for the span."""
    today = datetime.now(UTC).date()
    start = today - timedelta(days=DAYS)
    with session_scope() as session:
        videos = np.array(list(session.execute(select(Video.id).order_by(Video.id)).scalars()), dtype=np.int64)
        first_id = int(session.scalar(select(func.coalesce(func.max(WatchEvent.id), 0))) or 0) + 1
    if not len(videos):
        raise ValueError("the insights scale data needs the catalog's videos: seed --scale --areas members,catalog")
    rng = np.random.default_rng(12)
    clock = time.monotonic()
    chunks = _chunks(views, start, videos, members, first_id, rng)
    if get_engine().dialect.name == "postgresql":
        written = copy_binary(cast(Table, WatchEvent.__table__), COLUMNS, chunks, rebuild=first_id == 1)
        with owner_engine() as engine, engine.begin() as conn:
            conn.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('watch_events', 'id'), "
                "(SELECT coalesce(max(id), 1) FROM watch_events))"
            )
            conn.exec_driver_sql("ANALYZE watch_events")
    else:
        written = bulk_load(WatchEvent, COLUMNS, _sqlite_rows(chunks), rebuild_indexes=False)
    summary = {"watch_events": written, "watch_event_ms": int((time.monotonic() - clock) * 1000)}
    if rollup:
        clock = time.monotonic()
        results = rollup_span(actor=SCALE, start=start, end=today - timedelta(days=1))
        summary |= {"insights_rollups": len(results), "insights_rollup_failures": sum(1 for r in results if r.error)}
        summary["insights_rollup_ms"] = int((time.monotonic() - clock) * 1000)
    return summary
