"""Delivery stats (read side): one ad's or one campaign's days, budget pacing, anomaly flags, the campaign page.

Everything here reads `ad_stats_daily` (primary key ad_id + day), never the raw impression and click tables: an ad's
90 days are 90 index entries, a campaign's are its ads' entries summed per day in SQL. Rates are percentages
(0-100) and None when there is nothing to divide by. Days without a row are zero days, so a chart has no gaps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.ads.models import Ad, AdCampaign, AdStatsDaily, Advertiser
from console.config import get_settings
from console.db import utcnow
from console.errors import NotFound, ValidationFailed
from console.staff.permissions import Permission, require
from console.ui.formatting import fmt_percent

MAX_RANGE_DAYS = 731  # two years of days in one chart
CAMPAIGN_ADS_LIMIT = 500
MIN_IMPRESSIONS_FOR_CTR = 100  # a CTR on fewer impressions says nothing (3 clicks on 20 impressions is not fraud)
PACING_TOLERANCE = 0.10  # within 10% of the plan is on track


def _rate(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 2) if whole else None


@dataclass(frozen=True)
class DayStats:
    day: date
    impressions: int = 0
    clicks: int = 0
    starts: int = 0
    completes: int = 0
    skips: int = 0
    spend_cents: int = 0

    @property
    def ctr(self) -> float | None:
        """Clicks per 100 impressions."""
        return _rate(self.clicks, self.impressions)

    @property
    def completion_rate(self) -> float | None:
        """Completed views per 100 started (video ads)."""
        return _rate(self.completes, self.starts)

    @property
    def skip_rate(self) -> float | None:
        """Skipped views per 100 started (video ads)."""
        return _rate(self.skips, self.starts)


@dataclass(frozen=True)
class Anomaly:
    day: date
    kind: str  # clicks_above_impressions / ctr_above_threshold
    message: str  # staff-facing: what was found and why it matters
    value: float  # the clicks above impressions, or the CTR in percent


@dataclass(frozen=True)
class Pacing:
    campaign_id: int
    pacing: str  # even / asap
    currency: str
    budget_cents: int
    spent_cents: int
    planned_cents: int  # what should have been spent by the end of `today`
    elapsed_days: int
    total_days: int
    status: str  # not_started / behind / on_track / ahead / over_budget

    @property
    def remaining_cents(self) -> int:
        return max(0, self.budget_cents - self.spent_cents)

    @property
    def spent_percent_of_plan(self) -> float | None:
        return _rate(self.spent_cents, self.planned_cents)


@dataclass(frozen=True)
class CampaignView:
    campaign: AdCampaign
    advertiser: Advertiser
    ads: list[Ad]  # by id, at most CAMPAIGN_ADS_LIMIT


def _checked_range(start: date, end: date) -> None:
    if end < start:
        raise ValidationFailed({"end": "must be on or after the start date"})
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise ValidationFailed({"end": f"must be at most {MAX_RANGE_DAYS} days after the start date"})


def _filled(found: dict[date, DayStats], start: date, end: date) -> list[DayStats]:
    return [found.get(start + timedelta(n)) or DayStats(start + timedelta(n)) for n in range((end - start).days + 1)]


def ad_stats(session: Session, *, actor: Actor, ad_id: int, start: date, end: date) -> list[DayStats]:
    """One ad's days from `start` to `end` (inclusive), one entry per day."""
    require(actor, Permission.ADS_READ)
    _checked_range(start, end)
    if session.get(Ad, ad_id) is None:
        raise NotFound(f"Ad #{ad_id} does not exist.")
    s = AdStatsDaily
    rows = session.execute(
        select(s.day, s.impressions, s.clicks, s.starts, s.completes, s.skips, s.spend_cents)
        .where(s.ad_id == ad_id, s.day >= start, s.day <= end)
        .order_by(s.day)
    ).tuples()
    return _filled({row[0]: DayStats(*row) for row in rows}, start, end)


def campaign_stats(session: Session, *, actor: Actor, campaign_id: int, start: date, end: date) -> list[DayStats]:
    """A campaign's days: its ads' rollup rows summed per day in SQL."""
    require(actor, Permission.ADS_READ)
    _checked_range(start, end)
    if session.get(AdCampaign, campaign_id) is None:
        raise NotFound(f"Campaign #{campaign_id} does not exist.")
    s = AdStatsDaily
    ads = select(Ad.id).where(Ad.campaign_id == campaign_id).scalar_subquery()
    rows = session.execute(
        select(
            s.day,
            func.sum(s.impressions),
            func.sum(s.clicks),
            func.sum(s.starts),
            func.sum(s.completes),
            func.sum(s.skips),
            func.sum(s.spend_cents),
        )
        .where(s.ad_id.in_(ads), s.day >= start, s.day <= end)
        .group_by(s.day)
    ).tuples()
    found = {row[0]: DayStats(row[0], *(int(v or 0) for v in row[1:])) for row in rows}
    return _filled(found, start, end)


def campaign_pacing(session: Session, *, actor: Actor, campaign_id: int, today: date | None = None) -> Pacing:
    """Spent (the rollup's spend of every day) against planned to the end of `today`: even pacing plans
    budget x elapsed days / total days, asap plans the whole budget from the first day."""
    require(actor, Permission.ADS_READ)
    campaign = session.get(AdCampaign, campaign_id)
    if campaign is None:
        raise NotFound(f"Campaign #{campaign_id} does not exist.")
    today = today or utcnow().date()
    ads = select(Ad.id).where(Ad.campaign_id == campaign_id).scalar_subquery()
    spent = int(
        session.execute(
            select(func.coalesce(func.sum(AdStatsDaily.spend_cents), 0)).where(AdStatsDaily.ad_id.in_(ads))
        ).scalar_one()
    )
    total = (campaign.ends_on - campaign.starts_on).days + 1
    elapsed = min(total, max(0, (today - campaign.starts_on).days + 1))
    if campaign.pacing == "asap":
        planned = campaign.budget_cents if elapsed else 0
    else:
        planned = round(Fraction(campaign.budget_cents * elapsed, total))  # to the nearest cent, half to even
    return Pacing(
        campaign_id=campaign.id,
        pacing=campaign.pacing,
        currency=campaign.currency,
        budget_cents=campaign.budget_cents,
        spent_cents=spent,
        planned_cents=planned,
        elapsed_days=elapsed,
        total_days=total,
        status=pacing_status(spent, planned, campaign.budget_cents),
    )


def pacing_status(spent: int, planned: int, budget: int) -> str:
    if spent > budget:
        return "over_budget"
    if planned == 0:
        return "not_started" if spent == 0 else "ahead"
    if spent < planned * (1 - PACING_TOLERANCE):
        return "behind"
    if spent > planned * (1 + PACING_TOLERANCE):
        return "ahead"
    return "on_track"


def anomalies(
    stats: list[DayStats], *, threshold_percent: float | None = None, min_impressions: int = MIN_IMPRESSIONS_FOR_CTR
) -> list[Anomaly]:
    """Days that point to click fraud: more clicks than impressions (a click without a view), or a CTR above
    CONSOLE_ADS_CTR_ALERT_PERCENT on at least `min_impressions` impressions. One flag per day, in day order."""
    threshold = get_settings().ads_ctr_alert_percent if threshold_percent is None else threshold_percent
    found = []
    for day in stats:
        if day.clicks > day.impressions:
            found.append(
                Anomaly(
                    day.day,
                    "clicks_above_impressions",
                    f"{day.clicks:,} clicks on {day.impressions:,} impressions: clicks without a view point to "
                    "click fraud or a broken tracker.",
                    float(day.clicks - day.impressions),
                )
            )
        elif day.impressions >= min_impressions and day.ctr is not None and day.ctr > threshold:
            found.append(
                Anomaly(
                    day.day,
                    "ctr_above_threshold",
                    f"CTR {fmt_percent(day.ctr)} ({day.clicks:,} clicks on {day.impressions:,} impressions) is above "
                    f"the {fmt_percent(threshold)} alert threshold.",
                    day.ctr,
                )
            )
    return found


def campaign_page(session: Session, *, actor: Actor, campaign_id: int) -> CampaignView:
    """The campaign, its advertiser and its ads (by id)."""
    require(actor, Permission.ADS_READ)
    campaign = session.get(AdCampaign, campaign_id)
    if campaign is None:
        raise NotFound(f"Campaign #{campaign_id} does not exist.")
    advertiser = session.get(Advertiser, campaign.advertiser_id)
    assert advertiser is not None  # a foreign key
    ads = session.execute(
        select(Ad).where(Ad.campaign_id == campaign_id).order_by(Ad.id).limit(CAMPAIGN_ADS_LIMIT)
    ).scalars()
    return CampaignView(campaign=campaign, advertiser=advertiser, ads=list(ads))
