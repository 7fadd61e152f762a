"""Comp subscriptions end at their period end (the billing job): canceled when set to, else expired; audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from console.actor import Actor
from console.audit.models import AuditEvent
from console.billing.jobs import comp_expiry_tick
from console.billing.models import Subscription
from console.billing.service.comp_expiry import expire_comp_subscriptions
from console.db import session_scope, utcnow
from console.errors import Forbidden
from tests.billing import sub_factories as f


def _status(sub_id: int) -> tuple[str, object]:
    row = f.load(Subscription, sub_id)
    return row.status, row.canceled_at


def test_comp_past_its_period_end_expires_or_cancels_and_others_stay() -> None:
    past = utcnow() - timedelta(days=40)
    ended = f.subscription(provider="comp", start=past, days=30)
    canceling = f.subscription(provider="comp", start=past, days=30, cancel_at_period_end=True)
    running = f.subscription(provider="comp", days=30)
    stripe_past = f.subscription(provider="stripe", start=past, days=30)
    assert comp_expiry_tick() == 2
    assert _status(ended)[0] == "expired"
    status, canceled_at = _status(canceling)
    assert status == "canceled" and canceled_at == f.load(Subscription, canceling).current_period_end
    assert _status(running)[0] == "active"
    assert _status(stripe_past)[0] == "active"  # Stripe's own webhooks end those
    with session_scope() as session:
        actions = session.execute(
            select(AuditEvent.action, AuditEvent.entity_id).where(AuditEvent.entity == "subscription")
        ).all()
    assert sorted(actions) == sorted(
        [("subscription.expire", str(ended)), ("subscription.cancel_at_period_end_reached", str(canceling))]
    )
    assert comp_expiry_tick() == 0  # nothing twice


@pytest.mark.parametrize("role", ["moderator", "executive", "content", "ads", "compliance"])
def test_only_billing_managers_end_subscriptions(role: str) -> None:
    staff = Actor(kind="staff", label=f"{role}@test.example", staff_id=7, roles=frozenset({role}))
    with pytest.raises(Forbidden), session_scope() as session:
        expire_comp_subscriptions(session, actor=staff)
