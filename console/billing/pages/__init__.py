"""The finance staff's working area: /billing (payments, refunds, refunds awaiting my approval, payouts). The refund
and subscription dialogs here also serve the member 360 page (/members/{id}). Each route only wires the session
and the frame to a view class (pages as components)."""

from __future__ import annotations

from console.staff.permissions import Permission
from console.ui.routes import actor_routes


def register() -> None:
    from console.billing.pages.view import billing_route

    actor_routes(Permission.BILLING_READ, [("/billing", "Billing", billing_route)])
