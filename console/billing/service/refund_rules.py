"""What every refund operation shares: the locks (payment row first, then the refund: one order everywhere, so two
writers never deadlock), what a payment still has to refund, the version check, and the one place where an answer
from Stripe moves a refund (monotonic: a refund that reached a final state never moves again).

Used by `refunds.py` (staff actions) and `refund_sync.py` (Stripe calls, reconcile, webhooks); not a public API.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.last_change import last_change
from console.audit.service import record as audit
from console.billing.models import (
    IN_FLIGHT_REFUND_STATES,
    REFUNDABLE_PAYMENT_STATES,
    VOID_REFUND_STATES,
    Payment,
    Refund,
)
from console.billing.money import format_money
from console.db import utcnow
from console.errors import Conflict, NotFound

REFUND_REASON_LABELS: dict[str, str] = {
    "requested_by_customer": "Requested by the member",
    "duplicate": "Duplicate payment",
    "fraudulent": "Fraudulent payment",
    "service_issue": "Service problem (playback, outage, content)",
    "goodwill": "Goodwill",
}
FINAL_REFUND_STATES = ("succeeded", "failed", "canceled", "rejected")
# Stripe's refund status -> ours. Stripe's "canceled" means nothing was paid back: failed here, with the reason.
STRIPE_TO_CONSOLE = {
    "succeeded": "succeeded",
    "pending": "pending",
    "requires_action": "pending",
    "failed": "failed",
    "canceled": "failed",
}
APPLE_BLOCKED = (
    "Apple bills this payment: the member asks Apple (reportaproblem.apple.com); it cannot be refunded from the "
    "console."
)
NOTE_MAX = 2000
STRIPE_WEBHOOK = Actor(kind="system", label="Stripe webhook")


def money(cents: int, currency: str) -> str:
    """Amounts in messages read as they do on the pages ("$12.50")."""
    return format_money(cents, currency)


def refund_view(refund: Refund) -> dict[str, Any]:
    """The fields an audit event and a conflict panel show."""
    return {
        "payment_id": refund.payment_id,
        "amount_cents": refund.amount_cents,
        "currency": refund.currency,
        "reason": refund.reason,
        "status": refund.status,
        "approved_by_id": refund.approved_by_id,
        "stripe_refund_id": refund.stripe_refund_id,
        "attempts": refund.attempts,
        "error": refund.error,
    }


def payment_view(payment: Payment) -> dict[str, Any]:
    return {"status": payment.status, "refunded_cents": payment.refunded_cents}


def locked_payment(session: Session, payment_id: int) -> Payment:
    """The payment, locked until the transaction ends (FOR UPDATE on PostgreSQL; SQLite's writers are serialised by
    BEGIN IMMEDIATE, db.py) and re-read, never the copy the session may already hold."""
    payment = session.execute(
        select(Payment).where(Payment.id == payment_id).with_for_update().execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if payment is None:
        raise NotFound(f"Payment #{payment_id} does not exist.")
    return payment


def locked_pair(session: Session, refund_id: int) -> tuple[Refund, Payment]:
    """The refund and its payment, both locked: the payment first (as request_refund does), then the refund."""
    payment_id = session.execute(select(Refund.payment_id).where(Refund.id == refund_id)).scalar_one_or_none()
    if payment_id is None:
        raise NotFound(f"Refund #{refund_id} does not exist.")
    payment = locked_payment(session, payment_id)
    refund = session.execute(
        select(Refund).where(Refund.id == refund_id).with_for_update().execution_options(populate_existing=True)
    ).scalar_one()
    return refund, payment


@dataclass(frozen=True)
class Committed:
    """What a payment has given back or promised: succeeded refunds and those still on their way."""

    refunded_cents: int
    in_flight_cents: int

    @property
    def total(self) -> int:
        return self.refunded_cents + self.in_flight_cents


def committed(session: Session, payment: Payment, *, excluding: int | None = None) -> Committed:
    """Succeeded refunds (or the payment's own refunded amount, if larger: imported history may lack the rows) plus
    every refund not failed, canceled, rejected or succeeded. `excluding` leaves one refund out."""
    query = (
        select(Refund.status, func.coalesce(func.sum(Refund.amount_cents), 0))
        .where(Refund.payment_id == payment.id, Refund.status.not_in(VOID_REFUND_STATES))
        .group_by(Refund.status)
    )
    if excluding is not None:
        query = query.where(Refund.id != excluding)
    sums = {status: int(total) for status, total in session.execute(query).tuples()}
    succeeded = sums.pop("succeeded", 0)
    return Committed(max(succeeded, payment.refunded_cents), sum(sums.values()))


NOT_REFUNDABLE_STATES = {"failed": "failed", "pending": "is still pending", "processing": "is still processing"}


class PaymentFacts(Protocol):
    """What `payment_blocked` reads: a Payment, or a listed payment row (`queries.PaymentRow`)."""

    @property
    def provider(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def charge_id(self) -> str | None: ...
    @property
    def payment_intent_id(self) -> str | None: ...


def payment_blocked(payment: PaymentFacts) -> str | None:
    """Why no refund of this payment can be made here at all (whatever the amount), or None."""
    if payment.provider == "apple":
        return APPLE_BLOCKED
    if payment.status == "refunded":
        return "Nothing is left to refund: this payment was refunded in full."
    if payment.status not in REFUNDABLE_PAYMENT_STATES:
        state = NOT_REFUNDABLE_STATES.get(payment.status, f"is {payment.status.replace('_', ' ')}")
        return f"This payment {state}: only a succeeded payment can be refunded."
    if not (payment.charge_id or payment.payment_intent_id):
        return "This payment has no Stripe charge or payment intent to refund."
    return None


def all_on_its_way(row: Any) -> str | None:
    """A listed payment (`queries.PaymentRow`) whose whole rest is being refunded (awaiting approval or at Stripe):
    "Refund…" could only say that nothing is left, so the pages say this instead."""
    if row.being_refunded_cents and row.amount_cents - row.refunded_cents - row.being_refunded_cents <= 0:
        return (
            f"Nothing is left to refund now: {money(row.being_refunded_cents, row.currency)} is being refunded "
            "(awaiting approval or at Stripe)."
        )
    return None


def not_refundable_now(row: Any) -> str | None:
    """Why a listed payment offers no "Refund…" (blocked for good, or all of it on its way), or None."""
    return payment_blocked(row) or all_on_its_way(row)


def does_not_fit(session: Session, refund: Refund, payment: Payment) -> str | None:
    """Why this (not yet sent) refund cannot go ahead now: the payment is blocked, or the other refunds (a refund
    in the Stripe dashboard, say) have left less than its amount. None when it still fits."""
    blocked = payment_blocked(payment)
    if blocked:
        return f"Refund #{refund.id} cannot go ahead now. {blocked}"
    left = max(0, payment.amount_cents - committed(session, payment, excluding=refund.id).total)
    if refund.amount_cents > left:
        return (
            f"Refund #{refund.id} asks for {money(refund.amount_cents, refund.currency)} but payment #{payment.id} "
            f"has only {money(left, payment.currency)} left to refund now; reject it and request a smaller one."
        )
    return None


# "it is now succeeded" read as a code: a refund's states as the end of "it is now …"
STATUS_IN_A_SENTENCE = {"succeeded": "refunded", "pending": "pending at Stripe"}


def check_version(session: Session, refund: Refund, version: int) -> None:
    if refund.version != version:
        last = last_change(session, "refund", refund.id)
        who = last.by or "someone else"
        raise Conflict(
            f"Refund #{refund.id} was changed by {who} while you looked at it (it is now "
            f"{STATUS_IN_A_SENTENCE.get(refund.status) or refund.status.replace('_', ' ')}). Nothing was done; look at "
            "it again.",
            current=refund_view(refund),
            changed_by=who,
            changed_at=last.at,
        )


def add_refunded(session: Session, actor: Actor, payment: Payment, cents: int, refund_id: int) -> None:
    """A refund succeeded: the payment's refunded amount and status follow, with their own audit event."""
    before = payment_view(payment)
    payment.refunded_cents = min(payment.amount_cents, payment.refunded_cents + cents)
    payment.status = "refunded" if payment.refunded_cents >= payment.amount_cents else "partially_refunded"
    session.flush()
    after = payment_view(payment)
    audit(session, actor, "payment.refund", "payment", payment.id, before, after, f"refund #{refund_id}")


_ACTIONS = {"succeeded": "refund.succeed", "pending": "refund.pending", "failed": "refund.fail"}


def apply_result(
    session: Session,
    actor: Actor,
    refund: Refund,
    payment: Payment,
    *,
    stripe_status: str,
    stripe_refund_id: str | None,
    failure: str | None,
    via: str,
) -> bool:
    """Move an in-flight refund (submitting or pending; both rows locked by the caller) to what Stripe says.
    Returns False when nothing changed: a final refund never moves back, a refund not sent yet is not Stripe's."""
    if refund.status not in IN_FLIGHT_REFUND_STATES:
        return False
    target = STRIPE_TO_CONSOLE.get(stripe_status, "pending")
    new_id = stripe_refund_id if stripe_refund_id and refund.stripe_refund_id is None else None
    if target == refund.status and new_id is None:
        return False
    before = refund_view(refund)
    if new_id is not None:
        refund.stripe_refund_id = new_id
    refund.status = target
    if target == "succeeded":
        refund.settled_at, refund.error = utcnow(), None
    elif target == "failed":
        refund.settled_at = utcnow()
        refund.error = failure or f"Stripe reports the refund {stripe_status}."
    else:
        refund.error = None
    session.flush()
    audit(session, actor, _ACTIONS[target], "refund", refund.id, before, refund_view(refund), via)
    if target == "succeeded":
        add_refunded(session, actor, payment, refund.amount_cents, refund.id)
    return True
