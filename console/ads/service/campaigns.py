"""Campaigns: create and edit (version-checked) with validation, read, list an advertiser's campaigns.

Rules: a name (clean text); budget and CPM bid in integer cents above zero (at most MAX_BUDGET_CENTS and
MAX_BID_CENTS); an ISO 4217 currency; pacing even/asap; dates in order, and a new or moved end date is today or
later (UTC); countries are ISO 3166-1 alpha-2 codes (pycountry), regions ISO 3166-2 codes (US-CA) in one of the
targeted countries when countries are targeted, plans from console.billing.models.PLAN_CODES; lists are stored
upper/lower-cased, without duplicates, sorted. An empty list targets everyone.

A change to the targeting (countries, regions or plans) sends the campaign's approved, running and paused ads back
to review (ads.py's rule: what was reviewed changed); any change re-runs the checks of its ads pending review, since
the dates and budget checks read the campaign.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import pycountry
from sqlalchemy import select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.ads.models import PACING, Ad, AdCampaign, Advertiser
from console.ads.service.rows import OPEN_STATES, campaign_view, locked, send_back_to_review
from console.audit.service import record as audit
from console.billing.models import PLAN_CODES
from console.db import utcnow
from console.errors import NotFound, RuleViolation, ValidationFailed
from console.members.countries import COUNTRIES
from console.staff.permissions import Permission, require
from console.validation import clean_text

NAME_MAX = 200
MAX_BUDGET_CENTS = 10_000_000_000  # 100 million in major units
MAX_BID_CENTS = 100_000  # a 1,000.00 CPM
MAX_FREQUENCY_CAP = 1000
MAX_TARGETS = 300
TARGETING = ("target_countries", "target_regions", "target_plans")
EDITABLE = (
    "name",
    "budget_cents",
    "cpm_bid_cents",
    "currency",
    "pacing",
    "starts_on",
    "ends_on",
    *TARGETING,
    "frequency_cap_per_day",
)


def _amount(value: Any, field: str, maximum: int, errors: dict[str, str]) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        errors[field] = "must be a whole number of cents"
        return 0
    if not 0 < value <= maximum:
        errors[field] = f"must be above zero and at most {maximum:,} cents"
    return value


def _date(value: Any, field: str, errors: dict[str, str]) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        errors[field] = "must be a date (YYYY-MM-DD)"
        return None


def _codes(values: Iterable[str] | None, field: str, errors: dict[str, str], *, upper: bool) -> list[str]:
    items = [str(v).strip() for v in (values or []) if str(v).strip()]
    items = sorted({v.upper() if upper else v.lower() for v in items})
    if len(items) > MAX_TARGETS:
        errors[field] = f"may hold {MAX_TARGETS} entries at most"
    return items


def _listed(typed: list[str]) -> str:
    """The refused entries as typed (a long one shortened), so every one is named in one message."""
    shown = [value if len(value) <= 40 else value[:39] + "…" for value in dict.fromkeys(typed)]
    return ", ".join(shown[:10]) + (f" and {len(shown) - 10} more" if len(shown) > 10 else "")


def _targeting(values: dict[str, Any], errors: dict[str, str]) -> None:
    countries = _codes(values["target_countries"], "target_countries", errors, upper=True)
    if unknown := [c for c in countries if c not in COUNTRIES]:
        errors["target_countries"] = "has codes that are not ISO 3166-1 countries: " + ", ".join(unknown[:10])
    typed = [str(v).strip() for v in (values["target_regions"] or []) if str(v).strip()]
    regions = _codes(typed, "target_regions", errors, upper=True)
    unknown = [r for r in typed if pycountry.subdivisions.get(code=r.upper()) is None]
    elsewhere = [r for r in typed if r not in unknown and countries and r.upper().split("-")[0] not in countries]
    if unknown:
        errors["target_regions"] = "has entries that are not ISO 3166-2 region codes (like DE-BY): " + _listed(unknown)
    elif elsewhere:
        errors["target_regions"] = "has regions outside the targeted countries: " + _listed(elsewhere)
    plans = _codes(values["target_plans"], "target_plans", errors, upper=False)
    if unknown := [p for p in plans if p not in PLAN_CODES]:
        errors["target_plans"] = "must be among: " + ", ".join(PLAN_CODES) + f" (not {', '.join(unknown[:10])})"
    values.update(target_countries=countries, target_regions=regions, target_plans=plans)


def _scalars(values: dict[str, Any], errors: dict[str, str]) -> None:
    values["name"] = clean_text(values["name"], "name", errors, max_len=NAME_MAX)
    values["budget_cents"] = _amount(values["budget_cents"], "budget_cents", MAX_BUDGET_CENTS, errors)
    values["cpm_bid_cents"] = _amount(values["cpm_bid_cents"], "cpm_bid_cents", MAX_BID_CENTS, errors)
    currency = str(values["currency"] or "").strip().upper()
    if len(currency) != 3 or not currency.isascii() or pycountry.currencies.get(alpha_3=currency) is None:
        errors["currency"] = "must be an ISO 4217 currency code (USD, EUR)"
    values["currency"] = currency
    if values["pacing"] not in PACING:
        errors["pacing"] = "must be even or asap"
    cap = values["frequency_cap_per_day"]
    if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int) or not 0 < cap <= MAX_FREQUENCY_CAP):
        errors["frequency_cap_per_day"] = f"must be empty or between 1 and {MAX_FREQUENCY_CAP}"


def _validated(values: dict[str, Any], *, dates_changed: bool) -> dict[str, Any]:
    """All the campaign's values checked together (an edit passes the merged values); raises ValidationFailed."""
    errors: dict[str, str] = {}
    _scalars(values, errors)
    starts = values["starts_on"] = _date(values["starts_on"], "starts_on", errors)
    ends = values["ends_on"] = _date(values["ends_on"], "ends_on", errors)
    if starts and ends and starts > ends:
        errors["ends_on"] = f"must be on or after the start ({starts})"
    elif ends and dates_changed and ends < utcnow().date():
        errors["ends_on"] = f"is in the past (today is {utcnow().date()})"
    _targeting(values, errors)
    if errors:
        raise ValidationFailed(errors)
    return values


def problems(values: dict[str, Any], *, dates_changed: bool) -> dict[str, str]:
    """The messages a save of these values would get, field by field, with no session: a form whose own parsing
    refused some fields (money, dates) shows every other field's message in the same round."""
    try:
        _validated(dict(values), dates_changed=dates_changed)
    except ValidationFailed as exc:
        return dict(exc.errors)
    return {}


def create_campaign(
    session: Session,
    *,
    actor: Actor,
    advertiser_id: int,
    name: str,
    budget_cents: int,
    cpm_bid_cents: int,
    starts_on: date,
    ends_on: date,
    currency: str = "USD",
    pacing: str = "even",
    target_countries: Iterable[str] = (),
    target_regions: Iterable[str] = (),
    target_plans: Iterable[str] = (),
    frequency_cap_per_day: int | None = None,
) -> AdCampaign:
    require(actor, Permission.ADS_EDIT)
    values = _validated(
        {
            "name": name,
            "budget_cents": budget_cents,
            "cpm_bid_cents": cpm_bid_cents,
            "currency": currency,
            "pacing": pacing,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "target_countries": target_countries,
            "target_regions": target_regions,
            "target_plans": target_plans,
            "frequency_cap_per_day": frequency_cap_per_day,
        },
        dates_changed=True,
    )
    advertiser = session.get(Advertiser, advertiser_id)
    if advertiser is None:
        raise ValidationFailed({"advertiser_id": f"advertiser #{advertiser_id} does not exist"})
    if advertiser.status != "active":
        raise RuleViolation(f"Advertiser {advertiser.name} is suspended: reactivate it before adding campaigns.")
    campaign = AdCampaign(advertiser_id=advertiser.id, **values)
    session.add(campaign)
    session.flush()
    audit(session, actor, "campaign.create", "ad_campaign", campaign.id, None, campaign_view(campaign))
    return campaign


def update_campaign(session: Session, *, actor: Actor, campaign_id: int, version: int, **changes: Any) -> AdCampaign:
    """Edit a campaign; a targeting change re-queues its reviewed ads (see the module docstring)."""
    require(actor, Permission.ADS_EDIT)
    if unknown := [key for key in changes if key not in EDITABLE]:
        raise ValidationFailed({key: "cannot be changed here" for key in unknown})
    campaign = locked(session, AdCampaign, campaign_id, version)
    before = campaign_view(campaign)
    merged = {key: before[key] for key in EDITABLE} | changes
    dates_changed = any(key in changes and changes[key] != before[key] for key in ("starts_on", "ends_on"))
    values = _validated(merged, dates_changed=dates_changed)
    for key, value in values.items():
        setattr(campaign, key, value)
    after = campaign_view(campaign)
    if {k: v for k, v in after.items() if k != "version"} == {k: v for k, v in before.items() if k != "version"}:
        return campaign
    session.flush()
    audit(session, actor, "campaign.update", "ad_campaign", campaign.id, before, campaign_view(campaign))
    retargeted = [key for key in TARGETING if before[key] != values[key]]
    _recheck_ads(session, actor, campaign, retargeted)
    return campaign


def _recheck_ads(session: Session, actor: Actor, campaign: AdCampaign, retargeted: list[str]) -> None:
    states = OPEN_STATES if retargeted else ("pending_review",)
    ads = session.execute(
        select(Ad).where(Ad.campaign_id == campaign.id, Ad.state.in_(states)).order_by(Ad.id).with_for_update()
    ).scalars()
    why = "campaign targeting changed: " + ", ".join(retargeted) if retargeted else "campaign changed"
    for ad in list(ads):
        send_back_to_review(session, actor=actor, ad=ad, why=why)


def get_campaign(session: Session, *, actor: Actor, campaign_id: int) -> AdCampaign:
    require(actor, Permission.ADS_READ)
    campaign = session.get(AdCampaign, campaign_id)
    if campaign is None:
        raise NotFound(f"Campaign #{campaign_id} does not exist.")
    return campaign


def list_campaigns(
    session: Session, *, actor: Actor, advertiser_id: int | None = None, limit: int = 200
) -> list[AdCampaign]:
    """Campaigns, newest first (an advertiser's when `advertiser_id` is given); at most `limit` (≤ 1,000)."""
    require(actor, Permission.ADS_READ)
    query = select(AdCampaign).order_by(AdCampaign.created_at.desc(), AdCampaign.id.desc())
    if advertiser_id is not None:
        query = query.where(AdCampaign.advertiser_id == advertiser_id)
    return list(session.execute(query.limit(max(1, min(limit, 1000)))).scalars())
