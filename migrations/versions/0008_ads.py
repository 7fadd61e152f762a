"""Ads: advertisers, campaigns, ads with their review and pre-check results, raw impressions and clicks, the daily
rollup, the rollup's runs and the click-domain blocklist.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29

Reviewed by hand. New tables only. The review queue pages on (state, submitted_at, id), with the type, format and
check result as a second column for the filters; by advertiser it reaches the advertiser's campaigns and then their
ads in the state by (campaign_id, state, submitted_at, id). A rollup run records its kind (a pending pass, one day,
the seed): the next pass starts where the last pass or seed started. The raw impression and click tables carry one index each (the
time the rollup reads a day by): they are append-only, write-heavy and never listed; every stats page reads
ad_stats_daily (primary key ad_id + day; a second index by day for the all-ads charts). ad_impressions.member_id
has no foreign key on purpose (raw event data, 20M rows, kept cheap to load).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "ad_rollup_runs",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
        sa.Column("impressions", sa.BigInteger(), nullable=False),
        sa.Column("clicks", sa.BigInteger(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.CheckConstraint("kind IN ('pending', 'day', 'seed')", name=op.f("ck_ad_rollup_runs_kind_valid")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ad_rollup_runs")),
    )
    op.create_index("ix_ad_rollup_runs_day", "ad_rollup_runs", ["day", "id"])

    op.create_table(
        "advertisers",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=True),
        sa.Column("website", sa.String(length=500), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("status IN ('active', 'suspended')", name=op.f("ck_advertisers_status_valid")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_advertisers")),
        sa.UniqueConstraint("name", name=op.f("uq_advertisers_name")),
    )
    op.create_table(
        "ad_campaigns",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("advertiser_id", ID, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("budget_cents", sa.BigInteger(), nullable=False),
        sa.Column("cpm_bid_cents", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("pacing", sa.String(length=8), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("target_countries", JSON, nullable=False),
        sa.Column("target_regions", JSON, nullable=False),
        sa.Column("target_plans", JSON, nullable=False),
        sa.Column("frequency_cap_per_day", sa.Integer(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("pacing IN ('even', 'asap')", name=op.f("ck_ad_campaigns_pacing_valid")),
        sa.CheckConstraint("budget_cents > 0", name=op.f("ck_ad_campaigns_budget_positive")),
        sa.CheckConstraint("cpm_bid_cents > 0", name=op.f("ck_ad_campaigns_bid_positive")),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_ad_campaigns_dates_ordered")),
        sa.CheckConstraint(
            "frequency_cap_per_day IS NULL OR frequency_cap_per_day > 0", name=op.f("ck_ad_campaigns_cap_positive")
        ),
        sa.CheckConstraint(
            "length(currency) = 3 AND currency = upper(currency)", name=op.f("ck_ad_campaigns_currency_valid")
        ),
        sa.ForeignKeyConstraint(
            ["advertiser_id"],
            ["advertisers.id"],
            name=op.f("fk_ad_campaigns_advertiser_id_advertisers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ad_campaigns")),
    )
    op.create_index("ix_ad_campaigns_advertiser", "ad_campaigns", ["advertiser_id", "created_at"])
    op.create_index("ix_ad_campaigns_dates", "ad_campaigns", ["starts_on", "ends_on"])

    op.create_table(
        "ad_domain_blocklist",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by_id", ID, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.CheckConstraint("domain = lower(domain)", name=op.f("ck_ad_domain_blocklist_domain_lowercase")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff.id"],
            name=op.f("fk_ad_domain_blocklist_created_by_id_staff"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ad_domain_blocklist")),
        sa.UniqueConstraint("domain", name=op.f("uq_ad_domain_blocklist_domain")),
    )
    op.create_table(
        "ads",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("campaign_id", ID, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("creative_path", sa.String(length=255), nullable=True),
        sa.Column("creative_url", sa.String(length=2000), nullable=True),
        sa.Column("creative_content_type", sa.String(length=64), nullable=True),
        sa.Column("creative_bytes", sa.Integer(), nullable=True),
        sa.Column("creative_sha256", sa.String(length=64), nullable=True),
        sa.Column("poster_path", sa.String(length=255), nullable=True),
        sa.Column("click_url", sa.String(length=2000), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("duration_seconds", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("check_state", sa.String(length=8), nullable=True),
        sa.Column("check_results", JSON, nullable=False),
        sa.Column("rejection_reasons", JSON, nullable=False),
        sa.Column("rejection_note", sa.Text(), nullable=True),
        sa.Column("submitted_at", TS, nullable=True),
        sa.Column("reviewed_by_id", ID, nullable=True),
        sa.Column("reviewed_at", TS, nullable=True),
        sa.Column("claimed_by_id", ID, nullable=True),
        sa.Column("claim_expires_at", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(type = 'banner') = (format IN ('leaderboard', 'rectangle', 'skyscraper', 'mobile_banner'))",
            name=op.f("ck_ads_format_fits_type"),
        ),
        sa.CheckConstraint(
            "check_state IS NULL OR check_state IN ('pass', 'warn', 'fail')", name=op.f("ck_ads_check_state_valid")
        ),
        sa.CheckConstraint(
            "format IN ('leaderboard', 'rectangle', 'skyscraper', 'mobile_banner', 'video_15s', 'video_30s', 'video_60s')",
            name=op.f("ck_ads_format_valid"),
        ),
        sa.CheckConstraint(
            "state IN ('draft', 'pending_review', 'approved', 'rejected', 'running', 'paused', 'ended')",
            name=op.f("ck_ads_state_valid"),
        ),
        sa.CheckConstraint("type IN ('video_preroll', 'video_midroll', 'banner')", name=op.f("ck_ads_type_valid")),
        sa.CheckConstraint(
            "creative_path IS NOT NULL OR creative_url IS NOT NULL", name=op.f("ck_ads_creative_present")
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["ad_campaigns.id"], name=op.f("fk_ads_campaign_id_ad_campaigns"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["claimed_by_id"], ["staff.id"], name=op.f("fk_ads_claimed_by_id_staff"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["staff.id"], name=op.f("fk_ads_reviewed_by_id_staff"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ads")),
    )
    op.create_index("ix_ads_campaign", "ads", ["campaign_id", "id"])
    op.create_index("ix_ads_campaign_state_submitted_id", "ads", ["campaign_id", "state", "submitted_at", "id"])
    op.create_index("ix_ads_state_check_submitted_id", "ads", ["state", "check_state", "submitted_at", "id"])
    op.create_index("ix_ads_state_format_submitted_id", "ads", ["state", "format", "submitted_at", "id"])
    op.create_index("ix_ads_state_submitted_id", "ads", ["state", "submitted_at", "id"])
    op.create_index("ix_ads_state_type_submitted_id", "ads", ["state", "type", "submitted_at", "id"])

    op.create_table(
        "ad_clicks",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("ad_id", ID, nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=True),
        sa.Column("occurred_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["ad_id"], ["ads.id"], name=op.f("fk_ad_clicks_ad_id_ads"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ad_clicks")),
    )
    op.create_index("ix_ad_clicks_occurred", "ad_clicks", ["occurred_at"])

    op.create_table(
        "ad_impressions",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("ad_id", ID, nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=True),
        sa.Column("occurred_at", TS, nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("started", sa.Boolean(), nullable=False),
        sa.Column("completed", sa.Boolean(), nullable=False),
        sa.Column("skipped", sa.Boolean(), nullable=False),
        sa.Column("skip_time_seconds", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["ad_id"], ["ads.id"], name=op.f("fk_ad_impressions_ad_id_ads"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ad_impressions")),
    )
    op.create_index("ix_ad_impressions_occurred", "ad_impressions", ["occurred_at"])

    op.create_table(
        "ad_stats_daily",
        sa.Column("ad_id", ID, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("impressions", sa.Integer(), nullable=False),
        sa.Column("clicks", sa.Integer(), nullable=False),
        sa.Column("starts", sa.Integer(), nullable=False),
        sa.Column("completes", sa.Integer(), nullable=False),
        sa.Column("skips", sa.Integer(), nullable=False),
        sa.Column("spend_cents", sa.BigInteger(), nullable=False),
        sa.Column("rolled_up_at", TS, nullable=False),
        sa.CheckConstraint(
            "impressions >= 0 AND clicks >= 0 AND starts >= 0 AND completes >= 0 AND skips >= 0 AND spend_cents >= 0",
            name=op.f("ck_ad_stats_daily_counts_not_negative"),
        ),
        sa.ForeignKeyConstraint(["ad_id"], ["ads.id"], name=op.f("fk_ad_stats_daily_ad_id_ads"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("ad_id", "day", name=op.f("pk_ad_stats_daily")),
    )
    op.create_index("ix_ad_stats_daily_day", "ad_stats_daily", ["day", "ad_id"])


def downgrade() -> None:
    for table in (
        "ad_stats_daily",
        "ad_impressions",
        "ad_clicks",
        "ads",
        "ad_domain_blocklist",
        "ad_campaigns",
        "advertisers",
        "ad_rollup_runs",
    ):
        op.drop_table(table)  # their indexes go with them
