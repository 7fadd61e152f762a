"""Insights content: cumulative views per video and month (top videos over long periods read two month-end
snapshots instead of every day), the hottest videos and the tier counts per day (read in one small range scan),
and an index on subscriptions.trial_end (trial conversion).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29

Reviewed by hand. New tables are keyed by their month or day first, so a month's snapshot or a day's ranking is
one primary-key range scan and can be replaced as a whole. They start empty: after upgrading a database that already
holds insights_content_daily, back-fill them with `run.py insights rollup --from <first day> --to <yesterday>
--areas content` (until then the charts read insights_content_daily directly: right, but slow).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "insights_content_totals",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("video_id", sa.BigInteger(), nullable=False),
        sa.Column("views", sa.BigInteger(), nullable=False),
        sa.Column("completes", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("month", "video_id", name=op.f("pk_insights_content_totals")),
    )
    op.create_index("ix_insights_content_totals_month_views", "insights_content_totals", ["month", "views"])
    op.create_table(
        "insights_hotness_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("video_id", sa.BigInteger(), nullable=False),
        sa.Column("views_1d", sa.Integer(), nullable=False),
        sa.Column("views_7d", sa.Integer(), nullable=False),
        sa.Column("views_30d", sa.Integer(), nullable=False),
        sa.Column("weight", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("day", "rank", name=op.f("pk_insights_hotness_daily")),
    )
    op.create_table(
        "insights_hotness_tiers",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("global_videos", sa.Integer(), nullable=False),
        sa.Column("regional_videos", sa.Integer(), nullable=False),
        sa.Column("on_demand_videos", sa.Integer(), nullable=False),
        sa.Column("window_views", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_insights_hotness_tiers")),
    )
    op.create_index("ix_subscriptions_trial_end", "subscriptions", ["trial_end"])


def downgrade() -> None:
    op.drop_index("ix_subscriptions_trial_end", table_name="subscriptions")
    for table in ("insights_hotness_tiers", "insights_hotness_daily", "insights_content_totals"):
        op.drop_table(table)
