"""The review queue (read side): one server-paged list of ads, pending review first and the oldest submission first,
filtered by state, type, format, advertiser and the pre-checks' result; and the review card of one ad (its facts,
campaign, advertiser, check results and the decision history from the audit log).

Every filter runs on an index of `ads` (models.py): (state, submitted_at, id) and the same with type, format or
check_state in second place; the advertiser filter reaches the advertiser's campaigns (ix_ad_campaigns_advertiser)
and their ads in the state by (campaign_id, state, submitted_at, id). Claims and decisions are in review.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.ads.models import AD_FORMATS, AD_STATES, AD_TYPES, CHECK_STATES, Ad, AdCampaign, Advertiser
from console.audit.models import AuditEvent
from console.db import utcnow
from console.errors import NotFound, ValidationFailed
from console.paging import Page, PageRequest, exact_or_estimated_count, fetch_page
from console.staff.names import names_of
from console.staff.permissions import Permission, require

STATE_FILTERS = (*AD_STATES, "all")
HISTORY_LIMIT = 200  # newest events of one ad on its card


@dataclass(frozen=True)
class QueueFilter:
    state: str = "pending_review"  # one of AD_STATES, or "all" (pending review still first)
    type: str | None = None
    format: str | None = None
    advertiser_id: int | None = None
    check_state: str | None = None  # pass / warn / fail


@dataclass(frozen=True)
class QueueRow:
    id: int
    name: str
    advertiser: str
    campaign: str
    type: str
    format: str
    state: str
    check_state: str | None
    submitted_at: datetime | None
    claimed_by_label: str | None  # who holds an unexpired claim, else None
    version: int


@dataclass(frozen=True)
class CheckView:
    """One stored pre-check result (the JSON checks.py writes into ads.check_results), as the card shows it."""

    code: str
    level: str  # hard / soft
    ok: bool
    message: str
    skipped: bool = False


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor_label: str
    action: str  # ad.submit, ad.approve, ad.reject, ...
    reason: str | None
    before: Any
    after: Any


@dataclass(frozen=True)
class ReviewCard:
    ad: Ad
    campaign: AdCampaign
    advertiser: Advertiser
    checks: list[CheckView]
    history: list[HistoryEntry]  # oldest first
    claimed_by_label: str | None
    claim_expires_at: datetime | None
    reviewed_by_label: str | None

    @property
    def hard_failures(self) -> list[CheckView]:
        return [c for c in self.checks if c.level == "hard" and not c.ok and not c.skipped]


def _validated(flt: QueueFilter) -> QueueFilter:
    errors: dict[str, str] = {}
    if flt.state not in STATE_FILTERS:
        errors["state"] = "must be one of: " + ", ".join(STATE_FILTERS)
    if flt.type is not None and flt.type not in AD_TYPES:
        errors["type"] = "must be one of: " + ", ".join(AD_TYPES)
    if flt.format is not None and flt.format not in AD_FORMATS:
        errors["format"] = "must be one of: " + ", ".join(AD_FORMATS)
    if flt.check_state is not None and flt.check_state not in CHECK_STATES:
        errors["check_state"] = "must be one of: " + ", ".join(CHECK_STATES)
    if flt.advertiser_id is not None and not (isinstance(flt.advertiser_id, int) and flt.advertiser_id > 0):
        errors["advertiser_id"] = "must be a positive whole number"
    if errors:
        raise ValidationFailed(errors)
    return flt


def filtered_ads(flt: QueueFilter) -> Select[tuple[Ad]]:
    query = select(Ad)
    if flt.state != "all":
        query = query.where(Ad.state == flt.state)
    if flt.type is not None:
        query = query.where(Ad.type == flt.type)
    if flt.format is not None:
        query = query.where(Ad.format == flt.format)
    if flt.check_state is not None:
        query = query.where(Ad.check_state == flt.check_state)
    if flt.advertiser_id is not None:
        campaigns = select(AdCampaign.id).where(AdCampaign.advertiser_id == flt.advertiser_id)
        query = query.where(Ad.campaign_id.in_(campaigns.scalar_subquery()))
    return query


def queue_order(flt: QueueFilter) -> list[tuple[Any, bool]]:
    """Pending review first, then the oldest submission (never-submitted drafts last), the id breaking ties."""
    order: list[tuple[Any, bool]] = []
    if flt.state == "all":
        order.append((case((Ad.state == "pending_review", 0), else_=1), False))
        order.append((Ad.submitted_at.is_(None), False))  # NULLs sort differently on the two databases
    return [*order, (Ad.submitted_at, False), (Ad.id, False)]


def list_queue(session: Session, *, actor: Actor, flt: QueueFilter, page: PageRequest) -> Page[QueueRow]:
    """One page of the queue; totals are exact (a few thousand ads) or estimated past 10,000 (paging.py)."""
    require(actor, Permission.ADS_READ)
    flt = _validated(flt)
    query = filtered_ads(flt)
    total, estimated = exact_or_estimated_count(session, query)
    ads: list[Ad] = fetch_page(session, query, queue_order(flt), page, total, estimated=estimated)
    return Page(rows=_rows(session, ads), total=total, estimated=estimated, request=page)


def _rows(session: Session, ads: list[Ad]) -> list[QueueRow]:
    """The page's campaign, advertiser and claim names in two small queries (25 rows, not a join per row)."""
    campaign_ids = {ad.campaign_id for ad in ads}
    names: dict[int, tuple[str, str]] = {}
    if campaign_ids:
        found = session.execute(
            select(AdCampaign.id, AdCampaign.name, Advertiser.name)
            .join(Advertiser, Advertiser.id == AdCampaign.advertiser_id)
            .where(AdCampaign.id.in_(campaign_ids))
        )
        names = {cid: (campaign, advertiser) for cid, campaign, advertiser in found.tuples()}
    now = utcnow()
    claimers = {ad.claimed_by_id for ad in ads if _claimed(ad, now)}
    labels = _staff_names(session, claimers)
    return [
        QueueRow(
            id=ad.id,
            name=ad.name,
            advertiser=names.get(ad.campaign_id, ("", ""))[1],
            campaign=names.get(ad.campaign_id, ("", ""))[0],
            type=ad.type,
            format=ad.format,
            state=ad.state,
            check_state=ad.check_state,
            submitted_at=ad.submitted_at,
            claimed_by_label=labels.get(ad.claimed_by_id) if _claimed(ad, now) and ad.claimed_by_id else None,
            version=ad.version,
        )
        for ad in ads
    ]


def _claimed(ad: Ad, now: datetime) -> bool:
    return ad.claimed_by_id is not None and ad.claim_expires_at is not None and ad.claim_expires_at > now


def _staff_names(session: Session, ids: set[int | None]) -> dict[int | None, str]:
    names: dict[int | None, str] = {k: v for k, v in names_of(session, ids).items()}  # keyed as the optional ids
    return names


def check_views(results: list[dict[str, Any]] | None) -> list[CheckView]:
    """Stored check results as the card shows them; a malformed entry is shown as such rather than dropped."""
    views = []
    for item in results or []:
        if not isinstance(item, dict):
            views.append(CheckView("unreadable", "hard", False, "A stored check result could not be read."))
            continue
        views.append(
            CheckView(
                code=str(item.get("code", "unknown")),
                level="soft" if item.get("level") == "soft" else "hard",  # an unknown level blocks, as checks.py
                ok=bool(item.get("ok", False)),
                message=str(item.get("message", "")),
                skipped=bool(item.get("skipped", False)),
            )
        )
    return views


def ad_history(session: Session, ad_id: int, limit: int = HISTORY_LIMIT) -> list[HistoryEntry]:
    """The ad's audit events (entity "ad"), oldest first; the newest `limit` when there are more."""
    events = list(
        session.execute(
            select(AuditEvent)
            .where(AuditEvent.entity == "ad", AuditEvent.entity_id == str(ad_id))
            .order_by(AuditEvent.id.desc())
            .limit(limit)
        ).scalars()
    )
    # staff by name, as the claim line above the history names them (the label stays for the system and the gone)
    names = names_of(session, (e.actor_id for e in events if e.actor_kind == "staff"))
    return [
        HistoryEntry(
            at=e.occurred_at,
            actor_label=names.get(e.actor_id, e.actor_label) if e.actor_id is not None else e.actor_label,
            action=e.action,
            reason=e.reason,
            before=e.before,
            after=e.after,
        )
        for e in reversed(events)
    ]


def review_card(session: Session, *, actor: Actor, ad_id: int) -> ReviewCard:
    require(actor, Permission.ADS_READ)
    ad = session.get(Ad, ad_id)
    if ad is None:
        raise NotFound(f"Ad #{ad_id} does not exist.")
    campaign = session.get(AdCampaign, ad.campaign_id)
    assert campaign is not None  # a foreign key
    advertiser = session.get(Advertiser, campaign.advertiser_id)
    assert advertiser is not None
    now = utcnow()
    labels = _staff_names(session, {ad.claimed_by_id, ad.reviewed_by_id})
    claimed = _claimed(ad, now)
    return ReviewCard(
        ad=ad,
        campaign=campaign,
        advertiser=advertiser,
        checks=check_views(ad.check_results),
        history=ad_history(session, ad.id),
        claimed_by_label=labels.get(ad.claimed_by_id) if claimed else None,
        claim_expires_at=ad.claim_expires_at if claimed else None,
        reviewed_by_label=labels.get(ad.reviewed_by_id) if ad.reviewed_by_id else None,
    )
