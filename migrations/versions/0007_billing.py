"""Billing: plans, subscriptions, payments, refunds, the credit ledger, creator payouts and received Stripe events.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29

Reviewed by hand. New tables only, so both dialects create them the same way. The money rules the console
enforces with locks are backed by CHECKs: a payment's refunded amount stays within it, a refund's approver is not
its requester, a tip's net is its amount minus the platform fee, a held payout has a reason. One refund per
idempotency key and per Stripe refund id (partial unique index: NULL until Stripe answers). Lists page on
(status, created_at, id) and (created_at, id); the webhook finds rows by payment intent, charge and invoice id.
payouts is created before payments (payments.payout_id names the payout a tip was paid out in).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "plans",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=24), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("price_cents", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("interval", sa.String(length=8), nullable=False),
        sa.Column("features", JSON, nullable=False),
        sa.Column("stripe_plan_id", sa.String(length=255), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("interval IN ('month', 'year')", name=op.f("ck_plans_interval_valid")),
        sa.CheckConstraint("length(currency) = 3 AND currency = upper(currency)", name=op.f("ck_plans_currency_valid")),
        sa.CheckConstraint("price_cents >= 0", name=op.f("ck_plans_price_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
        sa.UniqueConstraint("code", name=op.f("uq_plans_code")),
    )
    op.create_table(
        "stripe_events",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("object_id", sa.String(length=255), nullable=True),
        sa.Column("stripe_created", sa.BigInteger(), nullable=True),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("processed_at", TS, nullable=True),
        sa.Column("result", sa.String(length=12), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "result IS NULL OR result IN ('applied', 'ignored', 'failed')", name=op.f("ck_stripe_events_result_valid")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stripe_events")),
        sa.UniqueConstraint("event_id", name=op.f("uq_stripe_events_event_id")),
    )
    op.create_index("ix_stripe_events_object", "stripe_events", ["object_id"])
    op.create_index("ix_stripe_events_received", "stripe_events", ["received_at"])

    op.create_table(
        "payouts",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("creator_id", ID, nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("scheduled_for", sa.Date(), nullable=False),
        sa.Column("tip_count", sa.Integer(), nullable=False),
        sa.Column("hold_reason", sa.Text(), nullable=True),
        sa.Column("approved_by_id", ID, nullable=True),
        sa.Column("approved_at", TS, nullable=True),
        sa.Column("paid_at", TS, nullable=True),
        sa.Column("failure_message", sa.Text(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("status <> 'held' OR hold_reason IS NOT NULL", name=op.f("ck_payouts_hold_has_reason")),
        sa.CheckConstraint(
            "status IN ('pending', 'held', 'approved', 'processing', 'paid', 'failed')",
            name=op.f("ck_payouts_status_valid"),
        ),
        sa.CheckConstraint("amount_cents > 0", name=op.f("ck_payouts_amount_positive")),
        sa.CheckConstraint(
            "length(currency) = 3 AND currency = upper(currency)", name=op.f("ck_payouts_currency_valid")
        ),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["staff.id"], name=op.f("fk_payouts_approved_by_id_staff"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["creator_id"], ["performers.id"], name=op.f("fk_payouts_creator_id_performers"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payouts")),
    )
    op.create_index("ix_payouts_creator", "payouts", ["creator_id", "created_at"])
    op.create_index("ix_payouts_scheduled_id", "payouts", ["scheduled_for", "id"])
    op.create_index("ix_payouts_status_scheduled_id", "payouts", ["status", "scheduled_for", "id"])

    op.create_table(
        "subscriptions",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("member_id", ID, nullable=False),
        sa.Column("plan_id", ID, nullable=False),
        sa.Column("provider", sa.String(length=8), nullable=False),
        sa.Column("provider_customer_id", sa.String(length=255), nullable=True),
        sa.Column("provider_subscription_id", sa.String(length=255), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("current_period_start", TS, nullable=False),
        sa.Column("current_period_end", TS, nullable=False),
        sa.Column("cancel_at_period_end", sa.Boolean(), nullable=False),
        sa.Column("canceled_at", TS, nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("trial_end", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(status = 'canceled') = (canceled_at IS NOT NULL)", name=op.f("ck_subscriptions_canceled_consistent")
        ),
        sa.CheckConstraint(
            "provider = 'comp' OR provider_subscription_id IS NOT NULL",
            name=op.f("ck_subscriptions_provider_id_present"),
        ),
        sa.CheckConstraint("provider IN ('stripe', 'apple', 'comp')", name=op.f("ck_subscriptions_provider_valid")),
        sa.CheckConstraint(
            "status IN ('active', 'trialing', 'past_due', 'canceled', 'unpaid', 'incomplete', 'expired')",
            name=op.f("ck_subscriptions_status_valid"),
        ),
        sa.CheckConstraint("current_period_end >= current_period_start", name=op.f("ck_subscriptions_period_ordered")),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_subscriptions_member_id_members"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_subscriptions_plan_id_plans"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscriptions")),
    )
    op.create_index("ix_subscriptions_member_created", "subscriptions", ["member_id", "created_at"])
    op.create_index("ix_subscriptions_plan_status", "subscriptions", ["plan_id", "status"])
    op.create_index("ix_subscriptions_status_period_end", "subscriptions", ["status", "current_period_end"])
    op.create_index(
        "uq_subscriptions_provider_subscription_id",
        "subscriptions",
        ["provider_subscription_id"],
        unique=True,
        postgresql_where=sa.text("provider_subscription_id IS NOT NULL"),
        sqlite_where=sa.text("provider_subscription_id IS NOT NULL"),
    )

    op.create_table(
        "payments",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("member_id", ID, nullable=False),
        sa.Column("subscription_id", ID, nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("provider", sa.String(length=8), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("refunded_cents", sa.Integer(), nullable=False),
        sa.Column("payment_intent_id", sa.String(length=255), nullable=True),
        sa.Column("charge_id", sa.String(length=255), nullable=True),
        sa.Column("invoice_id", sa.String(length=255), nullable=True),
        sa.Column("video_id", ID, nullable=True),
        sa.Column("creator_id", ID, nullable=True),
        sa.Column("platform_fee_cents", sa.Integer(), nullable=True),
        sa.Column("net_cents", sa.Integer(), nullable=True),
        sa.Column("payout_id", ID, nullable=True),
        sa.Column("failure_message", sa.Text(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind <> 'tip' OR (creator_id IS NOT NULL AND platform_fee_cents IS NOT NULL AND net_cents IS NOT NULL AND platform_fee_cents >= 0 AND net_cents = amount_cents - platform_fee_cents)",
            name=op.f("ck_payments_tip_split"),
        ),
        sa.CheckConstraint(
            "kind IN ('subscription', 'rental', 'purchase', 'ppv', 'tip', 'credits')",
            name=op.f("ck_payments_kind_valid"),
        ),
        sa.CheckConstraint(
            "kind NOT IN ('rental', 'purchase', 'ppv') OR video_id IS NOT NULL",
            name=op.f("ck_payments_content_present"),
        ),
        sa.CheckConstraint("provider IN ('stripe', 'apple')", name=op.f("ck_payments_provider_valid")),
        sa.CheckConstraint(
            "status IN ('pending', 'processing', 'succeeded', 'failed', 'refunded', 'partially_refunded')",
            name=op.f("ck_payments_status_valid"),
        ),
        sa.CheckConstraint("amount_cents > 0", name=op.f("ck_payments_amount_positive")),
        sa.CheckConstraint(
            "length(currency) = 3 AND currency = upper(currency)", name=op.f("ck_payments_currency_valid")
        ),
        sa.CheckConstraint(
            "refunded_cents >= 0 AND refunded_cents <= amount_cents", name=op.f("ck_payments_refunded_within_amount")
        ),
        sa.ForeignKeyConstraint(
            ["creator_id"], ["performers.id"], name=op.f("fk_payments_creator_id_performers"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_payments_member_id_members"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["payout_id"], ["payouts.id"], name=op.f("fk_payments_payout_id_payouts"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["subscriptions.id"],
            name=op.f("fk_payments_subscription_id_subscriptions"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["video_id"], ["videos.id"], name=op.f("fk_payments_video_id_videos"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
    )
    op.create_index("ix_payments_charge", "payments", ["charge_id"])
    op.create_index("ix_payments_created_id", "payments", ["created_at", "id"])
    op.create_index("ix_payments_creator_payout", "payments", ["creator_id", "payout_id"])
    op.create_index("ix_payments_invoice", "payments", ["invoice_id"])
    op.create_index("ix_payments_kind_created_id", "payments", ["kind", "created_at", "id"])
    op.create_index("ix_payments_member_created", "payments", ["member_id", "created_at"])
    op.create_index("ix_payments_payment_intent", "payments", ["payment_intent_id"])
    op.create_index("ix_payments_payout", "payments", ["payout_id"])
    op.create_index("ix_payments_status_created_id", "payments", ["status", "created_at", "id"])
    op.create_index("ix_payments_subscription", "payments", ["subscription_id"])

    op.create_table(
        "credit_ledger",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("member_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("balance_after", sa.Integer(), nullable=False),
        sa.Column("payment_id", ID, nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_by_id", ID, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.CheckConstraint(
            "kind IN ('purchase', 'usage', 'refund', 'bonus')", name=op.f("ck_credit_ledger_kind_valid")
        ),
        sa.CheckConstraint("amount <> 0", name=op.f("ck_credit_ledger_amount_not_zero")),
        sa.CheckConstraint("balance_after >= 0", name=op.f("ck_credit_ledger_balance_not_negative")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["staff.id"], name=op.f("fk_credit_ledger_created_by_id_staff"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_credit_ledger_member_id_members"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_credit_ledger_payment_id_payments"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_ledger")),
    )
    op.create_index("ix_credit_ledger_member_id", "credit_ledger", ["member_id", "id"])

    op.create_table(
        "refunds",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("payment_id", ID, nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("reason", sa.String(length=24), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("requested_by_id", ID, nullable=True),
        sa.Column("requested_by_label", sa.String(length=255), nullable=False),
        sa.Column("approved_by_id", ID, nullable=True),
        sa.Column("decided_at", TS, nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("stripe_refund_id", sa.String(length=255), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("submitted_at", TS, nullable=True),
        sa.Column("settled_at", TS, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "reason IN ('requested_by_customer', 'duplicate', 'fraudulent', 'service_issue', 'goodwill')",
            name=op.f("ck_refunds_reason_valid"),
        ),
        sa.CheckConstraint(
            "status IN ('requested', 'awaiting_approval', 'approved', 'submitting', 'pending', 'succeeded', 'failed', 'canceled', 'rejected')",
            name=op.f("ck_refunds_status_valid"),
        ),
        sa.CheckConstraint("amount_cents > 0", name=op.f("ck_refunds_amount_positive")),
        sa.CheckConstraint(
            "approved_by_id IS NULL OR requested_by_id IS NULL OR approved_by_id <> requested_by_id",
            name=op.f("ck_refunds_four_eyes"),
        ),
        sa.CheckConstraint(
            "length(currency) = 3 AND currency = upper(currency)", name=op.f("ck_refunds_currency_valid")
        ),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["staff.id"], name=op.f("fk_refunds_approved_by_id_staff"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_refunds_payment_id_payments"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["staff.id"], name=op.f("fk_refunds_requested_by_id_staff"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refunds")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_refunds_idempotency_key")),
    )
    op.create_index("ix_refunds_created_id", "refunds", ["created_at", "id"])
    op.create_index("ix_refunds_payment", "refunds", ["payment_id"])
    op.create_index("ix_refunds_requested_by", "refunds", ["requested_by_id", "created_at"])
    op.create_index("ix_refunds_status_created_id", "refunds", ["status", "created_at", "id"])
    op.create_index(
        "uq_refunds_stripe_refund_id",
        "refunds",
        ["stripe_refund_id"],
        unique=True,
        postgresql_where=sa.text("stripe_refund_id IS NOT NULL"),
        sqlite_where=sa.text("stripe_refund_id IS NOT NULL"),
    )


def downgrade() -> None:
    for table in ("refunds", "credit_ledger", "payments", "subscriptions", "payouts", "stripe_events", "plans"):
        op.drop_table(table)  # their indexes go with them
