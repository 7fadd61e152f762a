"""The refunds tabs of /billing: every refund (filtered by status), and "Awaiting my approval": refunds above the
approval threshold that someone else requested, each with Approve (sent to Stripe at once) and Reject… (a
reason). A row opens the refund beside the table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nicegui import ui
from sqlalchemy.orm import Session

from console.billing.pages.approve_dialog import SNAPSHOT_LABELS, ApproveDialog
from console.billing.pages.common import REFUND_STATUS_LABELS, amount_column, money, status_fields
from console.billing.pages.list_tab import StatusListTab
from console.billing.service import queries, refunds
from console.paging import Page, PageRequest
from console.staff.permissions import Permission, can
from console.ui.formatting import fmt_dt
from console.ui.paged_table import column, id_column
from console.ui.session import require_live_session

if TYPE_CHECKING:
    from console.billing.pages.view import BillingView


COLUMNS = [
    id_column(),
    column("member", "Member", clip="9rem"),
    column("payment_id", "Payment", "right", wide=True),  # in the panel beside the list too
    amount_column(),
    column("reason_label", "Reason", clip="7rem"),
    column("status", "Status"),
    column("created", "Requested"),  # the list's order (newest first): shown at every width
    column("requested_by", "Requested by", clip="9rem", wide=True),
    column("approved_by", "Decided by", clip="9rem", wide=True),
]
NEXT_STEP = {  # what a finance clerk does about a refund that ended without the money going back
    "failed": "Nothing was refunded. Open payment #{payment} in the Payments tab and refund it again if it still "
    "should be; if Stripe refuses again, the charge may be disputed: ask an admin to check it in Stripe.",
    "canceled": "Nothing was refunded: the refund was canceled at Stripe. Refund payment #{payment} again if it "
    "still should be.",
    "rejected": "Nothing was refunded: the second person rejected it.",
}


def row_of(r: Any) -> dict[str, Any]:
    return {
        "id": r.id,
        "version": r.version,
        "payment_id": r.payment_id,
        "member_id": r.member_id,
        "member": r.member_email,
        "amount": money(r.amount_cents, r.currency),
        "reason": r.reason,
        "reason_label": refunds.REFUND_REASON_LABELS.get(r.reason, r.reason),
        **status_fields(r.status, REFUND_STATUS_LABELS),
        "requested_by": r.requested_by_label,
        "requested_by_id": r.requested_by_id,
        "approved_by": r.approved_by_label or "",
        "created": fmt_dt(r.created_at),
        "note": r.note or "",
        "decided": fmt_dt(r.decided_at) if r.decided_at else "",
        "decision_note": r.decision_note or "",
        "error": r.error or "",
    }


class RefundsTab(StatusListTab):
    """`mine=True`: the "Awaiting my approval" list, with the actions."""

    noun = "Refund"
    columns = COLUMNS
    snapshot_labels = SNAPSHOT_LABELS
    status_labels = REFUND_STATUS_LABELS
    status_width = "w-48"
    detail_width = "w-[340px] 2xl:w-[400px]"

    def __init__(self, view: BillingView, *, mine: bool) -> None:
        super().__init__(view)
        self.mine = mine
        self.may_decide = mine and can(self.actor, Permission.BILLING_APPROVE)

    def filters(self) -> None:
        if self.mine:
            ui.label(
                "Refunds above the approval threshold that someone else asked for; you cannot approve your own."
            ).classes("text-sm opacity-80")
        else:
            super().filters()

    def empty_text(self) -> str:  # the approvals list has no filters to blame
        return "No refund awaits your approval." if self.mine else super().empty_text()

    def query(self, session: Session, page: PageRequest) -> Page[Any]:
        status = None if self.mine else self.flt.status
        return queries.list_refunds(session, actor=self.actor, status=status, awaiting_my_approval=self.mine, page=page)

    row_of = staticmethod(row_of)

    def prompt(self) -> str:
        return "Choose a refund to " + ("approve or reject it." if self.may_decide else "see it.")

    def panel(self, row: dict[str, Any]) -> None:
        with ui.card().classes("w-full gap-1 p-3").mark("refund-detail"):
            ui.label(f"Refund #{row['id']} · {row['status_label']}").classes("font-semibold").mark(
                "refund-detail-title"
            )
            ui.label(f"{row['amount']} of payment #{row['payment_id']}").classes("text-sm").mark("refund-detail-amount")
            ui.label(row["member"]).classes("text-sm")
            ui.label(f"{row['reason_label']} · requested by {row['requested_by']} · {row['created']}").classes(
                "text-xs opacity-80"
            )
            if row["note"]:
                ui.label(f"Note: {row['note']}").classes("text-xs whitespace-pre-line").mark("refund-detail-note")
            if row["approved_by"] or row["decided"]:
                who = f"Decided by {row['approved_by'] or 'someone'}" + (
                    f" · {row['decided']}" if row["decided"] else ""
                )
                ui.label(who).classes("text-xs opacity-80").mark("refund-detail-decided")
            if row["decision_note"]:
                ui.label(f"Why: {row['decision_note']}").classes("text-xs whitespace-pre-line").mark(
                    "refund-detail-why"
                )
            self.outcome(row)
            if self.may_decide and row["status"] == "awaiting_approval":
                self.actions(row)

    @staticmethod
    def outcome(row: dict[str, Any]) -> None:
        """Why a refund failed (Stripe's words) and what to do next; a stuck "submitting" one says what Stripe said."""
        ended = row["status"] in ("failed", "canceled")
        if row["error"]:
            said = ("Why it failed: " if ended else "Last answer from Stripe: ") + row["error"]
            ui.label(said).classes("text-xs text-negative whitespace-pre-line").mark("refund-detail-error")
        elif ended:
            ui.label("Stripe gave no reason.").classes("text-xs text-negative").mark("refund-detail-error")
        if row["status"] in NEXT_STEP:
            ui.label(NEXT_STEP[row["status"]].format(payment=row["payment_id"])).classes("text-xs").mark(
                "refund-detail-next"
            )

    def actions(self, row: dict[str, Any]) -> None:
        with ui.row().classes("justify-end w-full pt-2 gap-2"):
            if row["requested_by_id"] == self.actor.staff_id:
                ui.label("You asked for this refund: someone else approves it.").classes("text-xs text-orange-9")
                return
            ui.button("Reject…", on_click=self.action(self.reject)).props("dense outline no-caps color=negative").mark(
                "refund-reject"
            )
            ui.button("Approve", icon="done", on_click=self.action(self.approve)).props(
                "dense unelevated no-caps"
            ).mark("refund-approve")

    # --- handlers --------------------------------------------------------------------------------------------

    async def approve(self) -> None:
        row = self.selected
        if row is None or require_live_session() is None:
            return
        await ApproveDialog(self.actor, row, host=self.view.host, reload=self.current_row).open()
        await self.reload()

    async def reject(self) -> None:
        if self.selected is None or require_live_session() is None:
            return
        await self.act_with_reason(
            refunds.reject_refund,
            ("Reject", "rejected"),
            lambda row: f"{row['amount']} to {row['member']} is not refunded; {row['requested_by']} sees your reason.",
            reason_field="note",
        )
