"""Creator payouts (004): finance approves a pending payout, holds one with a reason, releases a hold.

pending -> approved (approve), pending/approved -> held (hold, reason required), held -> pending (release: it is
decided again). Paying out (processing/paid/failed) is not done from here. Version-checked and audited.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.last_change import last_change
from console.audit.service import record as audit
from console.billing.models import Payout
from console.db import utcnow
from console.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from console.staff.permissions import Permission, require
from console.validation import clean_text

REASON_MAX = 1000


def payout_view(payout: Payout) -> dict[str, Any]:
    return {
        "status": payout.status,
        "amount_cents": payout.amount_cents,
        "currency": payout.currency,
        "hold_reason": payout.hold_reason,
        "approved_by_id": payout.approved_by_id,
        "approved_at": payout.approved_at,
    }


def _locked(session: Session, payout_id: int, version: int) -> Payout:
    payout = session.execute(
        select(Payout).where(Payout.id == payout_id).with_for_update().execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if payout is None:
        raise NotFound(f"Payout #{payout_id} does not exist.")
    if payout.version != version:
        last = last_change(session, "payout", payout_id)
        raise Conflict(
            f"Payout #{payout_id} was changed by {last.by or 'someone else'} while you looked at it (it is now "
            f"{payout.status.replace('_', ' ')}). Nothing was done; review it and try again.",
            current=payout_view(payout),
            changed_by=last.by,
            changed_at=last.at,
        )
    return payout


def _change(session: Session, actor: Actor, payout: Payout, action: str, reason: str | None, **values: Any) -> Payout:
    before = payout_view(payout)
    for name, value in values.items():
        setattr(payout, name, value)
    session.flush()
    audit(session, actor, action, "payout", payout.id, before, payout_view(payout), reason)
    return payout


def approve_payout(session: Session, *, actor: Actor, payout_id: int, version: int) -> Payout:
    require(actor, Permission.BILLING_PAYOUTS)
    payout = _locked(session, payout_id, version)
    if payout.status != "pending":
        raise RuleViolation(f"Payout #{payout.id} is {payout.status}: only a pending payout can be approved.")
    return _change(
        session,
        actor,
        payout,
        "payout.approve",
        None,
        status="approved",
        approved_by_id=actor.staff_id,
        approved_at=utcnow(),
    )


def hold_payout(session: Session, *, actor: Actor, payout_id: int, version: int, reason: str) -> Payout:
    require(actor, Permission.BILLING_PAYOUTS)
    errors: dict[str, str] = {}
    text = clean_text(reason, "reason", errors, max_len=REASON_MAX, multiline=True)
    if errors:
        raise ValidationFailed(errors)
    payout = _locked(session, payout_id, version)
    if payout.status not in ("pending", "approved"):
        raise RuleViolation(f"Payout #{payout.id} is {payout.status}: only a pending or approved payout can be held.")
    return _change(
        session,
        actor,
        payout,
        "payout.hold",
        text,
        status="held",
        hold_reason=text,
        approved_by_id=None,
        approved_at=None,
    )


def release_payout(session: Session, *, actor: Actor, payout_id: int, version: int, reason: str) -> Payout:
    """A held payout back to pending, with why the hold no longer stands (a payout is held for a chargeback or a
    flagged account: releasing it is the decision to pay, and the audit keeps the reason)."""
    require(actor, Permission.BILLING_PAYOUTS)
    errors: dict[str, str] = {}
    text = clean_text(reason, "reason", errors, max_len=REASON_MAX, multiline=True)
    if errors:
        raise ValidationFailed(errors)
    payout = _locked(session, payout_id, version)
    if payout.status != "held":
        raise RuleViolation(f"Payout #{payout.id} is {payout.status}: only a held payout can be released.")
    return _change(session, actor, payout, "payout.release", text, status="pending", hold_reason=None)
