"""Ads: create (a draft), edit, submit for review, pause, resume, end.

States: draft → pending_review → approved / rejected; approved → running (the platform marks an ad running when
it serves it) ⇄ paused; any state but ended → ended (final). Only approved and running ads are live
(LIVE_AD_STATES): a paused or ended ad never runs.

What the reviewer saw is the creative (file or URL, a video's declared duration and its poster), the click URL,
the type and format, and the campaign's targeting. Changing any of these on an approved, running or paused ad
sends it back to pending_review (so it stops running) and re-runs the pre-checks; on an ad pending review the
checks are re-run and the version moves on, so a reviewer's decision on what they saw is refused as stale.
Renaming an ad is not a reviewed change. Ended ads cannot be edited.

A creative is an uploaded file (checked by content, stored by hash: creatives.py) or an https URL, not both. Its
facts come from the file: pixel size for images, duration (rounded to whole seconds; the check reads the exact
value) for MP4s. A URL banner takes its format's size; a URL video may declare its duration.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from console.actor import Actor
from console.ads import creatives
from console.ads.checks_urls import url_problem
from console.ads.models import AD_TYPES, BANNER_FORMATS, VIDEO_FORMATS, Ad, AdCampaign, Advertiser
from console.ads.service.rows import REQUEUE_STATES, ad_view, locked, refresh_checks, send_back_to_review
from console.audit.service import record as audit
from console.db import utcnow
from console.errors import NotFound, RuleViolation, ValidationFailed
from console.staff.permissions import Permission, require
from console.validation import clean_text, trimmed

NAME_MAX = 200
MAX_DECLARED_SECONDS = 600
CREATIVE_KEYS = ("creative", "filename", "creative_url", "duration_seconds")
POSTER_KEYS = ("poster", "poster_filename")
EDITABLE = ("name", "type", "format", "click_url", *CREATIVE_KEYS, *POSTER_KEYS)
REVIEWED = {  # ad_view key -> how the change is named in the re-queue reason
    "type": "type",
    "format": "format",
    "click_url": "click URL",
    "creative_path": "creative",
    "creative_url": "creative",
    "duration_seconds": "creative",
    "poster_path": "poster",
}


@dataclass(frozen=True)
class Upload:
    data: bytes
    sniffed: creatives.Sniffed


def formats_for(ad_type: str) -> tuple[str, ...]:
    return tuple(BANNER_FORMATS) if ad_type == "banner" else tuple(VIDEO_FORMATS)


def _basics(values: dict[str, Any], errors: dict[str, str]) -> None:
    values["name"] = clean_text(values["name"], "name", errors, max_len=NAME_MAX)
    if values["type"] not in AD_TYPES:
        errors["type"] = "must be one of: " + ", ".join(AD_TYPES)
    elif not values["format"]:
        errors["format"] = "is required"
    elif values["format"] not in formats_for(values["type"]):
        errors["format"] = f"must be one of {', '.join(formats_for(values['type']))} for a {values['type']} ad"
    values["click_url"], _ = trimmed(values["click_url"])  # white space and byte order marks, as all text
    if (problem := url_problem(values["click_url"])) is not None:
        errors["click_url"] = problem


def _upload(data: bytes | None, filename: str | None, field: str, errors: dict[str, str]) -> Upload | None:
    if data is None:
        return None
    try:
        return Upload(data, creatives.inspect_upload(data, filename, field=field))
    except ValidationFailed as exc:
        errors.update(exc.errors)
        return None


def _creative(values: dict[str, Any], errors: dict[str, str], *, has_file: bool) -> Upload | None:
    """Check the creative inputs (`creative` bytes, `creative_url`, `duration_seconds`). `has_file`: the ad already
    has a stored file that stays unless replaced."""
    data, url = values["creative"], trimmed(values["creative_url"])[0] or None
    values["creative_url"] = url
    if data is not None and url is not None:
        errors["creative"] = "upload a file or give a URL, not both"
    elif data is None and url is None and not has_file:
        errors["creative"] = "is required: upload a file or give an https:// URL"
    if url is not None and (problem := url_problem(url)) is not None:
        errors["creative_url"] = problem
    duration = values["duration_seconds"]
    if duration is not None:
        if data is not None or (url is None and has_file):
            errors["duration_seconds"] = "is read from the uploaded file; leave it empty"
        elif values["type"] == "banner":
            errors["duration_seconds"] = "is for video ads only"
        elif isinstance(duration, bool) or not isinstance(duration, int) or not 0 < duration <= MAX_DECLARED_SECONDS:
            errors["duration_seconds"] = f"must be a whole number of seconds from 1 to {MAX_DECLARED_SECONDS}"
    return _upload(data, values["filename"], "creative", errors)


def _poster(values: dict[str, Any], errors: dict[str, str]) -> Upload | None:
    if values.get("poster") is None:
        return None
    if values["type"] == "banner":
        errors["poster"] = "is for video ads only"
        return None
    upload = _upload(values["poster"], values.get("poster_filename"), "poster", errors)
    if upload is not None and upload.sniffed.kind != "image":
        errors["poster"] = "must be a PNG, JPEG, GIF or WebP image"
        return None
    return upload


def _apply_upload(ad: Ad, upload: Upload) -> None:
    stored = creatives.store_creative(upload.data)
    found = stored.sniffed
    ad.creative_path, ad.creative_url = stored.name, None
    ad.creative_sha256, ad.creative_bytes, ad.creative_content_type = stored.sha256, stored.size, found.content_type
    ad.width, ad.height = found.width, found.height
    ad.duration_seconds = round(found.duration) if found.duration is not None else None


def _apply_url(ad: Ad, url: str, duration: int | None) -> None:
    ad.creative_path, ad.creative_url = None, url
    ad.creative_sha256 = ad.creative_bytes = ad.creative_content_type = None
    ad.duration_seconds = duration if ad.type != "banner" else None


def _fit_format(ad: Ad) -> None:
    """A URL banner takes its format's size; a banner has no duration, a video no pixel size from its format."""
    if ad.creative_path is None:
        ad.width, ad.height = BANNER_FORMATS.get(ad.format, (None, None))
    if ad.type == "banner":
        ad.duration_seconds = None


def _campaign(session: Session, campaign_id: int) -> AdCampaign:
    campaign = session.get(AdCampaign, campaign_id)
    if campaign is None:
        raise ValidationFailed({"campaign_id": f"campaign #{campaign_id} does not exist"})
    advertiser = session.get(Advertiser, campaign.advertiser_id)
    if advertiser is not None and advertiser.status != "active":
        raise RuleViolation(f"Advertiser {advertiser.name} is suspended: reactivate it first.")
    return campaign


def create_ad(
    session: Session,
    *,
    actor: Actor,
    campaign_id: int,
    name: str,
    type: str,
    format: str,
    click_url: str,
    creative: bytes | None = None,
    filename: str | None = None,
    creative_url: str | None = None,
    duration_seconds: int | None = None,
) -> Ad:
    """A draft ad; its creative is checked by content now and stored, the pre-checks run when it is submitted."""
    require(actor, Permission.ADS_EDIT)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {"name": name, "type": type, "format": format, "click_url": click_url}
    values |= {"creative": creative, "filename": filename, "creative_url": creative_url}
    values["duration_seconds"] = duration_seconds
    _basics(values, errors)
    upload = _creative(values, errors, has_file=False)
    if errors:
        raise ValidationFailed(errors)
    campaign = _campaign(session, campaign_id)
    ad = Ad(campaign_id=campaign.id, name=values["name"], type=type, format=format, click_url=values["click_url"])
    ad.state, ad.check_results, ad.rejection_reasons = "draft", [], []
    if upload is not None:
        _apply_upload(ad, upload)
    else:
        _apply_url(ad, values["creative_url"], values["duration_seconds"])
    _fit_format(ad)
    session.add(ad)
    session.flush()
    audit(session, actor, "ad.create", "ad", ad.id, None, ad_view(ad))
    return ad


def _merged(ad: Ad, changes: dict[str, Any]) -> dict[str, Any]:
    values = {key: changes.get(key, getattr(ad, key)) for key in ("name", "type", "format", "click_url")}
    values["creative"] = changes.get("creative")
    values["filename"] = changes.get("filename")
    values["creative_url"] = changes.get("creative_url", None if changes.get("creative") else ad.creative_url)
    values["duration_seconds"] = changes.get("duration_seconds", ad.duration_seconds if ad.creative_url else None)
    values["poster"], values["poster_filename"] = changes.get("poster"), changes.get("poster_filename")
    return values


def update_ad(session: Session, *, actor: Actor, ad_id: int, version: int, **changes: Any) -> Ad:
    """Edit an ad (name, type, format, click_url, creative + filename, creative_url, duration_seconds, poster +
    poster_filename). A change to what was reviewed re-queues an approved/running/paused ad (module docstring)."""
    require(actor, Permission.ADS_EDIT)
    if unknown := [key for key in changes if key not in EDITABLE]:
        raise ValidationFailed({key: "cannot be changed here" for key in unknown})
    ad = locked(session, Ad, ad_id, version)
    if ad.state == "ended":
        raise RuleViolation(f"Ad #{ad.id} has ended; an ended ad cannot be edited (create a new one).")
    errors: dict[str, str] = {}
    values = _merged(ad, changes)
    _basics(values, errors)
    new_creative = "creative" in changes or "creative_url" in changes or "duration_seconds" in changes
    upload = _creative(values, errors, has_file=ad.creative_path is not None) if new_creative else None
    poster = _poster(values, errors)
    if errors:
        raise ValidationFailed(errors)
    before = ad_view(ad)
    ad.name, ad.type, ad.format, ad.click_url = values["name"], values["type"], values["format"], values["click_url"]
    if upload is not None:
        _apply_upload(ad, upload)
    elif new_creative and values["creative_url"] is not None:
        _apply_url(ad, values["creative_url"], values["duration_seconds"])
    if poster is not None:
        ad.poster_path = creatives.store_creative(poster.data, field="poster").name
    _fit_format(ad)
    changed = sorted({label for key, label in REVIEWED.items() if before[key] != getattr(ad, key)})
    if not changed and before["name"] == ad.name:
        return ad
    session.flush()
    audit(session, actor, "ad.update", "ad", ad.id, before, ad_view(ad))
    if changed:
        send_back_to_review(session, actor=actor, ad=ad, why="changed: " + ", ".join(changed))
    return ad


def submit_ad(session: Session, *, actor: Actor, ad_id: int, version: int) -> Ad:
    """Send a draft or rejected ad to review: the pre-checks run and are stored (a failing ad is still queued,
    so the reviewer sees why; approval is refused while a hard check fails)."""
    require(actor, Permission.ADS_EDIT)
    ad = locked(session, Ad, ad_id, version)
    if ad.state not in ("draft", "rejected"):
        raise RuleViolation(
            f"Ad #{ad.id} is {ad.state.replace('_', ' ')}; only draft or rejected ads are submitted (an edit sends "
            "an approved ad back to review by itself)."
        )
    _campaign(session, ad.campaign_id)
    before = ad_view(ad)
    ad.state, ad.submitted_at = "pending_review", utcnow()
    ad.rejection_reasons, ad.rejection_note = [], None
    ad.claimed_by_id, ad.claim_expires_at = None, None
    refresh_checks(session, ad)
    session.flush()
    audit(session, actor, "ad.submit", "ad", ad.id, before, ad_view(ad))
    return ad


def _transition(session: Session, actor: Actor, ad_id: int, version: int, action: str, allowed: tuple[str, ...]) -> Ad:
    ad = locked(session, Ad, ad_id, version)
    if ad.state not in allowed:
        states = " or ".join(s.replace("_", " ") for s in allowed)
        raise RuleViolation(f"Ad #{ad.id} is {ad.state.replace('_', ' ')}; only {states} ads can be {action}d.")
    return ad


def _record(session: Session, actor: Actor, ad: Ad, action: str, before: dict[str, Any]) -> Ad:
    session.flush()
    audit(session, actor, f"ad.{action}", "ad", ad.id, before, ad_view(ad))
    return ad


def pause_ad(session: Session, *, actor: Actor, ad_id: int, version: int) -> Ad:
    """Stop a live ad (approved or running) without ending it."""
    require(actor, Permission.ADS_EDIT)
    ad = _transition(session, actor, ad_id, version, "pause", ("approved", "running"))
    before = ad_view(ad)
    ad.state = "paused"
    return _record(session, actor, ad, "pause", before)


def resume_ad(session: Session, *, actor: Actor, ad_id: int, version: int) -> Ad:
    """A paused ad becomes approved (live again; the platform marks it running when it serves it). Refused when
    its campaign has ended or its advertiser is suspended."""
    require(actor, Permission.ADS_EDIT)
    ad = _transition(session, actor, ad_id, version, "resume", ("paused",))
    campaign = _campaign(session, ad.campaign_id)
    if campaign.ends_on < utcnow().date():
        raise RuleViolation(f"The campaign ended on {campaign.ends_on}; end the ad instead, or extend the campaign.")
    before = ad_view(ad)
    ad.state = "approved"
    return _record(session, actor, ad, "resume", before)


def end_ad(session: Session, *, actor: Actor, ad_id: int, version: int) -> Ad:
    """End an ad for good (from any state but ended): it never runs again and cannot be edited."""
    require(actor, Permission.ADS_EDIT)
    allowed = ("draft", "pending_review", "rejected", *REQUEUE_STATES)
    ad = _transition(session, actor, ad_id, version, "end", allowed)
    before = ad_view(ad)
    ad.state = "ended"
    ad.claimed_by_id, ad.claim_expires_at = None, None
    return _record(session, actor, ad, "end", before)


def get_ad(session: Session, *, actor: Actor, ad_id: int) -> Ad:
    require(actor, Permission.ADS_READ)
    ad = session.get(Ad, ad_id)
    if ad is None:
        raise NotFound(f"Ad #{ad_id} does not exist.")
    return ad
