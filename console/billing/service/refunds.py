"""Refunds: what a payment still has to give back, a request (with its own idempotency key), the second person's
approval above CONSOLE_REFUND_APPROVAL_CENTS, and rejection. Sending to Stripe, reconciling and webhooks live in
`refund_sync.py` and are re-exported here, so callers import every refund operation from this module.

The rules (issue 10): a refund never exceeds the payment minus every refund not failed, canceled or rejected,
checked with the payment row locked; the requester never approves their own refund (the service refuses, the
database's CHECK four_eyes backs it); the same idempotency key twice gives the one refund; Apple-billed payments
are refunded by Apple, not here. Services take the caller's session and never commit (submit and reconcile,
which must commit before calling Stripe, are the exception and open their own units of work).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.service import record as audit
from console.billing.models import REFUND_REASONS, Payment, Refund
from console.billing.service.refund_rules import (
    NOTE_MAX,
    REFUND_REASON_LABELS,
    check_version,
    committed,
    does_not_fit,
    locked_pair,
    locked_payment,
    money,
    payment_blocked,
    refund_view,
)
from console.billing.service.refund_sync import (
    ReconcileReport,
    apply_stripe_refund,
    reconcile_refunds,
    submit_refund,
)
from console.config import get_settings
from console.db import utcnow
from console.errors import Forbidden, NotFound, RuleViolation, ValidationFailed
from console.staff.permissions import Permission, require
from console.validation import clean_text

__all__ = [
    "REFUND_REASON_LABELS",
    "ReconcileReport",
    "RefundPreview",
    "apply_stripe_refund",
    "approve_refund",
    "reconcile_refunds",
    "refund_preview",
    "reject_refund",
    "request_refund",
    "submit_refund",
]
KEY_MAX = 64


@dataclass(frozen=True)
class RefundPreview:
    payment_id: int
    member_id: int
    amount_cents: int
    currency: str
    refunded_cents: int
    refundable_cents: int
    in_flight_cents: int
    approval_threshold_cents: int
    provider: str
    blocked: str | None


def _preview(session: Session, payment: Payment) -> RefundPreview:
    done = committed(session, payment)
    refundable = max(0, payment.amount_cents - done.total)
    blocked = payment_blocked(payment)
    if blocked is None and refundable == 0:
        cur = payment.currency
        blocked = (
            f"Nothing is left to refund: {money(done.refunded_cents, cur)} refunded and "
            f"{money(done.in_flight_cents, cur)} on its way of {money(payment.amount_cents, cur)}."
        )
    return RefundPreview(
        payment_id=payment.id,
        member_id=payment.member_id,
        amount_cents=payment.amount_cents,
        currency=payment.currency,
        refunded_cents=done.refunded_cents,
        refundable_cents=0 if blocked else refundable,
        in_flight_cents=done.in_flight_cents,
        approval_threshold_cents=get_settings().refund_approval_cents,
        provider=payment.provider,
        blocked=blocked,
    )


def refund_preview(session: Session, *, actor: Actor, payment_id: int) -> RefundPreview:
    """What the refund dialog shows before anything is decided: refundable amount, threshold, or why not."""
    require(actor, Permission.BILLING_READ)
    payment = session.get(Payment, payment_id)
    if payment is None:
        raise NotFound(f"Payment #{payment_id} does not exist.")
    return _preview(session, payment)


def _clean_request(amount_cents: Any, reason: str, note: str | None, key: str) -> tuple[str | None, str]:
    errors: dict[str, str] = {}
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int):
        errors["amount_cents"] = "must be a whole number of cents"
    elif amount_cents <= 0:
        errors["amount_cents"] = "must be more than zero"
    if reason not in REFUND_REASONS:
        labels = ", ".join(REFUND_REASON_LABELS.values())
        errors["reason"] = "is required" if not reason else f"must be one of: {labels}"
    cleaned = clean_text(note, "note", errors, max_len=NOTE_MAX, multiline=True, required=False) or None
    key = (key or "").strip()
    if not key:
        errors["idempotency_key"] = "is required (the dialog makes one when it opens)"
    elif len(key) > KEY_MAX or not key.isascii() or not key.isprintable():
        errors["idempotency_key"] = f"must be at most {KEY_MAX} plain ASCII characters"
    if errors:
        raise ValidationFailed(errors)
    return cleaned, key


def _by_key(session: Session, key: str) -> Refund | None:
    return session.execute(select(Refund).where(Refund.idempotency_key == key)).scalar_one_or_none()


def _same_request(refund: Refund, payment_id: int) -> Refund:
    if refund.payment_id != payment_id:
        raise ValidationFailed({"idempotency_key": f"belongs to refund #{refund.id} of another payment"})
    return refund


def request_refund(
    session: Session,
    *,
    actor: Actor,
    payment_id: int,
    amount_cents: int,
    reason: str,
    note: str | None = None,
    idempotency_key: str,
) -> Refund:
    """Ask for a refund: `approved` up to the threshold, `awaiting_approval` above it. Sending is submit_refund's.
    The same key again (a double-click, a retried request) returns the refund it made."""
    require(actor, Permission.BILLING_REFUND)
    note, key = _clean_request(amount_cents, reason, note, idempotency_key)
    if (existing := _by_key(session, key)) is not None:
        return _same_request(existing, payment_id)
    payment = locked_payment(session, payment_id)
    if (existing := _by_key(session, key)) is not None:  # the twin request held the lock and committed first
        return _same_request(existing, payment_id)
    preview = _preview(session, payment)
    if preview.blocked:
        raise ValidationFailed({"payment_id": preview.blocked})
    if amount_cents > preview.refundable_cents:
        raise ValidationFailed(
            {
                "amount_cents": f"must be at most {money(preview.refundable_cents, payment.currency)}, what payment "
                f"#{payment.id} still has to refund ({money(payment.amount_cents, payment.currency)} paid, "
                f"{money(preview.refunded_cents, payment.currency)} refunded, "
                f"{money(preview.in_flight_cents, payment.currency)} on its way)"
            }
        )
    threshold = get_settings().refund_approval_cents
    refund = Refund(
        payment_id=payment.id,
        amount_cents=amount_cents,
        currency=payment.currency,
        reason=reason,
        note=note,
        status="awaiting_approval" if amount_cents > threshold else "approved",
        requested_by_id=actor.staff_id,
        requested_by_label=actor.label[:255],
        idempotency_key=key,
        created_at=utcnow(),
    )
    savepoint = session.begin_nested()
    try:
        session.add(refund)
        session.flush()
    except IntegrityError:
        savepoint.rollback()
        if (existing := _by_key(session, key)) is not None:  # the same key raced in on another payment's lock
            return _same_request(existing, payment_id)
        raise
    savepoint.commit()
    audit(session, actor, "refund.request", "refund", refund.id, None, refund_view(refund), note or reason)
    return refund


def approve_refund(session: Session, *, actor: Actor, refund_id: int, version: int, note: str | None = None) -> Refund:
    """The second person's yes for a refund above the threshold (never the requester's own)."""
    require(actor, Permission.BILLING_APPROVE)
    errors: dict[str, str] = {}
    cleaned = clean_text(note, "note", errors, max_len=NOTE_MAX, multiline=True, required=False) or None
    if errors:
        raise ValidationFailed(errors)
    refund, payment = locked_pair(session, refund_id)
    check_version(session, refund, version)
    if refund.status != "awaiting_approval":
        raise RuleViolation(
            f"Refund #{refund.id} is {refund.status.replace('_', ' ')}: only a refund awaiting approval can be "
            "approved."
        )
    if refund.requested_by_id is not None and refund.requested_by_id == actor.staff_id:
        raise Forbidden("You requested this refund: another finance staff member must approve it (four eyes).")
    problem = does_not_fit(session, refund, payment)
    if problem:
        raise RuleViolation(problem)
    before = refund_view(refund)
    refund.status, refund.approved_by_id = "approved", actor.staff_id
    refund.decided_at, refund.decision_note = utcnow(), cleaned
    session.flush()
    audit(session, actor, "refund.approve", "refund", refund.id, before, refund_view(refund), cleaned)
    return refund


def reject_refund(session: Session, *, actor: Actor, refund_id: int, version: int, note: str) -> Refund:
    """No to a refund that has not been sent (awaiting approval or approved); the note says why."""
    require(actor, Permission.BILLING_APPROVE)
    errors: dict[str, str] = {}
    cleaned = clean_text(note, "note", errors, max_len=NOTE_MAX, multiline=True)
    if errors:
        raise ValidationFailed(errors)
    refund, _payment = locked_pair(session, refund_id)
    check_version(session, refund, version)
    if refund.status not in ("awaiting_approval", "approved"):
        raise RuleViolation(
            f"Refund #{refund.id} is {refund.status.replace('_', ' ')}: only a refund not yet sent to Stripe can be "
            "rejected."
        )
    before = refund_view(refund)
    refund.status, refund.decided_at, refund.decision_note = "rejected", utcnow(), cleaned
    refund.approved_by_id = actor.staff_id  # who decided: "Decided by" on the lists and the member's page
    session.flush()
    audit(session, actor, "refund.reject", "refund", refund.id, before, refund_view(refund), cleaned)
    return refund
