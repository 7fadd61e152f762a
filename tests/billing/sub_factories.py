"""Test data for subscriptions, webhooks, credits and payouts: members through the members service, billing rows
written directly (the platform creates them, not the console), and signed Stripe events."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from datetime import datetime, timedelta
from typing import Any

from console.actor import SYSTEM
from console.billing.models import Payment, Payout, Plan, Subscription
from console.db import session_scope, utc_today, utcnow
from console.members.service import create_member
from tests.catalog.factories import make_performer

_seq = itertools.count(1)
WEBHOOK_SECRET = "whsec_test_console_0123456789"


def member(**kwargs: Any) -> int:
    n = next(_seq)
    with session_scope() as session:
        return create_member(
            session,
            actor=SYSTEM,
            email=f"subscriber{n:05d}@members.example",
            username=f"subscriber{n:05d}",
            display_name=f"Subscriber {n}",
            **kwargs,
        ).id


def plan(
    *,
    price_cents: int = 1000,
    currency: str = "USD",
    stripe_plan_id: str | None = None,
    active: bool = True,
    name: str | None = None,
) -> int:
    n = next(_seq)
    with session_scope() as session:
        row = Plan(
            code=f"plan{n}",
            name=name or f"Plan {n}",
            price_cents=price_cents,
            currency=currency,
            interval="month",
            features=["hd"],
            stripe_plan_id=stripe_plan_id,
            active=active,
        )
        session.add(row)
        session.flush()
        return row.id


def subscription(
    *,
    member_id: int | None = None,
    plan_id: int | None = None,
    provider: str = "comp",
    provider_id: str | None = None,
    status: str = "active",
    start: datetime | None = None,
    days: int = 30,
    cancel_at_period_end: bool = False,
) -> int:
    start = start or utcnow() - timedelta(days=10)
    if provider != "comp" and provider_id is None:
        provider_id = f"sub_test{next(_seq)}"
    with session_scope() as session:
        row = Subscription(
            member_id=member_id or member(),
            plan_id=plan_id or plan(),
            provider=provider,
            provider_subscription_id=provider_id,
            provider_customer_id="cus_test" if provider == "stripe" else None,
            status=status,
            current_period_start=start,
            current_period_end=start + timedelta(days=days),
            cancel_at_period_end=cancel_at_period_end,
            canceled_at=utcnow() if status == "canceled" else None,
        )
        session.add(row)
        session.flush()
        return row.id


def load(model: Any, row_id: int) -> Any:
    with session_scope() as session:
        row = session.get(model, row_id)
        assert row is not None
        return row


def payment(
    subscription_id: int,
    *,
    amount_cents: int = 3000,
    status: str = "succeeded",
    created_at: datetime | None = None,
    charge_id: str | None = None,
    invoice_id: str | None = None,
    currency: str = "USD",
) -> int:
    sub = load(Subscription, subscription_id)
    n = next(_seq)
    with session_scope() as session:
        row = Payment(
            member_id=sub.member_id,
            subscription_id=sub.id,
            kind="subscription",
            provider="stripe",
            amount_cents=amount_cents,
            currency=currency,
            status=status,
            charge_id=charge_id or f"ch_test{n}",
            invoice_id=invoice_id or f"in_test{n}",
            created_at=created_at or sub.current_period_start + timedelta(minutes=5),
        )
        session.add(row)
        session.flush()
        return row.id


def payout(*, status: str = "pending", amount_cents: int = 12_345, hold_reason: str | None = None) -> int:
    creator = make_performer(f"Creator {next(_seq)}")
    with session_scope() as session:
        row = Payout(
            creator_id=creator,
            amount_cents=amount_cents,
            currency="USD",
            status=status,
            scheduled_for=utc_today() + timedelta(days=3),
            tip_count=4,
            hold_reason=hold_reason,
        )
        session.add(row)
        session.flush()
        return row.id


# --- Stripe events ----------------------------------------------------------------------------------------------


def event(event_type: str, obj: dict[str, Any], *, created: int | None = None, event_id: str | None = None) -> dict:
    return {
        "id": event_id or f"evt_test{next(_seq)}",
        "object": "event",
        "type": event_type,
        "created": created if created is not None else int(time.time()),
        "livemode": False,
        "data": {"object": obj},
    }


def stripe_subscription(provider_id: str, *, status: str = "active", plan_id: str | None = None, **extra: Any) -> dict:
    now = int(time.time())
    obj: dict[str, Any] = {
        "id": provider_id,
        "object": "subscription",
        "status": status,
        "current_period_start": now - 86400,
        "current_period_end": now + 29 * 86400,
        "cancel_at_period_end": False,
        "canceled_at": None,
        "trial_end": None,
        "plan": {"id": plan_id} if plan_id else None,
    }
    obj.update(extra)
    return obj


def stripe_invoice(provider_id: str, *, invoice_id: str | None = None, amount: int = 1500, **extra: Any) -> dict:
    n = next(_seq)
    obj: dict[str, Any] = {
        "id": invoice_id or f"in_evt{n}",
        "object": "invoice",
        "subscription": provider_id,
        "customer": "cus_test",
        "currency": "usd",
        "amount_paid": amount,
        "amount_due": amount,
        "charge": f"ch_evt{n}",
        "payment_intent": f"pi_evt{n}",
        "attempt_count": 1,
    }
    obj.update(extra)
    return obj


def signed(body: dict | bytes, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> tuple[bytes, str]:
    """The raw body and its Stripe-Signature header, as Stripe computes it (HMAC-SHA256 of "t.payload")."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    t = timestamp if timestamp is not None else int(time.time())
    mac = hmac.new(secret.encode(), f"{t}.".encode() + raw, hashlib.sha256).hexdigest()
    return raw, f"t={t},v1={mac}"
