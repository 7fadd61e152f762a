"""The insights rollup runner: every area's day rollup (content, members, moderation here; revenue and MRR from
rollup_money.py), each in its own savepoint so one area's failure is recorded (InsightsRollupRun.error) without
losing the others, and audited as the actor (the job and the CLI act as the system).

MRR is monthly: a day's pass recomputes the month holding that day (its month-end snapshot so far).
`rollup_pending` is the job's pass: yesterday and today always (late rows, today's growth), plus any earlier day
since the first raw data that has no successful run yet (first start, a job that was off)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.service import record
from console.db import dialect_name, session_scope, utcnow
from console.errors import ValidationFailed
from console.insights import rollup_content, rollup_money, rollup_ops
from console.insights.models import InsightsRollupRun, WatchEvent
from console.staff.permissions import Permission, require

LOCK_KEY = 0x494E5352  # "INSR": pg_advisory_xact_lock(key, day) keeps two passes off the same day
DayRollup = Callable[[Session, date], int]


def _mrr_of_month(session: Session, day: date) -> int:
    """MRR is monthly: a day recomputes the month holding it (its snapshot so far)."""
    return rollup_money.rollup_mrr_month(session, day.replace(day=1))


AREAS: dict[str, DayRollup] = {
    "content": rollup_content.rollup_content_day,
    "members": rollup_ops.rollup_members_day,
    "moderation": rollup_ops.rollup_moderation_day,
    "revenue": rollup_money.rollup_revenue_day,
    "mrr": _mrr_of_month,
}


@dataclass(frozen=True)
class AreaResult:
    area: str
    day: date
    rows: int
    seconds: float
    error: str | None = None


def _areas(areas: Sequence[str] | None) -> list[str]:
    chosen = list(areas) if areas else list(AREAS)
    unknown = [a for a in chosen if a not in AREAS]
    if unknown:
        raise ValidationFailed({"areas": f"unknown: {', '.join(unknown)}; expected {', '.join(AREAS)}"})
    return chosen


def _one(session: Session, area: str, day: date) -> AreaResult:
    started, clock = utcnow(), time.perf_counter()
    rows, error = 0, None
    try:
        with session.begin_nested():
            rows = AREAS[area](session, day)
    except Exception as exc:  # recorded on the run; the caller decides whether to raise
        error = repr(exc)[:2000]
    seconds = round(time.perf_counter() - clock, 3)
    session.add(InsightsRollupRun(area=area, day=day, started_at=started, finished_at=utcnow(), rows=rows, error=error))
    return AreaResult(area, day, rows, seconds, error)


def rollup_day(
    session: Session, *, actor: Actor, day: date, areas: Sequence[str] | None = None, audit: bool = True
) -> list[AreaResult]:
    """Recompute `day` for every area (or `areas`), record a run per area, audit once; never commits."""
    require(actor, Permission.CONFIG_EDIT)
    if day > utcnow().date():
        raise ValidationFailed({"day": "must not be in the future"})
    chosen = _areas(areas)
    if dialect_name(session) == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(LOCK_KEY, day.toordinal())))
    results = [_one(session, area, day) for area in chosen]
    session.flush()
    if audit:
        after = {r.area: (r.error or r.rows) for r in results}
        record(session, actor, "insights.rollup", "insights_rollup_runs", day.isoformat(), after=after)
    return results


def rollup_days(*, actor: Actor, days: Iterable[date], areas: Sequence[str] | None = None) -> list[AreaResult]:
    """Each day in its own transaction, oldest first."""
    out: list[AreaResult] = []
    for day in days:
        with session_scope() as session:
            out.extend(rollup_day(session, actor=actor, day=day, areas=areas))
    return out


def _first_data_day(session: Session) -> date | None:
    first = session.execute(select(func.min(WatchEvent.started_at))).scalar_one()
    return first.date() if first is not None else None


def pending_days(session: Session, today: date, areas: Sequence[str]) -> list[date]:
    """Yesterday and today, and every earlier day since the first watch event with no successful run of some area
    (at most 800 days back)."""
    first = _first_data_day(session)
    days = {today - timedelta(days=1), today}
    if first is not None:
        first = max(first, today - timedelta(days=800))
        r = InsightsRollupRun
        done = session.execute(
            select(r.day)
            .where(r.day >= first, r.error.is_(None), r.area.in_(areas))
            .group_by(r.day)
            .having(func.count(func.distinct(r.area)) == len(areas))
        ).scalars()
        have = set(done)
        day = first
        while day < today:
            if day not in have:
                days.add(day)
            day += timedelta(days=1)
    return sorted(days)


def rollup_pending(
    *, actor: Actor, now: datetime | None = None, areas: Sequence[str] | None = None
) -> list[AreaResult]:
    """One pass of the job: the pending days, each in its own transaction."""
    require(actor, Permission.CONFIG_EDIT)
    chosen = _areas(areas)
    today = (now or datetime.now(UTC)).date()
    with session_scope() as session:
        days = pending_days(session, today, chosen)
    return rollup_days(actor=actor, days=days, areas=chosen)


def rollup_span(*, actor: Actor, start: date, end: date, areas: Sequence[str] | None = None) -> list[AreaResult]:
    """Seeds and back-fills: the daily areas for every day of start..end (a transaction per day, no audit per day)
    and MRR once per month, then one audit event for the span."""
    require(actor, Permission.CONFIG_EDIT)
    chosen = _areas(areas)
    daily = [a for a in chosen if a != "mrr"]
    out: list[AreaResult] = []
    day = start
    while day <= end:
        with session_scope() as session:
            out.extend(rollup_day(session, actor=actor, day=day, areas=daily, audit=False) if daily else [])
            if "mrr" in chosen and (day.day == 1 or day == start):
                out.append(_one(session, "mrr", day))
        day += timedelta(days=1)
    with session_scope() as session:
        failed = sum(1 for r in out if r.error)
        after = {"from": start.isoformat(), "to": end.isoformat(), "runs": len(out), "failed": failed}
        record(session, actor, "insights.rollup_span", "insights_rollup_runs", None, after=after)
    return out
