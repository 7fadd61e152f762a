"""Ads: advertisers, campaigns, ads (creatives) with their review, raw impressions and clicks, the daily rollup the
stats read, and the click-domain blocklist the pre-checks consult.

Seeds: 000 (Ad with type VIDEO_PREROLL/VIDEO_MIDROLL/BANNER, format LEADERBOARD 728x90 / RECTANGLE 300x250 /
SKYSCRAPER 160x600 / MOBILE_BANNER 320x50 / VIDEO_15S/30S/60S, URLs, targeting by country/region/plan, dates, budget,
CPM bid, advertiser; AdImpression with watched/skipped/skipTime; AdClick), 002 (ad campaigns). Values are stored in
lower case. Money is integer cents with a currency (DESIGN.md rule 8).

An ad runs only when approved (state approved/running); any change to what was reviewed (creative, click URL,
format, targeting) sends it back to pending_review (service). Stats pages read `ad_stats_daily` only; the raw
tables are written by the platform and rolled up by a job.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from console.db import Base, BigIntPK, JSONType, UTCDateTime, utcnow

AD_TYPES = ("video_preroll", "video_midroll", "banner")
BANNER_FORMATS = {
    "leaderboard": (728, 90),
    "rectangle": (300, 250),
    "skyscraper": (160, 600),
    "mobile_banner": (320, 50),
}
VIDEO_FORMATS = {"video_15s": 15, "video_30s": 30, "video_60s": 60}
AD_FORMATS = tuple(BANNER_FORMATS) + tuple(VIDEO_FORMATS)
AD_STATES = ("draft", "pending_review", "approved", "rejected", "running", "paused", "ended")
LIVE_AD_STATES = ("approved", "running")  # the only states in which an ad may be served
REJECTION_REASONS = (
    "misleading",
    "adult_content_outside_policy",
    "malware_or_phishing",
    "wrong_size",
    "broken_landing_page",
    "other",
)
CHECK_STATES = ("pass", "warn", "fail")  # worst result of the automatic pre-checks; NULL until submitted
PACING = ("even", "asap")
# Why a rollup ran: a pass over the days with new raw rows (the job, `ads rollup`), one day asked for
# (`ads rollup --day`), or the scale seed. A pending pass and the seed cover every raw row that occurred before
# they started; a single day does not, so the next pass never starts from it.
ROLLUP_KINDS = ("pending", "day", "seed")
ADVERTISER_STATES = ("active", "suspended")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Advertiser(Base):
    """Who pays for the campaigns (000's `advertiser`, made a table)."""

    __tablename__ = "advertisers"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False, unique=True)
    contact_email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    website: Mapped[str | None] = mapped_column(String(500), nullable=True)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="active")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (CheckConstraint(_in("status", ADVERTISER_STATES), name="status_valid"),)


class AdCampaign(Base):
    """A budget, a schedule and targeting that its ads share (002's ad campaigns)."""

    __tablename__ = "ad_campaigns"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    advertiser_id: Mapped[int] = mapped_column(ForeignKey("advertisers.id", ondelete="RESTRICT"), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    budget_cents: Mapped[int] = mapped_column(BigInteger, nullable=False)
    cpm_bid_cents: Mapped[int] = mapped_column(Integer, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False, default="USD")
    pacing: Mapped[str] = mapped_column(String(8), nullable=False, default="even")
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[date] = mapped_column(Date, nullable=False)
    target_countries: Mapped[list[str]] = mapped_column(JSONType, nullable=False, default=list)
    target_regions: Mapped[list[str]] = mapped_column(JSONType, nullable=False, default=list)
    target_plans: Mapped[list[str]] = mapped_column(JSONType, nullable=False, default=list)
    frequency_cap_per_day: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint("budget_cents > 0", name="budget_positive"),
        CheckConstraint("cpm_bid_cents > 0", name="bid_positive"),
        CheckConstraint("length(currency) = 3 AND currency = upper(currency)", name="currency_valid"),
        CheckConstraint(_in("pacing", PACING), name="pacing_valid"),
        CheckConstraint("ends_on >= starts_on", name="dates_ordered"),
        CheckConstraint("frequency_cap_per_day IS NULL OR frequency_cap_per_day > 0", name="cap_positive"),
        Index("ix_ad_campaigns_advertiser", "advertiser_id", "created_at"),
        Index("ix_ad_campaigns_dates", "starts_on", "ends_on"),
    )


class Ad(Base):
    """One creative of a campaign and its review. The creative is a file this console stores (`creative_path`
    under the data dir, checked by content) or an https URL that is never fetched for a preview."""

    __tablename__ = "ads"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("ad_campaigns.id", ondelete="RESTRICT"), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    type: Mapped[str] = mapped_column(String(16), nullable=False)
    format: Mapped[str] = mapped_column(String(16), nullable=False)
    creative_path: Mapped[str | None] = mapped_column(String(255), nullable=True)
    creative_url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    creative_content_type: Mapped[str | None] = mapped_column(String(64), nullable=True)
    creative_bytes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    creative_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    poster_path: Mapped[str | None] = mapped_column(String(255), nullable=True)
    click_url: Mapped[str] = mapped_column(String(2000), nullable=False)
    width: Mapped[int | None] = mapped_column(Integer, nullable=True)
    height: Mapped[int | None] = mapped_column(Integer, nullable=True)
    duration_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    state: Mapped[str] = mapped_column(String(16), nullable=False, default="draft")
    check_state: Mapped[str | None] = mapped_column(String(8), nullable=True)
    check_results: Mapped[list[dict]] = mapped_column(JSONType, nullable=False, default=list)
    rejection_reasons: Mapped[list[str]] = mapped_column(JSONType, nullable=False, default=list)
    rejection_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"), nullable=True)
    claim_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint(_in("type", AD_TYPES), name="type_valid"),
        CheckConstraint(_in("format", AD_FORMATS), name="format_valid"),
        CheckConstraint(_in("state", AD_STATES), name="state_valid"),
        CheckConstraint("check_state IS NULL OR " + _in("check_state", CHECK_STATES), name="check_state_valid"),
        CheckConstraint(
            "(type = 'banner') = (format IN ('leaderboard', 'rectangle', 'skyscraper', 'mobile_banner'))",
            name="format_fits_type",
        ),
        CheckConstraint("creative_path IS NOT NULL OR creative_url IS NOT NULL", name="creative_present"),
        # The review queue: pending first, oldest first, filtered by the indexed columns.
        Index("ix_ads_state_submitted_id", "state", "submitted_at", "id"),
        Index("ix_ads_state_type_submitted_id", "state", "type", "submitted_at", "id"),
        Index("ix_ads_state_format_submitted_id", "state", "format", "submitted_at", "id"),
        Index("ix_ads_state_check_submitted_id", "state", "check_state", "submitted_at", "id"),
        Index("ix_ads_campaign", "campaign_id", "id"),
        # The queue filtered by advertiser: its campaigns (ix_ad_campaigns_advertiser), then their ads in a state.
        Index("ix_ads_campaign_state_submitted_id", "campaign_id", "state", "submitted_at", "id"),
    )


class AdImpression(Base):
    """One time an ad was shown (000 AdImpression): raw, written by the platform, read only by the rollup."""

    __tablename__ = "ad_impressions"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    ad_id: Mapped[int] = mapped_column(ForeignKey("ads.id", ondelete="RESTRICT"), nullable=False)
    member_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # no FK: raw event data, kept fast
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    started: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    completed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    skipped: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    skip_time_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)

    __table_args__ = (Index("ix_ad_impressions_occurred", "occurred_at"),)


class AdClick(Base):
    """One click on an ad (000 AdClick): raw, time-indexed, rolled up like impressions."""

    __tablename__ = "ad_clicks"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    ad_id: Mapped[int] = mapped_column(ForeignKey("ads.id", ondelete="RESTRICT"), nullable=False)
    member_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)

    __table_args__ = (Index("ix_ad_clicks_occurred", "occurred_at"),)


class AdStatsDaily(Base):
    """Per ad and UTC day: what every stats page and chart reads (never the raw rows)."""

    __tablename__ = "ad_stats_daily"

    ad_id: Mapped[int] = mapped_column(ForeignKey("ads.id", ondelete="RESTRICT"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    impressions: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    clicks: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    starts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    completes: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    skips: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    spend_cents: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    rolled_up_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    __table_args__ = (
        CheckConstraint(
            "impressions >= 0 AND clicks >= 0 AND starts >= 0 AND completes >= 0 AND skips >= 0 AND spend_cents >= 0",
            name="counts_not_negative",
        ),
        Index("ix_ad_stats_daily_day", "day", "ad_id"),
    )


class AdRollupRun(Base):
    """What the rollup job did: which day, how many raw rows, how long — and where the next run starts."""

    __tablename__ = "ad_rollup_runs"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    impressions: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    clicks: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    kind: Mapped[str] = mapped_column(String(8), nullable=False, default="pending")

    __table_args__ = (
        CheckConstraint(_in("kind", ROLLUP_KINDS), name="kind_valid"),
        Index("ix_ad_rollup_runs_day", "day", "id"),
    )


class AdDomainBlock(Base):
    """A click-URL domain the pre-checks refuse (hard check), with why and who added it."""

    __tablename__ = "ad_domain_blocklist"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    domain: Mapped[str] = mapped_column(String(253), nullable=False, unique=True)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    __table_args__ = (CheckConstraint("domain = lower(domain)", name="domain_lowercase"),)
