"""The day rollups of content, members and moderation (the money ones are rollup_money.py). Each replaces one whole
UTC day of its table from the raw rows, so a rollup always equals a direct aggregate and can be redone any time.

- content (rollup_content.py): insights_content_daily = watch_events per video started that day (views,
  completes, seconds), and the day's totals under video_id 0; the month snapshots and hotness rankings from it.
- members: signups per country (members created that day, '' for none); plan mix = subscriptions live at the end
  of the day per `plan_code/provider` — live means created before the day's end, not canceled by then
  (canceled_at), and not expired by then (an expired subscription counts until its current_period_end).
- moderation: decisions per `action:moderator id` (0 = the system) made that day; SLA histograms of the cases
  whose first action / resolution fell that day, by the minutes since their first report (BUCKETS, upper
  bounds; OVERFLOW beyond the last); resolutions that met or breached the case's own SLA (sla_due_at, set from
  moderation's SLA_HOURS by worst reason); the backlog at the day's end, or now for today (cases reported and not
  yet resolved: how many, how many past their SLA, and the oldest one's age in minutes).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Date, case, delete, func, insert, literal, literal_column, or_, select
from sqlalchemy.orm import Session

from console.billing.models import Plan, Subscription
from console.db import utcnow
from console.insights.models import MembersDaily, ModerationDaily
from console.members.models import Member
from console.moderation.models import CaseDecision, ModerationCase

# SLA histogram buckets: upper bounds in minutes (5 min … 7 days); OVERFLOW holds everything longer.
BUCKETS = (5, 15, 30, 60, 120, 240, 480, 720, 1440, 2880, 4320, 10080)
OVERFLOW = 10**7
TOTAL_VIDEO = 0  # insights_content_daily's (and insights_content_totals') row of the totals (no video has id 0)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=UTC)
    return start, start + timedelta(days=1)


def bucket_of(minutes: float) -> int:
    """The histogram bucket (its upper bound in minutes) that a duration falls in."""
    i = bisect_left(BUCKETS, minutes)
    return BUCKETS[i] if i < len(BUCKETS) else OVERFLOW


def _minutes(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds() / 60


def _rows_of(session: Session, model: Any, day: date) -> int:
    """Rows now in `model` for `day` (rowcount of INSERT ... SELECT is not reliable across drivers)."""
    return int(session.scalar(select(func.count()).select_from(model).where(model.day == day)) or 0)


def rollup_members_day(session: Session, day: date) -> int:
    """Replace the day's signups per country and plan mix at the day's end; returns rows written."""
    start, end = day_bounds(day)
    session.execute(delete(MembersDaily).where(MembersDaily.day == day))
    cols = ["day", "dimension", "key", "value"]
    signups = (
        select(
            literal(day, Date), literal("signups"), func.coalesce(Member.country, literal_column("''")), func.count()
        )
        .where(Member.created_at >= start, Member.created_at < end)
        .group_by(func.coalesce(Member.country, literal_column("''")))
    )
    s = Subscription
    key = Plan.code + literal("/") + s.provider
    mix = (
        select(literal(day, Date), literal("plan_mix"), key, func.count())
        .select_from(s)
        .join(Plan, Plan.id == s.plan_id)
        .where(
            s.created_at < end,
            or_(s.canceled_at.is_(None), s.canceled_at >= end),
            or_(s.status != "expired", s.current_period_end >= end),
        )
        .group_by(Plan.code, s.provider)
    )
    for query in (signups, mix):
        session.execute(insert(MembersDaily).from_select(cols, query))
    return _rows_of(session, MembersDaily, day)


def _decisions(session: Session, start: datetime, end: datetime) -> Counter[tuple[str, str]]:
    d = CaseDecision
    found = session.execute(
        select(d.action, d.actor_id, func.count())
        .where(d.created_at >= start, d.created_at < end)
        .group_by(d.action, d.actor_id)
    )
    return Counter({("decisions", f"{action}:{actor or 0}"): n for action, actor, n in found})


def _sla(session: Session, start: datetime, end: datetime) -> Counter[tuple[str, str]]:
    c = ModerationCase
    out: Counter[tuple[str, str]] = Counter()
    firsts = session.execute(
        select(c.first_report_at, c.first_action_at).where(c.first_action_at >= start, c.first_action_at < end)
    )
    for reported, acted in firsts:
        out[("first_action", str(bucket_of(_minutes(acted, reported))))] += 1
    resolved = session.execute(
        select(c.first_report_at, c.resolved_at, c.sla_due_at).where(c.resolved_at >= start, c.resolved_at < end)
    )
    for reported, done, due in resolved:
        out[("resolution", str(bucket_of(_minutes(done, reported))))] += 1
        out[("sla_resolved", "breached" if done > due else "met")] += 1
    return out


def _backlog(session: Session, end: datetime) -> Counter[tuple[str, str]]:
    c = ModerationCase
    live = (c.first_report_at < end, or_(c.resolved_at.is_(None), c.resolved_at >= end))
    count, oldest, breached = session.execute(
        select(func.count(), func.min(c.first_report_at), func.sum(case((c.sla_due_at < end, 1), else_=0))).where(*live)
    ).one()
    out: Counter[tuple[str, str]] = Counter({("backlog", "open"): count, ("backlog", "breached"): breached or 0})
    if oldest is not None:
        if oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=UTC)
        out[("backlog", "oldest_minutes")] = int(_minutes(end, oldest))
    return out


def rollup_moderation_day(session: Session, day: date) -> int:
    """Replace the day's decisions, SLA histograms and end-of-day backlog; returns rows written."""
    start, end = day_bounds(day)
    session.execute(delete(ModerationDaily).where(ModerationDaily.day == day))
    counts = _decisions(session, start, end) + _sla(session, start, end)
    # the backlog as the day ends, or as of now while it runs: cases whose SLA runs out tonight are not late yet
    counts.update(_backlog(session, min(end, utcnow())))  # update keeps zeros: an empty backlog is a fact worth a row
    rows = [{"day": day, "metric": m, "key": k, "value": v} for (m, k), v in sorted(counts.items())]
    if rows:
        session.execute(insert(ModerationDaily), rows)
    return len(rows)
