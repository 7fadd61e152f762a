"""Insights: MRR per month and cohort (the Subscriptions tab's totals and heatmap without a row per member), and
the indexes the MRR rollup and the moderation backlog drill-down read by.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29

Reviewed by hand. insights_mrr_cohorts_monthly is written by the MRR rollup from insights_mrr_monthly; the upgrade
fills it for the months already rolled up from those same rows (not from today's subscriptions: closed months keep
their history). ix_insights_mrr_monthly_member answers "had this member MRR before?"
(movements, newcomers) by an index probe; ix_moderation_cases_first_report lists the cases open at a day's end.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The months already rolled up, per cohort; newcomers: members with no MRR row in an earlier month (index probe).
BACKFILL = """
INSERT INTO insights_mrr_cohorts_monthly (month, first_paid_month, currency, members, mrr_cents, newcomers)
SELECT m.month, m.first_paid_month, m.currency, count(*), coalesce(sum(m.mrr_cents), 0),
       sum(CASE WHEN EXISTS (SELECT 1 FROM insights_mrr_monthly e WHERE e.member_id = m.member_id AND e.month < m.month)
                THEN 0 ELSE 1 END)
FROM insights_mrr_monthly m
GROUP BY m.month, m.first_paid_month, m.currency
"""


def upgrade() -> None:
    op.create_table(
        "insights_mrr_cohorts_monthly",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("first_paid_month", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("mrr_cents", sa.BigInteger(), nullable=False),
        sa.Column("newcomers", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "month", "first_paid_month", "currency", name=op.f("pk_insights_mrr_cohorts_monthly")
        ),
    )
    op.create_index("ix_insights_mrr_monthly_member", "insights_mrr_monthly", ["member_id", "month"])
    op.create_index("ix_moderation_cases_first_report", "moderation_cases", ["first_report_at", "id"])
    op.execute(BACKFILL)


def downgrade() -> None:
    op.drop_index("ix_moderation_cases_first_report", table_name="moderation_cases")
    op.drop_index("ix_insights_mrr_monthly_member", table_name="insights_mrr_monthly")
    op.drop_table("insights_mrr_cohorts_monthly")
