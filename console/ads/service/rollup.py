"""The daily rollup: raw impressions and clicks -> `ad_stats_daily`, the only table stats pages read.

`rollup_day` recomputes one UTC day in SQL (one INSERT ... SELECT of two GROUP BYs over the day's raw rows, read by
the occurred_at indexes) and replaces that day's rows in the caller's transaction: running it twice gives the same
rows. Spend is impressions x the campaign's CPM bid / 1000, in whole cents (rounded down: never billed above the
bid). On PostgreSQL a transaction-scoped advisory lock per day keeps two passes from replacing the same day at once;
SQLite serialises writers anyway (BEGIN IMMEDIATE, db.py).

`rollup_pending` is the job's pass: the days with raw rows that occurred since the last complete pass (or the scale
seed) started, less LATE_MINUTES for events the platform writes a little after they happen, and always today. When
no raw row is that new it does nothing: one query on the runs and two index probes (while the newest raw rows are
younger than LATE_MINUTES a pass redoes today, which at 20,000,000 impressions over 90 days takes ~0.1 s). A day's
rows that arrive more than LATE_MINUTES late are picked up by `ads rollup --day YYYY-MM-DD`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from typing import Any

from sqlalchemy import BigInteger, Date, Select, case, cast, delete, func, insert, literal, select, union_all
from sqlalchemy.orm import Session

from console.actor import Actor
from console.ads.models import Ad, AdCampaign, AdClick, AdImpression, AdRollupRun, AdStatsDaily
from console.audit.service import record
from console.db import UTCDateTime, dialect_name, session_scope, utcnow
from console.errors import ValidationFailed
from console.staff.permissions import Permission, require

LATE_MINUTES = 15  # raw events written up to this long after they occurred are still rolled up by the next pass
ROLLUP_LOCK_KEY = 0x41445352  # "ADSR": first key of pg_advisory_xact_lock(int, int); the second is the day
PASS_KINDS = ("pending", "seed")  # runs that cover every raw row that occurred before they started
STATS_COLUMNS = ["ad_id", "day", "impressions", "clicks", "starts", "completes", "skips", "spend_cents"]


@dataclass(frozen=True)
class RollupResult:
    day: date
    ads: int  # rows written for the day
    impressions: int
    clicks: int
    seconds: float
    run_id: int


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, dtime.min, tzinfo=UTC)
    return start, start + timedelta(days=1)


def _flag(column: Any) -> Any:
    return func.sum(case((column.is_(True), 1), else_=0))


def aggregate(day: date, now: datetime) -> Select[Any]:
    """The day's rows for ad_stats_daily (STATS_COLUMNS + rolled_up_at), aggregated in SQL."""
    start, end = day_bounds(day)
    i, c, zero = AdImpression, AdClick, literal(0)
    impressions = (
        select(
            i.ad_id.label("ad_id"),
            func.count().label("impressions"),
            zero.label("clicks"),
            _flag(i.started).label("starts"),
            _flag(i.completed).label("completes"),
            _flag(i.skipped).label("skips"),
        )
        .where(i.occurred_at >= start, i.occurred_at < end)
        .group_by(i.ad_id)
    )
    clicks = (
        select(c.ad_id, zero, func.count(), zero, zero, zero)
        .where(c.occurred_at >= start, c.occurred_at < end)
        .group_by(c.ad_id)
    )
    raw = union_all(impressions, clicks).subquery("raw")
    shown = cast(func.sum(raw.c.impressions), BigInteger)
    return (
        select(
            raw.c.ad_id,
            literal(day, Date),
            shown,
            cast(func.sum(raw.c.clicks), BigInteger),
            cast(func.sum(raw.c.starts), BigInteger),
            cast(func.sum(raw.c.completes), BigInteger),
            cast(func.sum(raw.c.skips), BigInteger),
            shown * AdCampaign.cpm_bid_cents // 1000,
            literal(now, UTCDateTime()),
        )
        .join_from(raw, Ad, Ad.id == raw.c.ad_id)
        .join(AdCampaign, AdCampaign.id == Ad.campaign_id)
        .group_by(raw.c.ad_id, AdCampaign.cpm_bid_cents)
    )


def rollup_day(
    session: Session, *, actor: Actor, day: date, kind: str = "day", started_at: datetime | None = None
) -> RollupResult:
    """Replace `day`'s ad_stats_daily rows with what the raw rows say now, and record the run (never commits).
    `kind` "day" (asked for one day: audited), "pending" (a pass of the job) or "seed"."""
    require(actor, Permission.ADS_EDIT)
    now = utcnow()
    if day > now.date():
        raise ValidationFailed({"day": "must not be in the future"})
    clock = time.perf_counter()
    if dialect_name(session) == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(ROLLUP_LOCK_KEY, day.toordinal())))
    session.execute(delete(AdStatsDaily).where(AdStatsDaily.day == day).execution_options(synchronize_session=False))
    columns = [*STATS_COLUMNS, "rolled_up_at"]
    session.execute(insert(AdStatsDaily).from_select(columns, aggregate(day, now)))
    s = AdStatsDaily
    ads, impressions, clicks = session.execute(
        select(func.count(), func.coalesce(func.sum(s.impressions), 0), func.coalesce(func.sum(s.clicks), 0)).where(
            s.day == day
        )
    ).one()
    run = AdRollupRun(
        day=day,
        kind=kind,
        started_at=started_at or now,
        finished_at=utcnow(),
        impressions=int(impressions),
        clicks=int(clicks),
    )
    session.add(run)
    session.flush()
    if kind == "day":
        record(
            session,
            actor,
            "ad_stats.rollup",
            "ad_stats_daily",
            day.isoformat(),
            after={"ads": int(ads), "impressions": int(impressions), "clicks": int(clicks)},
        )
    return RollupResult(day, int(ads), int(impressions), int(clicks), round(time.perf_counter() - clock, 3), run.id)


def last_pass_start(session: Session) -> datetime | None:
    """When the newest complete pass (or the scale seed) started: the pass writes today's run last, so a pass whose
    run for its own start day succeeded covered every raw row that occurred before it started."""
    recent = session.execute(
        select(AdRollupRun.day, AdRollupRun.started_at)
        .where(AdRollupRun.kind.in_(PASS_KINDS), AdRollupRun.error.is_(None))
        .order_by(AdRollupRun.id.desc())
        .limit(50)
    ).tuples()
    return next((started for day, started in recent if day == started.date()), None)


def _has_raw(session: Session, start: datetime, end: datetime | None = None) -> bool:
    for model in (AdImpression, AdClick):
        query = select(model.id).where(model.occurred_at >= start)
        if end is not None:
            query = query.where(model.occurred_at < end)
        if session.execute(query.limit(1)).first() is not None:
            return True
    return False


def _first_raw_day(session: Session) -> date | None:
    firsts = [session.execute(select(func.min(m.occurred_at))).scalar_one() for m in (AdImpression, AdClick)]
    found: list[datetime] = [f for f in firsts if f is not None]
    return min(found).date() if found else None


def pending_days(session: Session, now: datetime) -> list[date]:
    """The days a pass rolls up (oldest first, today last), or [] when nothing occurred since the last pass."""
    today = now.date()
    since = last_pass_start(session)
    if since is None:
        first = _first_raw_day(session)
        if first is None:
            return []
        cutoff = datetime.combine(first, dtime.min, tzinfo=UTC)
    else:
        cutoff = since - timedelta(minutes=LATE_MINUTES)
        if not _has_raw(session, cutoff):
            return []
    days = []
    day = cutoff.date()
    while day < today:
        start, end = day_bounds(day)
        if _has_raw(session, max(start, cutoff), end):
            days.append(day)
        day += timedelta(days=1)
    return [*days, today]


def rollup_days(*, actor: Actor, days: Iterable[date], kind: str, started_at: datetime) -> list[RollupResult]:
    """Each day in its own transaction, in order; the first failure is recorded as a run with its error and raised
    (the pass is then incomplete, so the next one starts where this one did)."""
    results = []
    for day in days:
        try:
            with session_scope() as session:
                results.append(rollup_day(session, actor=actor, day=day, kind=kind, started_at=started_at))
        except Exception as exc:
            with session_scope() as session:
                session.add(
                    AdRollupRun(day=day, kind=kind, started_at=started_at, finished_at=utcnow(), error=repr(exc)[:2000])
                )
            raise
    return results


def rollup_pending(*, actor: Actor, now: datetime | None = None) -> list[RollupResult]:
    """One pass of the job (see the module text); opens its own transactions."""
    require(actor, Permission.ADS_EDIT)
    now = now or utcnow()
    with session_scope() as session:
        days = pending_days(session, now)
    return rollup_days(actor=actor, days=days, kind="pending", started_at=now)
