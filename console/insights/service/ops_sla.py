"""Ads (from ad_stats_daily, already a daily rollup) and moderation (from insights_moderation_daily) metrics.

Moderation SLA: the console's own (console/moderation/service/priority.py SLA_HOURS): a case must be resolved
within 1 h of its first report for underage / non-consensual content, 4 h for violence / harassment, 24 h for
inappropriate content / copyright, 72 h for spam / other — its `sla_due_at`. Times to first action and to
resolution are read from per-day histograms, so their percentiles have bucket resolution: a p90 of "4 h" means
the 90th percentile fell in the bucket ending at 4 h (buckets: 5, 15, 30 min, 1, 2, 4, 8, 12, 24, 48, 72 h, 7 d).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.ads.models import Ad, AdCampaign, AdStatsDaily, Advertiser
from console.insights.models import ModerationDaily
from console.insights.periods import Grain, Period, bucket_start, buckets, previous
from console.insights.rollup_ops import BUCKETS, OVERFLOW
from console.insights.series import GAP, Kpi, Series
from console.insights.service.ops_base import bucketed, points, require_tab
from console.paging import Page, PageRequest
from console.staff.models import Staff
from console.staff.permissions import Permission

SLA_DEFINITION = (
    "SLA: a case is resolved within its SLA when resolved by its sla_due_at — 1 h after the first report for "
    "underage or non-consensual content, 4 h for violence or harassment, 24 h for inappropriate content or "
    "copyright, 72 h for spam and other (moderation's SLA_HOURS, by the case's worst reason)."
)
BUCKET_NOTE = (
    " Percentiles have bucket resolution (buckets end at 5, 15, 30 min, 1, 2, 4, 8, 12, 24, 48, 72 h and 7 d; "
    "the value shown is the end of the bucket the percentile fell in; beyond 7 d shows as empty)."
)
DEFINITIONS_SLA: dict[str, str] = {
    "ads": "Ads (from the daily ad stats): impressions served, clicks, CTR = clicks ÷ impressions, completion = "
    "video ads watched to the end ÷ video ads started, spend = impressions × the campaign's CPM bid ÷ 1000.",
    "backlog": "Backlog: cases reported and not yet resolved at the end of the day (UTC; today: at the last "
    "rollup pass); breached: those past their SLA then; oldest: the age of the oldest, in hours.",
    "first_action": "Time to first action: from a case's first report to the first thing a moderator did (claim "
    "excluded), for cases first acted on in the period." + BUCKET_NOTE,
    "resolution": "Time to resolution: from a case's first report to its resolution or dismissal, for cases "
    "resolved in the period." + BUCKET_NOTE,
    "decisions": "Decisions: actions moderators took in the period, per action, and per moderator (0 = system).",
    "sla_breaches": "SLA breaches: cases resolved in the period after their SLA, and their share of all "
    "resolved. " + SLA_DEFINITION,
}
MOD, ADS = Permission.MODERATION_READ, Permission.ADS_READ


def _ratio(part: float, whole: float) -> float | None:
    return round(100.0 * part / whole, 2) if whole else None


# --- ads -----------------------------------------------------------------------------------------------------------


Totals = tuple[int, ...]  # impressions, clicks, starts, completes, spend_cents


def _ads_totals(session: Session, period: Period, before: Period) -> tuple[Totals, Totals]:
    """The totals of `period` and of `before` (the period just before it) in one scan of their days."""
    s = AdStatsDaily
    measures = (s.impressions, s.clicks, s.starts, s.completes, s.spend_cents)
    columns = [
        func.coalesce(func.sum(case((inside, m), else_=0)), 0)
        for inside in (s.day >= period.start, s.day < period.start)
        for m in measures
    ]
    assert before.end < period.start  # previous(period): the days just before, so one range covers both
    row = session.execute(select(*columns).where(s.day >= before.start, s.day <= period.end)).one()
    values = [int(v) for v in row]
    return tuple(values[:5]), tuple(values[5:])


def ads_kpis(session: Session, *, actor: Actor, period: Period, grain: Grain | None = None) -> list[Kpi]:
    require_tab(actor, ADS)
    now, before = _ads_totals(session, period, previous(period))
    d = DEFINITIONS_SLA["ads"]
    return [
        Kpi("Impressions", float(now[0]), float(before[0]), "", d),
        Kpi("Clicks", float(now[1]), float(before[1]), "", d),
        Kpi("CTR", _ratio(now[1], now[0]), _ratio(before[1], before[0]), "%", d),
        Kpi("Completion", _ratio(now[3], now[2]), _ratio(before[3], before[2]), "%", d),
        Kpi("Spend", now[4] / 100.0, before[4] / 100.0, "USD", d),
    ]


def ads_over_time(session: Session, *, actor: Actor, period: Period, grain: Grain) -> list[Series]:
    require_tab(actor, ADS)
    s = AdStatsDaily
    found = session.execute(
        select(s.day, func.sum(s.impressions), func.sum(s.clicks), func.sum(s.spend_cents))
        .where(s.day >= period.start, s.day <= period.end)
        .group_by(s.day)
    ).all()
    d = DEFINITIONS_SLA["ads"]
    return [
        Series("impressions", points(bucketed(((r[0], r[1]) for r in found), grain), period, grain), d),
        Series("clicks", points(bucketed(((r[0], r[2]) for r in found), grain), period, grain), d),
        Series("spend", points(bucketed(((r[0], (r[3] or 0) / 100) for r in found), grain), period, grain), d, "USD"),
    ]


def ads_by_advertiser(
    session: Session, *, actor: Actor, period: Period, page: PageRequest | None = None
) -> Page[dict[str, Any]]:
    """Per advertiser over the period, biggest spend first. The days are summed per ad first (one pass over
    ad_stats_daily), then per advertiser; the page carries the advertisers' count (a window), so the rollup is
    read once."""
    require_tab(actor, ADS)
    page = page or PageRequest()
    s = AdStatsDaily
    measures = ("impressions", "clicks", "starts", "completes", "spend_cents")
    per_ad = (
        select(s.ad_id, *(func.sum(getattr(s, m)).label(m) for m in measures))
        .where(s.day >= period.start, s.day <= period.end)
        .group_by(s.ad_id)
        .subquery()
    )
    spend = func.sum(per_ad.c.spend_cents)
    query = (
        select(
            Advertiser.id.label("advertiser_id"),
            Advertiser.name.label("advertiser"),
            *(func.sum(per_ad.c[m]).label(m) for m in measures[:4]),
            spend.label("spend_cents"),
            func.count().over().label("advertisers"),
        )
        .select_from(per_ad)
        .join(Ad, Ad.id == per_ad.c.ad_id)
        .join(AdCampaign, AdCampaign.id == Ad.campaign_id)
        .join(Advertiser, Advertiser.id == AdCampaign.advertiser_id)
        .group_by(Advertiser.id, Advertiser.name)
    )
    found = session.execute(query.order_by(spend.desc(), Advertiser.id).offset(page.offset).limit(page.size))
    rows, total = [], 0
    for r in found:
        row = dict(r._mapping)
        total = int(row.pop("advertisers"))
        for m in measures:
            row[m] = int(row[m] or 0)
        row["ctr_percent"] = _ratio(row["clicks"], row["impressions"])
        row["completion_percent"] = _ratio(row["completes"], row["starts"])
        rows.append(row)
    if not rows and page.offset:  # past the end: count the advertisers on their own
        total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    return Page(rows=rows, total=total, request=page)


# --- moderation ----------------------------------------------------------------------------------------------------


def _metric(session: Session, metric: str, period: Period) -> list[tuple[date, str, int]]:
    m = ModerationDaily
    found = session.execute(
        select(m.day, m.key, m.value).where(m.metric == metric, m.day >= period.start, m.day <= period.end)
    )
    return [(d, k, int(v)) for d, k, v in found]


def percentile_minutes(histogram: dict[int, int], q: float) -> int | None:
    """The upper bound (minutes) of the bucket holding the q-th quantile; None when empty or beyond 7 days."""
    total = sum(histogram.values())
    if not total:
        return None
    seen = 0
    for bound in sorted(histogram):
        seen += histogram[bound]
        if seen >= q * total:
            return None if bound == OVERFLOW else bound
    return None


def _histogram(rows: list[tuple[date, str, int]]) -> dict[int, int]:
    out: dict[int, int] = defaultdict(int)
    for _, key, value in rows:
        out[int(key)] += value
    return dict(out)


def _hours(minutes: int | None) -> float | None:
    return None if minutes is None else round(minutes / 60.0, 2)


def sla_times(session: Session, *, actor: Actor, period: Period, grain: Grain | None = None) -> list[Kpi]:
    """p50 and p90 of the time to first action and to resolution, in hours (bucket resolution)."""
    require_tab(actor, MOD)
    out = []
    for metric, label in (("first_action", "first action"), ("resolution", "resolution")):
        now = _histogram(_metric(session, metric, period))
        before = _histogram(_metric(session, metric, previous(period)))
        for q in (0.5, 0.9):
            value, prev = _hours(percentile_minutes(now, q)), _hours(percentile_minutes(before, q))
            out.append(Kpi(f"Time to {label} p{int(q * 100)}", value, prev, "h", DEFINITIONS_SLA[metric], True))
    return out


def resolution_times(session: Session, *, actor: Actor, period: Period, grain: Grain) -> list[Series]:
    """p50 and p90 time to first action and to resolution per bucket, in hours."""
    require_tab(actor, MOD)
    out = []
    for metric, label in (("first_action", "first action"), ("resolution", "resolution")):
        per: dict[date, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        for day, key, value in _metric(session, metric, period):
            per[bucket_start(day, grain)][int(key)] += value
        for q in (0.5, 0.9):
            values = {b: h for b, hist in per.items() if (h := _hours(percentile_minutes(hist, q))) is not None}
            name = f"{label} p{int(q * 100)}"
            # a bucket with no case, or its quantile beyond 7 days, is a gap (NaN): 0 h would read "at once"
            gaps = [(start, values.get(start, GAP)) for start in buckets(period, grain)]
            out.append(Series(name, gaps, DEFINITIONS_SLA[metric], "h"))
    return out


def _snapshots(session: Session, period: Period) -> dict[date, dict[str, int]]:
    per: dict[date, dict[str, int]] = defaultdict(dict)
    for day, key, value in _metric(session, "backlog", period):
        per[day][key] = value
    return per


def backlog(session: Session, *, actor: Actor, period: Period, grain: Grain) -> list[Series]:
    """Open and breached cases at the end of each bucket's last rolled-up day."""
    require_tab(actor, MOD)
    snaps = _snapshots(session, period)
    last: dict[date, date] = {}
    for day in snaps:
        start = bucket_start(day, grain)
        last[start] = max(last.get(start, day), day)
    d = DEFINITIONS_SLA["backlog"]
    return [
        Series(name, points({b: float(snaps[day].get(key, 0)) for b, day in last.items()}, period, grain), d, "cases")
        for name, key in (("open", "open"), ("past SLA", "breached"))
    ]


def backlog_kpis(session: Session, *, actor: Actor, period: Period, grain: Grain | None = None) -> list[Kpi]:
    """The backlog and its oldest case's age at the period's last rolled-up day (and the previous period's)."""
    require_tab(actor, MOD)

    def at_end(p: Period) -> dict[str, int]:
        snaps = _snapshots(session, p)
        return snaps[max(snaps)] if snaps else {}

    now, before = at_end(period), at_end(previous(period))
    d = DEFINITIONS_SLA["backlog"]
    oldest_now, oldest_before = now.get("oldest_minutes"), before.get("oldest_minutes")
    return [
        Kpi(
            "Backlog",
            float(now["open"]) if now else None,
            float(before["open"]) if before else None,
            "cases",
            d,
            True,
            snapshot=True,
        ),
        Kpi("Oldest case", _hours(oldest_now), _hours(oldest_before), "h", d, True, snapshot=True),
    ]


def decisions_by_action(session: Session, *, actor: Actor, period: Period, grain: Grain) -> list[Series]:
    require_tab(actor, MOD)
    per: dict[str, list[tuple[date, int]]] = defaultdict(list)
    for day, key, value in _metric(session, "decisions", period):
        per[key.split(":", 1)[0]].append((day, value))
    d = DEFINITIONS_SLA["decisions"]
    return [Series(a, points(bucketed(per[a], grain), period, grain), d, "decisions") for a in sorted(per)]


def decisions_by_moderator(
    session: Session, *, actor: Actor, period: Period, page: PageRequest | None = None
) -> Page[dict[str, Any]]:
    """Per moderator over the period: decisions in total and per action, most first."""
    require_tab(actor, MOD)
    page = page or PageRequest()
    per: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for _, key, value in _metric(session, "decisions", period):
        action, _, who = key.partition(":")
        per[int(who or 0)][action] += value
    order = sorted(per, key=lambda k: (-sum(per[k].values()), k))
    chosen = order[page.offset : page.offset + page.size]
    names = dict(session.execute(select(Staff.id, Staff.name).where(Staff.id.in_(chosen))).tuples().all())
    rows = [
        {
            "moderator_id": k,
            "moderator": names.get(k, "system"),
            "decisions": sum(per[k].values()),
            "by_action": dict(sorted(per[k].items())),
        }
        for k in chosen
    ]
    return Page(rows=rows, total=len(order), request=page)


def sla_breaches(session: Session, *, actor: Actor, period: Period, grain: Grain | None = None) -> list[Kpi]:
    require_tab(actor, MOD)

    def counts(p: Period) -> tuple[int, int]:
        got: dict[str, int] = defaultdict(int)
        for _, key, value in _metric(session, "sla_resolved", p):
            got[key] += value
        return got["breached"], got["breached"] + got["met"]

    (b_now, all_now), (b_before, all_before) = counts(period), counts(previous(period))
    d = DEFINITIONS_SLA["sla_breaches"]
    return [
        Kpi("SLA breaches", float(b_now), float(b_before), "cases", d, True),
        Kpi("Breach rate", _ratio(b_now, all_now), _ratio(b_before, all_before), "%", d, True),
    ]


assert BUCKETS[-1] == 10080  # BUCKET_NOTE names the buckets
