"""Ops metrics for the executive dashboards: content (videos published, blocked and on hold, views, top videos,
hotness tiers) and members (signups, plan mix) here; ads and moderation in `ops_sla.py`, re-exported below.

Every function requires INSIGHTS_READ (the ads tab also admits ADS_READ, the moderation tab MODERATION_READ), reads
the rollup tables (insights_content_daily, insights_members_daily, insights_moderation_daily, ad_stats_daily) or
small catalog tables, aggregates in SQL, and carries its definition in DEFINITIONS.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.catalog.models import Video
from console.compliance.models import ComplianceHold
from console.db import dialect_name
from console.insights.models import ContentDaily, MembersDaily
from console.insights.periods import Grain, Period, bucket_start, previous
from console.insights.rollup_content import GLOBAL_WEIGHT, HOT_SCALE, REGIONAL_WEIGHT, hotness_scores
from console.insights.rollup_ops import TOTAL_VIDEO, day_bounds
from console.insights.series import Kpi, Series
from console.insights.service import content
from console.insights.service.ops_base import bucketed, points, require_tab
from console.paging import Page, PageRequest

DEFINITIONS: dict[str, str] = {
    "published": "Videos published: videos whose published_at falls in the bucket (UTC), per week by default.",
    "on_hold": "On hold: videos with a compliance hold not yet released (the 2257 gate keeps them off the site), "
    "at the time of viewing.",
    "holds_placed": "Holds placed: compliance holds created in the bucket.",
    "views": "Views: playbacks started (watch events), completes: playbacks watched to the end; by UTC day.",
    "top_videos": "Top videos: the most views over the period.",
    "hotness": "Hotness (seed 002) at the period's last day: min(1, (views that day × 0.5 + views in the last 7 "
    "days × 0.3 + views in the last 30 days × 0.2) ÷ 10,000); tier global ≥ 0.8, regional ≥ 0.5, else on demand.",
    "signups": "Signups: members created in the bucket (UTC), in total and per country ('' = none given).",
    "plan_mix": "Plan mix: subscriptions live at the end of the bucket's last day per plan/provider (created by "
    "then, not canceled by then, not past the end of an expired period); trials and comps included.",
}
HOT_GLOBAL, HOT_REGIONAL = 0.8, 0.5
TIERS = ("global", "regional", "on_demand")
TIER_LABELS = {"global": "Global", "regional": "Regional", "on_demand": "On-demand"}


def _day_of(session: Session, column: Any) -> Any:
    if dialect_name(session) == "postgresql":
        return func.date(func.timezone("UTC", column))
    return func.date(column)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _timestamps_per_day(session: Session, column: Any, period: Period, *where: Any) -> list[tuple[date, int]]:
    low, high = day_bounds(period.start)[0], day_bounds(period.end)[1]
    day = _day_of(session, column)
    found = session.execute(select(day, func.count()).where(column >= low, column < high, *where).group_by(day))
    return [(_as_date(d), int(n)) for d, n in found]


# --- content -------------------------------------------------------------------------------------------------------


def videos_published(session: Session, *, actor: Actor, period: Period, grain: Grain) -> list[Series]:
    require_tab(actor)
    rows = _timestamps_per_day(session, Video.published_at, period)
    return [Series("published", points(bucketed(rows, grain), period, grain), DEFINITIONS["published"], "videos")]


def holds_placed(session: Session, *, actor: Actor, period: Period, grain: Grain) -> list[Series]:
    require_tab(actor)
    rows = _timestamps_per_day(session, ComplianceHold.created_at, period)
    return [Series("holds placed", points(bucketed(rows, grain), period, grain), DEFINITIONS["holds_placed"])]


def on_hold(session: Session, *, actor: Actor, period: Period, grain: Grain | None = None) -> Kpi:
    """Videos held now (a snapshot: holds carry no history of their own beyond created/released)."""
    require_tab(actor)
    h = ComplianceHold
    held = session.scalar(select(func.count(func.distinct(h.video_id))).where(h.released_at.is_(None)))
    return Kpi("Videos on hold", float(held or 0), None, "videos", DEFINITIONS["on_hold"], True, snapshot=True)


def _views_per_day(session: Session, period: Period) -> list[tuple[date, int, int]]:
    c = ContentDaily
    found = session.execute(
        select(c.day, func.sum(c.views), func.sum(c.completes))
        .where(c.video_id == TOTAL_VIDEO, c.day >= period.start, c.day <= period.end)
        .group_by(c.day)
    )
    return [(d, int(v or 0), int(k or 0)) for d, v, k in found]


def views(session: Session, *, actor: Actor, period: Period, grain: Grain) -> list[Series]:
    require_tab(actor)
    rows = _views_per_day(session, period)
    shown = bucketed(((d, v) for d, v, _ in rows), grain)
    done = bucketed(((d, k) for d, _, k in rows), grain)
    return [
        Series("views", points(shown, period, grain), DEFINITIONS["views"], "views"),
        Series("completes", points(done, period, grain), DEFINITIONS["views"], "views"),
    ]


def views_kpi(session: Session, *, actor: Actor, period: Period, grain: Grain | None = None) -> Kpi:
    require_tab(actor)
    now = sum(v for _, v, _ in _views_per_day(session, period))
    before = sum(v for _, v, _ in _views_per_day(session, previous(period)))
    return Kpi("Views", float(now), float(before), "views", DEFINITIONS["views"])


def top_videos(
    session: Session, *, actor: Actor, period: Period, page: PageRequest | None = None
) -> Page[dict[str, Any]]:
    """Videos by views over the period, most first (a paged list: the drill-down of the views chart): the few videos
    that can make the page counted from the month snapshots, or else every video from two snapshots and the edge
    days (service/content.py), not every day of the period."""
    require_tab(actor)
    page = page or PageRequest()
    ranked = content.top_by_bounds(session, period, page.offset, page.size + 1)
    if ranked is None:
        per_video = content.views_per_video(content.plan(session, period)).subquery()
        ranked = [
            (int(v), int(n), int(k))
            for v, n, k in session.execute(
                select(per_video)
                .order_by(per_video.c.views.desc(), per_video.c.video_id)
                .offset(page.offset)
                .limit(page.size + 1)
            )
        ]
    titles = dict(
        session.execute(select(Video.id, Video.title).where(Video.id.in_([v for v, _, _ in ranked]))).tuples().all()
    )
    rows = [{"video_id": v, "title": titles[v], "views": n, "completes": k} for v, n, k in ranked if v in titles]
    return _one_scan_page(rows, page)


def _one_scan_page(rows: list[dict[str, Any]], page: PageRequest) -> Page[dict[str, Any]]:
    """A page fetched with one row extra: its total is a lower bound (estimated) unless this is the last page —
    counting every video of a long period would scan the rollup a second time."""
    more = len(rows) > page.size
    return Page(rows=rows[: page.size], total=page.offset + len(rows), estimated=more, request=page)


def hotness(v24: float, v7: float, v30: float) -> float:
    """Seed 002's hotness score of one video."""
    return min(1.0, (v24 * 0.5 + v7 * 0.3 + v30 * 0.2) / 10_000)


def tier(score: float) -> str:
    return "global" if score >= HOT_GLOBAL else "regional" if score >= HOT_REGIONAL else "on_demand"


def _tier_of_weight(weight: Any) -> Any:
    return case((weight >= GLOBAL_WEIGHT, "global"), (weight >= REGIONAL_WEIGHT, "regional"), else_="on_demand")


def hotness_tiers(session: Session, *, actor: Actor, period: Period, grain: Grain | None = None) -> list[Kpi]:
    """How many videos (with a view in the last 30 days) sit in each tier at the period's last day; videos
    without views are on demand and not counted. Read from the day's tier counts when the rollup made them."""
    require_tab(actor)
    kept = content.hotness_snapshot(session, period.end)
    if kept is not None:
        counts = {"global": kept.global_videos, "regional": kept.regional_videos, "on_demand": kept.on_demand_videos}
    else:
        scores = hotness_scores(period.end)  # every video's, from the 30 days of daily rows
        label = _tier_of_weight(scores.c.weight)
        counts = dict(session.execute(select(label, func.count()).group_by(label)).tuples().all())
    return [
        Kpi(f"{TIER_LABELS[t]} tier", float(counts.get(t, 0)), None, "videos", DEFINITIONS["hotness"], snapshot=True)
        for t in TIERS
    ]


def _hot_row(video_id: int, title: str | None, weight: int) -> dict[str, Any]:
    score = weight / HOT_SCALE
    return {"video_id": video_id, "title": title, "score": round(min(1.0, score), 4), "tier": tier(score)}


def hottest(session: Session, *, actor: Actor, period: Period, page: PageRequest | None = None) -> Page[dict[str, Any]]:
    """The videos by hotness at the period's last day, hottest first, with their tier: the day's kept ranking, or
    (not rolled up, or past the HOT_KEEP hottest) scored from the daily rows."""
    require_tab(actor)
    page = page or PageRequest()
    kept = content.ranked(session, period.end, page.offset, page.size + 1)
    if kept is not None:
        ids = [v for v, *_ in kept]
        titles = dict(session.execute(select(Video.id, Video.title).where(Video.id.in_(ids))).tuples().all())
        rows = [_hot_row(v, titles[v], w) for v, _, _, _, w in kept if v in titles]
        return _one_scan_page(rows, page)
    scores = hotness_scores(period.end)  # every video's, from the 30 days of daily rows
    found = session.execute(
        select(scores.c.video_id, Video.title, scores.c.weight)
        .join(Video, Video.id == scores.c.video_id)
        .order_by(scores.c.weight.desc(), scores.c.video_id)
        .offset(page.offset)
        .limit(page.size + 1)
    )
    return _one_scan_page([_hot_row(v, t, int(w)) for v, t, w in found], page)


# --- members -------------------------------------------------------------------------------------------------------


def signups(session: Session, *, actor: Actor, period: Period, grain: Grain, countries: int = 5) -> list[Series]:
    """Total signups and the `countries` biggest countries of the period."""
    require_tab(actor)
    m = MembersDaily
    found = session.execute(
        select(m.day, m.key, m.value).where(m.dimension == "signups", m.day >= period.start, m.day <= period.end)
    ).all()
    per: dict[str, list[tuple[date, int]]] = defaultdict(list)
    for day, key, value in found:
        per[key].append((day, value))
    total = [(d, v) for rows in per.values() for d, v in rows]
    top = sorted(per, key=lambda k: (-sum(v for _, v in per[k]), k))[:countries]
    out = [Series("signups", points(bucketed(total, grain), period, grain), DEFINITIONS["signups"], "members")]
    out += [Series(k or "(none)", points(bucketed(per[k], grain), period, grain), DEFINITIONS["signups"]) for k in top]
    return out


def plan_mix(session: Session, *, actor: Actor, period: Period, grain: Grain) -> list[Series]:
    """Per plan/provider: the live subscriptions at the last rolled-up day of each bucket."""
    require_tab(actor)
    m = MembersDaily
    found = session.execute(
        select(m.day, m.key, m.value).where(m.dimension == "plan_mix", m.day >= period.start, m.day <= period.end)
    ).all()
    latest: dict[date, date] = {}
    for day, _, _ in found:
        start = bucket_start(day, grain)
        latest[start] = max(latest.get(start, day), day)
    per: dict[str, dict[date, float]] = defaultdict(dict)
    for day, key, value in found:
        start = bucket_start(day, grain)
        if latest[start] == day:
            per[key][start] = float(value)
    return [Series(k, points(per[k], period, grain), DEFINITIONS["plan_mix"], "subscriptions") for k in sorted(per)]


from console.insights.service.ops_sla import (  # noqa: E402  re-exported: one module for the pages to import
    DEFINITIONS_SLA,
    SLA_DEFINITION,
    ads_by_advertiser,
    ads_kpis,
    ads_over_time,
    backlog,
    backlog_kpis,
    decisions_by_action,
    decisions_by_moderator,
    percentile_minutes,
    resolution_times,
    sla_breaches,
    sla_times,
)

DEFINITIONS.update(DEFINITIONS_SLA)
__all__ = [
    "SLA_DEFINITION",
    "ads_by_advertiser",
    "ads_kpis",
    "ads_over_time",
    "backlog",
    "backlog_kpis",
    "decisions_by_action",
    "decisions_by_moderator",
    "percentile_minutes",
    "resolution_times",
    "sla_breaches",
    "sla_times",
]
