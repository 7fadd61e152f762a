"""Receiving a Stripe event (already signature-checked by `billing/webhook.py`): applied once, in any order.

- Once: `stripe_events.event_id` is unique. The row is inserted in a savepoint before the handler runs; a second
  delivery racing the first hits the unique index (PostgreSQL waits for the first to finish), rolls back its
  savepoint and answers with the stored result. A replay of an applied or ignored event changes nothing.
- Failed events are applied again on redelivery: a handler that raises is rolled back to its savepoint, the row is
  stored `failed` with the error, and the endpoint answers 500 so Stripe retries. The retry finds the row failed,
  locks it and runs the handler again (nothing of the failed attempt was kept, so nothing is applied twice).
- Any order: for subscription events (`customer.subscription.*`) the newest wins. With the subscription row
  locked, an event created before the last applied event for the same object is stored `ignored`. Events created
  in the same second are applied in arrival order (Stripe's `created` has one-second resolution).
- Unknown types are stored `ignored`, so the table shows everything Stripe sent.

Audit events for what a handler changes are written as the system actor labelled "stripe webhook", with the
event id and type as the reason (`event_reason`).
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from console.actor import Actor
from console.billing.models import StripeEvent, Subscription
from console.billing.service import events
from console.billing.service.events import Outcome
from console.db import utcnow
from console.errors import ValidationFailed

log = logging.getLogger(__name__)

WEBHOOK = Actor(kind="system", label="stripe webhook")
ORDERED_PREFIX = "customer.subscription."
_CURRENT = "stripe_event"  # session.info key: the event being applied, for the audit reason
MAX_DETAIL = 2000


def event_reason(session: Session) -> str:
    """'Stripe event evt_123 (invoice.paid)': the reason handlers give their audit events."""
    current = session.info.get(_CURRENT)
    return f"Stripe event {current}" if current else "Stripe event"


def _checked(event: dict[str, Any]) -> tuple[str, str, int, dict[str, Any]]:
    errors: dict[str, str] = {}
    event_id, event_type, created = event.get("id"), event.get("type"), event.get("created")
    data = event.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if not isinstance(event_id, str) or not event_id or len(event_id) > 255:
        errors["id"] = "must be the event's id (evt_...)"
    if not isinstance(event_type, str) or not event_type or len(event_type) > 64:
        errors["type"] = "must be the event's type"
    if not isinstance(created, int) or isinstance(created, bool) or created < 0:
        errors["created"] = "must be the event's Unix time"
    if not isinstance(obj, dict):
        errors["data"] = "must hold the event's object (data.object)"
    if errors:
        raise ValidationFailed(errors)
    assert isinstance(event_id, str) and isinstance(event_type, str) and isinstance(created, int)
    assert isinstance(obj, dict)
    return event_id, event_type, created, obj


def _stored(session: Session, event_id: str) -> StripeEvent | None:
    return session.execute(
        select(StripeEvent)
        .where(StripeEvent.event_id == event_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def _claim(session: Session, event_id: str, event_type: str, object_id: str | None, created: int) -> StripeEvent:
    """The event's row, new or stored (locked); a racing delivery's insert is caught in a savepoint."""
    row = _stored(session, event_id)
    if row is not None:
        return row
    row = StripeEvent(event_id=event_id, type=event_type, object_id=object_id, stripe_created=created)
    savepoint = session.begin_nested()
    try:
        session.add(row)
        session.flush()
    except IntegrityError:
        savepoint.rollback()
        stored = _stored(session, event_id)
        if stored is None:  # the other delivery rolled back after all: nothing stored, try once more
            raise
        return stored
    savepoint.commit()
    return row


def _older_than_applied(session: Session, row: StripeEvent) -> int | None:
    """The newest applied event's time for the same object when this one is older, else None."""
    if not row.type.startswith(ORDERED_PREFIX) or row.object_id is None or row.stripe_created is None:
        return None
    # Lock the subscription first: two events for one subscription are decided one after the other.
    session.execute(
        select(Subscription.id).where(Subscription.provider_subscription_id == row.object_id).with_for_update()
    ).all()
    newest = session.execute(
        select(func.max(StripeEvent.stripe_created)).where(
            StripeEvent.object_id == row.object_id,
            StripeEvent.type.like(ORDERED_PREFIX + "%"),
            StripeEvent.result == "applied",
            StripeEvent.id != row.id,
        )
    ).scalar_one_or_none()
    return int(newest) if newest is not None and newest > row.stripe_created else None


def _finish(row: StripeEvent, outcome: Outcome) -> Outcome:
    row.result = outcome.result
    row.detail = (outcome.detail or None) and outcome.detail[:MAX_DETAIL]
    row.processed_at = utcnow()
    return outcome


def receive_event(session: Session, event: dict[str, Any]) -> Outcome:
    """Apply one Stripe event at most once (see the module's text); never commits. Returns what was done:
    applied / ignored, or failed (the endpoint then answers 500 so that Stripe sends it again)."""
    event_id, event_type, created, obj = _checked(event)
    object_id = obj.get("id") if isinstance(obj.get("id"), str) else None
    row = _claim(session, event_id, event_type, object_id, created)
    if row.result in ("applied", "ignored"):
        return Outcome(row.result, row.detail or "")
    handler = events.handler_for(event_type)
    if handler is None:
        return _finish(row, Outcome("ignored", f"no handler for {event_type}"))
    newest = _older_than_applied(session, row)
    if newest is not None:
        return _finish(row, Outcome("ignored", f"older than the last applied event for {object_id} ({newest})"))
    session.info[_CURRENT] = f"{event_id} ({event_type})"
    savepoint = session.begin_nested()
    try:
        outcome = handler(session, obj, created)
        session.flush()
    except Exception as exc:  # any handler error: keep nothing of it, store why, let Stripe retry
        savepoint.rollback()
        # A warning, not an error: the event is stored failed with its detail and Stripe sends it again.
        log.warning("Stripe event %s (%s) failed; stored as failed", event_id, event_type, exc_info=True)
        message = str(exc) or exc.__class__.__name__
        return _finish(row, Outcome("failed", f"{exc.__class__.__name__}: {message}"))
    finally:
        session.info.pop(_CURRENT, None)
    savepoint.commit()
    return _finish(row, outcome)
