"""The ops day rollups: content equals a direct aggregate of watch_events and a re-run replaces; signups per
country and the plan mix at the day's end; moderation decisions, hand-bucketed SLA histograms, met/breached and
the end-of-day backlog."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import case, func, select

from console.db import session_scope
from console.insights.models import ContentDaily, MembersDaily, ModerationDaily, WatchEvent
from console.insights.rollup_content import rollup_content_day
from console.insights.rollup_ops import (
    OVERFLOW,
    TOTAL_VIDEO,
    bucket_of,
    day_bounds,
    rollup_members_day,
    rollup_moderation_day,
)
from tests.billing import sub_factories as sf
from tests.insights import ops_factories as f

DAY = date(2026, 3, 10)


def _table(model: type, *cols: str) -> dict[tuple, int]:
    with session_scope() as session:
        rows = session.execute(select(model).where(model.day == DAY)).scalars()  # type: ignore[attr-defined]
        return {tuple(getattr(r, c) for c in cols[:-1]): getattr(r, cols[-1]) for r in rows}


def test_content_equals_a_direct_aggregate_and_a_rerun_replaces() -> None:
    a, b = f.video(), f.video()
    f.views(a, f.at(DAY, 0, 0), 3, seconds=100, completed=True)
    f.views(a, f.at(DAY, 23, 59), 2, seconds=10)
    f.views(b, f.at(DAY, 9), 4, seconds=5, completed=True)
    f.views(a, f.at(DAY - timedelta(days=1), 23, 59), 7)  # the day before
    f.views(b, f.at(DAY + timedelta(days=1), 0, 0), 9)  # the day after
    with session_scope() as session:
        assert rollup_content_day(session, DAY) == 2
    start, end = day_bounds(DAY)
    w = WatchEvent
    with session_scope() as session:
        direct = {
            vid: (n, c, s)
            for vid, n, c, s in session.execute(
                select(w.video_id, func.count(), func.sum(case((w.completed, 1), else_=0)), func.sum(w.seconds_watched))
                .where(w.started_at >= start, w.started_at < end)
                .group_by(w.video_id)
            )
        }
        rolled = {
            r.video_id: (r.views, r.completes, r.seconds_watched)
            for r in session.execute(select(ContentDaily).where(ContentDaily.day == DAY)).scalars()
        }
    assert rolled.pop(TOTAL_VIDEO) == (9, 7, 340)  # the day's totals
    assert rolled == direct == {a: (5, 3, 320), b: (4, 4, 20)}
    f.views(b, f.at(DAY, 10), 1)
    with session_scope() as session:
        rollup_content_day(session, DAY)
    assert _table(ContentDaily, "video_id", "views")[(b,)] == 5


def test_members_signups_per_country_and_plan_mix_at_the_days_end() -> None:
    f.member(f.at(DAY, 1), "US")
    f.member(f.at(DAY, 2), "US")
    f.member(f.at(DAY, 3), "DE")
    f.member(f.at(DAY - timedelta(days=1), 3), "DE")
    basic = sf.plan(name="Basic")
    live = sf.subscription(plan_id=basic, provider="stripe", start=f.at(DAY - timedelta(days=5)))
    sf.subscription(plan_id=basic, provider="comp", start=f.at(DAY - timedelta(days=5)))
    late = sf.subscription(plan_id=basic, provider="stripe", start=f.at(DAY - timedelta(days=5)))
    from sqlalchemy import update

    from console.billing.models import Plan, Subscription

    with session_scope() as session:
        # created before the day ends for all; `late` was created after the day: not in the mix
        session.execute(update(Subscription).values(created_at=f.at(DAY - timedelta(days=5))))
        session.execute(
            update(Subscription).where(Subscription.id == late).values(created_at=f.at(DAY + timedelta(days=1)))
        )
        code = session.execute(select(Plan.code).where(Plan.id == basic)).scalar_one()
    assert live
    with session_scope() as session:
        assert rollup_members_day(session, DAY) == 4
    assert _table(MembersDaily, "dimension", "key", "value") == {
        ("signups", "US"): 2,
        ("signups", "DE"): 1,
        ("plan_mix", f"{code}/stripe"): 1,
        ("plan_mix", f"{code}/comp"): 1,
    }


def test_buckets() -> None:
    assert [bucket_of(m) for m in (0, 5, 5.01, 59, 60, 61, 1440, 10080, 10081)] == [
        5,
        5,
        15,
        60,
        60,
        120,
        1440,
        10080,
        OVERFLOW,
    ]


def test_moderation_decisions_sla_histograms_and_backlog() -> None:
    day0 = f.at(DAY, 8)
    quick = f.case(day0, first_action=day0 + timedelta(minutes=4), resolved=day0 + timedelta(minutes=50))
    slow = f.case(
        f.at(DAY - timedelta(days=2), 8),
        first_action=f.at(DAY, 9),  # 49 h -> the 4320-minute bucket
        resolved=f.at(DAY, 10),  # 50 h, past its 24 h SLA
    )
    f.case(f.at(DAY - timedelta(days=3), 0))  # still open at the day's end, past its SLA
    f.case(f.at(DAY, 20), sla_hours=24)  # open, within SLA
    f.case(f.at(DAY + timedelta(days=1), 1))  # reported after the day: not in its backlog
    f.decision(quick, "hide_comment", day0 + timedelta(minutes=50))
    f.decision(slow, "dismiss", f.at(DAY, 10))
    f.decision(slow, "warn", f.at(DAY - timedelta(days=1), 10))  # another day
    with session_scope() as session:
        rollup_moderation_day(session, DAY)
    got = _table(ModerationDaily, "metric", "key", "value")
    assert got == {
        ("decisions", "hide_comment:0"): 1,
        ("decisions", "dismiss:0"): 1,
        ("first_action", "5"): 1,
        ("first_action", "4320"): 1,
        ("resolution", "60"): 1,
        ("resolution", "4320"): 1,
        ("sla_resolved", "met"): 1,
        ("sla_resolved", "breached"): 1,
        ("backlog", "open"): 2,
        ("backlog", "breached"): 1,
        ("backlog", "oldest_minutes"): 4 * 1440,
    }
