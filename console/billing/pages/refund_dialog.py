"""The refund dialog: what may still be refunded, the amount (all of it by default, or part), the reason and a
note, whether a second finance staff member must approve it, then the result.

The idempotency key is made when the dialog opens: a double click, or Refund pressed again after a lost answer,
asks for the same refund and the service returns the one it already has. A refund the service approves at once
is sent to Stripe through `run.io_bound` while the dialog shows "Waiting for Stripe…"; the result says what
happened (succeeded, pending, still submitting: the reconcile job settles it, failed with Stripe's message).
Apple-billed payments (and payments with nothing left) show why no refund is possible here instead of the form.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import run, ui

from console.actor import Actor
from console.billing.money import parse_money
from console.billing.pages.common import REFUND_STATUS_LABELS, amount_text, money
from console.billing.service import refunds
from console.billing.service.refunds import RefundPreview
from console.errors import Conflict, ConsoleError, ValidationFailed
from console.ui.conflict import ConflictPanel, display
from console.ui.dialog_draft import TextDraft, draft_key
from console.ui.dialogs import KEEPS_INPUT, Working
from console.ui.forms import clear_errors, limit_length, show_errors
from console.ui.session import require_live_session
from console.ui.work import call, unit_of_work

log = logging.getLogger(__name__)
WAITING = "Waiting for Stripe…"
STILL_SUBMITTING = "Stripe did not answer; the console will reconcile it within a minute — nothing to do."
CONFLICT_LABELS = {"refundable": "Refundable now", "in_flight": "Being refunded"}


def result_text(refund: Any, threshold_cents: int | None = None) -> str:
    """What happened to a refund, in the words staff need (its status decides)."""
    amount = money(refund.amount_cents, refund.currency)
    status = refund.status
    if status == "succeeded":
        return f"Refunded {amount}. Stripe confirmed it."
    if status == "pending":
        return f"Stripe accepted the refund of {amount}; it is pending and settles by itself."
    if status == "submitting":
        return STILL_SUBMITTING
    if status == "failed":
        return f"The refund of {amount} failed: {refund.error or 'Stripe gave no reason.'}"
    if status == "awaiting_approval":
        above = f" (above {money(threshold_cents, refund.currency)})" if threshold_cents is not None else ""
        return (
            f"Refund of {amount} requested{above}. It waits for a second finance staff member to approve it "
            "(anyone but you); it goes to Stripe then."
        )
    if status == "approved":
        return f"Refund of {amount} approved; it has not been sent to Stripe yet."
    return f"Refund of {amount}: {status}."


async def send_to_stripe(actor: Actor, refund_id: int) -> tuple[Any | None, str | None]:
    """submit_refund off the event loop (it commits itself around the Stripe call): (refund, None) or
    (None, the refusal's message)."""
    try:
        return await run.io_bound(lambda: refunds.submit_refund(actor=actor, refund_id=refund_id)), None
    except ConsoleError as exc:
        return None, exc.message
    except Exception:  # not a refusal: the dialog must still end, with what to do next, never spin for good
        log.exception("refund #%s: sending or recording it failed", refund_id)
        return None, (
            f"Refund #{refund_id} could not be recorded (an error on our side). It is left as it is: the Refunds "
            "tab shows its state, and the reconcile job settles it with Stripe. Tell an administrator."
        )


def refund_value(key: str, value: Any) -> str:
    """A refund's field in a conflict panel as the lists show it: its status by label ("Awaiting approval")."""
    return REFUND_STATUS_LABELS.get(value, display(value)) if key == "status" else display(value)


def conflict_and_box(labels: dict[str, str], keep_note: str, mark: str) -> tuple[ConflictPanel, ui.column]:
    """A billing dialog's conflict panel (hidden until the row changed since "When you opened it") above the box its
    steps redraw (the form, the wait, the result)."""
    conflict = ConflictPanel(
        labels, yours_heading="When you opened it", keep_note=keep_note, show_value=refund_value, mark=mark
    )
    return conflict, ui.column().classes("w-full gap-2 p-0")


def waiting_spinner(mark: str) -> None:
    with ui.row().classes("items-center gap-3 p-2").mark(mark):
        ui.spinner(size="lg")
        ui.label(WAITING).classes("text-sm")


class RefundDialog:
    """One payment's refund, from the form to the result. `await RefundDialog(...).open()`."""

    def __init__(
        self,
        actor: Actor,
        payment_id: int,
        *,
        host: ui.element,
        on_done: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.actor, self.payment_id, self.host, self.on_done = actor, payment_id, host, on_done
        self.key = uuid.uuid4().hex  # one key per opened dialog: the same refund however often Refund is pressed
        self.working = Working()
        self.refund: Any | None = None
        self.preview: RefundPreview | None = None
        self.fields: dict[str, Any] = {}

    async def open(self) -> None:
        ok, preview = await call(lambda s: refunds.refund_preview(s, actor=self.actor, payment_id=self.payment_id))
        if not ok or preview is None:
            return
        self.preview = preview
        with self.host:
            self.dialog = ui.dialog().props(KEEPS_INPUT).mark("refund-dialog")
        with self.dialog, ui.card().classes("min-w-[480px] max-w-[90vw] gap-2").mark("refund-card"):
            ui.label(f"Refund payment #{self.payment_id}").classes("text-lg font-semibold").mark("refund-title")
            self.figures()
            self.conflict, self.box = conflict_and_box(
                CONFLICT_LABELS,
                "Your input is kept. Check the amount and press Refund again, or cancel.",
                "refund-conflict",
            )
            with self.box:
                if preview.blocked:
                    self.blocked(preview.blocked)
                else:
                    self.form(preview)
        self.dialog.on_value_change(self._closed)
        self.dialog.open()

    # --- parts -----------------------------------------------------------------------------------------------

    @ui.refreshable_method
    def figures(self) -> None:
        p = self.preview
        assert p is not None
        parts = [f"Paid {money(p.amount_cents, p.currency)}", f"refunded {money(p.refunded_cents, p.currency)}"]
        if p.in_flight_cents:
            parts.append(f"being refunded {money(p.in_flight_cents, p.currency)}")
        ui.label(" · ".join(parts)).classes("text-sm opacity-80").mark("refund-paid")
        ui.label(f"Refundable now: {money(p.refundable_cents, p.currency)}").classes("font-semibold").mark(
            "refund-refundable"
        )

    def blocked(self, why: str) -> None:
        ui.label(why).classes("text-sm p-2 rounded bg-orange-1 text-black whitespace-pre-line").mark("refund-blocked")
        with ui.row().classes("justify-end w-full"):
            ui.button("Close", on_click=self.dialog.close).props("flat").mark("refund-close")

    def form(self, p: RefundPreview) -> None:
        with ui.row().classes("w-full items-end gap-2 no-wrap"):
            self.amount = (
                ui.input(f"Amount ({p.currency})", value=amount_text(p.refundable_cents, p.currency))
                .props("dense outlined inputmode=decimal maxlength=40 autofocus")
                .classes("grow")
                .mark("refund-amount")
            )
            self.amount.on("keydown.enter", self.submit)
            ui.button("Full amount", on_click=self.full_amount).props("dense flat no-caps").mark("refund-full")
        self.amount.on_value_change(lambda: self.approval_note.refresh())
        self.reason = (
            ui.select(
                dict(refunds.REFUND_REASON_LABELS), label="Reason", value=next(iter(refunds.REFUND_REASON_LABELS))
            )
            .props("dense outlined")
            .classes("w-full")
            .mark("refund-reason")
        )
        self.note = ui.textarea("Note (optional; kept with the refund)").props("dense outlined autogrow")
        self.note.classes("w-full").mark("refund-note")
        limit_length(self.note, 2000, "Note")
        self.note_draft = TextDraft(draft_key(self.actor, "refund", self.payment_id), self.note)  # past a lost page
        self.fields = {"amount": self.amount, "amount_cents": self.amount, "reason": self.reason, "note": self.note}
        self.approval_note()
        self.summary = ui.label("").classes("text-negative text-sm whitespace-pre-line").mark("refund-summary")
        self.summary.visible = False
        with ui.row().classes("justify-end w-full"):
            ui.button("Cancel", on_click=self.cancel).props("flat").mark("refund-cancel")
            self.submit_button = (
                ui.button("Refund", icon="undo", on_click=self.submit).props("color=primary").mark("refund-submit")
            )

    @ui.refreshable_method
    def approval_note(self) -> None:
        p = self.preview
        assert p is not None
        threshold = money(p.approval_threshold_cents, p.currency)
        try:
            cents: int | None = parse_money(self.amount.value, currency=p.currency)
        except ValidationFailed:
            cents = None
        if cents is None or not 0 < cents <= p.refundable_cents:  # the amount's own message says what is wrong
            text, colour = (
                f"Refunds up to {threshold} go to Stripe at once; above it, a second finance staff member approves.",
                "opacity-80",
            )
        elif cents > p.approval_threshold_cents:
            text, colour = (
                f"Above {threshold}: a second finance staff member must approve it before it goes to Stripe.",
                "text-orange-9",
            )
        else:
            text, colour = f"Up to {threshold}: it goes to Stripe as soon as you press Refund.", "opacity-80"
        ui.label(text).classes(f"text-sm {colour}").mark("refund-approval")

    def result(self, text: str, *, ok: bool) -> None:
        self.box.clear()
        with self.box:
            icon = "check_circle" if ok else "error"
            with ui.row().classes("items-start gap-2 no-wrap"):
                ui.icon(icon).classes(f"text-xl {'text-positive' if ok else 'text-negative'}")
                ui.label(text).classes("text-sm whitespace-pre-line").mark("refund-result")
            if self.refund is not None:
                status = REFUND_STATUS_LABELS.get(self.refund.status, self.refund.status)
                ui.label(f"Refund #{self.refund.id} · {status}").classes("text-xs opacity-70").mark(
                    "refund-result-status"
                )
            with ui.row().classes("justify-end w-full"):
                ui.button("Close", on_click=self.dialog.close).props("flat").mark("refund-close")

    # --- handlers --------------------------------------------------------------------------------------------

    def cancel(self) -> None:
        self.note_draft.clear()
        self.dialog.close()

    def full_amount(self) -> None:
        p = self.preview
        assert p is not None
        self.amount.value = amount_text(p.refundable_cents, p.currency)

    def read_amount(self) -> int | None:
        """The typed amount in cents, or None with the message under the field."""
        assert self.preview is not None
        try:
            return parse_money(self.amount.value, currency=self.preview.currency)
        except ValidationFailed as exc:
            show_errors(exc, self.fields, self.summary, labels={"amount": "Amount"})
            return None

    async def submit(self) -> None:
        if self.working.busy or self.refund is not None or require_live_session() is None:
            return  # a second click while the first is on its way does nothing
        with self.working.running(self.dialog, self.submit_button):
            await self._submit()

    async def _submit(self) -> None:
        clear_errors(self.fields)
        self.summary.visible = False
        self.conflict.hide()
        cents = self.read_amount()
        if cents is None:
            return
        reason, note, key = self.reason.value, (self.note.value or "").strip() or None, self.key
        try:
            refund = await run.io_bound(
                unit_of_work(
                    lambda s: refunds.request_refund(
                        s,
                        actor=self.actor,
                        payment_id=self.payment_id,
                        amount_cents=cents,
                        reason=reason,
                        note=note,
                        idempotency_key=key,
                    )
                )
            )
        except ValidationFailed as exc:
            show_errors(exc, self.fields, self.summary, labels={"amount": "Amount", "amount_cents": "Amount"})
            await self.reload_preview()
            return
        except Conflict as exc:
            await self.show_conflict(exc)
            return
        except ConsoleError as exc:
            self.summary.text, self.summary.visible = exc.message, True
            return
        self.refund = refund
        self.note_draft.clear()
        await self.after_request(refund)

    async def after_request(self, refund: Any) -> None:
        """The outcome, under the payment's figures as they are after it (refunded, being refunded, refundable)."""
        assert self.preview is not None
        threshold = self.preview.approval_threshold_cents
        if refund.status != "approved":
            await self.reload_preview()
            self.result(result_text(refund, threshold), ok=refund.status != "failed")
            return
        self.box.clear()
        with self.box:
            waiting_spinner("refund-waiting")
        sent, problem = await send_to_stripe(self.actor, refund.id)
        await self.reload_preview()
        if sent is None:
            self.result(f"Approved, but not sent: {problem}", ok=False)
            return
        self.refund = sent
        self.result(result_text(sent), ok=sent.status in ("succeeded", "pending", "submitting"))

    async def reload_preview(self) -> dict[str, Any]:
        """The payment's figures as they are now (someone may have refunded it meanwhile)."""
        seen = self._figures()
        ok, preview = await call(lambda s: refunds.refund_preview(s, actor=self.actor, payment_id=self.payment_id))
        if ok and preview is not None:
            self.preview = preview
            self.figures.refresh()
            self.approval_note.refresh()
        return seen

    async def show_conflict(self, exc: Conflict) -> None:
        seen = await self.reload_preview()
        self.conflict.show(exc, seen, current=self._figures())

    def _figures(self) -> dict[str, Any]:
        p = self.preview
        assert p is not None
        return {"refundable": money(p.refundable_cents, p.currency), "in_flight": money(p.in_flight_cents, p.currency)}

    async def _closed(self, e: Any) -> None:
        if e.value:
            return
        self.dialog.delete()
        if self.refund is not None and self.on_done is not None:
            await self.on_done()
