"""Review decisions: claim, release, next ad, approve, reject, bulk approve/reject, re-run the checks.

Two reviewers never decide one ad twice. A claim (`claimed_by_id`, `claim_expires_at`, CONSOLE_ADS_CLAIM_MINUTES,
default 10) marks an ad as someone's: nobody else can claim or decide it until it is released, decided or the
claim runs out (an expired claim is no claim; no job is needed). Deciding an unclaimed ad is allowed; every
decision also carries the version the reviewer saw, and a stale one is refused naming who changed the ad.
`next_ad` claims the oldest unclaimed ad pending review in one statement, with FOR UPDATE SKIP LOCKED on
PostgreSQL (concurrent reviewers skip each other's row; SQLite serialises writers with BEGIN IMMEDIATE).

Approval re-runs the pre-checks on the ad as it is now (the blocklist or the campaign may have changed since it
was submitted) and is refused while a hard check fails. Rejection needs one or more REJECTION_REASONS; "other"
needs a note. Bulk decisions take each ad in its own savepoint and report per ad.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from console.actor import Actor
from console.ads import checks
from console.ads.models import REJECTION_REASONS, Ad, AdCampaign, Advertiser
from console.ads.service.rows import ad_view, locked, refresh_checks, staff_label
from console.audit.service import record as audit
from console.config import get_settings
from console.db import dialect_name, utcnow
from console.errors import Conflict, ConsoleError, RuleViolation, ValidationFailed
from console.staff.permissions import Permission, require
from console.validation import clean_text

NOTE_MAX = 2000
BULK_MAX = 200
REASON_LABELS = {  # what the reject dialog and the queue show for each reason
    "misleading": "Misleading",
    "adult_content_outside_policy": "Adult content outside policy",
    "malware_or_phishing": "Malware or phishing",
    "wrong_size": "Wrong size",
    "broken_landing_page": "Broken landing page",
    "other": "Other (needs a note)",
}
Decision = Literal["approve", "reject"]


@dataclass(frozen=True)
class BulkResult:
    ad_id: int
    ok: bool
    message: str


def claim_minutes() -> int:
    return get_settings().ads_claim_minutes


def _claimed_by_other(ad: Ad, actor: Actor) -> bool:
    return (
        ad.claimed_by_id is not None
        and ad.claimed_by_id != actor.staff_id
        and ad.claim_expires_at is not None
        and ad.claim_expires_at > utcnow()
    )


def _refuse_if_claimed(session: Session, ad: Ad, actor: Actor, doing: str) -> None:
    if _claimed_by_other(ad, actor):
        assert ad.claim_expires_at is not None
        raise Conflict(
            f"Ad #{ad.id} is being reviewed by {staff_label(session, ad.claimed_by_id)} until "
            f"{ad.claim_expires_at:%Y-%m-%d %H:%M} UTC; you cannot {doing} it.",
            current=ad_view(ad),
            changed_by=staff_label(session, ad.claimed_by_id),
        )


def _pending(ad: Ad) -> None:
    if ad.state != "pending_review":
        raise RuleViolation(
            f"Ad #{ad.id} is {ad.state.replace('_', ' ')}; only ads pending review are claimed and decided."
        )


def _clean_note(note: str | None, errors: dict[str, str]) -> str | None:
    return clean_text(note, "note", errors, max_len=NOTE_MAX, required=False, multiline=True) or None


# --- claims -------------------------------------------------------------------------------------------------


def _write_claim(session: Session, ad: Ad, staff_id: int | None, expires: datetime | None) -> None:
    """Set the claim without a new version: the version says what the reviewer saw of the ad (its state, content and
    checks). A claim taken, renewed or let go changes none of that, and a second tab renewing its own reviewer's
    claim made the first tab's decision "changed while you looked at it". Who holds the ad is checked under the
    row lock instead (`_refuse_if_claimed`)."""
    session.execute(
        update(Ad)
        .where(Ad.id == ad.id)
        .values(claimed_by_id=staff_id, claim_expires_at=expires)
        .execution_options(synchronize_session=False)
    )
    set_committed_value(ad, "claimed_by_id", staff_id)
    set_committed_value(ad, "claim_expires_at", expires)


def _set_claim(session: Session, actor: Actor, ad: Ad) -> Ad:
    """Claim (or renew) for CONSOLE_ADS_CLAIM_MINUTES. A claim of this reviewer's own with more than half its time
    left is kept as it is: opening the ad again (another tab, back to the queue) writes nothing."""
    now, minutes = utcnow(), claim_minutes()
    if (
        ad.claimed_by_id == actor.staff_id
        and ad.claim_expires_at is not None
        and ad.claim_expires_at - now > timedelta(minutes=minutes / 2)
    ):
        return ad
    before = ad_view(ad)
    _write_claim(session, ad, actor.staff_id, now + timedelta(minutes=minutes))
    audit(session, actor, "ad.claim", "ad", ad.id, before, ad_view(ad))
    return ad


def _claimant(actor: Actor) -> None:
    if actor.staff_id is None:
        raise RuleViolation("Only a signed-in reviewer can claim ads.")


def claim_ad(session: Session, *, actor: Actor, ad_id: int) -> Ad:
    """Make a pending ad the actor's for CONSOLE_ADS_CLAIM_MINUTES (claiming one's own claim renews it)."""
    require(actor, Permission.ADS_REVIEW)
    _claimant(actor)
    ad = locked(session, Ad, ad_id, None)
    _pending(ad)
    _refuse_if_claimed(session, ad, actor, "claim")
    return _set_claim(session, actor, ad)


def next_ad(session: Session, *, actor: Actor) -> Ad | None:
    """Claim the oldest pending ad that nobody holds (or whose claim ran out); None when there is none."""
    require(actor, Permission.ADS_REVIEW)
    _claimant(actor)
    now = utcnow()
    query = (
        select(Ad)
        .where(
            Ad.state == "pending_review",
            or_(Ad.claimed_by_id.is_(None), Ad.claim_expires_at < now, Ad.claimed_by_id == actor.staff_id),
        )
        .order_by(Ad.submitted_at, Ad.id)
        .limit(1)
        .with_for_update(skip_locked=dialect_name(session) == "postgresql")
        .execution_options(populate_existing=True)
    )
    ad = session.execute(query).scalar_one_or_none()
    return _set_claim(session, actor, ad) if ad is not None else None


def release_ad(session: Session, *, actor: Actor, ad_id: int) -> Ad:
    """Give a claimed ad back to the queue: its holder, or anyone once the claim has run out."""
    require(actor, Permission.ADS_REVIEW)
    ad = locked(session, Ad, ad_id, None)
    if ad.claimed_by_id is None:
        return ad
    _refuse_if_claimed(session, ad, actor, "release")
    before = ad_view(ad)
    _write_claim(session, ad, None, None)
    audit(session, actor, "ad.release", "ad", ad.id, before, ad_view(ad))
    return ad


# --- decisions ----------------------------------------------------------------------------------------------


def _decidable(session: Session, actor: Actor, ad_id: int, version: int | None) -> Ad:
    ad = locked(session, Ad, ad_id, version)
    _pending(ad)
    _refuse_if_claimed(session, ad, actor, "decide")
    return ad


def _decided(session: Session, actor: Actor, ad: Ad, action: str, before: dict, note: str | None) -> Ad:
    ad.reviewed_by_id, ad.reviewed_at = actor.staff_id, utcnow()
    ad.claimed_by_id, ad.claim_expires_at = None, None
    session.flush()
    audit(session, actor, f"ad.{action}", "ad", ad.id, before, ad_view(ad), reason=note)
    return ad


def _advertiser_active(session: Session, ad: Ad) -> None:
    campaign = session.get(AdCampaign, ad.campaign_id)
    advertiser = session.get(Advertiser, campaign.advertiser_id) if campaign is not None else None
    if advertiser is not None and advertiser.status != "active":
        raise RuleViolation(f"Advertiser {advertiser.name} is suspended; its ads cannot be approved.")


def approve_ad(session: Session, *, actor: Actor, ad_id: int, version: int | None, note: str | None = None) -> Ad:
    """Approve a pending ad: refused while a hard pre-check fails (checks re-run now), while someone else holds
    its claim, or when `version` is stale."""
    require(actor, Permission.ADS_REVIEW)
    errors: dict[str, str] = {}
    cleaned = _clean_note(note, errors)
    if errors:
        raise ValidationFailed(errors)
    ad = _decidable(session, actor, ad_id, version)
    _advertiser_active(session, ad)
    before = ad_view(ad)
    refresh_checks(session, ad)
    failures = checks.hard_failures(checks.stored_results(ad))
    if failures:
        listed = "; ".join(f.message for f in failures)
        raise RuleViolation(f"Ad #{ad.id} cannot be approved while a hard check fails: {listed}.")
    ad.state = "approved"
    ad.rejection_reasons, ad.rejection_note = [], None
    return _decided(session, actor, ad, "approve", before, cleaned)


def clean_reasons(reasons: Iterable[str] | None, note: str | None) -> tuple[list[str], str | None]:
    """The rejection reasons (known, at least one, without duplicates, in REJECTION_REASONS order) and the note;
    raises ValidationFailed naming `reasons` or `note`."""
    errors: dict[str, str] = {}
    given = [str(r).strip() for r in (reasons or [])]
    unknown = [r for r in given if r not in REJECTION_REASONS]
    chosen = [r for r in REJECTION_REASONS if r in given]
    if unknown:
        errors["reasons"] = f"{unknown[0]!r} is not a rejection reason (one of: {', '.join(REJECTION_REASONS)})"
    elif not chosen:
        errors["reasons"] = "choose at least one reason"
    cleaned = _clean_note(note, errors)
    if "other" in chosen and not cleaned and "note" not in errors:
        errors["note"] = "is required when the reason is “other”: say what is wrong"
    if errors:
        raise ValidationFailed(errors)
    return chosen, cleaned


def reject_ad(
    session: Session,
    *,
    actor: Actor,
    ad_id: int,
    version: int | None,
    reasons: list[str],
    note: str | None = None,
) -> Ad:
    """Reject a pending ad with one or more policy reasons (the advertiser may fix it and submit again)."""
    require(actor, Permission.ADS_REVIEW)
    chosen, cleaned = clean_reasons(reasons, note)
    ad = _decidable(session, actor, ad_id, version)
    before = ad_view(ad)
    ad.state = "rejected"
    ad.rejection_reasons, ad.rejection_note = chosen, cleaned
    return _decided(session, actor, ad, "reject", before, cleaned)


def bulk_decide(
    session: Session,
    *,
    actor: Actor,
    ad_ids: list[int],
    decision: Decision,
    reasons: list[str] | None = None,
    note: str | None = None,
) -> list[BulkResult]:
    """Approve or reject many ads (at most BULK_MAX); each in its own savepoint, so each succeeds or fails on its
    own. The reasons and note are checked once, before any ad; the result lists every ad once, in the order given."""
    require(actor, Permission.ADS_REVIEW)
    if decision not in ("approve", "reject"):
        raise ValidationFailed({"decision": "must be approve or reject"})
    unique = list(dict.fromkeys(int(i) for i in ad_ids))
    if not unique:
        raise ValidationFailed({"ad_ids": "choose at least one ad"})
    if len(unique) > BULK_MAX:
        raise ValidationFailed({"ad_ids": f"at most {BULK_MAX} ads at once ({len(unique)} chosen)"})
    if decision == "reject":
        clean_reasons(reasons, note)
    else:
        errors: dict[str, str] = {}
        _clean_note(note, errors)
        if errors:
            raise ValidationFailed(errors)
    return [_bulk_one(session, actor, ad_id, decision, reasons, note) for ad_id in unique]


def _bulk_one(
    session: Session, actor: Actor, ad_id: int, decision: Decision, reasons: list[str] | None, note: str | None
) -> BulkResult:
    savepoint = session.begin_nested()
    try:
        if decision == "approve":
            approve_ad(session, actor=actor, ad_id=ad_id, version=None, note=note)
        else:
            reject_ad(session, actor=actor, ad_id=ad_id, version=None, reasons=list(reasons or []), note=note)
    except ConsoleError as exc:
        savepoint.rollback()
        return BulkResult(ad_id, False, exc.message)
    except StaleDataError:
        savepoint.rollback()
        return BulkResult(ad_id, False, f"Ad #{ad_id} was changed by someone else at the same time; nothing was done.")
    savepoint.commit()
    return BulkResult(ad_id, True, f"Ad #{ad_id} {'approved' if decision == 'approve' else 'rejected'}.")


def rerun_checks(session: Session, *, actor: Actor, ad_id: int) -> Ad:
    """Run the pre-checks again on an ad that is not ended and store them (audited as ad.checks when the results
    changed)."""
    require(actor, Permission.ADS_REVIEW)
    ad = locked(session, Ad, ad_id, None)
    if ad.state == "ended":
        raise RuleViolation(f"Ad #{ad.id} has ended; its checks are kept as they were.")
    before, results_before = ad_view(ad), list(ad.check_results or [])
    refresh_checks(session, ad)
    if ad.check_results != results_before:
        session.flush()
        audit(session, actor, "ad.checks", "ad", ad.id, before, ad_view(ad), reason="checks run again")
    return ad
