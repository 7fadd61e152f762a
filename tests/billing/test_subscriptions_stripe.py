"""Subscription actions against a real Stripe API server (localstripe, started by `run.py test`): a customer with a
card, two Plans (localstripe has no Price API) and a subscription made with stripe-python; then the console
cancels at the period end, resumes, changes the plan, cancels now (refunding the unused part), and each change is
read back from Stripe. localstripe does not take `proration_behavior` on a subscription update, so extending
(trial_end) cannot be tried there: it is tested on comp subscriptions and a fake gateway (test_subscriptions.py),
and here only shown to change nothing when the server refuses."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import pytest
import stripe
from sqlalchemy import select

from console.actor import Actor
from console.audit.models import AuditEvent
from console.billing.gateway import StripeGateway
from console.billing.models import Payment, Plan, Refund, Subscription
from console.billing.service.subscriptions import (
    cancel_preview,
    cancel_subscription,
    change_plan,
    extend_subscription,
    resume_subscription,
)
from console.billing.service.webhooks import receive_event
from console.db import session_scope
from console.errors import ConsoleError
from tests.billing.conftest import STRIPE_KEY
from tests.billing.sub_factories import event, load, member

CARD = {"object": "card", "number": "4242424242424242", "exp_month": 12, "exp_year": 2035, "cvc": "123"}


@dataclass
class Setup:
    client: stripe.StripeClient
    sub_id: int
    stripe_sub: str
    basic: int
    premium: int
    premium_stripe: str
    invoice: str
    url: str


def _at(value: int) -> datetime:
    return datetime.fromtimestamp(value, UTC)


@pytest.fixture
def live(stripe_gateway: StripeGateway, stripe_url: str) -> Setup:
    client = stripe.StripeClient(STRIPE_KEY, base_addresses={"api": stripe_url}, max_network_retries=0)
    tag = uuid.uuid4().hex[:10]
    customer = client.v1.customers.create(params={"email": f"{tag}@members.example", "source": CARD})  # type: ignore[typeddict-item]
    basic = client.v1.plans.create(
        params={
            "id": f"basic_{tag}",
            "amount": 999,
            "currency": "usd",
            "interval": "month",
            "product": {"name": "Basic"},
        }
    )
    premium = client.v1.plans.create(
        params={"id": f"premium_{tag}", "amount": 1999, "currency": "usd", "interval": "month",
                "product": {"name": "Premium"}}
    )  # fmt: skip
    remote = client.v1.subscriptions.create(params={"customer": customer.id, "items": [{"plan": basic.id}]})
    assert remote.status == "active"
    member_id = member()
    with session_scope() as session:
        rows = [
            Plan(code=f"b{tag}", name="Basic", price_cents=999, currency="USD", stripe_plan_id=basic.id),
            Plan(code=f"p{tag}", name="Premium", price_cents=1999, currency="USD", stripe_plan_id=premium.id),
        ]
        session.add_all(rows)
        session.flush()
        sub = Subscription(
            member_id=member_id,
            plan_id=rows[0].id,
            provider="stripe",
            provider_customer_id=customer.id,
            provider_subscription_id=remote.id,
            status="active",
            current_period_start=_at(remote["current_period_start"]),
            current_period_end=_at(remote["current_period_end"]),
        )
        session.add(sub)
        session.flush()
        ids = (sub.id, rows[0].id, rows[1].id)
    invoice = remote["latest_invoice"]
    return Setup(client, ids[0], remote.id, ids[1], ids[2], premium.id, str(invoice), stripe_url)


def remote_sub(live: Setup) -> stripe.Subscription:
    return live.client.v1.subscriptions.retrieve(live.stripe_sub)


def sub_row(sub_id: int) -> Subscription:
    return load(Subscription, sub_id)  # type: ignore[no-any-return]


def test_cancel_at_period_end_resume_change_plan_and_cancel_now(live: Setup, actor_with: Callable[..., Actor]) -> None:
    finance = actor_with("finance")
    sub = cancel_subscription(
        actor=finance, subscription_id=live.sub_id, version=1, at_period_end=True, reason="member is moving abroad"
    )
    assert sub.cancel_at_period_end and sub.status == "active" and sub.cancel_reason == "member is moving abroad"
    assert remote_sub(live)["cancel_at_period_end"] is True

    sub = resume_subscription(actor=finance, subscription_id=live.sub_id, version=sub.version)
    assert not sub.cancel_at_period_end and sub.cancel_reason is None
    assert remote_sub(live)["cancel_at_period_end"] is False

    sub = change_plan(
        actor=finance, subscription_id=live.sub_id, version=sub.version, plan_id=live.premium, reason="wants 4K"
    )
    assert sub.plan_id == live.premium
    assert remote_sub(live)["items"]["data"][0]["plan"]["id"] == live.premium_stripe

    sub = cancel_subscription(
        actor=finance, subscription_id=live.sub_id, version=sub.version, at_period_end=False, reason="chargeback risk"
    )
    assert sub.status == "canceled" and sub.canceled_at is not None
    assert remote_sub(live)["status"] == "canceled"

    with session_scope() as session:
        rows = session.execute(
            select(AuditEvent.action, AuditEvent.after)
            .where(AuditEvent.entity == "subscription", AuditEvent.entity_id == str(live.sub_id))
            .order_by(AuditEvent.id)
        ).all()
    assert [a for a, _ in rows] == [
        "subscription.cancel_at_period_end",
        "subscription.resume",
        "subscription.change_plan",
        "subscription.cancel",
    ]
    assert all(after["via"] == "Stripe" for _, after in rows)


def test_cancel_now_refunds_the_unused_part_at_stripe(live: Setup, actor_with: Callable[..., Actor]) -> None:
    finance = actor_with("finance")
    # The invoice as Stripe's JSON (what a webhook carries), straight from the server.
    invoice = httpx.get(f"{live.url}/v1/invoices/{live.invoice}", auth=(STRIPE_KEY, "")).json()
    with session_scope() as session:  # the invoice.paid webhook, with localstripe's own invoice in it
        outcome = receive_event(session, event("invoice.paid", invoice))
    assert outcome.result == "applied", outcome
    with session_scope() as session:
        pay = session.execute(select(Payment).where(Payment.invoice_id == live.invoice)).scalar_one()
        preview = cancel_preview(session, actor=finance, subscription_id=live.sub_id)
    assert pay.amount_cents == 999 and pay.charge_id and pay.charge_id.startswith("ch_")
    assert preview.refundable_payment_id == pay.id and 990 <= preview.unused_cents <= 999

    cancel_subscription(
        actor=finance,
        subscription_id=live.sub_id,
        version=1,
        at_period_end=False,
        reason="service outage all month",
        refund_unused=True,
    )
    with session_scope() as session:
        [refund] = session.execute(select(Refund).where(Refund.payment_id == pay.id)).scalars()
    assert refund.status == "succeeded" and refund.stripe_refund_id
    at_stripe = live.client.v1.refunds.retrieve(refund.stripe_refund_id)
    assert at_stripe["amount"] == refund.amount_cents and at_stripe["charge"] == pay.charge_id
    assert remote_sub(live)["status"] == "canceled"


def test_extend_where_localstripe_refuses_changes_nothing(live: Setup, actor_with: Callable[..., Actor]) -> None:
    finance = actor_with("finance")
    try:
        sub = extend_subscription(actor=finance, subscription_id=live.sub_id, version=1, days=7, reason="outage")
    except ConsoleError as exc:  # localstripe 1.15: 500 on `proration_behavior` in a subscription update
        assert "Stripe" in exc.message
        assert remote_sub(live)["trial_end"] is None
        assert sub_row(live.sub_id).version == 1 and sub_row(live.sub_id).trial_end is None
        return
    assert sub.trial_end is not None and remote_sub(live)["trial_end"] == int(sub.trial_end.timestamp())
