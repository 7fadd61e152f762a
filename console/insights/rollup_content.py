"""The content rollup: insights_content_daily from watch_events (as before), and from it the two tables the Content
tab reads so that it never sums every day of a long period:

- insights_content_totals: per video, its views through the end of each month (the running month: through its last
  rolled-up day), with the totals under video_id 0. A day's change (new rows minus the rows it replaces) is added to
  that month's snapshot and every later one; a month without a snapshot is built from the previous snapshot plus
  the daily rows in between. So a snapshot always equals the sum of insights_content_daily up to its month's end.
- insights_hotness_daily / insights_hotness_tiers: at each day's end, the HOT_KEEP hottest videos (seed 002's score
  from the views of that day, its 7 and its 30 days) and how many videos with a view in the 30 days sit in each
  tier. A day's ranking is recomputed when the day is rolled up, and the following 29 days' (those already there)
  when the day's views changed, since their 30 days include it.

Re-running a day replaces its rows and changes nothing else when its views did not change.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Date, case, delete, func, insert, literal, select, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from console.db import dialect_name
from console.insights.models import ContentDaily, ContentTotals, HotnessDaily, HotnessTiers, WatchEvent
from console.insights.rollup_ops import TOTAL_VIDEO, day_bounds

HOT_KEEP = 1_000  # videos ranked per day; deeper pages of the hottest list are computed from the daily rows
HOT_SCALE = 100_000  # weight = 5·v1 + 3·v7 + 2·v30 = score times HOT_SCALE (integers: tiers compare exactly)
GLOBAL_WEIGHT, REGIONAL_WEIGHT = 80_000, 50_000  # score 0.8 and 0.5
CONTENT_LOCK = 0x494E5343  # "INSC": one content rollup at a time (they share month snapshots and rankings)
Delta = dict[int, tuple[int, int]]


def month_of(day: date) -> date:
    return day.replace(day=1)


def month_end(month: date) -> date:
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return following - timedelta(days=1)


def _day_rows(day: date) -> Any:
    """The day's views, completes and seconds per video, straight from watch_events."""
    start, end = day_bounds(day)
    w = WatchEvent
    return (
        select(
            w.video_id.label("video_id"),
            func.count().label("views"),
            func.sum(case((w.completed, 1), else_=0)).label("completes"),
            func.coalesce(func.sum(w.seconds_watched), 0).label("seconds_watched"),
        )
        .where(w.started_at >= start, w.started_at < end)
        .group_by(w.video_id)
    )


def _delta(session: Session, day: date) -> Delta:
    """New views/completes minus the rolled-up ones, per video whose numbers change (and the sum under video 0)."""
    c, new = ContentDaily, _day_rows(day).subquery()
    both = union_all(
        select(new.c.video_id, new.c.views, new.c.completes),
        select(c.video_id, -c.views, -c.completes).where(c.day == day, c.video_id != TOTAL_VIDEO),
    ).subquery()
    views, completes = func.sum(both.c.views), func.sum(both.c.completes)
    found = session.execute(
        select(both.c.video_id, views, completes).group_by(both.c.video_id).having((views != 0) | (completes != 0))
    )
    delta: Delta = {int(v): (int(n), int(k)) for v, n, k in found}
    if delta:
        delta[TOTAL_VIDEO] = (sum(n for n, _ in delta.values()), sum(k for _, k in delta.values()))
    return delta


def _write_day(session: Session, day: date) -> None:
    c = ContentDaily
    session.execute(delete(c).where(c.day == day))
    cols = ["day", "video_id", "views", "completes", "seconds_watched"]
    rows = _day_rows(day).subquery()
    session.execute(
        insert(c).from_select(
            cols, select(literal(day, Date), rows.c.video_id, rows.c.views, rows.c.completes, rows.c.seconds_watched)
        )
    )
    totals = select(
        literal(day, Date),
        literal(TOTAL_VIDEO),
        func.coalesce(func.sum(c.views), 0),
        func.coalesce(func.sum(c.completes), 0),
        func.coalesce(func.sum(c.seconds_watched), 0),
    ).where(c.day == day, c.video_id != TOTAL_VIDEO)
    session.execute(insert(c).from_select(cols, totals))


def rollup_content_day(session: Session, day: date) -> int:
    """Replace the day's views per video (and its totals under video_id 0), carry the change into the month
    snapshots and the hotness rankings; returns the videos written."""
    if dialect_name(session) == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(CONTENT_LOCK)))
    delta = _delta(session, day)
    _write_day(session, day)
    apply_to_totals(session, month_of(day), delta)
    refresh_hotness(session, day, changed=bool(delta))
    c = ContentDaily
    return int(session.scalar(select(func.count()).where(c.day == day, c.video_id != TOTAL_VIDEO)) or 0)


# --- month snapshots -----------------------------------------------------------------------------------------------


def _has_snapshot(session: Session, month: date) -> bool:
    t = ContentTotals
    return session.scalar(select(t.views).where(t.month == month, t.video_id == TOTAL_VIDEO)) is not None


def build_totals(session: Session, month: date) -> None:
    """(Re)build a month's snapshot: the latest earlier snapshot plus the daily rows after it up to the month's end."""
    t, c = ContentTotals, ContentDaily
    session.execute(delete(t).where(t.month == month))
    before = session.scalar(select(func.max(t.month)).where(t.month < month))
    parts = [select(c.video_id, c.views, c.completes).where(c.day <= month_end(month))]
    if before is not None:
        parts[0] = parts[0].where(c.day > month_end(before))
        parts.append(select(t.video_id, t.views, t.completes).where(t.month == before))
    both = union_all(*parts).subquery()
    query = select(literal(month, Date), both.c.video_id, func.sum(both.c.views), func.sum(both.c.completes)).group_by(
        both.c.video_id
    )
    session.execute(insert(t).from_select(["month", "video_id", "views", "completes"], query))


def _upsert(session: Session, month: date, delta: Delta) -> None:
    t = ContentTotals
    stmt = postgresql.insert(t) if dialect_name(session) == "postgresql" else sqlite.insert(t)
    stmt = stmt.on_conflict_do_update(
        index_elements=[t.month, t.video_id],
        set_={"views": t.views + stmt.excluded.views, "completes": t.completes + stmt.excluded.completes},
    )
    rows = [{"month": month, "video_id": v, "views": n, "completes": k} for v, (n, k) in sorted(delta.items())]
    session.execute(stmt, rows)


def apply_to_totals(session: Session, month: date, delta: Delta) -> None:
    """Add a day's change to its month's snapshot and every later one; build the month's if it has none."""
    last = session.scalar(select(func.max(ContentTotals.month)))
    if not _has_snapshot(session, month):
        build_totals(session, month)  # from the daily rows, which already hold the day: no delta to add
    elif delta:
        _upsert(session, month, delta)
    if delta and last is not None:
        later = month_of(month_end(month) + timedelta(days=1))
        while later <= last:
            if _has_snapshot(session, later):
                _upsert(session, later, delta)
            later = month_of(month_end(later) + timedelta(days=1))


# --- hotness -------------------------------------------------------------------------------------------------------


def hotness_scores(end: date) -> Any:
    """Per video with a view in the 30 days ending `end`: views that day, in its 7 and 30 days, and the weight."""
    c = ContentDaily
    v1 = func.sum(case((c.day == end, c.views), else_=0))
    v7 = func.sum(case((c.day >= end - timedelta(days=6), c.views), else_=0))
    v30 = func.sum(c.views)
    return (
        select(
            c.video_id.label("video_id"),
            v1.label("v1"),
            v7.label("v7"),
            v30.label("v30"),
            (v1 * 5 + v7 * 3 + v30 * 2).label("weight"),
        )
        .where(c.video_id != TOTAL_VIDEO, c.day >= end - timedelta(days=29), c.day <= end)
        .group_by(c.video_id)
        .subquery()
    )


def rollup_hotness_day(session: Session, day: date) -> int:
    """Replace the day's ranking (the HOT_KEEP hottest) and tier counts; one pass over its 30 days of daily rows."""
    session.execute(delete(HotnessDaily).where(HotnessDaily.day == day))
    session.execute(delete(HotnessTiers).where(HotnessTiers.day == day))
    s = hotness_scores(day)
    found = session.execute(
        select(
            s.c.video_id,
            s.c.v1,
            s.c.v7,
            s.c.v30,
            s.c.weight,
            func.sum(case((s.c.weight >= GLOBAL_WEIGHT, 1), else_=0)).over(),
            func.sum(case((s.c.weight >= REGIONAL_WEIGHT, 1), else_=0)).over(),
            func.count().over(),
            func.sum(s.c.v30).over(),
        )
        .order_by(s.c.weight.desc(), s.c.video_id)
        .limit(HOT_KEEP)
    ).all()
    rows = [
        {"day": day, "rank": i, "video_id": v, "views_1d": a, "views_7d": b, "views_30d": m, "weight": w}
        for i, (v, a, b, m, w, *_) in enumerate(found, start=1)
    ]
    if rows:
        session.execute(insert(HotnessDaily), rows)
    hot, warm, n, views = (int(x or 0) for x in found[0][5:]) if found else (0, 0, 0, 0)
    session.add(
        HotnessTiers(
            day=day, global_videos=hot, regional_videos=warm - hot, on_demand_videos=n - warm, window_views=views
        )
    )
    session.flush()
    return len(rows)


def refresh_hotness(session: Session, day: date, *, changed: bool) -> None:
    """The day's ranking, and when the day's views changed the next 29 days' rankings that exist already."""
    rollup_hotness_day(session, day)
    if not changed:
        return
    later = session.scalars(
        select(HotnessTiers.day).where(HotnessTiers.day > day, HotnessTiers.day <= day + timedelta(days=29))
    ).all()
    for other in later:
        rollup_hotness_day(session, other)
