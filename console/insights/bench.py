"""`bench` entries insights.*: every tab's service calls as the page makes them (its KPIs and charts, one read
session) for 90 days and for 2 years (goal p95 1 s, on PostgreSQL over the scale data), and the daily rollup of
one day, every area (goal 30 s; run in a transaction that is rolled back so each run does the same work). Needs
`seed --scale` with the insights area (and the others for meaningful money, ads and moderation tabs)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from console.bench_common import BENCH_EMAIL, summary, time_sync

TAB_GOAL_MS = 1_000
ROLLUP_GOAL_MS = 30_000
ROLLUP_RUNS = 3


def _tabs() -> dict[str, list[Callable[..., Any]]]:
    from console.insights.service import money, ops
    from console.insights.service import money_mrr as mm

    return {
        "content": [
            ops.views_kpi,
            ops.on_hold,
            ops.hotness_tiers,
            ops.views,
            ops.videos_published,
            ops.holds_placed,
            ops.top_videos,
            ops.hottest,
        ],
        "members": [ops.signups, ops.plan_mix],
        "ads": [ops.ads_kpis, ops.ads_over_time, ops.ads_by_advertiser],
        "moderation": [
            ops.backlog_kpis,
            ops.sla_times,
            ops.sla_breaches,
            ops.backlog,
            ops.resolution_times,
            ops.decisions_by_action,
            ops.decisions_by_moderator,
        ],
        "revenue": [money.revenue, money.refund_rate, money.failed_payment_rate, money.refunds_by_reason],
        "mrr": [
            mm.mrr,
            mm.mrr_movements,
            mm.subscriber_churn,
            mm.revenue_churn,
            mm.arpu,
            mm.ltv,
            mm.trial_conversion,
            mm.cohort_retention,
        ],
    }


def _call(fn: Callable[..., Any], session: Any, actor: Any, period: Any, grain: str) -> Any:
    import inspect

    params = inspect.signature(fn).parameters
    if "grain" in params:
        return fn(session, actor=actor, period=period, grain=grain)
    return fn(session, actor=actor, period=period)


def _tab_measurements(runs: int, actor: Any) -> list[dict[str, Any]]:
    from console.db import utcnow
    from console.insights.periods import Period, grain_for
    from console.insights.readdb import read_session

    today = utcnow().date()
    out = []
    for label, days in (("90_days", 90), ("2_years", 730)):
        period = Period(today - timedelta(days=days - 1), today)
        grain = grain_for(period)
        for tab, fns in _tabs().items():

            def run(fns: list[Callable[..., Any]] = fns, period: Period = period, grain: str = grain) -> None:
                with read_session() as session:
                    for fn in fns:
                        _call(fn, session, actor, period, grain)

            out.append(summary(f"insights.{tab}_{label}", time_sync(runs, run), TAB_GOAL_MS))
    return out


def _rollup(actor: Any) -> list[dict[str, Any]]:
    from console.db import session_scope, utcnow
    from console.insights.rollup import rollup_day

    day = utcnow().date() - timedelta(days=1)
    samples: list[float] = []
    rows: dict[str, int] = {}
    for _ in range(ROLLUP_RUNS + 1):  # the first is a warm-up
        with session_scope() as session:
            started = time.perf_counter()
            results = rollup_day(session, actor=actor, day=day)
            session.flush()
            samples.append((time.perf_counter() - started) * 1000)
            session.rollback()
        rows = {r.area: r.rows for r in results} | {f"{r.area}_error": 1 for r in results if r.error}
    return [summary("insights.rollup_one_day", samples[1:], ROLLUP_GOAL_MS) | {"rows": rows}]


def insights_measurements(runs: int) -> list[dict[str, Any]]:
    from sqlalchemy import select

    from console.db import session_scope
    from console.staff.auth import staff_actor
    from console.staff.models import Staff

    with session_scope() as session:
        actor = staff_actor(session.execute(select(Staff).where(Staff.email == BENCH_EMAIL)).scalar_one())
    return _tab_measurements(runs, actor) + _rollup(actor)
