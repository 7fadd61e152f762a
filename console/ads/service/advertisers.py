"""Advertisers: create, edit (version-checked), suspend and reactivate, read.

Names and other text are what the advertiser typed after the house normalisation (console/validation.py: trimmed,
NFC, no control or bidi-override characters), stored as typed and escaped where shown. Names are unique (exactly,
and ignoring ASCII case). Suspending an advertiser pauses its approved and running ads (each audited); they do
not resume by themselves when it is reactivated.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.ads.checks_urls import url_problem
from console.ads.models import ADVERTISER_STATES, LIVE_AD_STATES, Ad, AdCampaign, Advertiser
from console.ads.service.rows import ad_view, advertiser_view, locked
from console.audit.service import record as audit
from console.errors import NotFound, ValidationFailed
from console.staff.permissions import Permission, require
from console.validation import clean_email, clean_text, too_long, trimmed

NAME_MAX = 120
WEBSITE_MAX = 500  # the column's size (an ad URL may be longer)
EDITABLE = ("name", "contact_email", "website", "status")


def _clean(values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    if "name" in values:
        cleaned["name"] = clean_text(values["name"], "name", errors, max_len=NAME_MAX)
    if "contact_email" in values:
        raw, _ = trimmed(values["contact_email"])  # the house trimming: white space and byte order marks
        cleaned["contact_email"] = clean_email(raw, errors, "contact_email") if raw else None
    if "website" in values:
        raw, _ = trimmed(values["website"])
        if raw and (problem := url_problem(raw) or too_long(raw, WEBSITE_MAX)) is not None:
            errors["website"] = problem
        cleaned["website"] = raw or None
    if "status" in values:
        if values["status"] not in ADVERTISER_STATES:
            errors["status"] = "must be one of: " + ", ".join(ADVERTISER_STATES)
        cleaned["status"] = values["status"]
    return cleaned


def _name_taken(session: Session, name: str, errors: dict[str, str], *, except_id: int | None = None) -> None:
    if "name" in errors or not name:
        return
    query = select(Advertiser.id).where(func.lower(Advertiser.name) == name.lower())
    if except_id is not None:
        query = query.where(Advertiser.id != except_id)
    taken = session.execute(query.limit(1)).scalar_one_or_none()
    if taken is not None:
        errors["name"] = f"is already used by advertiser #{taken}"


def create_advertiser(
    session: Session,
    *,
    actor: Actor,
    name: str,
    contact_email: str | None = None,
    website: str | None = None,
) -> Advertiser:
    require(actor, Permission.ADS_EDIT)
    errors: dict[str, str] = {}
    cleaned = _clean({"name": name, "contact_email": contact_email, "website": website}, errors)
    _name_taken(session, cleaned["name"], errors)
    if errors:
        raise ValidationFailed(errors)
    advertiser = Advertiser(**cleaned, status="active")
    session.add(advertiser)
    session.flush()
    audit(session, actor, "advertiser.create", "advertiser", advertiser.id, None, advertiser_view(advertiser))
    return advertiser


def update_advertiser(
    session: Session, *, actor: Actor, advertiser_id: int, version: int, **changes: Any
) -> Advertiser:
    """Change name, contact_email, website or status ("active"/"suspended"); refused when `version` is stale."""
    require(actor, Permission.ADS_EDIT)
    errors: dict[str, str] = {key: "cannot be changed here" for key in changes if key not in EDITABLE}
    cleaned = _clean(changes, errors)
    if "name" in cleaned:
        _name_taken(session, cleaned["name"], errors, except_id=advertiser_id)
    if errors:
        raise ValidationFailed(errors)
    advertiser = locked(session, Advertiser, advertiser_id, version)
    before = advertiser_view(advertiser)
    for key, value in cleaned.items():
        setattr(advertiser, key, value)
    if advertiser_view(advertiser) == before:
        return advertiser
    session.flush()
    audit(session, actor, "advertiser.update", "advertiser", advertiser.id, before, advertiser_view(advertiser))
    if before["status"] == "active" and advertiser.status == "suspended":
        _pause_live_ads(session, actor, advertiser)
    return advertiser


def _pause_live_ads(session: Session, actor: Actor, advertiser: Advertiser) -> None:
    live = session.execute(
        select(Ad)
        .join(AdCampaign, AdCampaign.id == Ad.campaign_id)
        .where(AdCampaign.advertiser_id == advertiser.id, Ad.state.in_(LIVE_AD_STATES))
        .order_by(Ad.id)
        .with_for_update()
    ).scalars()
    for ad in live:
        before = ad_view(ad)
        ad.state = "paused"
        session.flush()
        audit(session, actor, "ad.pause", "ad", ad.id, before, ad_view(ad), reason="advertiser suspended")


def get_advertiser(session: Session, *, actor: Actor, advertiser_id: int) -> Advertiser:
    require(actor, Permission.ADS_READ)
    advertiser = session.get(Advertiser, advertiser_id)
    if advertiser is None:
        raise NotFound(f"Advertiser #{advertiser_id} does not exist.")
    return advertiser


def list_advertisers(
    session: Session, *, actor: Actor, search: str | None = None, limit: int = 200
) -> list[Advertiser]:
    """Advertisers by name (for pickers and filters): at most `limit` (≤ 1,000), optionally those whose name
    contains `search`."""
    require(actor, Permission.ADS_READ)
    query = select(Advertiser).order_by(Advertiser.name, Advertiser.id).limit(max(1, min(limit, 1000)))
    text = (search or "").strip()
    if text:
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Advertiser.name.ilike(f"%{escaped}%", escape="\\"))
    return list(session.execute(query).scalars())
