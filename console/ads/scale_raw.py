"""Raw impressions and clicks for `seed --scale` area ads, generated a UTC day at a time with numpy and loaded with
binary COPY on PostgreSQL (console/bulkload.py's text COPY costs a Python dict and a formatted line per row: too
slow for 20,000,000 rows); SQLite gets the same rows through bulk_load.

A day's impressions go to the ads delivering that day in proportion to their weight, at uniform times within the
day (and the window). Video impressions are started (93%), then skipped after 5-14 s (30%) or completed (85% of the
rest); banners are neither. Clicks follow impressions of the same day (the ad's click factor weighting which), a few
seconds later; one "fraud" ad gets clicks without impressions on a few days (clicks above impressions). Ids are
written explicitly in file order: a day's rows not skipped, then the skipped ones (NULL skip time or not: each
binary batch has one row layout), so occurred_at follows the heap closely and a day is a contiguous range.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import numpy as np
from sqlalchemy import Table
from sqlalchemy.schema import AddConstraint, DropConstraint

from console.ads.models import AdClick, AdImpression
from console.bulkload import bulk_load
from console.db import get_engine, owner_engine

UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
PG_EPOCH_US = 946_684_800_000_000  # 2000-01-01 in microseconds since 1970: PostgreSQL's binary timestamp origin
SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # no flags, no header extension
TRAILER = b"\xff\xff"
COUNTRIES = np.array([b"US", b"GB", b"DE", b"FR", b"ES", b"BR", b"JP", b"NL", b"CA", b"AU", b"SE", b"MX"], dtype="S2")
COUNTRY_SHARES = np.array([30, 10, 9, 8, 6, 8, 6, 4, 6, 5, 3, 5], dtype=float) / 100
IMPRESSION_COLUMNS = ["id", "ad_id", "member_id", "occurred_at", "country", "started", "completed", "skipped"]
IMPRESSION_COLUMNS += ["skip_time_seconds"]
CLICK_COLUMNS = ["id", "ad_id", "member_id", "occurred_at"]


@dataclass
class Delivery:
    """What the generator needs to know about the ads (numpy arrays, one entry per ad) and the window."""

    ad_ids: np.ndarray  # int64
    first_day: np.ndarray  # index of the first day the ad delivers, or -1
    last_day: np.ndarray  # index of the last day (inclusive)
    weight: np.ndarray  # share of a day's impressions among the ads delivering
    click_factor: np.ndarray  # relative click-through rate
    video: np.ndarray  # bool
    bounds: list[tuple[int, int]]  # per day: [start, end) in microseconds since 1970 (the window cuts the ends)
    impressions: list[int]  # per day
    clicks: list[int]  # per day (regular clicks)
    fraud: dict[int, int] = field(default_factory=dict)  # day index -> clicks without impressions for fraud_ad
    fraud_ad: int = -1  # index into ad_ids
    members: int = 1_000_000


@dataclass
class Batch:
    """One batch of rows, as columns."""

    columns: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(next(iter(self.columns.values())))


def binary_rows(columns: Sequence[tuple[str, np.ndarray | None]]) -> bytes:
    """Rows in PostgreSQL's binary COPY format (without signature and trailer): each column is (numpy dtype in
    network byte order, values), or (dtype, None) for a column NULL in every row of this batch."""
    n = len(next(v for _, v in columns if v is not None))
    layout: list[tuple[str, str]] = [("count", ">i2")]
    for i, (dtype, values) in enumerate(columns):
        layout.append((f"len{i}", ">i4"))
        if values is not None:
            layout.append((f"v{i}", dtype))
    rows = np.empty(n, dtype=layout)
    rows["count"] = len(columns)
    for i, (dtype, values) in enumerate(columns):
        rows[f"len{i}"] = -1 if values is None else np.dtype(dtype).itemsize
        if values is not None:
            rows[f"v{i}"] = values
    return rows.tobytes()


def _split(total: int, shares: np.ndarray) -> np.ndarray:
    """`total` split by `shares` into whole numbers that add up exactly (largest remainder)."""
    if total <= 0 or shares.sum() <= 0:
        return np.zeros(len(shares), dtype=np.int64)
    exact = total * shares / shares.sum()
    whole = np.floor(exact).astype(np.int64)
    rest = total - int(whole.sum())
    if rest:
        whole[np.argsort(whole - exact)[:rest]] += 1
    return whole


def plan_days(d: Delivery, impressions: int, clicks: int, rng: np.random.Generator) -> None:
    """Impressions and clicks per day: by the day's length in the window, a weekly rhythm and some noise, only on
    days with ads delivering; a few clicks of the total go to the fraud ad (clicks above impressions)."""
    days = len(d.bounds)
    active = np.zeros(days + 1)
    for first, last, weight in zip(d.first_day, d.last_day, d.weight, strict=True):
        if first >= 0:
            active[first] += weight
            active[last + 1] -= weight
    delivering = np.cumsum(active)[:days] > 1e-9
    length = np.array([end - start for start, end in d.bounds], dtype=float)
    weekly = np.array([1.15 if (UNIX_EPOCH + timedelta(microseconds=s)).weekday() >= 5 else 1.0 for s, _ in d.bounds])
    shares = length * weekly * rng.uniform(0.9, 1.1, days) * delivering
    d.impressions = _split(impressions, shares).tolist()
    fraud_total = clicks // 100 if d.fraud_ad >= 0 else 0
    d.clicks = _split(clicks - fraud_total, np.array(d.impressions, dtype=float)).tolist()
    fraud_days = (
        [k for k in range(d.first_day[d.fraud_ad], d.last_day[d.fraud_ad] + 1)][-20:-2:6] if fraud_total else []
    )
    for k, count in zip(fraud_days, _split(fraud_total, np.ones(len(fraud_days))).tolist(), strict=True):
        d.fraud[k] = count
    d.clicks[-1] += fraud_total - sum(d.fraud.values())  # no fraud days: the clicks stay regular


def day_batches(d: Delivery, k: int, rng: np.random.Generator) -> tuple[list[Batch], Batch]:
    """Day `k`: its impressions (two batches: not skipped, skipped; ids not yet set) and its clicks."""
    start, end = d.bounds[k]
    n = d.impressions[k]
    live = np.flatnonzero((d.first_day <= k) & (d.last_day >= k) & (d.first_day >= 0))
    if n == 0 or len(live) == 0:
        return [], _fraud_clicks(d, k, rng, start, end)
    ad = live[rng.choice(len(live), size=n, p=d.weight[live] / d.weight[live].sum())]
    at = np.sort(rng.integers(start, end, size=n))
    member = rng.integers(1, d.members + 1, size=n)
    video = d.video[ad]
    started = video & (rng.random(n) < 0.93)
    skipped = started & (rng.random(n) < 0.30)
    completed = started & ~skipped & (rng.random(n) < 0.85)
    country = COUNTRIES[rng.choice(len(COUNTRIES), size=n, p=COUNTRY_SHARES)]
    skip_time = rng.integers(5, 15, size=n).astype(np.int32)
    columns = {"ad": ad, "at": at, "member": member, "country": country, "started": started}
    columns |= {"completed": completed, "skipped": skipped, "skip_time": skip_time}
    batches = [Batch({name: values[mask] for name, values in columns.items()}) for mask in (~skipped, skipped)]
    c = min(d.clicks[k], n)
    if c:
        p = d.click_factor[ad]
        picked = np.sort(rng.choice(n, size=c, replace=False, p=p / p.sum()))
        click_at = np.minimum(at[picked] + rng.integers(1, 60, size=c) * 1_000_000, end - 1)
        clicks = Batch({"ad": ad[picked], "at": click_at, "member": member[picked]})
        fraud = _fraud_clicks(d, k, rng, start, end)
        if len(fraud):
            clicks = Batch(
                {name: np.concatenate([clicks.columns[name], fraud.columns[name]]) for name in clicks.columns}
            )
    else:
        clicks = _fraud_clicks(d, k, rng, start, end)
    return [b for b in batches if len(b)], clicks


def _fraud_clicks(d: Delivery, k: int, rng: np.random.Generator, start: int, end: int) -> Batch:
    c = d.fraud.get(k, 0)
    return Batch(
        {
            "ad": np.full(c, d.fraud_ad, dtype=np.int64),
            "at": np.sort(rng.integers(start, end, size=c)),
            "member": rng.integers(1, d.members + 1, size=c),
        }
    )


def _impression_columns(b: Batch, first_id: int, ad_ids: np.ndarray) -> list[tuple[str, np.ndarray | None]]:
    n = len(b)
    skipped = bool(b.columns["skipped"][0]) if n else False
    return [
        (">i8", np.arange(first_id, first_id + n, dtype=np.int64)),
        (">i8", ad_ids[b.columns["ad"]]),
        (">i8", b.columns["member"]),
        (">i8", b.columns["at"] - PG_EPOCH_US),
        ("S2", b.columns["country"]),
        ("?", b.columns["started"]),
        ("?", b.columns["completed"]),
        ("?", b.columns["skipped"]),
        (">i4", b.columns["skip_time"] if skipped else None),
    ]


def _click_columns(b: Batch, first_id: int, ad_ids: np.ndarray) -> list[tuple[str, np.ndarray | None]]:
    n = len(b)
    return [
        (">i8", np.arange(first_id, first_id + n, dtype=np.int64)),
        (">i8", ad_ids[b.columns["ad"]]),
        (">i8", b.columns["member"]),
        (">i8", b.columns["at"] - PG_EPOCH_US),
    ]


def _when(us: int) -> datetime:
    return UNIX_EPOCH + timedelta(microseconds=int(us))


def _dict_rows(columns: list[tuple[str, np.ndarray | None]], names: list[str]) -> Iterator[dict[str, Any]]:
    """The same rows as dicts (SQLite): numpy values to Python, timestamps to datetimes, countries to text."""
    n = len(next(v for _, v in columns if v is not None))
    lists: list[list[Any]] = []
    for name, (_, values) in zip(names, columns, strict=True):
        if values is None:
            lists.append([None] * n)
        elif name == "occurred_at":
            lists.append([_when(v + PG_EPOCH_US) for v in values.tolist()])
        elif name == "country":
            lists.append([v.decode() for v in values.tolist()])
        else:
            lists.append(values.tolist())
    for row in zip(*lists, strict=True):
        yield dict(zip(names, row, strict=True))


def load_raw(d: Delivery, rng: np.random.Generator, first: tuple[int, int], *, rebuild: bool) -> tuple[int, int]:
    """Generate and load every day's impressions, then the clicks; returns (impressions, clicks) written."""
    clicks: list[Batch] = []
    next_id = [first[0]]

    def impression_chunks() -> Iterator[list[tuple[str, np.ndarray | None]]]:
        for k in range(len(d.bounds)):
            batches, day_clicks = day_batches(d, k, rng)
            clicks.append(day_clicks)
            for b in batches:
                yield _impression_columns(b, next_id[0], d.ad_ids)
                next_id[0] += len(b)

    def click_chunks() -> Iterator[list[tuple[str, np.ndarray | None]]]:
        click_id = first[1]
        for b in clicks:
            if len(b):
                order = np.argsort(b.columns["at"], kind="stable")
                b = Batch({name: values[order] for name, values in b.columns.items()})
                yield _click_columns(b, click_id, d.ad_ids)
                click_id += len(b)

    shown = _write(AdImpression, IMPRESSION_COLUMNS, impression_chunks(), rebuild=rebuild)
    clicked = _write(AdClick, CLICK_COLUMNS, click_chunks(), rebuild=rebuild)
    return shown, clicked


def _write(
    model: Any, names: list[str], chunks: Iterable[list[tuple[str, np.ndarray | None]]], *, rebuild: bool
) -> int:
    if get_engine().dialect.name != "postgresql":
        rows = (row for chunk in chunks for row in _dict_rows(chunk, names))
        return bulk_load(model, names, rows, rebuild_indexes=False)
    return copy_binary(cast(Table, model.__table__), names, chunks, rebuild=rebuild)


def copy_binary(
    table: Table, names: list[str], chunks: Iterable[list[tuple[str, np.ndarray | None]]], *, rebuild: bool
) -> int:
    """Binary COPY into `table` (PostgreSQL). With `rebuild` (an empty table) its secondary indexes and foreign keys
    are dropped first and made again at the end: one index build and one check of the keys instead of one per row."""
    indexes = list(table.indexes) if rebuild else []
    keys = list(table.foreign_key_constraints) if rebuild else []
    with owner_engine() as owner, owner.begin() as conn:
        for index in indexes:
            index.drop(conn)
        for key in keys:
            conn.execute(DropConstraint(key))
    count = 0
    try:
        raw = get_engine().raw_connection()
        try:
            cursor = raw.cursor()
            statement = f"COPY {table.name} ({', '.join(names)}) FROM STDIN (FORMAT BINARY)"
            with cursor.copy(statement) as copy:  # type: ignore[attr-defined]
                copy.write(SIGNATURE)
                for chunk in chunks:
                    copy.write(binary_rows(chunk))
                    count += len(next(v for _, v in chunk if v is not None))
                copy.write(TRAILER)
            raw.commit()
        finally:
            raw.close()
    finally:
        with owner_engine() as owner, owner.begin() as conn:
            for index in indexes:
                index.create(conn)
            for key in keys:
                conn.execute(AddConstraint(key))
    return count
