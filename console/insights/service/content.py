"""Top videos and hotness read from the content rollup's snapshots (console/insights/rollup_content.py).

Top videos over a period = views through its last day minus views through the day before it. Views through a day
come from the nearest month snapshot (insights_content_totals, before or after the day) corrected by the daily rows
between them, or from zero plus every daily row; the cheapest mix is chosen per period, counting a snapshot as
SNAPSHOT_DAYS days of daily rows. A short period reads its daily rows directly. A snapshot is used only when its
total (video 0) equals the sum of the daily totals up to its month's end, so a snapshot that is missing or behind
(not yet back-filled) is never read: the answer is the same, only slower.

For a page of the top videos, the few videos that can make it are found first: views over the period are at most a
video's views through the end of the period's month (the snapshot S1), so the PRUNE_FIRST (then 4x more, ...) most
viewed by S1 are counted exactly (index lookups); when the page's last one has more views than the least viewed of
those by S1, no other video can reach the page. Otherwise (or past PRUNE_MAX candidates) every video is summed.

Hotness reads the day's ranking and tier counts (insights_hotness_daily / _tiers) when they are there and match the
daily totals of their 30 days; otherwise (or past the HOT_KEEP hottest) it scores the 30 days of daily rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Float, cast, func, literal, select, union_all
from sqlalchemy.orm import Session

from console.insights.models import ContentDaily, ContentTotals, HotnessDaily, HotnessTiers
from console.insights.periods import Period
from console.insights.rollup_content import HOT_KEEP, month_end, month_of
from console.insights.rollup_ops import TOTAL_VIDEO

SNAPSHOT_DAYS = 10  # a month snapshot (every video ever viewed) costs about as much as 10 days of daily rows
PRUNE_FIRST, PRUNE_MAX = 100, 20_000  # candidates for a page of top videos: first, and at most


@dataclass(frozen=True)
class Term:
    """+/- one month's snapshot (month set) or the daily rows of lo..hi."""

    sign: int
    month: date | None = None
    lo: date | None = None
    hi: date | None = None


def _daily_totals(session: Session, through: date) -> dict[date, int]:
    c = ContentDaily
    found = session.execute(select(c.day, c.views).where(c.video_id == TOTAL_VIDEO, c.day <= through))
    return {d: int(v) for d, v in found}


def _snapshots(session: Session, months: set[date], daily: dict[date, int]) -> set[date]:
    """The months among `months` whose snapshot exists and agrees with the daily totals up to its end."""
    t = ContentTotals
    found = session.execute(select(t.month, t.views).where(t.month.in_(months), t.video_id == TOTAL_VIDEO))
    return {m for m, v in found if int(v) == sum(n for d, n in daily.items() if d <= month_end(m))}


def _days_with_rows(daily: dict[date, int], lo: date, hi: date) -> int:
    return sum(1 for d in daily if lo <= d <= hi)


def _through(day: date, sign: int, daily: dict[date, int], usable: set[date]) -> tuple[int, list[Term]]:
    """The cheapest terms giving every video's views through `day`, and their cost in days."""
    first = min(daily, default=day + timedelta(days=1))
    options: list[tuple[int, list[Term]]] = [(_days_with_rows(daily, first, day), [Term(sign, lo=first, hi=day)])]
    here, before = month_of(day), month_of(month_of(day) - timedelta(days=1))
    if here in usable and month_end(here) > day:
        lo, hi = day + timedelta(days=1), month_end(here)
        options.append((SNAPSHOT_DAYS + _days_with_rows(daily, lo, hi), [Term(sign, here), Term(-sign, lo=lo, hi=hi)]))
    for month in (here, before):
        if month in usable and month_end(month) <= day:
            lo = month_end(month) + timedelta(days=1)
            terms = [Term(sign, month), Term(sign, lo=lo, hi=day)]
            options.append((SNAPSHOT_DAYS + _days_with_rows(daily, lo, day), terms))
    return min(options, key=lambda o: o[0])


def plan(session: Session, period: Period) -> list[Term]:
    """The terms to sum for the views per video over `period`: its daily rows, or snapshots and edges."""
    direct = [Term(1, lo=period.start, hi=period.end)]
    if (period.end - period.start).days < 2 * SNAPSHOT_DAYS:
        return direct
    daily = _daily_totals(session, month_end(month_of(period.end)))
    start = period.start - timedelta(days=1)
    months = {month_of(d) for x in (start, period.end) for d in (x, month_of(x) - timedelta(days=1))}
    usable = _snapshots(session, months, daily)
    cost_end, terms_end = _through(period.end, 1, daily, usable)
    cost_start, terms_start = _through(start, -1, daily, usable)
    if cost_end + cost_start >= _days_with_rows(daily, period.start, period.end):
        return direct
    return [t for t in terms_end + terms_start if t.month is not None or (t.lo and t.hi and t.lo <= t.hi)]


def _select(term: Term, videos: list[int] | None) -> Any:
    """A term's rows; snapshot numbers as float (summing bigint in PostgreSQL goes through numeric, much slower;
    exact below 2**53)."""
    if term.month is not None:
        t = ContentTotals
        query = select(t.video_id, cast(t.views, Float) * term.sign, cast(t.completes, Float) * term.sign).where(
            t.month == term.month, t.video_id != TOTAL_VIDEO
        )
        return query if videos is None else query.where(t.video_id.in_(videos))
    c = ContentDaily
    query = select(c.video_id, c.views * term.sign, c.completes * term.sign).where(
        c.day >= term.lo, c.day <= term.hi, c.video_id != TOTAL_VIDEO
    )
    return query if videos is None else query.where(c.video_id.in_(videos))


def views_per_video(terms: list[Term], videos: list[int] | None = None) -> Any:
    """A select (video_id, views, completes) of the videos with views, from the terms (of `videos` only if given)."""
    parts = [_select(t, videos) for t in terms] or [select(literal(0), literal(0), literal(0)).where(literal(False))]
    both = union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    cols = list(both.c)
    views = func.sum(cols[1])
    return (
        select(cols[0].label("video_id"), views.label("views"), func.sum(cols[2]).label("completes"))
        .group_by(cols[0])
        .having(views > 0)
    )


def _bounded_terms(session: Session, period: Period) -> tuple[date, list[Term]] | None:
    """S1 (the snapshot of the period's last month) and terms giving the period's views with every term but S1
    subtracted: S1 - S0 (the month before the first; none when nothing was viewed by then) - the days between."""
    s1, s0 = month_of(period.end), month_of(month_of(period.start) - timedelta(days=1))
    daily = _daily_totals(session, month_end(s1))
    usable = _snapshots(session, {s1, s0}, daily)
    if s1 not in usable:
        return None
    terms = [Term(1, s1)]
    if s0 in usable:
        terms.append(Term(-1, s0))
    elif any(d <= month_end(s0) for d in daily):
        return None
    for lo, hi in (
        (month_of(period.start), period.start - timedelta(days=1)),
        (period.end + timedelta(days=1), month_end(s1)),
    ):
        if lo <= hi:
            terms.append(Term(-1, lo=lo, hi=hi))
    return s1, terms


def top_by_bounds(session: Session, period: Period, offset: int, limit: int) -> list[tuple[int, int, int]] | None:
    """The period's videos ranked offset+1 .. offset+limit as (video_id, views, completes), counting only the
    videos that can reach them; None when the bound does not settle it within PRUNE_MAX candidates."""
    found = _bounded_terms(session, period)
    if found is None:
        return None
    s1, terms = found
    t, wanted = ContentTotals, offset + limit
    size = max(PRUNE_FIRST, 4 * wanted)
    while size <= PRUNE_MAX:
        best = session.execute(
            select(t.video_id, t.views)
            .where(t.month == s1, t.video_id != TOTAL_VIDEO)
            .order_by(t.views.desc())
            .limit(size)
        ).all()
        exact = session.execute(views_per_video(terms, [v for v, _ in best])).all()
        ranked = sorted(((int(v), int(n), int(k)) for v, n, k in exact), key=lambda r: (-r[1], r[0]))
        everyone, bound = len(best) < size, (int(best[-1][1]) if best else 0)
        if everyone or (len(ranked) >= wanted and ranked[wanted - 1][1] > bound):
            return ranked[offset:wanted]
        size *= 4
    return None


# --- hotness -------------------------------------------------------------------------------------------------------


def hotness_snapshot(session: Session, day: date) -> HotnessTiers | None:
    """The day's tier counts when its ranking is there and matches its 30 days of daily totals."""
    found = session.get(HotnessTiers, day)
    if found is None:
        return None
    c = ContentDaily
    views = session.scalar(
        select(func.coalesce(func.sum(c.views), 0)).where(
            c.video_id == TOTAL_VIDEO, c.day >= day - timedelta(days=29), c.day <= day
        )
    )
    return found if int(views or 0) == found.window_views else None


def ranked(session: Session, day: date, offset: int, limit: int) -> list[tuple[int, int, int, int, int]] | None:
    """Ranks offset+1 .. offset+limit of the day's ranking as (video_id, v1, v7, v30, weight); None when they are
    past what the ranking keeps."""
    tiers = hotness_snapshot(session, day)
    if tiers is None:
        return None
    videos = tiers.global_videos + tiers.regional_videos + tiers.on_demand_videos
    if offset + limit > HOT_KEEP and videos > HOT_KEEP:
        return None
    h = HotnessDaily
    found = session.execute(
        select(h.video_id, h.views_1d, h.views_7d, h.views_30d, h.weight)
        .where(h.day == day, h.rank > offset, h.rank <= offset + limit)
        .order_by(h.rank)
    )
    return [(int(v), int(a), int(b), int(m), int(w)) for v, a, b, m, w in found]
