"""Reading billing: the payments, refunds and payouts lists (server-paged, indexed filters) and a member's billing.

Every list pages on the server (console/paging.py): exact totals up to the cap, planner estimates past it on
PostgreSQL, the last page read backwards. Each filter has its index (models.py): payments by status or kind with
created_at, id; by member with created_at; by payment intent / charge / invoice id; refunds by status with
created_at, id; payouts by status with scheduled_for, id (or scheduled_for, id alone).

Payment search takes a Stripe id (`pi_…`, `ch_…`, `in_…`: matched exactly) or the start of a member's e-mail.
The e-mail prefix is resolved to member ids first (the members' e-mail btree, C collation on PostgreSQL) and those
ids go into the payments query as a plain list, so the planner reads just those members' payments through their
(member_id, created_at) index instead of walking every payment hoping to meet a few. A prefix that matches more
than `MEMBER_IDS_INLINE` members is refused with a message asking for more of the e-mail: such a list mixes
thousands of people, and sorting all their payments (or walking every payment by date to find theirs) is what
would make the page slow at a million members.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.billing.models import (
    PAYMENT_KINDS,
    PAYMENT_STATES,
    PAYOUT_STATES,
    REFUND_STATES,
    VOID_REFUND_STATES,
    CreditLedgerEntry,
    Payment,
    Payout,
    Plan,
    Refund,
    Subscription,
)
from console.catalog.models import Performer
from console.errors import NotFound, ValidationFailed
from console.members.models import Member
from console.members.service import MAX_ID, _prefix
from console.paging import Page, PageRequest, exact_or_estimated_count, fetch_page
from console.staff.models import Staff
from console.staff.names import names_of
from console.staff.permissions import Permission, can, require
from console.validation import text_problem

SEARCH_MAX = 254
MEMBER_IDS_INLINE = 1_000
MEMBER_LATEST = 50
# Stripe ids the search matches exactly: payment intent, charge, invoice.
PROVIDER_ID_RE = re.compile(r"^(pi|ch|in)_[A-Za-z0-9_]{1,250}$")
PROVIDER_COLUMNS = {"pi": Payment.payment_intent_id, "ch": Payment.charge_id, "in": Payment.invoice_id}


@dataclass(frozen=True)
class PaymentFilter:
    status: str | None = None
    kind: str | None = None
    search: str | None = None  # a member's e-mail (or its start), or a Stripe id pi_… / ch_… / in_…


@dataclass(frozen=True)
class PaymentRow:
    id: int
    member_id: int
    member_email: str
    kind: str
    amount_cents: int
    currency: str
    status: str
    refunded_cents: int
    provider: str
    created_at: datetime
    payment_intent_id: str | None = None
    charge_id: str | None = None
    invoice_id: str | None = None
    subscription_id: int | None = None
    failure_message: str | None = None
    version: int = 1
    being_refunded_cents: int = 0  # refunds asked for and not yet succeeded or void (awaiting approval, at Stripe)


@dataclass(frozen=True)
class RefundRow:
    id: int
    payment_id: int
    member_id: int
    member_email: str
    amount_cents: int
    currency: str
    reason: str
    status: str
    requested_by_label: str
    requested_by_id: int | None
    approved_by_label: str | None
    created_at: datetime
    version: int
    note: str | None = None
    error: str | None = None
    stripe_refund_id: str | None = None
    decided_at: datetime | None = None
    decision_note: str | None = None  # why it was approved or rejected (the second person's words)


@dataclass(frozen=True)
class PayoutRow:
    id: int
    creator_id: int
    creator_name: str
    amount_cents: int
    currency: str
    status: str
    scheduled_for: date
    tip_count: int
    hold_reason: str | None
    version: int


@dataclass(frozen=True)
class SubscriptionRow:
    id: int
    plan_id: int
    plan_code: str
    plan_name: str
    price_cents: int
    currency: str
    interval: str
    provider: str
    provider_subscription_id: str | None
    status: str
    current_period_start: datetime
    current_period_end: datetime
    cancel_at_period_end: bool
    canceled_at: datetime | None
    cancel_reason: str | None
    trial_end: datetime | None
    created_at: datetime
    version: int


@dataclass(frozen=True)
class LedgerRow:
    id: int
    kind: str
    amount: int
    balance_after: int
    payment_id: int | None
    reason: str | None
    created_by_label: str | None
    created_at: datetime


@dataclass(frozen=True)
class MemberBilling:
    member_id: int
    subscriptions: list[SubscriptionRow]
    payments: list[PaymentRow]  # the latest MEMBER_LATEST, newest first
    more_payments: bool
    refunds: list[RefundRow]  # the refunds of those payments, newest first
    ledger: list[LedgerRow]  # the latest MEMBER_LATEST entries, newest first
    more_ledger: bool
    credit_balance: int


def _search_problem(search: str) -> str | None:
    if len(search) > SEARCH_MAX:
        return f"is too long ({SEARCH_MAX} characters at most)"
    return text_problem(search)


def _validated(flt: PaymentFilter) -> PaymentFilter:
    errors: dict[str, str] = {}
    search = (flt.search or "").strip()
    if (problem := _search_problem(search)) is not None:
        errors["search"] = problem
    if flt.status and flt.status not in PAYMENT_STATES:
        errors["status"] = "is not a payment status"
    if flt.kind and flt.kind not in PAYMENT_KINDS:
        errors["kind"] = "is not a payment kind"
    if errors:
        raise ValidationFailed(errors)
    return PaymentFilter(status=flt.status or None, kind=flt.kind or None, search=search or None)


def _members_by_email(session: Session, prefix: str) -> Any:
    """A condition on Payment.member_id for members whose e-mail starts with `prefix` (see the module doc)."""
    matching = select(Member.id).where(_prefix(session, Member.email, prefix))
    ids = list(session.execute(matching.limit(MEMBER_IDS_INLINE + 1)).scalars())
    if len(ids) > MEMBER_IDS_INLINE:
        raise ValidationFailed(
            {"search": f"needs more of the e-mail: it matches more than {MEMBER_IDS_INLINE:,} members"}
        )
    return Payment.member_id.in_(ids)


def _emails(session: Session, member_ids: set[int]) -> dict[int, str]:
    if not member_ids:
        return {}
    rows = session.execute(select(Member.id, Member.email).where(Member.id.in_(member_ids))).tuples()
    return dict(rows.all())


def _being_refunded(session: Session, payment_ids: list[int]) -> dict[int, int]:
    """Per payment, the refunds asked for that have neither succeeded nor become void: what the refund dialog calls
    "being refunded", so the list and the dialog agree (one grouped read over ix_refunds_payment)."""
    if not payment_ids:
        return {}
    rows = session.execute(
        select(Refund.payment_id, func.sum(Refund.amount_cents))
        .where(Refund.payment_id.in_(payment_ids), Refund.status.not_in((*VOID_REFUND_STATES, "succeeded")))
        .group_by(Refund.payment_id)
    ).tuples()
    return {payment_id: int(total or 0) for payment_id, total in rows}


def _payment_row(payment: Payment, email: str, being_refunded: int = 0) -> PaymentRow:
    return PaymentRow(
        being_refunded_cents=being_refunded,
        id=payment.id,
        member_id=payment.member_id,
        member_email=email,
        kind=payment.kind,
        amount_cents=payment.amount_cents,
        currency=payment.currency,
        status=payment.status,
        refunded_cents=payment.refunded_cents,
        provider=payment.provider,
        created_at=payment.created_at,
        payment_intent_id=payment.payment_intent_id,
        charge_id=payment.charge_id,
        invoice_id=payment.invoice_id,
        subscription_id=payment.subscription_id,
        failure_message=payment.failure_message,
        version=payment.version,
    )


def _newest_first(page: PageRequest) -> bool:
    return page.descending if page.sort == "created_at" else True


def list_payments(session: Session, *, actor: Actor, flt: PaymentFilter, page: PageRequest) -> Page[PaymentRow]:
    """One page of payments, newest first (or oldest first with sort "created_at" ascending)."""
    require(actor, Permission.BILLING_READ)
    flt = _validated(flt)
    query: Select[Any] = select(Payment)
    if flt.search:
        if match := PROVIDER_ID_RE.match(flt.search):
            query = query.where(PROVIDER_COLUMNS[match.group(1)] == flt.search)
        else:
            query = query.where(_members_by_email(session, flt.search.lower()))
    if flt.status:
        query = query.where(Payment.status == flt.status)
    if flt.kind:
        query = query.where(Payment.kind == flt.kind)
    total, estimated = exact_or_estimated_count(session, query)
    desc = _newest_first(page)
    payments = fetch_page(
        session, query, [(Payment.created_at, desc), (Payment.id, desc)], page, total, estimated=estimated
    )
    emails = _emails(session, {p.member_id for p in payments})
    pending = _being_refunded(session, [p.id for p in payments])
    rows = [_payment_row(p, emails.get(p.member_id, ""), pending.get(p.id, 0)) for p in payments]
    return Page(rows=rows, total=total, estimated=estimated, request=page)


def _refund_rows(session: Session, refunds: list[Refund]) -> list[RefundRow]:
    """Rows for a page of refunds: their payments' members and the staff's names in two small queries."""
    payment_ids = {r.payment_id for r in refunds}
    members: dict[int, int] = {}
    if payment_ids:
        found = session.execute(select(Payment.id, Payment.member_id).where(Payment.id.in_(payment_ids))).tuples()
        members = dict(found.all())
    emails = _emails(session, set(members.values()))
    # by name, as every page names staff; the stored label for an account that is gone
    staff = names_of(session, (i for r in refunds for i in (r.approved_by_id, r.requested_by_id)))
    rows = []
    for refund in refunds:
        member_id = members.get(refund.payment_id, 0)
        rows.append(
            RefundRow(
                id=refund.id,
                payment_id=refund.payment_id,
                member_id=member_id,
                member_email=emails.get(member_id, ""),
                amount_cents=refund.amount_cents,
                currency=refund.currency,
                reason=refund.reason,
                status=refund.status,
                requested_by_label=staff.get(refund.requested_by_id or 0, refund.requested_by_label),
                requested_by_id=refund.requested_by_id,
                approved_by_label=staff.get(refund.approved_by_id) if refund.approved_by_id else None,
                created_at=refund.created_at,
                version=refund.version,
                note=refund.note,
                error=refund.error,
                stripe_refund_id=refund.stripe_refund_id,
                decided_at=refund.decided_at,
                decision_note=refund.decision_note,
            )
        )
    return rows


def list_refunds(
    session: Session,
    *,
    actor: Actor,
    status: str | None = None,
    awaiting_my_approval: bool = False,
    page: PageRequest,
) -> Page[RefundRow]:
    """One page of refunds, newest first. `awaiting_my_approval`: those waiting for a second person that this
    actor may decide — not their own requests, and none at all for someone without the approval permission."""
    require(actor, Permission.BILLING_READ)
    if status and status not in REFUND_STATES:
        raise ValidationFailed({"status": "is not a refund status"})
    query: Select[Any] = select(Refund)
    if awaiting_my_approval:
        if not can(actor, Permission.BILLING_APPROVE):
            return Page(rows=[], total=0, estimated=False, request=page)
        query = query.where(Refund.status == "awaiting_approval")
        if actor.staff_id is not None:
            query = query.where(or_(Refund.requested_by_id.is_(None), Refund.requested_by_id != actor.staff_id))
    if status:
        query = query.where(Refund.status == status)
    total, estimated = exact_or_estimated_count(session, query)
    desc = _newest_first(page)
    refunds = fetch_page(
        session, query, [(Refund.created_at, desc), (Refund.id, desc)], page, total, estimated=estimated
    )
    return Page(rows=_refund_rows(session, refunds), total=total, estimated=estimated, request=page)


def list_payouts(session: Session, *, actor: Actor, status: str | None = None, page: PageRequest) -> Page[PayoutRow]:
    """One page of creator payouts, soonest scheduled first (the queue finance works through)."""
    require(actor, Permission.BILLING_READ)
    if status and status not in PAYOUT_STATES:
        raise ValidationFailed({"status": "is not a payout status"})
    query: Select[Any] = select(Payout)
    if status:
        query = query.where(Payout.status == status)
    total, estimated = exact_or_estimated_count(session, query)
    desc = page.descending if page.sort == "scheduled_for" else False
    payouts = fetch_page(
        session, query, [(Payout.scheduled_for, desc), (Payout.id, desc)], page, total, estimated=estimated
    )
    creator_ids = {p.creator_id for p in payouts}
    names: dict[int, str] = {}
    if creator_ids:
        found = session.execute(select(Performer.id, Performer.name).where(Performer.id.in_(creator_ids))).tuples()
        names = dict(found.all())
    rows = [
        PayoutRow(
            id=p.id,
            creator_id=p.creator_id,
            creator_name=names.get(p.creator_id, f"Performer #{p.creator_id}"),
            amount_cents=p.amount_cents,
            currency=p.currency,
            status=p.status,
            scheduled_for=p.scheduled_for,
            tip_count=p.tip_count,
            hold_reason=p.hold_reason,
            version=p.version,
        )
        for p in payouts
    ]
    return Page(rows=rows, total=total, estimated=estimated, request=page)


def _subscriptions(session: Session, member_id: int) -> list[SubscriptionRow]:
    found = session.execute(
        select(Subscription, Plan)
        .join(Plan, Plan.id == Subscription.plan_id)
        .where(Subscription.member_id == member_id)
        .order_by(Subscription.created_at.desc(), Subscription.id.desc())
    ).tuples()
    return [
        SubscriptionRow(
            id=s.id,
            plan_id=plan.id,
            plan_code=plan.code,
            plan_name=plan.name,
            price_cents=plan.price_cents,
            currency=plan.currency,
            interval=plan.interval,
            provider=s.provider,
            provider_subscription_id=s.provider_subscription_id,
            status=s.status,
            current_period_start=s.current_period_start,
            current_period_end=s.current_period_end,
            cancel_at_period_end=s.cancel_at_period_end,
            canceled_at=s.canceled_at,
            cancel_reason=s.cancel_reason,
            trial_end=s.trial_end,
            created_at=s.created_at,
            version=s.version,
        )
        for s, plan in found
    ]


def _ledger(session: Session, member_id: int) -> list[tuple[CreditLedgerEntry, str | None]]:
    found = session.execute(
        select(CreditLedgerEntry, Staff.email)
        .outerjoin(Staff, Staff.id == CreditLedgerEntry.created_by_id)
        .where(CreditLedgerEntry.member_id == member_id)
        .order_by(CreditLedgerEntry.id.desc())
        .limit(MEMBER_LATEST + 1)
    ).tuples()
    return list(found.all())


def member_billing(session: Session, *, actor: Actor, member_id: int) -> MemberBilling:
    """A member's billing for the member 360: subscriptions (with their plans), the latest payments, the refunds
    of those payments, the latest credit ledger entries and the credit balance (the newest entry's balance)."""
    require(actor, Permission.BILLING_READ)
    member = session.get(Member, member_id) if 0 < member_id <= MAX_ID else None
    if member is None:
        raise NotFound(f"Member #{member_id} does not exist.")
    payments = list(
        session.execute(
            select(Payment)
            .where(Payment.member_id == member_id)
            .order_by(Payment.created_at.desc(), Payment.id.desc())
            .limit(MEMBER_LATEST + 1)
        ).scalars()
    )
    shown = payments[:MEMBER_LATEST]
    refunds: list[Refund] = []
    if shown:
        refunds = list(
            session.execute(
                select(Refund)
                .where(Refund.payment_id.in_([p.id for p in shown]))
                .order_by(Refund.created_at.desc(), Refund.id.desc())
            ).scalars()
        )
    ledger = _ledger(session, member_id)
    pending = _being_refunded(session, [p.id for p in shown])
    return MemberBilling(
        member_id=member_id,
        subscriptions=_subscriptions(session, member_id),
        payments=[_payment_row(p, member.email, pending.get(p.id, 0)) for p in shown],
        more_payments=len(payments) > MEMBER_LATEST,
        refunds=_refund_rows(session, refunds),
        ledger=[
            LedgerRow(
                id=e.id,
                kind=e.kind,
                amount=e.amount,
                balance_after=e.balance_after,
                payment_id=e.payment_id,
                reason=e.reason,
                created_by_label=email,
                created_at=e.created_at,
            )
            for e, email in ledger[:MEMBER_LATEST]
        ],
        more_ledger=len(ledger) > MEMBER_LATEST,
        credit_balance=ledger[0][0].balance_after if ledger else 0,
    )
