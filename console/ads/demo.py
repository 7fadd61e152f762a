"""Ads demo data: advertisers (some with hostile-looking but valid names), campaigns live and upcoming, even and
asap, and ads in every state and format with real creatives — Pillow banners of the right size and of the wrong
size or weight, minimal MP4s of the right and the wrong duration, a video without a poster, a creative by URL, a
click URL on a blocked domain — made through the ads services, so the real pre-checks ran on them and every step
is in the audit log (submitted, claimed, approved, rejected with reasons, paused, ended, re-queued by an edit).

Ads that ran have three weeks of raw impressions and clicks (written as the platform writes them, in bulk) and
their daily rollups; one ad has a day with more clicks than impressions and one a CTR spike, for the anomaly flags.
The platform marks an approved ad running when it serves it: recorded as `ad.serve` by the platform. Pending ads'
submission times are spread over the last days so the queue's oldest-first order shows. Deterministic for one
date; a second run adds nothing.
"""

from __future__ import annotations

import random
import struct
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from io import BytesIO
from typing import Any

from PIL import Image, ImageDraw
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from console.actor import SYSTEM, Actor
from console.ads.models import BANNER_FORMATS, VIDEO_FORMATS, Ad, AdClick, AdImpression, Advertiser
from console.ads.service import ads as ad_service
from console.ads.service import advertisers, blocklist, campaigns, review
from console.ads.service.rollup import rollup_pending
from console.ads.service.rows import ad_view
from console.audit.service import record
from console.db import session_scope, utcnow
from console.staff.auth import staff_actor
from console.staff.models import Staff

PLATFORM = Actor(kind="system", label="platform")
DEMO_DOMAIN = "console.example"
BLOCKED = "clickbait-deals.example"
DAYS = 21
# (name, contact e-mail, website); the last few look hostile but are valid text and must be shown as text.
ADVERTISERS = [
    ("Northwind Outdoor Co.", "ads@northwind-outdoor.example", "https://northwind-outdoor.example"),
    ("Bluepeak Mobile", "media@bluepeak.example", "https://www.bluepeak.example"),
    ("Lumen Coffee Roasters", "hello@lumen-coffee.example", "https://lumen-coffee.example"),
    ("Kairos Games Studio", "ua@kairos-games.example", "https://kairos-games.example"),
    ("Müller & Söhne Werbung GmbH", "werbung@mueller-soehne.example", "https://mueller-soehne.example"),
    ("شركة النخبة للإعلان", "ads@alnokhba.example", "https://alnokhba.example"),
    ("<img src=x onerror=alert(1)> Media", "ops@img-media.example", "https://img-media.example"),
    ("Robert'); DROP TABLE ads;-- Marketing", "bobby@tables.example", "https://tables.example"),
    ('"Best" Deals & <Co> — 50% off™ 🎉', "deals@best-deals.example", "https://best-deals.example"),
]
# (advertiser, name, budget cents, CPM bid cents, pacing, starts in days, ends in days, countries, plans, cap)
CAMPAIGNS: list[tuple[int, str, int, int, str, int, int, list[str], list[str], int | None]] = [
    (0, "Autumn trail gear", 450_000, 450, "even", -DAYS - 3, 30, ["US", "CA"], [], 5),
    (1, "Bluepeak X launch", 1_200_000, 900, "asap", -DAYS, 10, [], ["free"], None),
    (2, "Morning ritual", 180_000, 300, "even", -DAYS - 7, 60, ["GB", "DE", "FR"], ["free", "basic"], 3),
    (3, "Season pass pre-roll", 600_000, 1200, "even", -14, 45, [], [], 4),
    (4, "Herbstkollektion", 90_000, 250, "even", -DAYS, 20, ["DE"], [], None),
    (5, "عروض الشتاء", 250_000, 400, "asap", -10, 25, ["AE", "SA"], [], None),
    (6, "<b>Bold</b> banners", 50_000, 200, "even", -5, 30, [], [], None),
    (7, "'; SELECT 1; --", 75_000, 350, "even", 3, 40, ["US"], [], 2),
    (8, "Black Friday \u201cmega\u201d sale", 300_000, 600, "asap", 5, 20, [], ["free"], 6),
]
# (campaign, name, format, creative, final state); creatives: ok, wrong_size, heavy, url, short, noposter, blocked.
ADS: list[tuple[int, str, str, str, str]] = [
    (0, "Trail leaderboard", "leaderboard", "ok", "running"),
    (0, "Trail pre-roll 30s", "video_30s", "ok", "running"),
    (0, "Trail skyscraper", "skyscraper", "ok", "paused"),
    (1, "X launch rectangle", "rectangle", "ok", "running"),
    (1, "X launch 15s", "video_15s", "ok", "ended"),
    (1, "X launch mobile", "mobile_banner", "ok", "requeued"),
    (2, "Ritual rectangle", "rectangle", "ok", "running"),
    (2, "Ritual 60s story", "video_60s", "ok", "approved"),
    (2, "Ritual leaderboard (old size)", "leaderboard", "wrong_size", "pending"),
    (3, "Season pass 30s", "video_30s", "short", "pending"),
    (3, "Season pass 15s", "video_15s", "noposter", "pending"),
    (3, "Season pass midroll", "video_60s", "ok", "claimed"),
    (4, "Herbst Skyscraper", "skyscraper", "heavy", "pending"),
    (4, "Herbst Rechteck", "rectangle", "ok", "rejected"),
    (5, "لافتة الشتاء", "leaderboard", "url", "pending"),
    (6, "<script>alert('ad')</script>", "mobile_banner", "ok", "pending"),
    (6, "Bold rectangle", "rectangle", "blocked", "pending"),
    (7, "Tables 15s", "video_15s", "ok", "draft"),
    (8, "Mega sale leaderboard", "leaderboard", "ok", "rejected_other"),
    (8, "Mega sale mobile", "mobile_banner", "ok", "pending"),
]
COLOURS = [(26, 115, 232), (217, 48, 37), (30, 142, 62), (249, 171, 0), (161, 66, 244), (0, 137, 123)]
FRAUD_AD, SPIKE_AD = "X launch rectangle", "Ritual rectangle"  # the anomaly flags' examples


@dataclass
class _Demo:
    session: Session
    rng: random.Random
    now: datetime
    reviewer: Actor
    editor: Actor
    made: dict[str, Ad] = field(default_factory=dict)


def banner_png(fmt: str, label: str, *, size: tuple[int, int] | None = None, heavy: bool = False) -> bytes:
    """A banner image of the format's size (or `size`); `heavy`: noise no codec compresses (over the IAB weight)."""
    width, height = size or BANNER_FORMATS[fmt]
    colour = COLOURS[sum(map(ord, label)) % len(COLOURS)]
    if heavy:
        picture = Image.frombytes("RGB", (width, height), random.Random(label).randbytes(width * height * 3))
    else:
        picture = Image.new("RGB", (width, height), colour)
        ImageDraw.Draw(picture).text((6, max(0, height // 2 - 6)), label[:40], fill=(255, 255, 255))
    out = BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def minimal_mp4(seconds: float) -> bytes:
    """The smallest MP4 mutagen reads a duration from: `ftyp`, a `moov` holding a movie header, an empty `mdat`."""
    mvhd = struct.pack(">B3xIIII", 0, 0, 0, 1000, round(seconds * 1000))
    mvhd += struct.pack(">IH", 0x00010000, 0x0100) + b"\0" * 10
    mvhd += struct.pack(">9I", 0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000) + b"\0" * 24
    mvhd += struct.pack(">I", 2)
    ftyp = _box(b"ftyp", b"isom" + struct.pack(">I", 512) + b"isomiso2avc1mp41")
    return ftyp + _box(b"moov", _box(b"mvhd", mvhd)) + _box(b"mdat", b"\0" * 2048)


def _creative(fmt: str, kind: str, label: str) -> dict[str, Any]:
    """create_ad's creative arguments for one of the demo's creative kinds."""
    if kind == "url":
        return {"creative_url": f"https://cdn.alnokhba.example/banners/{fmt}.png"}
    if fmt in VIDEO_FORMATS:
        seconds = VIDEO_FORMATS[fmt] + (2.4 if kind == "short" else 0.0)
        return {"creative": minimal_mp4(seconds), "filename": f"{fmt}.mp4"}
    if kind == "wrong_size":
        width, height = BANNER_FORMATS[fmt]
        return {"creative": banner_png(fmt, label, size=(width - 8, height)), "filename": "banner.png"}
    return {"creative": banner_png(fmt, label, heavy=kind == "heavy"), "filename": "banner.png"}


def _make_ad(d: _Demo, campaign_id: int, name: str, fmt: str, kind: str) -> Ad:
    ad_type = "banner" if fmt in BANNER_FORMATS else ("video_midroll" if fmt == "video_60s" else "video_preroll")
    domain = BLOCKED if kind == "blocked" else "shop.example.com"
    ad = ad_service.create_ad(
        d.session,
        actor=d.editor,
        campaign_id=campaign_id,
        name=name,
        type=ad_type,
        format=fmt,
        click_url=f"https://{domain}/landing?utm_campaign={campaign_id}&utm_content={fmt}",
        **_creative(fmt, kind, name),
    )
    if ad_type != "banner" and kind != "noposter":
        poster = banner_png("rectangle", name, size=(640, 360))
        ad = ad_service.update_ad(
            d.session, actor=d.editor, ad_id=ad.id, version=ad.version, poster=poster, poster_filename="poster.png"
        )
    return ad


def _serve(d: _Demo, ad: Ad) -> Ad:
    """The platform starts serving an approved ad (there is no service for it: the platform's own write)."""
    before = ad_view(ad)
    ad.state = "running"
    d.session.flush()
    record(d.session, PLATFORM, "ad.serve", "ad", ad.id, before, ad_view(ad))
    return ad


def _to_state(d: _Demo, ad: Ad, final: str, hours_ago: float) -> Ad:
    """Take a draft through the services to its final demo state."""
    s, editor, reviewer = d.session, d.editor, d.reviewer
    if final == "draft":
        return ad
    ad = ad_service.submit_ad(s, actor=editor, ad_id=ad.id, version=ad.version)
    if final in ("pending", "claimed"):
        ad.submitted_at = d.now - timedelta(hours=hours_ago)  # spread the queue over the last days (not audited)
        if final == "claimed" and reviewer.staff_id is not None:
            ad = review.claim_ad(s, actor=reviewer, ad_id=ad.id)
        return ad
    if final.startswith("rejected"):
        if final == "rejected_other":
            note = "The sale dates in the banner do not match the landing page."
            return review.reject_ad(s, actor=reviewer, ad_id=ad.id, version=ad.version, reasons=["other"], note=note)
        reasons = ["misleading", "broken_landing_page"]
        return review.reject_ad(s, actor=reviewer, ad_id=ad.id, version=ad.version, reasons=reasons)
    ad = review.approve_ad(s, actor=reviewer, ad_id=ad.id, version=ad.version, note="Checked against the brief.")
    if final == "approved":
        return ad
    ad = _serve(d, ad)
    if final == "paused":
        return ad_service.pause_ad(s, actor=editor, ad_id=ad.id, version=ad.version)
    if final == "ended":
        return ad_service.end_ad(s, actor=editor, ad_id=ad.id, version=ad.version)
    if final == "requeued":  # an edit to the click URL sends the running ad back to review
        new_url = "https://shop.example.com/landing/x-launch?utm_source=console"
        return ad_service.update_ad(s, actor=editor, ad_id=ad.id, version=ad.version, click_url=new_url)
    return ad


def _actors(session: Session) -> tuple[Actor, Actor]:
    """The demo's ad-ops account as editor and reviewer (claims need a person); the system when it is missing."""
    staff = session.execute(
        select(Staff).where(Staff.email.in_((f"ads@{DEMO_DOMAIN}", f"admin@{DEMO_DOMAIN}"))).order_by(Staff.email)
    ).scalars()
    found = {s.email: s for s in staff}
    person = found.get(f"ads@{DEMO_DOMAIN}") or found.get(f"admin@{DEMO_DOMAIN}")
    if person is None:
        return SYSTEM, SYSTEM
    return staff_actor(person), staff_actor(person)


def _build(d: _Demo) -> dict[str, int]:
    made_advertisers = []
    for name, email, website in ADVERTISERS:
        made_advertisers.append(
            advertisers.create_advertiser(d.session, actor=d.editor, name=name, contact_email=email, website=website)
        )
    blocklist.add_domain(d.session, actor=d.reviewer, domain=BLOCKED, reason="Phishing reports from members (demo)")
    today = d.now.date()
    made_campaigns = []
    for adv, name, budget, bid, pacing, start, end, countries, plans, cap in CAMPAIGNS:
        made_campaigns.append(
            campaigns.create_campaign(
                d.session,
                actor=d.editor,
                advertiser_id=made_advertisers[adv].id,
                name=name,
                budget_cents=budget,
                cpm_bid_cents=bid,
                pacing=pacing,
                starts_on=today + timedelta(days=start),
                ends_on=today + timedelta(days=end),
                target_countries=countries,
                target_plans=plans,
                frequency_cap_per_day=cap,
            )
        )
    for n, (campaign, name, fmt, kind, final) in enumerate(ADS):
        ad = _make_ad(d, made_campaigns[campaign].id, name, fmt, kind)
        d.made[name] = _to_state(d, ad, final, hours_ago=70 - 3.5 * n)
    suspended = made_advertisers[4]
    advertisers.update_advertiser(
        d.session, actor=d.editor, advertiser_id=suspended.id, version=suspended.version, status="suspended"
    )
    return {"advertisers": len(made_advertisers), "campaigns": len(made_campaigns), "ads": len(d.made)}


def _delivery(d: _Demo) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Raw rows for the ads that ran: paused and ended ads stopped some days ago; the re-queued one ran until its
    edit. One day of FRAUD_AD has more clicks than impressions, one day of SPIKE_AD a CTR near 10%."""
    stops = {"running": 0, "requeued": 0, "paused": 6, "ended": 12}
    impressions: list[dict[str, Any]] = []
    clicks: list[dict[str, Any]] = []
    rng, today = d.rng, d.now.date()
    for _campaign, name, fmt, _kind, final in ADS:
        if final not in stops:
            continue
        ad, video = d.made[name], fmt in VIDEO_FORMATS
        base = rng.randint(150, 450)
        for back in range(DAYS, stops[final] - 1, -1):
            day = datetime.combine(today - timedelta(days=back), dtime.min, tzinfo=UTC)
            span = min(86_400, (d.now - day).total_seconds())
            shown = int(base * (span / 86_400) * rng.uniform(0.8, 1.2))
            clicked = max(0, round(shown * rng.uniform(0.005, 0.02)))
            if name == FRAUD_AD and back == 4:
                shown, clicked = 40, 95
            if name == SPIKE_AD and back == 3:
                shown, clicked = 600, 58
            for _ in range(shown):
                at = day + timedelta(seconds=rng.random() * span)
                impressions.append(_impression(rng, ad.id, at, video))
            for _ in range(clicked):
                at = day + timedelta(seconds=rng.random() * span)
                clicks.append({"ad_id": ad.id, "member_id": rng.randint(1, 300), "occurred_at": at})
    return impressions, clicks


def _impression(rng: random.Random, ad_id: int, at: datetime, video: bool) -> dict[str, Any]:
    started = video and rng.random() < 0.93
    skipped = started and rng.random() < 0.3
    return {
        "ad_id": ad_id,
        "member_id": rng.randint(1, 300),
        "occurred_at": at,
        "country": rng.choice(["US", "GB", "DE", "FR", "CA", "BR"]),
        "started": started,
        "completed": started and not skipped and rng.random() < 0.85,
        "skipped": skipped,
        "skip_time_seconds": rng.randint(5, 14) if skipped else None,
    }


def seed_ads_demo() -> str:
    """Idempotent: does nothing when an advertiser exists. Needs nothing else (uses the demo ad-ops account)."""
    with session_scope() as session:
        if session.execute(select(Advertiser.id).limit(1)).first() is not None:
            return "Ads demo already present; nothing added."
        reviewer, editor = _actors(session)
        d = _Demo(session, random.Random(20261215), utcnow(), reviewer, editor)
        counts = _build(d)
        impressions, clicks = _delivery(d)
        for model, rows in ((AdImpression, impressions), (AdClick, clicks)):
            for start in range(0, len(rows), 5_000):
                session.execute(insert(model), rows[start : start + 5_000])
    rolled = rollup_pending(actor=SYSTEM)
    return (
        f"Seeded ads: {counts['advertisers']} advertisers, {counts['campaigns']} campaigns, {counts['ads']} ads, "
        f"{len(impressions):,} impressions, {len(clicks):,} clicks, {sum(r.ads for r in rolled)} daily stats rows."
    )
