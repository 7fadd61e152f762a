"""Refunds and Stripe: sending an approved refund, reconciling those whose answer was lost, and applying what
Stripe's webhooks say. Import these from `refunds.py`.

Crash-safe by construction: the refund is committed as `submitting` (with its idempotency key) *before* Stripe is
called, and no database transaction (nor lock) is held during the call. If the answer is lost (connection error,
timeout, 5xx) the refund stays `submitting`; `reconcile_refunds` lists the payment's refunds at Stripe and matches
`metadata.console_refund_id`: found, it settles from Stripe's record; not found, it sends again with the same key.
Stripe would de-duplicate by that key alone, the local Stripe server in the tests does not: the not-found check
(and a claim on the row's version, so two reconcilers cannot both re-send) is what prevents a second refund.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.service import record as audit
from console.billing.gateway import GatewayError, GatewayRefund, GatewayRefused, GatewayUnavailable, get_gateway
from console.billing.models import REFUND_REASONS, Payment, Refund
from console.billing.service.events import Outcome
from console.billing.service.refund_rules import (
    STRIPE_TO_CONSOLE,
    STRIPE_WEBHOOK,
    add_refunded,
    apply_result,
    does_not_fit,
    locked_pair,
    locked_payment,
    refund_view,
)
from console.db import session_scope, utcnow
from console.errors import RuleViolation
from console.staff.permissions import Permission, require

log = logging.getLogger(__name__)

RECONCILE_BATCH = 500


@dataclass(frozen=True)
class _Call:
    """What one Stripe call needs, read in the unit of work that marked the refund `submitting`."""

    refund_id: int
    charge_id: str | None
    payment_intent_id: str | None
    amount_cents: int
    idempotency_key: str


def _not_sendable(refund: Refund) -> str:
    if refund.status == "awaiting_approval":
        return f"Refund #{refund.id} waits for a second finance staff member's approval."
    if refund.status == "submitting":
        return (
            f"Refund #{refund.id} was sent to Stripe and its answer is not known yet: reconcile it instead of sending "
            "it again."
        )
    return f"Refund #{refund.id} is {refund.status.replace('_', ' ')}: only an approved refund can be sent."


def submit_refund(*, actor: Actor, refund_id: int) -> Refund:
    """Send an approved refund to Stripe. Commits itself: `submitting` first, then the call, then the answer."""
    require(actor, Permission.BILLING_REFUND)
    with session_scope() as session:
        refund, payment = locked_pair(session, refund_id)
        if refund.status != "approved":
            raise RuleViolation(_not_sendable(refund))
        problem = does_not_fit(session, refund, payment)
        if problem:
            raise RuleViolation(problem)
        call = _mark_submitting(session, actor, refund, payment, "refund.submit")
    return _send(actor, call)


def _mark_submitting(session: Session, actor: Actor, refund: Refund, payment: Payment, action: str) -> _Call:
    before = refund_view(refund)
    refund.status, refund.attempts, refund.error = "submitting", refund.attempts + 1, None
    refund.submitted_at = utcnow()
    session.flush()
    audit(session, actor, action, "refund", refund.id, before, refund_view(refund))
    return _Call(refund.id, payment.charge_id, payment.payment_intent_id, refund.amount_cents, refund.idempotency_key)


def _send(actor: Actor, call: _Call) -> Refund:
    """The Stripe call (no transaction open), then its answer in a unit of work of its own."""
    try:
        answer = get_gateway().create_refund(
            charge_id=call.charge_id,
            payment_intent_id=call.payment_intent_id,
            amount_cents=call.amount_cents,
            idempotency_key=call.idempotency_key,
            metadata={"console_refund_id": str(call.refund_id)},
        )
    except GatewayUnavailable as exc:
        return _record_unknown(actor, call.refund_id, exc.args[0] if exc.args else str(exc))
    except GatewayRefused as exc:
        return _record_refused(actor, call.refund_id, exc.args[0] if exc.args else str(exc))
    with session_scope() as session:
        refund, payment = locked_pair(session, call.refund_id)
        apply_result(
            session, actor, refund, payment,
            stripe_status=answer.status, stripe_refund_id=answer.id, failure=answer.failure_reason, via="stripe answer",
        )  # fmt: skip
        return refund


def _record_unknown(actor: Actor, refund_id: int, message: str) -> Refund:
    with session_scope() as session:
        refund, _payment = locked_pair(session, refund_id)
        if refund.status == "submitting":  # a webhook may have settled it meanwhile
            before = refund_view(refund)
            refund.error = f"{message} The refund stays “submitting” until it is reconciled with Stripe."
            session.flush()
            audit(session, actor, "refund.submit_unknown", "refund", refund.id, before, refund_view(refund), message)
        return refund


def _record_refused(actor: Actor, refund_id: int, message: str) -> Refund:
    with session_scope() as session:
        refund, _payment = locked_pair(session, refund_id)
        if refund.status == "submitting":
            before = refund_view(refund)
            refund.status, refund.error, refund.settled_at = "failed", message, utcnow()
            session.flush()
            audit(session, actor, "refund.fail", "refund", refund.id, before, refund_view(refund), message)
        return refund


# --- reconcile ---------------------------------------------------------------------------------------------


@dataclass
class ReconcileReport:
    checked: int = 0  # refunds looked at (submitting, and pending)
    settled: int = 0  # found at Stripe and moved to what Stripe says (succeeded, failed, or pending)
    resent: int = 0  # not found at Stripe: sent again with the same key
    still_pending: int = 0  # pending at Stripe, as before
    still_unknown: int = 0  # left submitting (Stripe down, or the answer lost again), or pending and not found
    messages: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Candidate:
    refund_id: int
    version: int
    status: str
    stripe_refund_id: str | None
    payment_id: int
    charge_id: str | None
    payment_intent_id: str | None


def _candidates(session: Session, payment_id: int | None, cutoff: datetime) -> list[_Candidate]:
    query = (
        select(Refund, Payment.charge_id, Payment.payment_intent_id)
        .join(Payment, Payment.id == Refund.payment_id)
        .where(
            or_(
                Refund.status == "pending",
                (Refund.status == "submitting") & (Refund.submitted_at <= cutoff),
            )
        )
        .order_by(Refund.submitted_at, Refund.id)
        .limit(RECONCILE_BATCH)
    )
    if payment_id is not None:
        query = query.where(Refund.payment_id == payment_id)
    return [
        _Candidate(r.id, r.version, r.status, r.stripe_refund_id, r.payment_id, charge, intent)
        for r, charge, intent in session.execute(query).tuples()
    ]


def reconcile_refunds(*, actor: Actor, payment_id: int | None = None, older_than_seconds: int = 0) -> ReconcileReport:
    """Ask Stripe about refunds left `submitting` (sent at least `older_than_seconds` ago) or `pending`, payment by
    payment; settle what Stripe knows, re-send what it never received. Commits itself, one unit per refund."""
    require(actor, Permission.BILLING_REFUND)
    cutoff = datetime.now(UTC) - timedelta(seconds=max(0, older_than_seconds))
    report = ReconcileReport()
    with session_scope() as session:
        candidates = _candidates(session, payment_id, cutoff)
    by_payment: dict[int, list[_Candidate]] = defaultdict(list)
    for candidate in candidates:
        by_payment[candidate.payment_id].append(candidate)
    for items in by_payment.values():
        _reconcile_payment(actor, items, cutoff, report)
    return report


def _reconcile_payment(actor: Actor, items: list[_Candidate], cutoff: datetime, report: ReconcileReport) -> None:
    first = items[0]
    report.checked += len(items)
    try:
        listed = get_gateway().list_refunds(charge_id=first.charge_id, payment_intent_id=first.payment_intent_id)
    except GatewayError as exc:
        report.still_unknown += len(items)
        report.messages.append(f"Payment #{first.payment_id}: {exc} Its refunds were left as they are.")
        return
    for item in items:
        found = _match(item, listed)
        if found is None and item.status != "submitting":
            report.still_unknown += 1
            report.messages.append(f"Refund #{item.refund_id} is pending but Stripe lists no refund for it.")
            continue
        try:  # each refund in its own unit of work: one that cannot be stored does not stop the others
            if found is not None:
                _settle_found(actor, item, found, report)
            else:
                _resend(actor, item, cutoff, report)
        except SQLAlchemyError as exc:
            log.exception("reconcile: refund #%s could not be stored", item.refund_id)
            report.still_unknown += 1
            report.messages.append(
                f"Refund #{item.refund_id} could not be stored ({type(exc).__name__}); it was left as it is."
            )


def _match(item: _Candidate, listed: list[GatewayRefund]) -> GatewayRefund | None:
    for refund in listed:
        if refund.metadata.get("console_refund_id") == str(item.refund_id) or (
            item.stripe_refund_id is not None and refund.id == item.stripe_refund_id
        ):
            return refund
    return None


def _settle_found(actor: Actor, item: _Candidate, found: GatewayRefund, report: ReconcileReport) -> None:
    with session_scope() as session:
        refund, payment = locked_pair(session, item.refund_id)
        changed = apply_result(
            session, actor, refund, payment,
            stripe_status=found.status, stripe_refund_id=found.id, failure=found.failure_reason, via="reconcile",
        )  # fmt: skip
        status = refund.status
    if changed:
        report.settled += 1
        report.messages.append(f"Refund #{item.refund_id}: {status} at Stripe ({found.id}).")
    elif status == "pending":
        report.still_pending += 1


def _resend(actor: Actor, item: _Candidate, cutoff: datetime, report: ReconcileReport) -> None:
    with session_scope() as session:
        refund, payment = locked_pair(session, item.refund_id)
        # Claim the re-send: unchanged since it was listed, and not just sent by someone else.
        claimable = refund.status == "submitting" and refund.version == item.version
        if not claimable or refund.submitted_at is None or refund.submitted_at > cutoff:
            report.messages.append(f"Refund #{item.refund_id} changed while it was being reconciled; left to them.")
            return
        call = _mark_submitting(session, actor, refund, payment, "refund.resend")
    refund = _send(actor, call)
    report.resent += 1
    if refund.status == "submitting":
        report.still_unknown += 1
        report.messages.append(f"Refund #{refund.id} was sent again; Stripe's answer was lost again: {refund.error}")
    else:
        report.messages.append(f"Refund #{refund.id} was not at Stripe: sent again, now {refund.status}.")


# --- webhooks ----------------------------------------------------------------------------------------------


def _console_refund(session: Session, obj: dict[str, Any]) -> Refund | None:
    """The refund this Stripe refund is: by its Stripe id, else by the console id in its metadata (only if the
    payment's charge matches: the metadata of another database's refund must not settle ours)."""
    stripe_id = str(obj.get("id") or "")
    refund = session.execute(select(Refund).where(Refund.stripe_refund_id == stripe_id)).scalar_one_or_none()
    if refund is not None:
        return refund
    console_id = str((obj.get("metadata") or {}).get("console_refund_id") or "")
    if not console_id.isdigit():
        return None
    refund = session.get(Refund, int(console_id))
    if refund is None or refund.stripe_refund_id is not None:
        return None
    payment = session.get(Payment, refund.payment_id)
    if payment is None or not _same_charge(payment, obj):
        return None
    return refund


def _same_charge(payment: Payment, obj: dict[str, Any]) -> bool:
    charge, intent = obj.get("charge"), obj.get("payment_intent")
    return bool((charge and payment.charge_id == charge) or (intent and payment.payment_intent_id == intent))


def _payment_for(session: Session, obj: dict[str, Any]) -> Payment | None:
    pairs = ((Payment.charge_id, obj.get("charge")), (Payment.payment_intent_id, obj.get("payment_intent")))
    for column, value in pairs:
        if value:
            found = session.execute(select(Payment.id).where(column == value).limit(1)).scalar_one_or_none()
            if found is not None:
                return session.get(Payment, found)
    return None


def apply_stripe_refund(session: Session, obj: dict[str, Any], created: int) -> Outcome:
    """Apply one Stripe refund object (from refund.* and charge.refund* events). Monotonic and idempotent: a final
    refund never moves back, a replay changes nothing; a refund made in the Stripe dashboard for a payment we know
    is recorded as a refund of its own so the payment's totals stay right."""
    stripe_id, status = str(obj.get("id") or ""), str(obj.get("status") or "pending")
    if not stripe_id.startswith("re_") and not stripe_id.startswith("pyr_"):
        return Outcome("ignored", f"not a refund object ({stripe_id or 'no id'})")
    refund = _console_refund(session, obj)
    if refund is None:
        payment = _payment_for(session, obj)
        if payment is None:
            return Outcome("ignored", f"{stripe_id}: no payment here for its charge")
        locked_payment(session, payment.id)
        refund = _console_refund(session, obj)  # a twin event may have recorded it while we waited for the lock
        if refund is None:
            return _record_external(session, payment, obj, created)
    refund, payment = locked_pair(session, refund.id)
    changed = apply_result(
        session, STRIPE_WEBHOOK, refund, payment,
        stripe_status=status, stripe_refund_id=stripe_id, failure=obj.get("failure_reason"), via="stripe webhook",
    )  # fmt: skip
    if changed:
        return Outcome("applied", f"refund #{refund.id} is {refund.status}")
    return Outcome("ignored", f"refund #{refund.id} is already {refund.status.replace('_', ' ')}")


def _record_external(session: Session, payment: Payment, obj: dict[str, Any], created: int) -> Outcome:
    """A refund made outside the console (the Stripe dashboard): a row of its own, so the totals stay right."""
    stripe_id = str(obj["id"])
    status = STRIPE_TO_CONSOLE.get(str(obj.get("status") or "pending"), "pending")
    reason = str(obj.get("reason") or "")
    stamp = int(obj.get("created") or created or 0)
    when = datetime.fromtimestamp(stamp, UTC) if stamp > 0 else utcnow()
    failure = obj.get("failure_reason") or f"Stripe reports the refund {obj.get('status')}."
    refund = Refund(
        payment_id=payment.id,
        amount_cents=int(obj.get("amount") or 0),
        currency=str(obj.get("currency") or payment.currency).upper(),
        reason=reason if reason in REFUND_REASONS else "requested_by_customer",
        note=f"Made outside the console (Stripe {stripe_id}).",
        status=status,
        requested_by_id=None,
        requested_by_label="Stripe dashboard",
        idempotency_key=f"stripe:{stripe_id}"[:64],
        stripe_refund_id=stripe_id,
        error=failure if status == "failed" else None,
        created_at=when,
        submitted_at=when,
        settled_at=utcnow() if status in ("succeeded", "failed") else None,
    )
    if refund.amount_cents <= 0:
        return Outcome("ignored", f"{stripe_id}: no amount")
    savepoint = session.begin_nested()
    try:
        session.add(refund)
        session.flush()
    except IntegrityError:
        savepoint.rollback()
        return Outcome("ignored", f"{stripe_id} is already recorded")
    savepoint.commit()
    view = refund_view(refund)
    audit(session, STRIPE_WEBHOOK, "refund.record_external", "refund", refund.id, None, view, "stripe webhook")
    if status == "succeeded":
        add_refunded(session, STRIPE_WEBHOOK, payment, refund.amount_cents, refund.id)
    return Outcome("applied", f"refund {stripe_id} made outside the console recorded as #{refund.id} ({status})")
