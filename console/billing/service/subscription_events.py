"""Webhook handlers for subscriptions and their invoices: Stripe's state mirrored onto the console's rows.

- `customer.subscription.updated` / `.deleted`: status, current period, cancel_at_period_end, canceled_at, trial end
  and the plan (by `plans.stripe_plan_id`) copied from the event's object. Events older than the last applied one
  for the same subscription never get here (`webhooks.receive_event` ignores them); events older than the last
  change a staff member made from the console are ignored here (that change already holds Stripe's answer).
- `invoice.paid` / `invoice.payment_failed`: the Payment for that invoice is created or updated (kind subscription,
  amount_paid / amount_due, charge, payment intent). A paid invoice stays paid: a late failure notice changes
  nothing. A failure makes a live subscription `past_due` unless a newer subscription event already spoke.

`mirror()` is also what `subscriptions.py` applies after a gateway call, so both paths write the same fields.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.audit.models import AuditEvent
from console.audit.service import record as audit
from console.billing.gateway import GatewaySubscription, _subscription
from console.billing.models import Payment, Plan, StripeEvent, Subscription
from console.billing.service.events import Outcome, handles
from console.billing.service.webhooks import WEBHOOK, event_reason

# Stripe's subscription statuses -> ours (`paused` has no counterpart: the status is kept and the detail says so).
STRIPE_STATUS = {
    "active": "active",
    "trialing": "trialing",
    "past_due": "past_due",
    "canceled": "canceled",
    "unpaid": "unpaid",
    "incomplete": "incomplete",
    "incomplete_expired": "expired",
}


def from_unix(value: int | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(int(value), UTC)


def subscription_view(sub: Subscription) -> dict[str, Any]:
    """What the audit log keeps of a subscription before and after a change."""
    return {
        "status": sub.status,
        "plan_id": sub.plan_id,
        "current_period_start": sub.current_period_start,
        "current_period_end": sub.current_period_end,
        "cancel_at_period_end": sub.cancel_at_period_end,
        "canceled_at": sub.canceled_at,
        "cancel_reason": sub.cancel_reason,
        "trial_end": sub.trial_end,
    }


def payment_view(payment: Payment) -> dict[str, Any]:
    return {
        "status": payment.status,
        "amount_cents": payment.amount_cents,
        "currency": payment.currency,
        "invoice_id": payment.invoice_id,
        "charge_id": payment.charge_id,
        "payment_intent_id": payment.payment_intent_id,
        "failure_message": payment.failure_message,
    }


def mirror(session: Session, sub: Subscription, remote: GatewaySubscription, *, when: datetime) -> list[str]:
    """Copy Stripe's view of the subscription onto the row (no flush, no audit); returns notes on what could not
    be copied. `when` is the cancellation time used when Stripe gives none (localstripe sends no canceled_at)."""
    notes: list[str] = []
    status = STRIPE_STATUS.get(remote.status)
    if status is None:
        notes.append(f"Stripe status {remote.status!r} has no counterpart here; the status stays {sub.status}")
    else:
        sub.status = status
    start, end = from_unix(remote.current_period_start), from_unix(remote.current_period_end)
    if start is not None and end is not None and end >= start:
        sub.current_period_start, sub.current_period_end = start, end
    elif end is not None and end >= sub.current_period_start:
        sub.current_period_end = end
    sub.cancel_at_period_end = bool(remote.cancel_at_period_end)
    sub.trial_end = from_unix(remote.trial_end)
    if sub.status == "canceled":
        sub.canceled_at = from_unix(remote.canceled_at) or sub.canceled_at or when
    else:
        sub.canceled_at = None
    if remote.plan_id:
        current = session.get(Plan, sub.plan_id)
        if current is None or current.stripe_plan_id != remote.plan_id:
            plan = session.execute(select(Plan).where(Plan.stripe_plan_id == remote.plan_id)).scalar_one_or_none()
            if plan is None:
                notes.append(f"Stripe plan {remote.plan_id} is not a plan here; the plan was kept")
            else:
                sub.plan_id = plan.id
    return notes


def last_console_change(session: Session, subscription_id: int) -> datetime | None:
    """When a staff member last changed this subscription from the console (its audit events)."""
    found = session.execute(
        select(func.max(AuditEvent.occurred_at)).where(
            AuditEvent.entity == "subscription",
            AuditEvent.entity_id == str(subscription_id),
            AuditEvent.actor_kind == "staff",
        )
    ).scalar_one_or_none()
    if found is None:
        return None
    return found if found.tzinfo is not None else found.replace(tzinfo=UTC)


def _stripe_subscription(session: Session, provider_id: str | None) -> Subscription | None:
    if not provider_id:
        return None
    return session.execute(
        select(Subscription)
        .where(Subscription.provider_subscription_id == provider_id, Subscription.provider == "stripe")
        .with_for_update()
    ).scalar_one_or_none()


def _sync(session: Session, obj: dict, created: int, *, deleted: bool) -> Outcome:
    sub = _stripe_subscription(session, obj.get("id"))
    if sub is None:
        return Outcome("ignored", f"no Stripe subscription {obj.get('id')} here")
    changed_here = last_console_change(session, sub.id)
    if changed_here is not None and created < changed_here.timestamp():
        return Outcome(
            "ignored", f"older than the change made from the console at {changed_here:%Y-%m-%d %H:%M:%S} UTC"
        )
    remote = _subscription(obj)
    if deleted:
        remote = replace(remote, status="canceled", canceled_at=remote.canceled_at or obj.get("ended_at"))
    before = subscription_view(sub)
    notes = mirror(session, sub, remote, when=from_unix(created) or datetime.now(UTC))
    if deleted and sub.cancel_reason is None:
        details = obj.get("cancellation_details") or {}
        sub.cancel_reason = f"Ended at Stripe ({details.get('reason') or 'no reason given'})"
    elif sub.status != "canceled" and not sub.cancel_at_period_end:
        sub.cancel_reason = None  # resumed at Stripe (the dashboard, the member): no cancellation left to explain
    after = subscription_view(sub)
    if after == before:
        return Outcome("applied", "; ".join(["already up to date", *notes]))
    session.flush()
    audit(session, WEBHOOK, "subscription.sync", "subscription", sub.id, before, after, event_reason(session))
    changed = ", ".join(k for k in after if after[k] != before[k])
    return Outcome("applied", "; ".join([f"subscription #{sub.id}: {changed}", *notes]))


@handles("customer.subscription.updated")
def subscription_updated(session: Session, obj: dict, created: int) -> Outcome:
    return _sync(session, obj, created, deleted=False)


@handles("customer.subscription.deleted")
def subscription_deleted(session: Session, obj: dict, created: int) -> Outcome:
    return _sync(session, obj, created, deleted=True)


def _ref(value: Any) -> str | None:
    """An id whether Stripe sent it as a string or as an expanded object."""
    if isinstance(value, dict):
        value = value.get("id")
    return str(value) if value else None


def _invoice_subscription(obj: dict) -> str | None:
    found = _ref(obj.get("subscription"))
    if found:
        return found
    parent = obj.get("parent") or {}  # newer API versions
    return _ref((parent.get("subscription_details") or {}).get("subscription"))


def _newer_subscription_event(session: Session, provider_id: str, created: int) -> bool:
    return (
        session.execute(
            select(StripeEvent.id)
            .where(
                StripeEvent.object_id == provider_id,
                StripeEvent.result == "applied",
                StripeEvent.type.like("customer.subscription.%"),
                StripeEvent.stripe_created > created,
            )
            .limit(1)
        ).first()
        is not None
    )


def _invoice(session: Session, obj: dict, created: int, *, paid: bool) -> Outcome:
    invoice_id = _ref(obj.get("id"))
    provider_id = _invoice_subscription(obj)
    sub = _stripe_subscription(session, provider_id)
    if invoice_id is None or sub is None:
        return Outcome("ignored", f"invoice {invoice_id} is not for a Stripe subscription known here")
    amount = obj.get("amount_paid" if paid else "amount_due") or 0
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        return Outcome("ignored", f"invoice {invoice_id}: nothing was charged")
    currency = str(obj.get("currency") or "usd").upper()
    charge, intent = _ref(obj.get("charge")), _ref(obj.get("payment_intent"))
    attempt = obj.get("attempt_count")
    failure = f"Stripe could not collect invoice {invoice_id}" + (f" (attempt {attempt})" if attempt else "")
    payment = session.execute(
        select(Payment).where(Payment.invoice_id == invoice_id).with_for_update()
    ).scalar_one_or_none()
    reason = event_reason(session)
    notes: list[str] = []
    if payment is None:
        payment = Payment(
            member_id=sub.member_id,
            subscription_id=sub.id,
            kind="subscription",
            provider="stripe",
            amount_cents=amount,
            currency=currency,
            status="succeeded" if paid else "failed",
            invoice_id=invoice_id,
            charge_id=charge,
            payment_intent_id=intent,
            failure_message=None if paid else failure,
            created_at=from_unix(created) or datetime.now(UTC),
        )
        session.add(payment)
        session.flush()
        audit(session, WEBHOOK, "payment.record", "payment", payment.id, None, payment_view(payment), reason)
        notes.append(f"payment #{payment.id} recorded ({payment.status})")
    else:
        before = payment_view(payment)
        settled = payment.status in ("succeeded", "refunded", "partially_refunded")
        if paid and not settled:
            payment.status, payment.failure_message = "succeeded", None
            if payment.refunded_cents == 0:
                payment.amount_cents, payment.currency = amount, currency
        elif not paid and settled:
            return Outcome("ignored", f"invoice {invoice_id} is already paid (payment #{payment.id})")
        elif not paid:
            payment.status, payment.failure_message = "failed", failure
        payment.charge_id = payment.charge_id or charge
        payment.payment_intent_id = payment.payment_intent_id or intent
        after = payment_view(payment)
        if after != before:
            session.flush()
            audit(session, WEBHOOK, "payment.update", "payment", payment.id, before, after, reason)
            notes.append(f"payment #{payment.id} {payment.status}")
        else:
            notes.append(f"payment #{payment.id} already up to date")
    if not paid and sub.status in ("active", "trialing"):
        if provider_id and _newer_subscription_event(session, provider_id, created):
            notes.append("a newer subscription event already set its status")
        else:
            before = subscription_view(sub)
            sub.status = "past_due"
            session.flush()
            after = subscription_view(sub)
            audit(session, WEBHOOK, "subscription.past_due", "subscription", sub.id, before, after, reason)
            notes.append(f"subscription #{sub.id} past due")
    return Outcome("applied", "; ".join(notes))


@handles("invoice.paid")
def invoice_paid(session: Session, obj: dict, created: int) -> Outcome:
    return _invoice(session, obj, created, paid=True)


@handles("invoice.payment_failed")
def invoice_payment_failed(session: Session, obj: dict, created: int) -> Outcome:
    return _invoice(session, obj, created, paid=False)
