"""Rows for the read side's tests, written directly (fast, any state, any submission time): advertisers, campaigns,
ads, raw impressions and clicks, and daily rollup rows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert

from console.ads.models import BANNER_FORMATS, Ad, AdCampaign, AdClick, AdImpression, AdStatsDaily, Advertiser
from console.db import session_scope, utcnow

COUNTER = {"n": 0}


def _next() -> int:
    COUNTER["n"] += 1
    return COUNTER["n"]


def advertiser(name: str | None = None, **values: Any) -> int:
    with session_scope() as session:
        row = Advertiser(name=name or f"Advertiser {_next()}", status="active", **values)
        session.add(row)
        session.flush()
        return row.id


def campaign(advertiser_id: int | None = None, **values: Any) -> int:
    today = utcnow().date()
    fields: dict[str, Any] = {
        "name": f"Campaign {_next()}",
        "budget_cents": 100_000,
        "cpm_bid_cents": 250,
        "pacing": "even",
        "starts_on": today - timedelta(days=30),
        "ends_on": today + timedelta(days=30),
    } | values
    with session_scope() as session:
        row = AdCampaign(advertiser_id=advertiser_id or advertiser(), **fields)
        session.add(row)
        session.flush()
        return row.id


def ad(campaign_id: int | None = None, **values: Any) -> int:
    fmt = values.pop("format", "rectangle")
    banner = fmt in BANNER_FORMATS
    state = values.pop("state", "pending_review")
    fields: dict[str, Any] = {
        "name": f"Ad {_next()}",
        "type": "banner" if banner else "video_preroll",
        "format": fmt,
        "click_url": "https://shop.example.com/",
        "creative_url": "https://cdn.example.com/creative.png",
        "state": state,
        "check_state": None if state == "draft" else "pass",
        "submitted_at": None if state == "draft" else utcnow(),
        "check_results": [],
        "rejection_reasons": [],
    } | values
    with session_scope() as session:
        row = Ad(campaign_id=campaign_id or campaign(), **fields)
        session.add(row)
        session.flush()
        return row.id


def at(day: date, hour: int = 12, minute: int = 0, second: float = 0.0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) + timedelta(seconds=second)


def impressions(ad_id: int, when: datetime, count: int, **flags: Any) -> None:
    rows = [
        {
            "ad_id": ad_id,
            "member_id": n,
            "occurred_at": when,
            "country": "US",
            "started": flags.get("started", False),
            "completed": flags.get("completed", False),
            "skipped": flags.get("skipped", False),
            "skip_time_seconds": 7 if flags.get("skipped") else None,
        }
        for n in range(count)
    ]
    if rows:
        with session_scope() as session:
            session.execute(insert(AdImpression), rows)


def clicks(ad_id: int, when: datetime, count: int) -> None:
    if count:
        with session_scope() as session:
            session.execute(
                insert(AdClick), [{"ad_id": ad_id, "member_id": n, "occurred_at": when} for n in range(count)]
            )


def daily(ad_id: int, day: date, **counts: int) -> None:
    values = {"impressions": 0, "clicks": 0, "starts": 0, "completes": 0, "skips": 0, "spend_cents": 0} | counts
    with session_scope() as session:
        session.add(AdStatsDaily(ad_id=ad_id, day=day, rolled_up_at=utcnow(), **values))
