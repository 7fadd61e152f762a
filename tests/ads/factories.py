"""Real creative files made in the test (Pillow images, a minimal MP4 that mutagen reads) and ads rows made through
the services (so they are what the console itself would store)."""

from __future__ import annotations

import os
import struct
from datetime import date, timedelta
from io import BytesIO
from typing import Any

from PIL import Image

from console.actor import SYSTEM, Actor
from console.ads.models import Ad
from console.ads.service import ads, advertisers, campaigns
from console.db import session_scope, utcnow

COUNTER = {"n": 0}


def _next() -> int:
    COUNTER["n"] += 1
    return COUNTER["n"]


# --- files --------------------------------------------------------------------------------------------------


def image(width: int, height: int, fmt: str = "PNG", *, noisy: bool = False, mode: str = "RGB", **save: Any) -> bytes:
    """A real image file. `noisy`: random pixels, which no codec compresses, so the file weighs about as much as the
    raw pixels (a heavy creative); else one flat colour (a few hundred bytes)."""
    if noisy:
        picture = Image.frombytes(mode, (width, height), os.urandom(width * height * len(mode)))
    else:
        picture = Image.new(mode, (width, height), (200, 30, 90, 255)[: len(mode)])
    out = BytesIO()
    if fmt == "JPEG":
        save.setdefault("quality", 100 if noisy else 85)
        save.setdefault("subsampling", 0 if noisy else 2)  # noise at full chroma: heavier than the raw pixels
    picture.save(out, format=fmt, **save)
    return out.getvalue()


def png(width: int, height: int, **kwargs: Any) -> bytes:
    return image(width, height, "PNG", **kwargs)


def jpeg(width: int, height: int, **kwargs: Any) -> bytes:
    return image(width, height, "JPEG", **kwargs)


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def _mvhd(seconds: float, timescale: int = 1000) -> bytes:
    payload = struct.pack(">B3xIIII", 0, 0, 0, timescale, round(seconds * timescale))
    payload += struct.pack(">IH", 0x00010000, 0x0100) + b"\0" * 10  # rate 1.0, volume 1.0, reserved
    payload += struct.pack(">9I", 0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000)  # unity matrix
    payload += b"\0" * 24 + struct.pack(">I", 2)  # pre-defined, next track id
    return _box(b"mvhd", payload)


def mp4(seconds: float | None, *, padding: int = 1000, brand: bytes = b"isom") -> bytes:
    """A minimal ISO base media file: `ftyp`, a `moov` with a movie header of `seconds` (none: no `mvhd`, so no
    readable duration), and an `mdat` of `padding` bytes (to make it as heavy as a test needs)."""
    ftyp = _box(b"ftyp", brand + struct.pack(">I", 512) + b"isomiso2avc1mp41")
    moov = _box(b"moov", _mvhd(seconds) if seconds is not None else b"")
    return ftyp + moov + _box(b"mdat", b"\0" * padding)


# --- rows ---------------------------------------------------------------------------------------------------


def advertiser(actor: Actor = SYSTEM, **overrides: Any) -> int:
    values: dict[str, Any] = {"name": f"Advertiser {_next()}"} | overrides
    with session_scope() as session:
        return advertisers.create_advertiser(session, actor=actor, **values).id


def campaign(advertiser_id: int | None = None, actor: Actor = SYSTEM, **overrides: Any) -> int:
    today = utcnow().date()
    values: dict[str, Any] = {
        "name": f"Campaign {_next()}",
        "budget_cents": 500_000,
        "cpm_bid_cents": 500,
        "starts_on": today,
        "ends_on": today + timedelta(days=30),
        "pacing": "asap",
    } | overrides
    with session_scope() as session:
        return campaigns.create_campaign(session, actor=actor, advertiser_id=advertiser_id or advertiser(), **values).id


def banner(campaign_id: int | None = None, actor: Actor = SYSTEM, fmt: str = "rectangle", **overrides: Any) -> Ad:
    from console.ads.models import BANNER_FORMATS

    values: dict[str, Any] = {
        "name": f"Banner {_next()}",
        "type": "banner",
        "format": fmt,
        "click_url": "https://shop.example.com/sale",
        "creative": png(*BANNER_FORMATS[fmt]),
        "filename": "banner.png",
    } | overrides
    with session_scope() as session:
        return ads.create_ad(session, actor=actor, campaign_id=campaign_id or campaign(), **values)


def video(campaign_id: int | None = None, actor: Actor = SYSTEM, fmt: str = "video_15s", **overrides: Any) -> Ad:
    from console.ads.models import VIDEO_FORMATS

    values: dict[str, Any] = {
        "name": f"Video {_next()}",
        "type": "video_preroll",
        "format": fmt,
        "click_url": "https://shop.example.com/video",
        "creative": mp4(VIDEO_FORMATS[fmt]),
        "filename": "spot.mp4",
    } | overrides
    with session_scope() as session:
        return ads.create_ad(session, actor=actor, campaign_id=campaign_id or campaign(), **values)


def submitted(ad: Ad, actor: Actor = SYSTEM) -> Ad:
    with session_scope() as session:
        return ads.submit_ad(session, actor=actor, ad_id=ad.id, version=ad.version)


def approved(ad: Ad | None = None, actor: Actor = SYSTEM) -> Ad:
    from console.ads.service import review

    ad = submitted(ad or banner(), actor)
    with session_scope() as session:
        return review.approve_ad(session, actor=actor, ad_id=ad.id, version=ad.version)


def load(ad_id: int) -> Ad:
    with session_scope() as session:
        row = session.get(Ad, ad_id)
        assert row is not None
        session.expunge(row)
        return row


def set_state(ad_id: int, state: str) -> Ad:
    """Put an ad in a state the console reaches only through the platform (running) — directly, for a test."""
    with session_scope() as session:
        row = session.get(Ad, ad_id)
        assert row is not None
        row.state = state
        session.flush()
        session.expunge(row)
        return row


def today() -> date:
    return utcnow().date()


def audit_count(*actions: str) -> int:
    """How many audit events the ads services wrote (of these actions, or all ads entities)."""
    from sqlalchemy import func, select

    from console.audit.models import AuditEvent

    query = select(func.count()).select_from(AuditEvent)
    if actions:
        query = query.where(AuditEvent.action.in_(actions))
    else:
        query = query.where(AuditEvent.entity.in_(("ad", "ad_campaign", "advertiser", "ad_domain_block")))
    with session_scope() as session:
        return int(session.execute(query).scalar_one())


def audit_actions(entity: str, entity_id: int) -> list[str]:
    from sqlalchemy import select

    from console.audit.models import AuditEvent

    with session_scope() as session:
        return list(
            session.execute(
                select(AuditEvent.action)
                .where(AuditEvent.entity == entity, AuditEvent.entity_id == str(entity_id))
                .order_by(AuditEvent.id)
            ).scalars()
        )
