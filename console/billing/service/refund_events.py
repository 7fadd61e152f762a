"""Stripe webhook events about refunds: refund.created/updated/failed and charge.refund.updated carry a refund;
charge.refunded carries the charge with its refunds (`charge.refunds.data`), each applied in turn. Applying is
`refunds.apply_stripe_refund`: monotonic and idempotent, so any order and any replay end in the same state."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from console.billing.service.events import Outcome, handles
from console.billing.service.refund_sync import apply_stripe_refund


def _with_charge(refund: dict[str, Any], charge: dict[str, Any]) -> dict[str, Any]:
    return {
        **refund,
        "charge": refund.get("charge") or charge.get("id"),
        "payment_intent": refund.get("payment_intent") or charge.get("payment_intent"),
    }


@handles("refund.created", "refund.updated", "refund.failed", "charge.refund.updated", "charge.refunded")
def on_refund_event(session: Session, obj: dict[str, Any], created: int) -> Outcome:
    if obj.get("object") != "charge":
        return apply_stripe_refund(session, obj, created)
    refunds = (obj.get("refunds") or {}).get("data") or []
    if not refunds:
        return Outcome("ignored", f"charge {obj.get('id')} carries no refunds (the refund.* events bring them)")
    outcomes = [apply_stripe_refund(session, _with_charge(refund, obj), created) for refund in refunds]
    detail = "; ".join(o.detail for o in outcomes)
    return Outcome("applied" if any(o.result == "applied" for o in outcomes) else "ignored", detail)
