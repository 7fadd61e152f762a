"""Insights: raw watch events and the rollup tables the executive charts read (revenue, refund reasons, MRR per
member and month, MRR movements, content views, members' daily metrics, moderation per day) and the rollup's runs.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29

Reviewed by hand. New tables only. Rollup tables are keyed by their day (or month) first and their dimensions, so
a date range is one primary-key range scan and a day can be replaced as a whole. watch_events has one index (the
time the rollup reads a day by) and no foreign key on member_id (raw event data, 10M rows, kept cheap to load).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "insights_content_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("video_id", sa.BigInteger(), nullable=False),
        sa.Column("views", sa.Integer(), nullable=False),
        sa.Column("completes", sa.Integer(), nullable=False),
        sa.Column("seconds_watched", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("day", "video_id", name=op.f("pk_insights_content_daily")),
    )
    op.create_index("ix_insights_content_daily_video", "insights_content_daily", ["video_id", "day"])

    op.create_table(
        "insights_members_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("dimension", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "dimension", "key", name=op.f("pk_insights_members_daily")),
    )
    op.create_table(
        "insights_moderation_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("metric", sa.String(length=24), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "metric", "key", name=op.f("pk_insights_moderation_daily")),
    )
    op.create_table(
        "insights_mrr_monthly",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("mrr_cents", sa.BigInteger(), nullable=False),
        sa.Column("plan_code", sa.String(length=24), nullable=False),
        sa.Column("first_paid_month", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("month", "member_id", name=op.f("pk_insights_mrr_monthly")),
    )
    op.create_index("ix_insights_mrr_monthly_cohort", "insights_mrr_monthly", ["first_paid_month", "month"])

    op.create_table(
        "insights_mrr_movements_monthly",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("movement", sa.String(length=16), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("mrr_cents", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("month", "movement", "currency", name=op.f("pk_insights_mrr_movements_monthly")),
    )
    op.create_table(
        "insights_refund_reasons_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=24), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("refunds", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("day", "reason", "currency", name=op.f("pk_insights_refund_reasons_daily")),
    )
    op.create_table(
        "insights_revenue_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("plan_code", sa.String(length=24), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("provider", sa.String(length=8), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("gross_cents", sa.BigInteger(), nullable=False),
        sa.Column("refunded_cents", sa.BigInteger(), nullable=False),
        sa.Column("fee_cents", sa.BigInteger(), nullable=False),
        sa.Column("payments", sa.Integer(), nullable=False),
        sa.Column("failed_payments", sa.Integer(), nullable=False),
        sa.Column("refunds", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "kind", "plan_code", "country", "provider", "currency", name=op.f("pk_insights_revenue_daily")
        ),
    )
    op.create_table(
        "insights_rollup_runs",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("area", sa.String(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
        sa.Column("rows", sa.BigInteger(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insights_rollup_runs")),
    )
    op.create_index("ix_insights_rollup_runs_area_day", "insights_rollup_runs", ["area", "day", "id"])

    op.create_table(
        "watch_events",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("video_id", ID, nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=True),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("seconds_watched", sa.Integer(), nullable=False),
        sa.Column("completed", sa.Boolean(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.ForeignKeyConstraint(
            ["video_id"], ["videos.id"], name=op.f("fk_watch_events_video_id_videos"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watch_events")),
    )
    op.create_index("ix_watch_events_started", "watch_events", ["started_at"])


def downgrade() -> None:
    for table in (
        "watch_events",
        "insights_rollup_runs",
        "insights_revenue_daily",
        "insights_refund_reasons_daily",
        "insights_mrr_movements_monthly",
        "insights_mrr_monthly",
        "insights_moderation_daily",
        "insights_members_daily",
        "insights_content_daily",
    ):
        op.drop_table(table)  # their indexes go with them
