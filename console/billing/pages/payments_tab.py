"""The payments tab of /billing: every payment, server-paged, filtered by status and kind, searched by the
member's e-mail (a prefix) or a Stripe id (pi_…, ch_…, in_…). A row opens the payment beside the table with
"Member 360" and "Refunds…"."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nicegui import ui
from sqlalchemy.orm import Session

from console.billing.pages.common import (
    PAYMENT_KIND_LABELS,
    PAYMENT_STATUS_LABELS,
    PROVIDER_LABELS,
    STATUS_CELL,
    col,
    money,
    status_fields,
)
from console.billing.pages.refund_dialog import RefundDialog
from console.billing.service import queries
from console.billing.service.queries import PaymentFilter
from console.paging import Page, PageRequest
from console.staff.permissions import Permission, can
from console.ui.filter_bar import FilterBar, FilterField
from console.ui.formatting import fmt_dt
from console.ui.paged_table import PagedTable
from console.ui.work import unit_of_work

if TYPE_CHECKING:
    from console.billing.pages.view import BillingView

FILTERS = [
    FilterField("status", "Status", options={None: "Any status", **PAYMENT_STATUS_LABELS}, width="w-40"),
    FilterField("kind", "Kind", options={None: "Any kind", **PAYMENT_KIND_LABELS}, width="w-36"),
    FilterField("search", "Member e-mail or pi_ / ch_ / in_ id", width="w-80"),
]
COLUMNS = [
    col("id", "#", "right"),
    col("member", "Member"),
    col("kind_label", "Kind"),
    col("amount", "Amount", "right"),
    col("refunded", "Refunded", "right"),
    col("status", "Status"),
    col("provider_label", "Billed by"),
    col("created", "Date"),
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
        **status_fields(p.status, PAYMENT_STATUS_LABELS),
        "provider": p.provider,
        "provider_label": PROVIDER_LABELS.get(p.provider, p.provider),
        "created": fmt_dt(p.created_at),
    }


class PaymentsTab:
    def __init__(self, view: BillingView) -> None:
        self.view, self.actor = view, view.actor
        self.selected: dict[str, Any] | None = None

    def build(self) -> None:
        with ui.row().classes("w-full items-start gap-4 no-wrap"):
            with ui.column().classes("grow min-w-0 gap-2"):
                self.filters = FilterBar(
                    PaymentFilter, FILTERS, on_apply=self.apply_filter, initial=self.view.params, mark="payments"
                )
                self.table = PagedTable(COLUMNS, self.fetch, on_row_click=self.select)
                self.table.table.add_slot("body-cell-status", STATUS_CELL)
            with ui.column().classes("w-[380px] shrink-0"):
                self.detail()
        ui.timer(0, self.table.reload, once=True)

    def fetch(self, page: PageRequest) -> Page[dict[str, Any]]:
        def work(session: Session) -> Page[dict[str, Any]]:
            found = queries.list_payments(session, actor=self.actor, flt=self.filters.current, page=page)
            return Page([row_of(p) for p in found.rows], found.total, found.estimated, found.request)

        return unit_of_work(work)()

    async def apply_filter(self, _flt: PaymentFilter) -> None:
        self.selected = None
        self.detail.refresh()
        await self.table.reload()

    async def reload(self) -> None:
        await self.table.reload(first_page=False)

    def focus_search(self) -> None:
        self.filters.elements["search"].run_method("focus")

    def select(self, row: dict[str, Any]) -> None:
        self.selected = row
        self.detail.refresh()

    @ui.refreshable_method
    def detail(self) -> None:
        row = self.selected
        if row is None:
            ui.label("Choose a payment to see it and refund it.").classes("text-sm opacity-70")
            return
        with ui.card().classes("w-full gap-1 p-3").mark("payment-detail"):
            ui.label(f"Payment #{row['id']} · {row['kind_label']}").classes("font-semibold").mark("payment-title")
            ui.label(row["member"]).classes("text-sm").mark("payment-member")
            ui.label(f"{row['amount']} · {row['status_label']} · {row['created']}").classes("text-sm")
            if row["refunded"]:
                ui.label(f"Refunded so far: {row['refunded']}").classes("text-sm")
            ui.label(f"Billed by {row['provider_label']}").classes("text-xs opacity-70")
            with ui.row().classes("justify-end w-full pt-2 gap-2"):
                if can(self.actor, Permission.MEMBERS_READ):
                    ui.button("Member 360", on_click=lambda: ui.navigate.to(f"/members/{int(row['member_id'])}")).props(
                        "dense flat no-caps"
                    ).mark("payment-member-link")
                if can(self.actor, Permission.BILLING_REFUND):
                    ui.button("Refund…", icon="undo", on_click=self.refund).props("dense outline no-caps").mark(
                        "payment-refund"
                    )

    async def refund(self) -> None:
        if self.selected is None:
            return
        await RefundDialog(self.actor, int(self.selected["id"]), host=self.view.host, on_done=self.reload).open()
