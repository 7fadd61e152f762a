"""The ads part of `seed --scale`: by default 5,000 ads in 1,250 campaigns of ~420 advertisers, 20,000,000
impressions and 200,000 clicks over the last 90 days (binary COPY on PostgreSQL, scale_raw.py), and their daily
rollups computed by the rollup's own SQL (service/rollup.py, recorded as a "seed" run so the job starts after it).
Needs nothing else: no members (impressions name member ids without a foreign key) and no catalog.

Campaigns start between 150 days ago and 30 days ahead; an ad's state follows its campaign's (a campaign over has
ended ads, a live one mostly running ads with some paused, approved, pending review, rejected and drafts, a future
one approved or pending). Ads that ran (running, paused, ended) deliver on the days their campaign ran in the
window; budgets are sized so that pacing shows campaigns behind, on track and ahead. Ids are written explicitly and
the sequences moved past them. Generated data written by the system: one audit event for the whole run.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from typing import Any

import numpy as np
from sqlalchemy import func, select

from console.actor import SYSTEM
from console.ads.models import BANNER_FORMATS, Ad, AdCampaign, AdClick, AdImpression, Advertiser
from console.ads.sample_checks import plausible_checks
from console.ads.scale_raw import UNIX_EPOCH, Delivery, load_raw, plan_days
from console.ads.service.rollup import rollup_days
from console.bulkload import analyze, bulk_load
from console.db import get_engine, owner_engine, session_scope, utcnow
from console.staff import service as staff_service
from console.staff.models import Staff

WINDOW_DAYS = 90
ADS_PER_CAMPAIGN = 4
CAMPAIGNS_PER_ADVERTISER = 3
STAFF_COUNT = 3
BRANDS = ["Northwind", "Bluepeak", "Lumen", "Orbital", "Cedar & Stone", "Kairos", "Velvet Lane", "Tidewater"]
BRANDS += ["Quartz", "Hollow Oak", "Brightline", "Nimbus", "Saltmarsh", "Copperleaf", "Meridian", "Fjord"]
TRADES = ["Outdoor", "Mobile", "Bank", "Coffee", "Games", "Fitness", "Travel", "Audio", "Motors", "Streaming"]
TRADES += ["Insurance", "Fashion", "Foods", "Energy", "Software", "Telecom"]
CPM_BIDS = [150, 200, 250, 300, 400, 500, 750, 1000, 1500]
FORMAT_SHARES = {"leaderboard": 16, "rectangle": 18, "skyscraper": 8, "mobile_banner": 13}
FORMAT_SHARES |= {"video_15s": 18, "video_30s": 20, "video_60s": 7}
STATES_BY_PHASE = {
    "over": [("ended", 85), ("rejected", 8), ("paused", 7)],
    "live": [("running", 52), ("paused", 9), ("approved", 5), ("pending_review", 20), ("rejected", 8), ("draft", 6)],
    "future": [("approved", 40), ("pending_review", 42), ("rejected", 8), ("draft", 10)],
}
CHECKS_BY_STATE = {"pending_review": [("pass", 70), ("warn", 20), ("fail", 10)], "rejected": [("fail", 55)]}
CHECKS_BY_STATE["rejected"] += [("warn", 20), ("pass", 25)]
DELIVERING = ("running", "paused", "ended")
NOTE = "Claims a discount the landing page does not offer."


@dataclass
class _Plan:
    rng: random.Random
    now: datetime
    first_day: date
    days: int
    staff: list[int]
    first: dict[str, int]
    advertisers: list[dict[str, Any]]
    campaigns: list[dict[str, Any]]
    ads: list[dict[str, Any]]
    windows: list[tuple[int, int]]  # per ad: first and last day index it delivers, (-1, -1) when it does not


def _pick(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in pairs], [w for _, w in pairs])[0]


def _first_id(model: Any) -> int:
    with session_scope() as session:
        return int(session.execute(select(func.coalesce(func.max(model.id), 0))).scalar_one()) + 1


def _scale_adops() -> list[int]:
    with session_scope() as session:
        found = list(session.execute(select(Staff.id).where(Staff.email.like("scale-adops-%"))).scalars())
        for n in range(len(found), STAFF_COUNT):
            staff, _ = staff_service.create_staff(
                session,
                actor=SYSTEM,
                email=f"scale-adops-{n}@console.example",
                name=f"Scale Ad-ops {n}",
                roles=["ads"],
                must_change_password=False,
            )
            found.append(staff.id)
        return found


def _advertiser(p: _Plan, n: int) -> dict[str, Any]:
    aid = p.first["advertiser"] + n
    brand, trade = BRANDS[n % len(BRANDS)], TRADES[(n // len(BRANDS)) % len(TRADES)]
    slug = f"{brand.split()[0].lower()}{trade.lower()}{aid}"
    return {
        "id": aid,
        "name": f"{brand} {trade} {aid}",
        "contact_email": f"ads@{slug}.example",
        "website": f"https://www.{slug}.example",
        "status": "suspended" if n % 37 == 5 else "active",
        "created_at": p.now - timedelta(days=200 + n % 300),
        "version": 1,
    }


def _campaign(p: _Plan, n: int, advertisers: int) -> dict[str, Any]:
    rng, today = p.rng, p.now.date()
    ahead = rng.random() < 0.1
    starts = today + timedelta(days=rng.randint(1, 30)) if ahead else today - timedelta(days=rng.randint(0, 150))
    ends = starts + timedelta(days=rng.randint(14, 120))
    if n == 0:  # one campaign live through the window, whose first ad runs: a tiny seed delivers too
        starts, ends = today - timedelta(days=WINDOW_DAYS + 10), today + timedelta(days=30)
    created = datetime.combine(starts, dtime(9), tzinfo=UTC) - timedelta(days=rng.randint(2, 20))
    return {
        "id": p.first["campaign"] + n,
        "advertiser_id": p.first["advertiser"] + n % advertisers,
        "name": f"{rng.choice(['Spring', 'Summer', 'Autumn', 'Winter', 'Launch', 'Always-on'])} push {n + 1}",
        "budget_cents": 0,  # sized once the delivery is planned
        "cpm_bid_cents": rng.choice(CPM_BIDS),
        "currency": "USD",
        "pacing": "asap" if rng.random() < 0.2 else "even",
        "starts_on": starts,
        "ends_on": ends,
        "target_countries": rng.sample(["US", "GB", "DE", "FR", "ES", "BR", "CA", "AU"], rng.randint(0, 3)),
        "target_regions": [],
        "target_plans": rng.sample(["free", "basic", "standard"], rng.randint(0, 2)),
        "frequency_cap_per_day": rng.choice([None, 3, 5, 10]),
        "created_at": min(created, p.now),
        "updated_at": min(created, p.now),
        "version": 1,
    }


def _phase(campaign: dict[str, Any], today: date) -> str:
    if campaign["ends_on"] < today:
        return "over"
    return "future" if campaign["starts_on"] > today else "live"


def _ad(p: _Plan, n: int, campaign: dict[str, Any]) -> dict[str, Any]:
    rng, now = p.rng, p.now
    state = "running" if n == 0 else _pick(rng, STATES_BY_PHASE[_phase(campaign, now.date())])
    fmt = _pick(rng, list(FORMAT_SHARES.items()))
    banner = fmt in BANNER_FORMATS
    aid = p.first["ad"] + n
    verdict = None if state == "draft" else _pick(rng, CHECKS_BY_STATE.get(state, [("pass", 80), ("warn", 20)]))
    if state == "pending_review":
        submitted = now - timedelta(seconds=rng.random() * 14 * 86400)
    else:
        submitted = campaign["created_at"] + timedelta(hours=rng.randint(1, 30))
    decided = state not in ("draft", "pending_review")
    claimed = state == "pending_review" and n % 29 == 0
    rejected = state == "rejected"
    return {
        "id": aid,
        "campaign_id": campaign["id"],
        "name": f"{campaign['name']} · {fmt.replace('_', ' ')} {n % ADS_PER_CAMPAIGN + 1}",
        "type": "banner" if banner else ("video_midroll" if n % 4 == 0 else "video_preroll"),
        "format": fmt,
        "creative_path": None,
        "creative_url": f"https://cdn.ads.example/creatives/{aid}.{'png' if banner else 'mp4'}",
        "creative_content_type": "image/png" if banner else "video/mp4",
        "creative_bytes": rng.randint(20_000, 140_000) if banner else rng.randint(1_000_000, 9_000_000),
        "creative_sha256": None,
        "poster_path": None,
        "click_url": f"https://www.example.com/landing/{aid}?utm_source=console",
        "width": BANNER_FORMATS[fmt][0] if banner else None,
        "height": BANNER_FORMATS[fmt][1] if banner else None,
        "duration_seconds": None if banner else int(fmt.removeprefix("video_").removesuffix("s")),
        "state": state,
        "check_state": verdict,
        "check_results": plausible_checks(fmt, verdict) if verdict else [],
        "rejection_reasons": (["wrong_size"] if verdict == "fail" else ["misleading"]) if rejected else [],
        "rejection_note": "Claims a discount the landing page does not offer."
        if rejected and verdict != "fail"
        else None,
        "submitted_at": None if state == "draft" else min(submitted, now),
        "reviewed_by_id": p.staff[n % len(p.staff)] if decided else None,
        "reviewed_at": min(submitted + timedelta(hours=rng.randint(1, 48)), now) if decided else None,
        "claimed_by_id": p.staff[n % len(p.staff)] if claimed else None,
        "claim_expires_at": now + timedelta(minutes=10) if claimed else None,
        "created_at": min(submitted, now) - timedelta(hours=2),
        "updated_at": min(submitted, now),
        "version": 1,
    }


def _window(p: _Plan, ad: dict[str, Any], campaign: dict[str, Any]) -> tuple[int, int]:
    if ad["state"] not in DELIVERING:
        return -1, -1
    last_index = p.days - 1
    first = max(0, (campaign["starts_on"] - p.first_day).days)
    last = min(last_index, (campaign["ends_on"] - p.first_day).days)
    if ad["state"] == "paused" and last > first:
        last = first + p.rng.randint(0, last - first - 1)
    return (first, last) if first <= last else (-1, -1)


def _plan(ads: int, now: datetime) -> _Plan:
    rng = random.Random(5_000_011)
    campaigns = max(1, ads // ADS_PER_CAMPAIGN)
    advertisers = max(1, campaigns // CAMPAIGNS_PER_ADVERTISER)
    first_day = (now - timedelta(days=WINDOW_DAYS)).date()
    first = {"advertiser": _first_id(Advertiser), "campaign": _first_id(AdCampaign), "ad": _first_id(Ad)}
    p = _Plan(rng, now, first_day, (now.date() - first_day).days + 1, _scale_adops(), first, [], [], [], [])
    p.advertisers = [_advertiser(p, n) for n in range(advertisers)]
    p.campaigns = [_campaign(p, n, advertisers) for n in range(campaigns)]
    for n in range(ads):
        campaign = p.campaigns[min(n // ADS_PER_CAMPAIGN, campaigns - 1)]
        ad = _ad(p, n, campaign)
        p.ads.append(ad)
        p.windows.append(_window(p, ad, campaign))
    return p


def _delivery(p: _Plan, impressions: int, clicks: int, rng: np.random.Generator) -> Delivery:
    start = datetime.combine(p.first_day, dtime.min, tzinfo=UTC)
    window_start = p.now - timedelta(days=WINDOW_DAYS)
    bounds = []
    for k in range(p.days):
        day_start, day_end = start + timedelta(days=k), start + timedelta(days=k + 1)
        lo, hi = max(day_start, window_start), min(day_end, p.now)
        bounds.append((_us(lo), max(_us(hi), _us(lo) + 1)))
    windows = np.array(p.windows, dtype=np.int64).reshape(-1, 2)
    lengths = np.where(windows[:, 0] >= 0, windows[:, 1] - windows[:, 0], -1)
    d = Delivery(
        ad_ids=np.array([ad["id"] for ad in p.ads], dtype=np.int64),
        first_day=windows[:, 0],
        last_day=windows[:, 1],
        weight=rng.lognormal(0.0, 0.8, len(p.ads)),
        click_factor=rng.lognormal(0.0, 0.5, len(p.ads)),
        video=np.array([ad["type"] != "banner" for ad in p.ads], dtype=bool),
        bounds=bounds,
        impressions=[],
        clicks=[],
        fraud_ad=int(np.argmax(lengths)) if len(lengths) and lengths.max() >= 10 else -1,
    )
    plan_days(d, impressions, clicks, rng)
    return d


def _us(moment: datetime) -> int:
    return (moment - UNIX_EPOCH) // timedelta(microseconds=1)


def _size_budgets(p: _Plan, d: Delivery) -> None:
    """Each campaign's budget from what its ads are expected to deliver, spread over its whole schedule: some end up
    behind their plan, some on track, some ahead."""
    per_day = np.zeros(p.days)
    for first, last, weight in zip(d.first_day, d.last_day, d.weight, strict=True):
        if first >= 0:
            per_day[first : last + 1] += weight
    rate = np.divide(np.array(d.impressions, dtype=float), per_day, out=np.zeros(p.days), where=per_day > 0)
    cumulative = np.concatenate([[0.0], np.cumsum(rate)])
    expected: dict[int, float] = {}
    for ad, (first, last), weight in zip(p.ads, p.windows, d.weight, strict=True):
        if first >= 0:
            shown = weight * (cumulative[last + 1] - cumulative[first])
            expected[ad["campaign_id"]] = expected.get(ad["campaign_id"], 0.0) + shown
    for c in p.campaigns:
        total = (c["ends_on"] - c["starts_on"]).days + 1
        ran = max(1, min((p.now.date() - c["starts_on"]).days + 1, total))
        spend = expected.get(c["id"], 0.0) * c["cpm_bid_cents"] / 1000 * total / ran
        c["budget_cents"] = max(5_000, int(spend * p.rng.uniform(0.8, 1.35)) // 100 * 100)


def scale_ads(*, ads: int = 5_000, impressions: int = 20_000_000, clicks: int = 200_000) -> dict[str, int]:
    if min(ads, impressions, clicks) < 0:
        raise ValueError("counts must not be negative")
    now = utcnow().replace(microsecond=0)
    p = _plan(ads, now)
    rng = np.random.default_rng(5_000_017)
    d = _delivery(p, impressions, clicks if impressions else 0, rng)
    _size_budgets(p, d)
    counts: dict[str, int] = {}
    for name, model, rows in (
        ("advertisers", Advertiser, p.advertisers),
        ("ad_campaigns", AdCampaign, p.campaigns),
        ("ads", Ad, p.ads),
    ):
        counts[name] = bulk_load(model, _columns(model), iter(rows), rebuild_indexes=False)
    _advance_sequences("advertisers", "ad_campaigns", "ads")
    started = time.monotonic()
    first_raw = (_first_id(AdImpression), _first_id(AdClick))
    shown, clicked = load_raw(d, rng, first_raw, rebuild=first_raw == (1, 1))
    counts |= {"impressions": shown, "clicks": clicked, "impression_ms": round((time.monotonic() - started) * 1000)}
    _advance_sequences("ad_impressions", "ad_clicks")
    analyze("advertisers", "ad_campaigns", "ads", "ad_impressions", "ad_clicks")
    started = time.monotonic()
    days = [p.first_day + timedelta(days=k) for k in range(p.days)]
    # Oldest first, today last: the seed's run for today marks it as a complete pass (rollup.py).
    rolled = rollup_days(actor=SYSTEM, days=days, kind="seed", started_at=utcnow())
    counts |= {"ad_stats_daily": sum(r.ads for r in rolled), "rollup_ms": round((time.monotonic() - started) * 1000)}
    analyze("ad_stats_daily", "ad_rollup_runs")
    return counts


def _columns(model: Any) -> list[str]:
    return [column.name for column in model.__table__.columns]


def _advance_sequences(*tables: str) -> None:
    """Ids were written explicitly: move each table's sequence past them (PostgreSQL; SQLite needs nothing)."""
    if get_engine().dialect.name != "postgresql":
        return
    with owner_engine() as engine, engine.begin() as conn:
        for table in tables:
            conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))"
            )
