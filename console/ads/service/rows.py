"""What the ads services share: the audited shape of each row, loading a row locked and version-checked (a stale
version is refused naming who changed it), staff names for messages, and sending an ad back to review.

Audit entities: "advertiser", "ad_campaign", "ad", "ad_domain_block" (entity_id is the row's id). Actions:
advertiser.create/update, campaign.create/update, ad_domain.block/unblock, and on ads ad.create, ad.update,
ad.submit, ad.requeue (an edit or a blocked domain sent it back; the reason says which), ad.checks (fresh results
on a pending ad), ad.claim, ad.release, ad.approve, ad.reject (the note is the event's reason), ad.pause, ad.resume,
ad.end. Before/after hold `ad_view` and its siblings.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.ads import checks
from console.ads.models import Ad, AdCampaign, Advertiser
from console.audit.last_change import last_change
from console.audit.service import record as audit
from console.db import utcnow
from console.errors import Conflict, NotFound
from console.staff.models import Staff

REQUEUE_STATES = ("approved", "running", "paused")  # an edit of what was reviewed sends these back to review
OPEN_STATES = ("pending_review", *REQUEUE_STATES)  # states whose checks are kept current

Row = TypeVar("Row", Ad, AdCampaign, Advertiser)
ENTITY = {Ad: "ad", AdCampaign: "ad_campaign", Advertiser: "advertiser"}
LABEL = {Ad: "Ad", AdCampaign: "Campaign", Advertiser: "Advertiser"}


def ad_view(ad: Ad) -> dict[str, Any]:
    return {
        "name": ad.name,
        "type": ad.type,
        "format": ad.format,
        "state": ad.state,
        "creative_path": ad.creative_path,
        "creative_url": ad.creative_url,
        "creative_sha256": ad.creative_sha256,
        "creative_bytes": ad.creative_bytes,
        "poster_path": ad.poster_path,
        "click_url": ad.click_url,
        "width": ad.width,
        "height": ad.height,
        "duration_seconds": ad.duration_seconds,
        "check_state": ad.check_state,
        "rejection_reasons": list(ad.rejection_reasons or []),
        "rejection_note": ad.rejection_note,
        "claimed_by_id": ad.claimed_by_id,
        "claim_expires_at": ad.claim_expires_at,
        "reviewed_by_id": ad.reviewed_by_id,
        "version": ad.version,
    }


def campaign_view(campaign: AdCampaign) -> dict[str, Any]:
    return {
        "advertiser_id": campaign.advertiser_id,
        "name": campaign.name,
        "budget_cents": campaign.budget_cents,
        "cpm_bid_cents": campaign.cpm_bid_cents,
        "currency": campaign.currency,
        "pacing": campaign.pacing,
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
        "target_countries": list(campaign.target_countries or []),
        "target_regions": list(campaign.target_regions or []),
        "target_plans": list(campaign.target_plans or []),
        "frequency_cap_per_day": campaign.frequency_cap_per_day,
        "version": campaign.version,
    }


def advertiser_view(advertiser: Advertiser) -> dict[str, Any]:
    return {
        "name": advertiser.name,
        "contact_email": advertiser.contact_email,
        "website": advertiser.website,
        "status": advertiser.status,
        "version": advertiser.version,
    }


def view(row: Ad | AdCampaign | Advertiser) -> dict[str, Any]:
    if isinstance(row, Ad):
        return ad_view(row)
    if isinstance(row, AdCampaign):
        return campaign_view(row)
    return advertiser_view(row)


def _state_of(row: Ad | AdCampaign | Advertiser) -> str:
    if isinstance(row, Ad):
        return f" (it is now {row.state.replace('_', ' ')})"
    if isinstance(row, Advertiser):
        return f" (it is now {row.status})"
    return ""


def locked(session: Session, model: type[Row], row_id: int, version: int | None) -> Row:
    """The row, locked for this transaction (FOR UPDATE on PostgreSQL) and fresh from the database; a `version`
    that is not the stored one is refused with a Conflict naming who changed it."""
    row = session.execute(
        select(model).where(model.id == row_id).with_for_update().execution_options(populate_existing=True)
    ).scalar_one_or_none()
    label = LABEL[model]
    if row is None:
        raise NotFound(f"{label} #{row_id} does not exist.")
    if version is not None and row.version != version:
        last = last_change(session, ENTITY[model], row_id)
        who = last.by or "someone else"
        raise Conflict(
            f"{label} #{row_id} was changed by {who} while you looked at it{_state_of(row)}. Nothing was done; "
            "look at it again and retry.",
            current=view(row),
            changed_by=who,
            changed_at=last.at,
        )
    return row


def staff_label(session: Session, staff_id: int | None) -> str:
    if staff_id is None:
        return "nobody"
    staff = session.get(Staff, staff_id)
    return staff.name if staff is not None else f"staff #{staff_id}"


def refresh_checks(session: Session, ad: Ad) -> str:
    """Run the pre-checks on the ad as it is now and store them; returns the verdict."""
    session.flush()
    return checks.store_results(ad, checks.run_checks(session, ad))


def send_back_to_review(session: Session, *, actor: Actor, ad: Ad, why: str) -> bool:
    """An approved, running or paused ad whose reviewed parts changed goes back to pending_review (so it stops
    running) with fresh checks; a pending ad only gets fresh checks. Audited as ad.requeue / ad.checks with
    `why` as the reason. Returns True when the ad was re-queued."""
    if ad.state not in OPEN_STATES:
        return False
    before, results_before = ad_view(ad), list(ad.check_results or [])
    requeue = ad.state in REQUEUE_STATES
    if requeue:
        ad.state = "pending_review"
        ad.submitted_at = utcnow()
        ad.claimed_by_id, ad.claim_expires_at = None, None
    refresh_checks(session, ad)
    if not requeue and ad.check_results == results_before:
        return False  # nothing new to say
    session.flush()
    audit(session, actor, "ad.requeue" if requeue else "ad.checks", "ad", ad.id, before, ad_view(ad), reason=why)
    return requeue
