"""What the billing pages share: the "sandbox" label, money and status as plain text, table columns. Nothing here
builds a query."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from console.billing.gateway import get_gateway
from console.billing.models import (
    PAYMENT_KINDS,
    PAYMENT_STATES,
    PAYOUT_STATES,
    PROVIDERS,
    REFUND_STATES,
    SUBSCRIPTION_STATES,
)
from console.billing.money import input_text
from console.ui.formatting import fmt_money, word_labels
from console.ui.paged_table import column

PAYMENT_STATUS_LABELS = word_labels(*PAYMENT_STATES, partially_refunded="Partly refunded")
PAYMENT_KIND_LABELS = word_labels(*PAYMENT_KINDS, ppv="Pay-per-view")
REFUND_STATUS_LABELS = word_labels(*REFUND_STATES, pending="Pending at Stripe")
PAYOUT_STATUS_LABELS = word_labels(*PAYOUT_STATES)
SUBSCRIPTION_STATUS_LABELS = word_labels(*SUBSCRIPTION_STATES, trialing="Trial")
PROVIDER_LABELS = word_labels(*PROVIDERS, comp="Given (comp)")
COLOURS = {
    "succeeded": "positive",
    "paid": "positive",
    "active": "positive",
    "trialing": "teal-8",
    "approved": "primary",
    "awaiting_approval": "orange-8",
    "pending": "blue-grey-7",
    "processing": "blue-grey-7",
    "submitting": "orange-8",
    "held": "orange-8",
    "past_due": "orange-8",
    "partially_refunded": "deep-purple-5",
    "refunded": "deep-purple-7",
    "failed": "negative",
    "unpaid": "negative",
    "rejected": "grey-7",
    "canceled": "grey-7",
    "expired": "grey-7",
}


def money(cents: int | None, currency: str) -> str:
    return "—" if cents is None else fmt_money(int(cents), currency)


def amount_text(cents: int, currency: str) -> str:
    """An amount as the money input takes it back: "12.50" (no symbol, no thousands separators)."""
    return input_text(cents, currency)


def amount_column() -> dict[str, Any]:
    """The money column of a billing list (`money()` text, right-aligned)."""
    return column("amount", "Amount", "right")


def status_fields(status: str, labels: dict[str, str]) -> dict[str, str]:
    """A row's status as STATUS_CELL shows it: the label and the badge colour."""
    colour = COLOURS.get(status, "grey-7")
    return {"status": status, "status_label": labels.get(status, status), "status_colour": colour}


def status_badge(status: str, labels: dict[str, str]) -> ui.badge:
    return ui.badge(labels.get(status, status)).props(f"color={COLOURS.get(status, 'grey-7')}")


def sandbox_label() -> None:
    """On every billing page while no Stripe key is configured: nothing here moves real money."""
    gateway = get_gateway()
    if not gateway.is_sandbox:
        return
    with ui.row().classes("items-center gap-2 p-1 px-2 rounded bg-amber-2 text-black").mark("billing-sandbox"):
        ui.badge("sandbox").props("color=amber-9").classes("font-bold")
        ui.label("No Stripe key is configured: refunds and subscription changes are simulated, no money moves.")


# The status as a badge with its label and colour from the row (a bound prop: shown as text, never markup).
STATUS_CELL = """<q-td :props="props"><q-badge :color="props.row.status_colour" :label="props.row.status_label" />
</q-td>"""
