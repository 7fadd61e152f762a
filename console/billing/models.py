"""Billing: plans, subscriptions, payments, refunds, the credit ledger, creator payouts and received Stripe events.

Seeds: 000 (Subscription FREE/BASIC/PREMIUM, Payment with refundedAmount and statuses), 002 (plans free/basic/
standard/premium/family; transactions subscription/rental/purchase/ppv), 003 (credit ledger with refund entries;
subscriptions billed by Stripe or Apple), 004 (tips with platform fee and net; payouts). Money is integer cents
with an ISO 4217 code (DESIGN.md rule 8); credits are whole credits, not money.

`payments.refunded_cents` is the sum of *succeeded* refunds (what the member got back); what may still be refunded
is the amount minus every refund that is not failed, canceled or rejected (`service/refunds.py`), checked with
the payment row locked. The CHECKs below are the last line: the database refuses a refunded amount over the
payment, a refund approved by its requester, and a second refund with the same idempotency key or Stripe id.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from console.db import Base, BigIntPK, JSONType, UTCDateTime, utcnow

PLAN_CODES = ("free", "basic", "standard", "premium", "family")
INTERVALS = ("month", "year")
PROVIDERS = ("stripe", "apple", "comp")
SUBSCRIPTION_STATES = ("active", "trialing", "past_due", "canceled", "unpaid", "incomplete", "expired")
LIVE_SUBSCRIPTION_STATES = ("active", "trialing", "past_due", "unpaid", "incomplete")
PAYMENT_KINDS = ("subscription", "rental", "purchase", "ppv", "tip", "credits")
PAYMENT_PROVIDERS = ("stripe", "apple")
PAYMENT_STATES = ("pending", "processing", "succeeded", "failed", "refunded", "partially_refunded")
REFUNDABLE_PAYMENT_STATES = ("succeeded", "partially_refunded")
REFUND_STATES = (
    "requested",
    "awaiting_approval",
    "approved",
    "submitting",
    "pending",
    "succeeded",
    "failed",
    "canceled",
    "rejected",
)
# A refund in one of these no longer counts against the payment's refundable amount.
VOID_REFUND_STATES = ("failed", "canceled", "rejected")
# Sent to Stripe (or about to be) and not yet settled: the reconcile step looks at these.
IN_FLIGHT_REFUND_STATES = ("submitting", "pending")
REFUND_REASONS = ("requested_by_customer", "duplicate", "fraudulent", "service_issue", "goodwill")
LEDGER_KINDS = ("purchase", "usage", "refund", "bonus")
PAYOUT_STATES = ("pending", "held", "approved", "processing", "paid", "failed")
EVENT_RESULTS = ("applied", "ignored", "failed")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


CURRENCY_CHECK = "length(currency) = 3 AND currency = upper(currency)"


class Plan(Base):
    """What a member can subscribe to (002); `stripe_plan_id` is the Stripe Plan (localstripe has no Price API)."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(24), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(80), nullable=False)
    price_cents: Mapped[int] = mapped_column(Integer, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False, default="USD")
    interval: Mapped[str] = mapped_column(String(8), nullable=False, default="month")
    features: Mapped[list[str]] = mapped_column(JSONType, nullable=False, default=list)
    stripe_plan_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint("price_cents >= 0", name="price_not_negative"),
        CheckConstraint(CURRENCY_CHECK, name="currency_valid"),
        CheckConstraint(_in("interval", INTERVALS), name="interval_valid"),
    )


class Subscription(Base):
    """A member's subscription to a plan, billed by Stripe, Apple or given (comp); Stripe's own state mirrored."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"), nullable=False)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="RESTRICT"), nullable=False)
    provider: Mapped[str] = mapped_column(String(8), nullable=False)
    provider_customer_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    provider_subscription_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="active")
    current_period_start: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    current_period_end: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    cancel_at_period_end: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    canceled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    cancel_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    trial_end: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint(_in("provider", PROVIDERS), name="provider_valid"),
        CheckConstraint(_in("status", SUBSCRIPTION_STATES), name="status_valid"),
        CheckConstraint("current_period_end >= current_period_start", name="period_ordered"),
        CheckConstraint("(status = 'canceled') = (canceled_at IS NOT NULL)", name="canceled_consistent"),
        CheckConstraint("provider = 'comp' OR provider_subscription_id IS NOT NULL", name="provider_id_present"),
        Index("ix_subscriptions_member_created", "member_id", "created_at"),
        Index("ix_subscriptions_status_period_end", "status", "current_period_end"),
        Index("ix_subscriptions_plan_status", "plan_id", "status"),
        Index("ix_subscriptions_trial_end", "trial_end"),
        Index(
            "uq_subscriptions_provider_subscription_id",
            "provider_subscription_id",
            unique=True,
            postgresql_where=text("provider_subscription_id IS NOT NULL"),
            sqlite_where=text("provider_subscription_id IS NOT NULL"),
        ),
    )


class Payment(Base):
    """Money a member paid (or tried to): one row per charge, whatever it bought (002 transactions, 004 tips)."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"), nullable=False)
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("subscriptions.id", ondelete="RESTRICT"), nullable=True
    )
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    provider: Mapped[str] = mapped_column(String(8), nullable=False, default="stripe")
    amount_cents: Mapped[int] = mapped_column(Integer, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False, default="USD")
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    refunded_cents: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    payment_intent_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    charge_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    invoice_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    video_id: Mapped[int | None] = mapped_column(ForeignKey("videos.id", ondelete="RESTRICT"), nullable=True)
    creator_id: Mapped[int | None] = mapped_column(ForeignKey("performers.id", ondelete="RESTRICT"), nullable=True)
    platform_fee_cents: Mapped[int | None] = mapped_column(Integer, nullable=True)
    net_cents: Mapped[int | None] = mapped_column(Integer, nullable=True)
    payout_id: Mapped[int | None] = mapped_column(ForeignKey("payouts.id", ondelete="RESTRICT"), nullable=True)
    failure_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint(_in("kind", PAYMENT_KINDS), name="kind_valid"),
        CheckConstraint(_in("provider", PAYMENT_PROVIDERS), name="provider_valid"),
        CheckConstraint(_in("status", PAYMENT_STATES), name="status_valid"),
        CheckConstraint(CURRENCY_CHECK, name="currency_valid"),
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint("refunded_cents >= 0 AND refunded_cents <= amount_cents", name="refunded_within_amount"),
        CheckConstraint(
            "kind <> 'tip' OR (creator_id IS NOT NULL AND platform_fee_cents IS NOT NULL AND net_cents IS NOT NULL"
            " AND platform_fee_cents >= 0 AND net_cents = amount_cents - platform_fee_cents)",
            name="tip_split",
        ),
        CheckConstraint("kind NOT IN ('rental', 'purchase', 'ppv') OR video_id IS NOT NULL", name="content_present"),
        Index("ix_payments_created_id", "created_at", "id"),
        Index("ix_payments_status_created_id", "status", "created_at", "id"),
        Index("ix_payments_kind_created_id", "kind", "created_at", "id"),
        Index("ix_payments_member_created", "member_id", "created_at"),
        Index("ix_payments_subscription", "subscription_id"),
        Index("ix_payments_payment_intent", "payment_intent_id"),
        Index("ix_payments_charge", "charge_id"),
        Index("ix_payments_invoice", "invoice_id"),
        Index("ix_payments_creator_payout", "creator_id", "payout_id"),
        Index("ix_payments_payout", "payout_id"),
    )


class Refund(Base):
    """Money going back: requested, maybe approved by a second person, sent to Stripe with its own key, settled."""

    __tablename__ = "refunds"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id", ondelete="RESTRICT"), nullable=False)
    amount_cents: Mapped[int] = mapped_column(Integer, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    reason: Mapped[str] = mapped_column(String(24), nullable=False)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"), nullable=True)
    requested_by_label: Mapped[str] = mapped_column(String(255), nullable=False)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    decision_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    stripe_refund_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint(_in("status", REFUND_STATES), name="status_valid"),
        CheckConstraint(_in("reason", REFUND_REASONS), name="reason_valid"),
        CheckConstraint(CURRENCY_CHECK, name="currency_valid"),
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint(
            "approved_by_id IS NULL OR requested_by_id IS NULL OR approved_by_id <> requested_by_id",
            name="four_eyes",
        ),
        Index("ix_refunds_payment", "payment_id"),
        Index("ix_refunds_created_id", "created_at", "id"),
        Index("ix_refunds_status_created_id", "status", "created_at", "id"),
        Index("ix_refunds_requested_by", "requested_by_id", "created_at"),
        Index(
            "uq_refunds_stripe_refund_id",
            "stripe_refund_id",
            unique=True,
            postgresql_where=text("stripe_refund_id IS NOT NULL"),
            sqlite_where=text("stripe_refund_id IS NOT NULL"),
        ),
    )


class CreditLedgerEntry(Base):
    """003's credit ledger: every change to a member's credits with the balance after it (append-only)."""

    __tablename__ = "credit_ledger"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"), nullable=False)
    kind: Mapped[str] = mapped_column(String(12), nullable=False)
    amount: Mapped[int] = mapped_column(Integer, nullable=False)
    balance_after: Mapped[int] = mapped_column(Integer, nullable=False)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id", ondelete="RESTRICT"), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    __table_args__ = (
        CheckConstraint(_in("kind", LEDGER_KINDS), name="kind_valid"),
        CheckConstraint("amount <> 0", name="amount_not_zero"),
        CheckConstraint("balance_after >= 0", name="balance_not_negative"),
        Index("ix_credit_ledger_member_id", "member_id", "id"),
    )


class Payout(Base):
    """Money owed to a creator from their tips (004): approved by finance, then paid; held with a reason."""

    __tablename__ = "payouts"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    creator_id: Mapped[int] = mapped_column(ForeignKey("performers.id", ondelete="RESTRICT"), nullable=False)
    amount_cents: Mapped[int] = mapped_column(Integer, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False, default="USD")
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="pending")
    scheduled_for: Mapped[date] = mapped_column(Date, nullable=False)
    tip_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    hold_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"), nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    failure_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint(_in("status", PAYOUT_STATES), name="status_valid"),
        CheckConstraint(CURRENCY_CHECK, name="currency_valid"),
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint("status <> 'held' OR hold_reason IS NOT NULL", name="hold_has_reason"),
        Index("ix_payouts_status_scheduled_id", "status", "scheduled_for", "id"),
        Index("ix_payouts_scheduled_id", "scheduled_for", "id"),  # the whole queue, soonest first
        Index("ix_payouts_creator", "creator_id", "created_at"),
    )


class StripeEvent(Base):
    """Every webhook event received, once (unique event id): replays are answered without being applied again."""

    __tablename__ = "stripe_events"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(255), nullable=False, unique=True)
    type: Mapped[str] = mapped_column(String(64), nullable=False)
    object_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    stripe_created: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    result: Mapped[str | None] = mapped_column(String(12), nullable=True)
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)

    __table_args__ = (
        CheckConstraint("result IS NULL OR " + _in("result", EVENT_RESULTS), name="result_valid"),
        Index("ix_stripe_events_received", "received_at"),
        Index("ix_stripe_events_object", "object_id"),
    )
