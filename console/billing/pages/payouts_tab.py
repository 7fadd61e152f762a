"""The payouts tab of /billing: what creators are owed from their tips, server-paged, filtered by status. A row
opens the payout beside the table with Approve, Hold… (a reason) or Release, for those who may."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from nicegui import ui
from sqlalchemy.orm import Session

from console.billing.pages.common import PAYOUT_STATUS_LABELS, amount_column, money, status_fields
from console.billing.pages.list_tab import StatusListTab
from console.billing.service import payouts, queries
from console.paging import Page, PageRequest
from console.staff.permissions import Permission, can
from console.ui.formatting import fmt_date
from console.ui.forms import confirm
from console.ui.paged_table import column, id_column
from console.ui.work import call

if TYPE_CHECKING:
    from console.billing.pages.view import BillingView


COLUMNS = [
    id_column(),
    column("creator", "Creator", clip="12rem"),
    amount_column(),
    column("tips", "Tips", "right"),
    column("status", "Status"),
    column("scheduled", "Scheduled"),
    column("hold_reason", "Hold reason", clip="12rem"),
]


def row_of(p: Any) -> dict[str, Any]:
    return {
        "id": p.id,
        "version": p.version,
        "creator_id": p.creator_id,
        "creator": p.creator_name,
        "amount": money(p.amount_cents, p.currency),
        "tips": p.tip_count,
        **status_fields(p.status, PAYOUT_STATUS_LABELS),
        "scheduled": fmt_date(p.scheduled_for),
        "hold_reason": p.hold_reason or "",
    }


class PayoutsTab(StatusListTab):
    noun = "Payout"
    columns = COLUMNS
    snapshot_labels = {"status_label": "Status", "hold_reason": "Hold reason"}
    status_labels = PAYOUT_STATUS_LABELS

    def __init__(self, view: BillingView) -> None:
        super().__init__(view)
        self.may_act = can(self.actor, Permission.BILLING_PAYOUTS)

    def query(self, session: Session, page: PageRequest) -> Page[Any]:
        return queries.list_payouts(session, actor=self.actor, status=self.flt.status, page=page)

    row_of = staticmethod(row_of)

    def prompt(self) -> str:
        return "Choose a payout to see it" + (" and decide it." if self.may_act else ".")

    def panel(self, row: dict[str, Any]) -> None:
        with ui.card().classes("w-full gap-1 p-3").mark("payout-detail"):
            ui.label(f"Payout #{row['id']} · {row['status_label']}").classes("font-semibold").mark("payout-title")
            ui.label(f"{row['amount']} to {row['creator']} from {row['tips']:,} tips").classes("text-sm")
            ui.label(f"Scheduled for {row['scheduled']}").classes("text-sm opacity-80")
            if row["hold_reason"]:
                ui.label(f"Held: {row['hold_reason']}").classes("text-sm text-orange-9").mark("payout-hold-reason")
            if self.may_act:
                self.actions(row)

    def actions(self, row: dict[str, Any]) -> None:
        with ui.row().classes("justify-end w-full pt-2 gap-2"):
            if row["status"] in ("pending", "approved"):
                ui.button("Hold…", icon="pause", on_click=self.action(self.hold)).props(
                    "dense outline no-caps color=warning"
                ).mark("payout-hold")
            if row["status"] == "held":
                ui.button("Release…", icon="play_arrow", on_click=self.action(self.release)).props(
                    "dense outline no-caps"
                ).mark("payout-release")
            if row["status"] == "pending":
                ui.button("Approve", icon="done", on_click=self.action(self.approve)).props(
                    "dense unelevated no-caps"
                ).mark("payout-approve")

    # --- handlers: one service call each, then the list as it is now -----------------------------------------

    async def approve(self) -> None:
        row = self.selected
        if row is not None and await confirm(
            f"Approve payout #{row['id']}?", f"{row['amount']} to {row['creator']} will be paid.", ok_label="Approve"
        ):
            await self.act(payouts.approve_payout, "approved", row)

    async def release(self) -> None:
        await self.act_with_reason(
            payouts.release_payout,
            ("Release", "released"),
            lambda row: (
                f"It was held: {row['hold_reason'] or 'no reason given'}.\n{row['amount']} to {row['creator']} goes "
                "back to pending, to be approved and paid. Say why the hold no longer stands."
            ),
            danger=False,
        )

    async def act(self, act: Callable[..., object], done: str, row: dict[str, Any] | None = None) -> None:
        """`act(session, actor=…, payout_id=…, version=…)` on `row` (else the chosen payout) at the version shown,
        then the list as it is now."""
        row = row or self.selected
        if row is None:
            return
        version = int(row["version"])
        ok, _ = await call(lambda s: act(s, actor=self.actor, payout_id=int(row["id"]), version=version))
        if ok:
            ui.notify(f"Payout #{row['id']} {done}.", type="positive")
        await self.reload()

    async def hold(self) -> None:
        await self.act_with_reason(
            payouts.hold_payout,
            ("Hold", "held"),
            lambda row: f"{row['amount']} to {row['creator']} is not paid until someone releases it.",
        )
