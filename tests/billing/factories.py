"""Billing test data: members through the members service, payments as the platform writes them (rows; the console
never creates payments), and real charges at the local Stripe server for the tests that refund through it."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from sqlalchemy import func, select

from console.actor import SYSTEM
from console.audit.models import AuditEvent
from console.billing.models import Payment, Refund
from console.db import session_scope, utcnow
from console.members.service import create_member

_seq = itertools.count(1)


def member(username: str | None = None) -> int:
    n = next(_seq)
    name = username or f"payer{n:05d}"
    with session_scope() as session:
        return create_member(
            session, actor=SYSTEM, email=f"{name}@members.example", username=name, display_name=f"Payer {n}"
        ).id


def payment(
    member_id: int | None = None,
    *,
    amount_cents: int = 10_000,
    currency: str = "USD",
    status: str = "succeeded",
    provider: str = "stripe",
    kind: str = "subscription",
    charge_id: str | None = "",
    payment_intent_id: str | None = None,
    refunded_cents: int = 0,
) -> int:
    """A payment row; `charge_id` defaults to a made-up ch_ id (pass a real one for localstripe, None for none)."""
    n = next(_seq)
    with session_scope() as session:
        row = Payment(
            member_id=member_id or member(),
            kind=kind,
            provider=provider,
            amount_cents=amount_cents,
            currency=currency,
            status=status,
            refunded_cents=refunded_cents,
            charge_id=f"ch_test_{uuid.uuid4().hex[:16]}_{n}" if charge_id == "" else charge_id,
            payment_intent_id=payment_intent_id,
            created_at=utcnow(),
        )
        session.add(row)
        session.flush()
        return row.id


def key() -> str:
    """What the refund dialog makes when it opens."""
    return str(uuid.uuid4())


def get_refund(refund_id: int) -> Refund:
    with session_scope() as session:
        refund = session.get(Refund, refund_id)
        assert refund is not None
        return refund


def get_payment(payment_id: int) -> Payment:
    with session_scope() as session:
        row = session.get(Payment, payment_id)
        assert row is not None
        return row


def refunds_of(payment_id: int) -> list[Refund]:
    with session_scope() as session:
        return list(
            session.execute(select(Refund).where(Refund.payment_id == payment_id).order_by(Refund.id)).scalars()
        )


def audit_count(action: str | None = None) -> int:
    with session_scope() as session:
        query = select(func.count()).select_from(AuditEvent)
        if action is not None:
            query = query.where(AuditEvent.action == action)
        return int(session.execute(query).scalar_one())


def audit_by(actor_label: str) -> int:
    with session_scope() as session:
        query = select(func.count()).select_from(AuditEvent).where(AuditEvent.actor_label == actor_label)
        return int(session.execute(query).scalar_one())


def all_refunds() -> list[Refund]:
    with session_scope() as session:
        return list(session.execute(select(Refund).order_by(Refund.id)).scalars())


def audit_actions(entity: str, entity_id: int) -> list[str]:
    with session_scope() as session:
        return list(
            session.execute(
                select(AuditEvent.action)
                .where(AuditEvent.entity == entity, AuditEvent.entity_id == str(entity_id))
                .order_by(AuditEvent.id)
            ).scalars()
        )


# --- the local Stripe server ---------------------------------------------------------------------------------


def stripe_client(stripe_url: str) -> Any:
    import stripe

    from tests.billing.conftest import STRIPE_KEY

    return stripe.StripeClient(STRIPE_KEY, base_addresses={"api": stripe_url}, max_network_retries=0)


def stripe_charge(stripe_url: str, amount_cents: int, currency: str = "usd") -> str:
    """A customer with a card and a succeeded charge at localstripe; returns the charge id."""
    client = stripe_client(stripe_url)
    token = client.v1.tokens.create(
        params={"card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "cvc": "123"}}
    )
    customer = client.v1.customers.create(params={"email": f"payer{next(_seq)}@members.example", "source": token.id})
    charge = client.v1.charges.create(params={"amount": amount_cents, "currency": currency, "customer": customer.id})
    assert charge.status == "succeeded", charge
    return str(charge.id)


def stripe_refunds(stripe_url: str, charge_id: str) -> list[dict[str, Any]]:
    """Every refund localstripe holds for the charge (straight from the server, not through the console)."""
    page = stripe_client(stripe_url).v1.refunds.list(params={"charge": charge_id, "limit": 100})
    return [dict(r) for r in page.data]
