"""The payments tab of /billing: every payment, server-paged, filtered by status and kind, searched by the
member's e-mail (a prefix) or a Stripe id (pi_…, ch_…, in_…). A row opens the payment beside the table with
"Open member #N" and "Refund…" (or, for a payment that cannot be refunded here, why not)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nicegui import ui
from sqlalchemy.orm import Session

from console.billing.pages.common import (
    PAYMENT_KIND_LABELS,
    PAYMENT_STATUS_LABELS,
    PROVIDER_LABELS,
    money,
    status_fields,
)
from console.billing.pages.list_tab import ListDetailTab
from console.billing.pages.refund_dialog import RefundDialog
from console.billing.service import queries
from console.billing.service.queries import PaymentFilter
from console.billing.service.refund_rules import not_refundable_now
from console.paging import Page, PageRequest
from console.staff.permissions import Permission, can
from console.ui.filter_bar import FilterBar, FilterField
from console.ui.formatting import fmt_dt
from console.ui.paged_table import column

if TYPE_CHECKING:
    pass

FILTERS = [
    FilterField("status", "Status", options={None: "Any status", **PAYMENT_STATUS_LABELS}, width="w-40"),
    FilterField("kind", "Kind", options={None: "Any kind", **PAYMENT_KIND_LABELS}, width="w-36"),
    # no "pi_" in the label: Quasar's floating label line cuts the underscores off
    FilterField(
        "search",
        "Member e-mail or Stripe id",
        width="w-64",
        hint="A member's e-mail or its start, or a Stripe id (pi_…, ch_… or in_…), matched exactly",
    ),
]
COLUMNS = [
    column("id", "#", "right"),
    column("member", "Member", clip="10rem"),
    column("kind_label", "Kind"),
    column("amount", "Amount", "right"),
    column("refunded", "Refunded", "right"),
    column("status", "Status"),
    column("provider_label", "Billed by", wide=True),
    column("created", "Date"),
]


def row_of(p: Any) -> dict[str, Any]:
    """One payment as plain values (the table and the panel beside it show these, escaped)."""
    return {
        "id": p.id,
        "member_id": p.member_id,
        "member": p.member_email,
        "kind": p.kind,
        "kind_label": PAYMENT_KIND_LABELS.get(p.kind, p.kind),
        "amount": money(p.amount_cents, p.currency),
        "refunded": money(p.refunded_cents, p.currency) if p.refunded_cents else "",
        "being_refunded": money(p.being_refunded_cents, p.currency) if p.being_refunded_cents else "",
        **status_fields(p.status, PAYMENT_STATUS_LABELS),
        "provider": p.provider,
        "not_refundable": not_refundable_now(p),  # why Refund… is not offered
        "provider_label": PROVIDER_LABELS.get(p.provider, p.provider),
        "created": fmt_dt(p.created_at),
    }


class PaymentsTab(ListDetailTab):
    columns = COLUMNS

    def filters(self) -> None:
        self.payments_bar = self.filter_bar = FilterBar(
            PaymentFilter,
            FILTERS,
            on_apply=self.apply_filter,
            initial=self.view.params,
            mark="payments",
            search_button=True,
        )

    def query(self, session: Session, page: PageRequest) -> Page[Any]:
        return queries.list_payments(session, actor=self.actor, flt=self.payments_bar.current, page=page)

    row_of = staticmethod(row_of)

    def focus_search(self) -> None:
        self.payments_bar.elements["search"].run_method("focus")

    def prompt(self) -> str:
        return "Choose a payment to see it and refund it."

    def panel(self, row: dict[str, Any]) -> None:
        with ui.card().classes("w-full gap-1 p-3").mark("payment-detail"):
            ui.label(f"Payment #{row['id']} · {row['kind_label']}").classes("font-semibold").mark("payment-title")
            ui.label(row["member"]).classes("text-sm").mark("payment-member")
            ui.label(f"{row['amount']} · {row['status_label']} · {row['created']}").classes("text-sm")
            if row["refunded"]:
                ui.label(f"Refunded so far: {row['refunded']}").classes("text-sm")
            if row["being_refunded"]:  # what the refund dialog counts as on its way: not to be asked for twice
                ui.label(f"Being refunded: {row['being_refunded']} (awaiting approval or at Stripe)").classes(
                    "text-sm text-orange-9"
                ).mark("payment-being-refunded")
            ui.label(f"Billed by {row['provider_label']}").classes("text-xs opacity-70")
            with ui.row().classes("justify-end w-full pt-2 gap-2"):
                if can(self.actor, Permission.MEMBERS_READ):
                    member_id = int(row["member_id"])  # "Member 360" read as member number 360: the real number
                    ui.button(
                        f"Open member #{member_id}", on_click=lambda: ui.navigate.to(f"/members/{member_id}")
                    ).props("dense flat no-caps").mark("payment-member-link")
                if can(self.actor, Permission.BILLING_REFUND) and not row["not_refundable"]:
                    ui.button("Refund…", icon="undo", on_click=self.refund).props("dense outline no-caps").mark(
                        "payment-refund"
                    )
            if can(self.actor, Permission.BILLING_REFUND) and row["not_refundable"]:
                ui.label(row["not_refundable"]).classes("text-xs opacity-70").mark("payment-not-refundable")

    async def refund(self) -> None:
        if self.selected is None:
            return
        await RefundDialog(self.actor, int(self.selected["id"]), host=self.view.host, on_done=self.reload).open()
