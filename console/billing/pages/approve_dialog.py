"""Approving someone else's refund: what it is (amount, member, payment, who asked and why), an optional note,
then Approve sends it to Stripe at once ("Waiting for Stripe…") and shows the result. A refund changed meanwhile
(approved or rejected by someone else) shows the conflict panel with who did it; the note is kept."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import run, ui

from console.actor import Actor
from console.billing.pages.refund_dialog import conflict_and_box, result_text, send_to_stripe, waiting_spinner
from console.billing.service import refunds
from console.errors import Conflict, ConsoleError
from console.ui.dialog_draft import TextDraft, draft_key
from console.ui.dialogs import KEEPS_INPUT, Working, held_open, keyboard_ready
from console.ui.forms import limit_length
from console.ui.session import require_live_session
from console.ui.work import unit_of_work

SNAPSHOT_LABELS = {"status": "Status", "approved_by": "Decided by"}


class ApproveDialog:
    """`await ApproveDialog(actor, row, host=…, reload=…).open()`; `row` is a refunds-table row; `reload()`
    returns that refund's row as it is stored now (or None)."""

    def __init__(
        self,
        actor: Actor,
        row: dict[str, Any],
        *,
        host: ui.element,
        reload: Callable[[], Awaitable[dict[str, Any] | None]],
    ) -> None:
        self.actor, self.row, self.host, self.reload = actor, row, host, reload
        self.working = Working()
        self.done = False

    async def open(self) -> bool:
        """Open it; True once the refund was approved (whatever Stripe then said)."""
        row = self.row
        with self.host:
            self.dialog = ui.dialog().props(KEEPS_INPUT).mark("approve-dialog")
        with self.dialog, ui.card().classes("min-w-[460px] max-w-[90vw] gap-2").mark("approve-card"):
            ui.label(f"Approve refund #{row['id']}?").classes("text-lg font-semibold").mark("approve-title")
            ui.label(
                f"{row['amount']} to {row['member']} for payment #{row['payment_id']}, requested by "
                f"{row['requested_by']} ({row['reason_label']})."
            ).classes("text-sm").mark("approve-what")
            ui.label("It goes to Stripe as soon as you approve it.").classes("text-sm opacity-80")
            self.conflict, self.box = conflict_and_box(
                SNAPSHOT_LABELS,
                "Your note is kept. Close this and look at the refund as it is now.",
                "approve-conflict",
            )
            with self.box:
                self.form()
        try:
            await self.dialog
        finally:
            if not self.dialog.is_deleted:
                self.dialog.delete()
        return self.done

    def form(self) -> None:
        self.note = (
            ui.textarea("Note (optional)").props("dense outlined autogrow").classes("w-full").mark("approve-note")
        )
        limit_length(self.note, 2000, "Note")
        self.note_draft = TextDraft(draft_key(self.actor, "approve-refund", self.row["id"]), self.note)
        keyboard_ready([self.note], None)  # the note has the focus; Enter is a new line in it, never an approval
        self.summary = ui.label("").classes("text-negative text-sm").mark("approve-summary")
        self.summary.visible = False
        with ui.row().classes("justify-end w-full"):
            ui.button("Cancel", on_click=self.cancel).props("flat").mark("approve-cancel")
            self.ok = ui.button("Approve", icon="done", on_click=self.approve).props("color=primary").mark("approve-ok")

    def cancel(self) -> None:
        self.note_draft.clear()
        self.dialog.submit(False)

    async def approve(self) -> None:
        if self.working.busy or self.done or require_live_session() is None:
            return
        with self.working.running(self.dialog, self.ok):
            refund = await self._approve()
        if refund is not None:
            self.done = True
            self.note_draft.clear()
            with held_open(self.dialog):  # until Stripe's answer is shown in it
                await self.send(refund)

    async def _approve(self) -> Any | None:
        self.summary.visible = False
        self.conflict.hide()
        refund_id, version = int(self.row["id"]), int(self.row["version"])
        note = (self.note.value or "").strip() or None
        try:
            return await run.io_bound(
                unit_of_work(
                    lambda s: refunds.approve_refund(
                        s, actor=self.actor, refund_id=refund_id, version=version, note=note
                    )
                )
            )
        except Conflict as exc:
            seen = self.row
            now = await self.reload()
            self.conflict.show(exc, seen, current=now or exc.current)
        except ConsoleError as exc:
            self.summary.text, self.summary.visible = exc.message, True
        return None

    async def send(self, refund: Any) -> None:
        self.box.clear()
        with self.box:
            waiting_spinner("approve-waiting")
        sent, problem = await send_to_stripe(self.actor, refund.id)
        text = f"Approved, but not sent: {problem}" if sent is None else result_text(sent)
        if self.box.is_deleted:
            return
        self.box.clear()
        with self.box:
            ui.label(text).classes("text-sm whitespace-pre-line").mark("approve-result")
            with ui.row().classes("justify-end w-full"):
                ui.button("Close", on_click=lambda: self.dialog.submit(True)).props("flat").mark("approve-close")
