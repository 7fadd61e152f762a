"""Comp (given) subscriptions end by themselves: no provider tells the console their period is over. Past its
period end a comp subscription set to cancel at the period end becomes `canceled` (at that time), any other one
`expired`. Stripe and Apple subscriptions are left to their provider's webhooks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.service import record as audit
from console.billing.models import Subscription
from console.billing.service.subscription_events import subscription_view
from console.db import dialect_name, utcnow
from console.staff.permissions import Permission, require

ENDING_STATES = ("active", "trialing", "past_due")


def expire_comp_subscriptions(session: Session, *, actor: Actor, now: datetime | None = None, limit: int = 500) -> int:
    """End up to `limit` comp subscriptions whose period is over; returns how many (each audited)."""
    require(actor, Permission.BILLING_MANAGE)
    now = now or utcnow()
    query = (
        select(Subscription)
        .where(
            Subscription.status.in_(ENDING_STATES),
            Subscription.current_period_end <= now,
            Subscription.provider == "comp",
        )
        .order_by(Subscription.current_period_end, Subscription.id)
        .limit(limit)
    )
    if dialect_name(session) == "postgresql":
        query = query.with_for_update(skip_locked=True)  # another process's job takes the others
    ended = 0
    for sub in session.execute(query).scalars():
        before = subscription_view(sub)
        if sub.cancel_at_period_end:
            sub.status, sub.canceled_at = "canceled", sub.current_period_end
            action = "subscription.cancel_at_period_end_reached"
        else:
            sub.status = "expired"
            action = "subscription.expire"
        session.flush()
        audit(session, actor, action, "subscription", sub.id, before, subscription_view(sub), "comp period ended")
        ended += 1
    return ended
