"""What the ads page tests share: advertisers, campaigns, ads (with a stored PNG or a remote URL, and stored check
results) and daily stats made straight in the database; signing in as ad-ops; reading the review card."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from io import BytesIO
from typing import Any

from nicegui.testing import User
from PIL import Image

from console.ads import checks, creatives
from console.ads.models import BANNER_FORMATS, Ad, AdCampaign, AdStatsDaily, Advertiser
from console.db import session_scope, utcnow
from tests.ui.helpers import sign_in_and_wait

_seq = itertools.count(1)
ADS_EMAIL = "otto.adops@test.example"


async def signed_in(user: User, make_staff: Any, *roles: str, email: str = ADS_EMAIL, name: str = "Otto Ops") -> int:
    staff_id, _ = make_staff(*(roles or ("ads",)), email=email, name=name)
    await sign_in_and_wait(user, email)
    return staff_id


def png(width: int, height: int, colour: str = "orange") -> bytes:
    out = BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


def advertiser(name: str | None = None) -> int:
    with session_scope() as session:
        row = Advertiser(name=name or f"Advertiser {next(_seq)}", contact_email="ads@brand.example")
        session.add(row)
        session.flush()
        return row.id


def campaign(advertiser_id: int | None = None, **values: Any) -> int:
    today = utcnow().date()
    values.setdefault("name", f"Campaign {next(_seq)}")
    values.setdefault("budget_cents", 300_000)
    values.setdefault("cpm_bid_cents", 1_250)
    values.setdefault("starts_on", today - timedelta(days=9))
    values.setdefault("ends_on", today + timedelta(days=20))
    with session_scope() as session:
        row = AdCampaign(advertiser_id=advertiser_id or advertiser(), **values)
        session.add(row)
        session.flush()
        return row.id


def ad(
    campaign_id: int | None = None,
    *,
    state: str = "pending_review",
    format: str = "rectangle",
    size: tuple[int, int] | None = None,
    remote: str | None = None,
    minutes_ago: int = 60,
    name: str | None = None,
) -> int:
    """A banner ad with a stored PNG (of its format's size unless `size` says otherwise) or only a remote URL,
    submitted `minutes_ago`, with the real pre-checks run and stored (a wrong size fails a hard check)."""
    width, height = size or BANNER_FORMATS[format]
    values: dict[str, Any] = {"creative_url": remote}
    if remote is None:
        stored = creatives.store_creative(png(width, height), "banner.png")
        values = {
            "creative_path": stored.name,
            "creative_sha256": stored.sha256,
            "creative_bytes": stored.size,
            "creative_content_type": "image/png",
            "width": width,
            "height": height,
        }
    submitted = None if state == "draft" else utcnow() - timedelta(minutes=minutes_ago)
    with session_scope() as session:
        row = Ad(
            campaign_id=campaign_id or campaign(),
            name=name or f"Ad {next(_seq)}",
            type="banner",
            format=format,
            click_url="https://shop.example/landing",
            state=state,
            submitted_at=submitted,
            **values,
        )
        session.add(row)
        session.flush()
        if state != "draft":
            checks.store_results(row, checks.run_checks(session, row))
        return row.id


def stats_day(ad_id: int, day: date, impressions: int, clicks: int, **values: Any) -> None:
    with session_scope() as session:
        session.add(AdStatsDaily(ad_id=ad_id, day=day, impressions=impressions, clicks=clicks, **values))


def stored_ad(ad_id: int) -> Ad:
    with session_scope() as session:
        row = session.get(Ad, ad_id)
        assert row is not None
        return row


async def open_new_ad(user: User, campaign_id: int) -> None:
    """The campaign page open and its New ad dialog shown."""
    from tests.moderation.page_helpers import click, wait_shown

    await user.open(f"/ads/campaigns/{campaign_id}")
    await wait_shown(user, "campaign-new-ad")
    click(user, "campaign-new-ad")
    await wait_shown(user, "ad-form")
