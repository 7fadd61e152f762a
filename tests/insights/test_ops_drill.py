"""The rows behind the ops charts' buckets, against hand-computed rows: holds placed, signups (all and one
country), plan mix (live subscriptions of one plan/provider on the bucket's last rolled-up day), the backlog at the
bucket's end (oldest first) and the cases first acted on / resolved in the bucket (slowest first); paging, bad
input and role refusals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from console.actor import SYSTEM, Actor
from console.db import session_scope
from console.errors import Forbidden, ValidationFailed
from console.insights.models import ModerationDaily
from console.insights.rollup_ops import OVERFLOW, rollup_members_day
from console.insights.service import ops_drill as drill
from console.paging import PageRequest
from tests.billing import sub_factories as sf
from tests.insights import ops_factories as f

WEEK = (date(2026, 3, 2), date(2026, 3, 8))  # a Monday..Sunday bucket
NEXT_WEEK = (date(2026, 3, 9), date(2026, 3, 15))


def _put(*rows: object) -> None:
    with session_scope() as session:
        session.add_all(rows)


def _call(fn: Callable[..., Any], days: tuple[date, date], actor: Actor = SYSTEM, **kw: Any) -> Any:
    with session_scope() as session:
        return fn(session, actor=actor, start=days[0], end=days[1], **kw)


def test_holds_placed_in_the_bucket_with_who_and_whether_still_held(actor_with: Callable[..., Actor]) -> None:
    clerk = actor_with("compliance")
    a, b = f.video(title="Alpha at the lake"), f.video(title="Beta in the city")
    first = f.hold(a, f.at(date(2026, 3, 3), 10), actor=clerk, reason="record revoked")
    f.release(first, f.at(date(2026, 3, 5)))
    second = f.hold(b, f.at(date(2026, 3, 4), 9), reason="no production date")  # no audit event: who is unknown
    f.hold(a, f.at(date(2026, 3, 1), 23, 59), reason="before the week")
    f.hold(b, f.at(date(2026, 3, 9), 0, 0), reason="after the week")
    page = _call(drill.holds_behind, WEEK)
    got = [
        (r["id"], r["video_id"], r["title"], r["source"], r["cause"], r["placed_by"], r["on_hold"]) for r in page.rows
    ]
    assert got == [
        (first, a, "Alpha at the lake", "record", "record revoked", clerk.label, False),
        (second, b, "Beta in the city", "sweep", "no production date", None, True),
    ]
    assert page.total == 2 and not page.estimated
    assert page.rows[0]["placed_at"] == f.at(date(2026, 3, 3), 10)


def test_signups_in_the_bucket_all_one_country_none_and_paged() -> None:
    us = f.member(f.at(date(2026, 3, 2), 8), "US")
    de = f.member(f.at(date(2026, 3, 3), 8), "DE")
    nowhere = f.member(f.at(date(2026, 3, 4), 8))
    us_late = f.member(f.at(date(2026, 3, 8), 23, 59), "US")
    f.member(f.at(date(2026, 3, 9), 0), "US")  # next week
    f.member(f.at(date(2026, 3, 1), 23, 59), "US")  # last week
    every = _call(drill.signups_behind, WEEK, country=drill.signups_series_country("signups"))
    assert [r["id"] for r in every.rows] == [us, de, nowhere, us_late] and every.total == 4
    assert [r["id"] for r in _call(drill.signups_behind, WEEK, country="US").rows] == [us, us_late]
    none = _call(drill.signups_behind, WEEK, country=drill.signups_series_country("(none)"))
    assert [(r["id"], r["country"]) for r in none.rows] == [(nowhere, None)]
    second = _call(drill.signups_behind, WEEK, page=PageRequest(page=2, size=3))
    assert [r["id"] for r in second.rows] == [us_late] and second.total == 4


def test_plan_mix_lists_the_live_subscriptions_of_that_plan_on_the_last_rolled_day() -> None:
    plan = sf.plan()
    code = f.plan_code(plan)
    # the chart's last point in the week is 03-04 (rolled up below): live means live at 03-05 00:00
    t = f.at
    old = f.subscription(plan, t(date(2026, 2, 1)))
    late = f.subscription(plan, t(date(2026, 3, 4), 23, 59))
    after = f.subscription(plan, t(date(2026, 3, 5), 0, 1))  # created after the cut
    f.subscription(plan, t(date(2026, 2, 1)), status="canceled", canceled_at=t(date(2026, 3, 4), 10))
    canceled_later = f.subscription(plan, t(date(2026, 2, 1)), status="canceled", canceled_at=t(date(2026, 3, 6)))
    f.subscription(plan, t(date(2026, 2, 1)), status="expired", period_end=t(date(2026, 3, 3)))
    expired_later = f.subscription(plan, t(date(2026, 2, 1)), status="expired", period_end=t(date(2026, 3, 10)))
    f.subscription(plan, t(date(2026, 2, 1)), provider="apple")  # another key
    with session_scope() as session:
        rollup_members_day(session, date(2026, 3, 2))
        rollup_members_day(session, date(2026, 3, 4))
    page = _call(drill.plan_mix_behind, WEEK, key=f"{code}/stripe")
    assert [r["id"] for r in page.rows] == [old, late, canceled_later, expired_later]
    assert page.total == 4 and {r["live_on"] for r in page.rows} == {date(2026, 3, 4)}  # the bar's value
    unrolled = _call(drill.plan_mix_behind, (date(2026, 3, 9), date(2026, 3, 15)), key=f"{code}/stripe")
    # a week not rolled up: live at the end of its last day (03-16 00:00), counted
    assert [r["id"] for r in unrolled.rows] == [old, late, after] and unrolled.total == 3
    apple = _call(drill.plan_mix_behind, WEEK, key=f"{code}/apple")
    assert apple.total == 1 and apple.rows[0]["provider"] == "apple"
    with pytest.raises(ValidationFailed):
        _call(drill.plan_mix_behind, WEEK, key="no-provider")


def test_backlog_at_the_bucket_end_oldest_first() -> None:
    t = f.at
    _put(
        ModerationDaily(day=date(2026, 3, 9), metric="backlog", key="open", value=5),
        ModerationDaily(day=date(2026, 3, 10), metric="backlog", key="open", value=2),
    )
    # the chart's last point in the week is 03-10: open means open at 03-11 00:00
    oldest = f.case(t(date(2026, 3, 1), 12), sla_hours=24)  # never resolved: 9.5 days old, past its SLA
    fresh = f.case(t(date(2026, 3, 10), 20), resolved=t(date(2026, 3, 11), 2), sla_hours=24)
    f.case(t(date(2026, 3, 5), 12), resolved=t(date(2026, 3, 10), 12))  # resolved before the cut
    later = f.case(t(date(2026, 3, 11), 1))  # reported after the cut
    page = _call(drill.backlog_behind, NEXT_WEEK)
    got = [(r["id"], r["age_hours"], r["past_sla"]) for r in page.rows]
    assert got == [(oldest, 228.0, True), (fresh, 4.0, False)] and page.total == 2
    late = _call(drill.backlog_behind, NEXT_WEEK, past_sla=drill.backlog_series_past_sla("past SLA"))
    assert [r["id"] for r in late.rows] == [oldest] and not drill.backlog_series_past_sla("open")
    # a bucket with nothing rolled up yet: the open cases at the end of its last day (03-22 → 03-23 00:00)
    unrolled = _call(drill.backlog_behind, (date(2026, 3, 16), date(2026, 3, 22)))
    assert [r["id"] for r in unrolled.rows] == [oldest, later]


def test_case_times_in_the_bucket_slowest_first() -> None:
    t = f.at
    quick = f.case(
        t(date(2026, 3, 9), 10), first_action=t(date(2026, 3, 9), 10, 30), resolved=t(date(2026, 3, 9), 12), sla_hours=1
    )
    slow = f.case(
        t(date(2026, 3, 8), 10), first_action=t(date(2026, 3, 9), 10), resolved=t(date(2026, 3, 12), 10), sla_hours=72
    )
    waiting = f.case(t(date(2026, 3, 12), 0), first_action=t(date(2026, 3, 12), 0, 5))
    f.case(t(date(2026, 3, 1)), first_action=t(date(2026, 3, 2)), resolved=t(date(2026, 3, 16)))  # other weeks
    firsts = _call(drill.case_times_behind, NEXT_WEEK, which=drill.case_time_of("first action p90"))
    assert [(r["id"], r["minutes"], r["within_sla"]) for r in firsts.rows] == [
        (slow, 1440.0, False),  # resolved after 96 h, SLA 72 h
        (quick, 30.0, False),  # resolved after 2 h, SLA 1 h
        (waiting, 5.0, None),
    ]
    done = _call(drill.case_times_behind, NEXT_WEEK, which=drill.case_time_of("resolution p50"))
    assert [(r["id"], r["minutes"]) for r in done.rows] == [(slow, 5760.0), (quick, 120.0)] and done.total == 2
    paged = _call(drill.case_times_behind, NEXT_WEEK, which="first_action", page=PageRequest(page=2, size=2))
    assert [r["id"] for r in paged.rows] == [waiting] and paged.total == 3
    with pytest.raises(ValidationFailed):
        _call(drill.case_times_behind, NEXT_WEEK, which="lunch")
    with pytest.raises(ValidationFailed):
        _call(drill.case_times_behind, (date(2026, 3, 9), date(2026, 3, 1)))


DRILLS: list[tuple[str, Callable[..., Any], dict[str, Any]]] = [
    ("content", drill.holds_behind, {}),
    ("members", drill.signups_behind, {}),
    ("members", drill.plan_mix_behind, {"key": "basic/stripe"}),
    ("moderation", drill.backlog_behind, {}),
    ("moderation", drill.case_times_behind, {}),
]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("executive", {"content", "members", "moderation"}),
        ("finance", {"content", "members", "moderation"}),
        ("admin", {"content", "members", "moderation"}),
        ("moderator", {"moderation"}),
        ("ads", set()),
        ("content", set()),
    ],
)
def test_drill_roles(role: str, allowed: set[str], actor_with: Callable[..., Actor]) -> None:
    actor = actor_with(role)
    for tab, fn, extra in DRILLS:
        if tab in allowed:
            assert _call(fn, WEEK, actor, **extra).total == 0
        else:
            with pytest.raises(Forbidden):
                _call(fn, WEEK, actor, **extra)


def test_signup_timestamps_at_the_bucket_edges_are_utc() -> None:
    edge = datetime(2026, 3, 8, 23, 59, 59, tzinfo=f.at(date(2026, 3, 8)).tzinfo)
    inside = f.member(edge, "FR")
    f.member(edge + timedelta(seconds=1), "FR")
    assert [r["id"] for r in _call(drill.signups_behind, WEEK, country="FR").rows] == [inside]


def test_the_time_chart_draws_first_action_and_resolution() -> None:
    from console.insights.periods import Period
    from console.insights.service import ops

    d1, d2 = date(2026, 3, 10), date(2026, 3, 11)
    _put(
        ModerationDaily(day=d1, metric="first_action", key="15", value=9),
        ModerationDaily(day=d2, metric="first_action", key="4320", value=1),
        ModerationDaily(day=d1, metric="resolution", key="60", value=6),
    )
    with session_scope() as session:
        series = ops.resolution_times(
            session, actor=SYSTEM, period=Period(date(2026, 3, 1), date(2026, 3, 31)), grain="month"
        )
    march = date(2026, 3, 1)
    assert [(s.name, s.values()[march]) for s in series] == [
        ("first action p50", 0.25),  # 9 of 10 within 15 minutes
        ("first action p90", 0.25),
        ("resolution p50", 1.0),
        ("resolution p90", 1.0),
    ]
    assert [drill.case_time_of(s.name) for s in series] == ["first_action"] * 2 + ["resolution"] * 2


def test_ads_per_advertiser_pages_and_the_previous_period_in_one_scan() -> None:
    from console.insights.periods import Period
    from console.insights.service import ops
    from tests.ads import stat_factories as af

    march = Period(date(2026, 3, 1), date(2026, 3, 31))  # previous: 2026-01-29 .. 2026-02-28
    acme, bolt = af.advertiser("Acme"), af.advertiser("Bolt")
    a1, a2, b1 = af.ad(af.campaign(acme)), af.ad(af.campaign(acme)), af.ad(af.campaign(bolt))
    af.daily(a1, date(2026, 3, 1), impressions=1000, clicks=10, starts=10, completes=5, spend_cents=300)
    af.daily(a2, date(2026, 3, 31), impressions=500, clicks=5, starts=10, completes=10, spend_cents=200)
    af.daily(b1, date(2026, 3, 15), impressions=4000, clicks=40, starts=0, completes=0, spend_cents=900)
    af.daily(b1, date(2026, 2, 28), impressions=100, clicks=1, starts=4, completes=1, spend_cents=7)  # previous
    af.daily(a1, date(2026, 1, 28), impressions=999, clicks=99, starts=9, completes=9, spend_cents=99)  # neither
    with session_scope() as session:
        first = ops.ads_by_advertiser(session, actor=SYSTEM, period=march, page=PageRequest(page=1, size=1))
        second = ops.ads_by_advertiser(session, actor=SYSTEM, period=march, page=PageRequest(page=2, size=1))
        beyond = ops.ads_by_advertiser(session, actor=SYSTEM, period=march, page=PageRequest(page=5, size=1))
        kpis = {k.name: (k.value, k.previous) for k in ops.ads_kpis(session, actor=SYSTEM, period=march)}
    assert [(r["advertiser"], r["spend_cents"], r["impressions"]) for r in first.rows] == [("Bolt", 900, 4000)]
    acme_row = second.rows[0]
    assert (acme_row["advertiser"], acme_row["spend_cents"], acme_row["clicks"]) == ("Acme", 500, 15)
    assert (acme_row["ctr_percent"], acme_row["completion_percent"]) == (1.0, 75.0)  # 15/1500, 15/20
    assert first.total == second.total == beyond.total == 2 and beyond.rows == []
    assert kpis == {
        "Impressions": (5500, 100),
        "Clicks": (55, 1),
        "CTR": (1.0, 1.0),
        "Completion": (75.0, 25.0),
        "Spend": (14.0, 0.07),
    }


def test_todays_backlog_is_counted_as_of_now_not_as_of_tonight(monkeypatch: pytest.MonkeyPatch) -> None:
    """QA: at 05:03 home said 74 cases past their SLA and the backlog chart's today said 106, its drill listing cases
    "open at" the coming midnight: the day still running was counted as if it had ended. Now the rollup and the
    drill count today's backlog as of now: a case whose SLA runs out tonight is open, not late."""
    from console.insights import rollup_ops
    from console.insights.rollup_ops import rollup_moderation_day

    today = date(2026, 3, 10)
    now = f.at(today, 12)
    for module in (rollup_ops, drill):
        monkeypatch.setattr(module, "utcnow", lambda: now)
    late = f.case(f.at(today - timedelta(days=2), 8), sla_hours=24)  # due yesterday 08:00: late
    due_tonight = f.case(f.at(today - timedelta(days=1), 20), sla_hours=24)  # due today 20:00: not yet
    with session_scope() as session:
        rollup_moderation_day(session, today)
        d = ModerationDaily
        rows = session.execute(select(d.key, d.value).where(d.metric == "backlog", d.day == today)).all()
        backlog = {key: value for key, value in rows}
    assert backlog == {"open": 2, "breached": 1, "oldest_minutes": 52 * 60}
    page = _call(drill.backlog_behind, (today, today))
    got = [(r["id"], r["age_hours"], r["past_sla"], r["open_at"]) for r in page.rows]
    assert got == [(late, 52.0, True, now), (due_tonight, 16.0, False, now)]
    past = _call(drill.backlog_behind, (today, today), past_sla=True)
    assert [r["id"] for r in past.rows] == [late]


def test_a_day_without_cases_or_with_its_quantile_past_7_days_is_a_gap_not_zero_hours() -> None:
    """QA: today's first-action p90 was drawn as 0 h under a p50 of 168 h: a quantile beyond the last bucket (7 days)
    and a day with no case both became 0, which reads as "at once". They are gaps now: no point, an empty CSV cell."""
    import math

    from console.insights.pages import figures
    from console.insights.pages.export import to_csv
    from console.insights.periods import Period
    from console.insights.service import ops

    d1, d3 = date(2026, 3, 10), date(2026, 3, 12)
    _put(
        ModerationDaily(day=d1, metric="first_action", key="60", value=9),
        ModerationDaily(day=d1, metric="first_action", key=str(OVERFLOW), value=1),
        ModerationDaily(day=d3, metric="first_action", key="10080", value=5),
        ModerationDaily(day=d3, metric="first_action", key=str(OVERFLOW), value=5),
    )
    with session_scope() as session:
        series = ops.resolution_times(session, actor=SYSTEM, period=Period(d1, d3), grain="day")
    p50, p90 = series[0].values(), series[1].values()
    assert (p50[d1], p50[d3]) == (1.0, 168.0) and p90[d1] == 1.0
    assert math.isnan(p90[d3])  # beyond 7 days: unknown, not 0
    assert math.isnan(p50[date(2026, 3, 11)])  # no case first acted on that day
    trace = figures.figure("Times", series[:2])["data"][1]
    assert trace["y"] == [1.0, None, None]  # plotly leaves a gap
    assert "nan" not in to_csv(series[:2]).lower()
