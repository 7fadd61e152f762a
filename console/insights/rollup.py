"""The insights rollup runner: every area's day rollup (content, members, moderation here; revenue and MRR from
rollup_money.py), each in its own savepoint so one area's failure is recorded (InsightsRollupRun.error) without
losing the others, and audited as the actor (the job and the CLI act as the system).

MRR is monthly: a day's pass recomputes the month holding that day (its month-end snapshot so far) while the month
is open. A closed month is frozen once it has been rolled up after its close (a successful `mrr` run for a day of it
that started at or after its end, `mrr_month_kept`): later passes keep its rows (insights_mrr_monthly and
insights_mrr_movements_monthly) as they are, because subscriptions change afterwards (cancellations, plan changes
in place) and recomputing would rewrite history. `rebuild=True` (CLI `insights rollup --rebuild`) recomputes a closed
month anyway, audited as `insights.mrr_rebuild` with the month's totals before and after.
`rollup_pending` is the job's pass: yesterday and today always (late rows, today's growth), plus any earlier day
since the first raw data that has no successful run yet (first start, a job that was off)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.service import record
from console.db import dialect_name, session_scope, utcnow
from console.errors import ValidationFailed
from console.insights import rollup_content, rollup_money, rollup_ops
from console.insights.models import InsightsRollupRun, MrrMonthly, MrrMovementMonthly, WatchEvent
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
    kept: bool = False  # a closed MRR month kept as it was rolled up after its close


def mrr_month_kept(session: Session, day: date) -> bool:
    """Whether the month holding `day` is closed and was already rolled up after its close (so it is frozen)."""
    month = rollup_money.first_of_month(day)
    following = rollup_money.next_month(month)
    r = InsightsRollupRun
    found = session.execute(
        select(r.id)
        .where(
            r.area == "mrr",
            r.day >= month,
            r.day < following,
            r.error.is_(None),
            r.started_at >= rollup_money.day_bounds(following)[0],
        )
        .limit(1)
    ).first()
    return found is not None


def _month_totals(session: Session, month: date) -> dict[str, Any]:
    m, v = MrrMonthly, MrrMovementMonthly
    members, cents = session.execute(
        select(func.count(), func.coalesce(func.sum(m.mrr_cents), 0)).where(m.month == month)
    ).one()
    moves = session.execute(
        select(v.movement, v.currency, v.members, v.mrr_cents).where(v.month == month).order_by(v.movement, v.currency)
    ).all()
    return {
        "members": int(members),
        "mrr_cents": int(cents),
        "movements": {f"{mv}/{cur}": [int(n), int(c)] for mv, cur, n, c in moves},
    }


def _mrr(session: Session, actor: Actor | None, day: date, rebuild: bool) -> tuple[int, bool]:
    """(rows, kept): a frozen closed month is kept unless `rebuild`; a rebuild of a closed month is audited."""
    month = rollup_money.first_of_month(day)
    kept = mrr_month_kept(session, day)
    if kept and not rebuild:
        counted = select(func.count()).select_from(MrrMonthly).where(MrrMonthly.month == month)
        return int(session.execute(counted).scalar_one()), True
    closed = rollup_money.next_month(month) <= utcnow().date()
    before = _month_totals(session, month) if rebuild and closed else None
    rows = AREAS["mrr"](session, day)
    if before is not None and actor is not None:
        after = _month_totals(session, month)
        record(session, actor, "insights.mrr_rebuild", "insights_mrr_monthly", month.isoformat(), before, after)
    return rows, False


def _areas(areas: Sequence[str] | None) -> list[str]:
    chosen = list(areas) if areas else list(AREAS)
    unknown = [a for a in chosen if a not in AREAS]
    if unknown:
        raise ValidationFailed({"areas": f"unknown: {', '.join(unknown)}; expected {', '.join(AREAS)}"})
    return chosen


def _one(session: Session, area: str, day: date, *, actor: Actor | None = None, rebuild: bool = False) -> AreaResult:
    started, clock = utcnow(), time.perf_counter()
    rows, error, kept = 0, None, False
    try:
        with session.begin_nested():
            if area == "mrr":
                rows, kept = _mrr(session, actor, day, rebuild)
            else:
                rows = AREAS[area](session, day)
    except Exception as exc:  # recorded on the run; the caller decides whether to raise
        error = repr(exc)[:2000]
    seconds = round(time.perf_counter() - clock, 3)
    session.add(InsightsRollupRun(area=area, day=day, started_at=started, finished_at=utcnow(), rows=rows, error=error))
    return AreaResult(area, day, rows, seconds, error, kept)


def rollup_day(
    session: Session,
    *,
    actor: Actor,
    day: date,
    areas: Sequence[str] | None = None,
    audit: bool = True,
    rebuild: bool = False,
) -> list[AreaResult]:
    """Recompute `day` for every area (or `areas`), record a run per area, audit once; never commits. The MRR of a
    closed month already rolled up after its close is kept unless `rebuild` (see the module's docstring)."""
    require(actor, Permission.CONFIG_EDIT)
    if day > utcnow().date():
        raise ValidationFailed({"day": "must not be in the future"})
    chosen = _areas(areas)
    if rebuild and "mrr" not in chosen:
        raise ValidationFailed({"rebuild": "applies to the mrr area only; include it in the areas"})
    if dialect_name(session) == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(LOCK_KEY, day.toordinal())))
    results = [_one(session, area, day, actor=actor, rebuild=rebuild) for area in chosen]
    session.flush()
    if audit:
        after: dict[str, Any] = {r.area: (r.error or ("kept" if r.kept else r.rows)) for r in results}
        if rebuild:
            after["rebuild"] = True
        record(session, actor, "insights.rollup", "insights_rollup_runs", day.isoformat(), after=after)
    return results


def rollup_days(
    *,
    actor: Actor,
    days: Iterable[date],
    areas: Sequence[str] | None = None,
    rebuild: bool = False,
    mrr_once: bool = False,
) -> list[AreaResult]:
    """Each day in its own transaction, in the order given. With `rebuild`, each closed month's MRR is rebuilt once
    (on its first day in the list); its other days then keep what that rebuild wrote. `mrr_once` (the job's pass):
    MRR is the month's snapshot whichever of its days asks, so it runs only on each month's last listed day (a
    pass holds yesterday and today, mostly of one month, and one MRR run is ~10 s of database work at scale)."""
    listed = list(days)
    last_of_month = {rollup_money.first_of_month(day): day for day in sorted(listed)}
    out: list[AreaResult] = []
    rebuilt: set[date] = set()
    for day in listed:
        month = rollup_money.first_of_month(day)
        again = rebuild and month not in rebuilt
        rebuilt.add(month)
        chosen = areas
        if mrr_once and last_of_month[month] != day:
            chosen = [a for a in _areas(areas) if a != "mrr"]
            if not chosen:
                continue
        with session_scope() as session:
            out.extend(rollup_day(session, actor=actor, day=day, areas=chosen, rebuild=again))
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
        daily = [a for a in areas if a != "mrr"]
        r = InsightsRollupRun
        done = session.execute(
            select(r.day)
            .where(r.day >= first, r.error.is_(None), r.area.in_(daily))
            .group_by(r.day)
            .having(func.count(func.distinct(r.area)) == len(daily))
        ).scalars()
        have: set[date] | None = set(done) if daily else None
        if "mrr" in areas:
            covered = _mrr_covered_days(session, first)
            have = covered if have is None else have & covered
        have = have or set()
        day = first
        while day < today:
            if day not in have:
                days.add(day)
            day += timedelta(days=1)
    return sorted(days)


def _mrr_covered_days(session: Session, first: date) -> set[date]:
    """MRR is monthly: a day is covered when a successful run for any day of its month started after the day had
    ended (rollup_span runs a month once, on its first day; without this its other days would all look pending)."""
    r = InsightsRollupRun
    runs = session.execute(
        select(r.day, r.started_at).where(r.area == "mrr", r.error.is_(None), r.day >= first.replace(day=1))
    ).all()
    covered: set[date] = set()
    for run_day, started_at in runs:
        month = run_day.replace(day=1)
        last = min(started_at.date() - timedelta(days=1), _month_end(month))
        day = month
        while day <= last:
            covered.add(day)
            day += timedelta(days=1)
    return covered


def _month_end(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def rollup_pending(
    *, actor: Actor, now: datetime | None = None, areas: Sequence[str] | None = None
) -> list[AreaResult]:
    """One pass of the job: the pending days, each in its own transaction."""
    require(actor, Permission.CONFIG_EDIT)
    chosen = _areas(areas)
    today = (now or datetime.now(UTC)).date()
    with session_scope() as session:
        days = pending_days(session, today, chosen)
    return rollup_days(actor=actor, days=days, areas=chosen, mrr_once=True)


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
                out.append(_one(session, "mrr", day, actor=actor))
        day += timedelta(days=1)
    with session_scope() as session:
        failed = sum(1 for r in out if r.error)
        after = {"from": start.isoformat(), "to": end.isoformat(), "runs": len(out), "failed": failed}
        record(session, actor, "insights.rollup_span", "insights_rollup_runs", None, after=after)
    return out
