"""Reject…: one or more policy reasons as checkboxes and a note ("other" needs one). The dialog stays open with
everything ticked and typed until the rejection succeeds or the user cancels: the service's messages land on the
fields, a stale version shows the conflict panel. It is deleted once closed.

    dialog = RejectDialog("Reject “Summer sale”?", host=self.host)
    async def act(reasons: list[str], note: str | None) -> bool:
        ok, _ = await dialog.attempt(unit_of_work(lambda s: review.reject_ad(s, ...)))
        return ok
    if await dialog.ask(act): ...
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import nullcontext
from typing import Any, TypeVar

from nicegui import run, ui

from console.ads.models import REJECTION_REASONS
from console.ads.pages.common import REASON_LABELS
from console.errors import Conflict, ConsoleError, ValidationFailed
from console.ui.conflict import ConflictPanel
from console.ui.forms import field_message, limit_length, show_errors

T = TypeVar("T")
CHOOSE_REASON = "Choose at least one reason"
OTHER_NEEDS_NOTE = "Note is required when the reason is “other”"
CONFLICT_LABELS = {"state": "State", "claimed_by": "Claimed by", "check": "Checks", "version": "Version"}


class RejectDialog:
    def __init__(self, title: str, message: str = "", *, host: ui.element | None = None, mark: str = "reject") -> None:
        self.mark = mark
        self.busy = False
        self._on_confirm: Callable[[list[str], str | None], Awaitable[bool]] | None = None
        with host if host is not None and not host.is_deleted else nullcontext():
            self.dialog = ui.dialog().mark(f"{mark}-dialog")
        with self.dialog, ui.card().classes("min-w-[440px] max-w-[90vw] gap-2").mark(f"{mark}-card"):
            ui.label(title).classes("text-lg font-semibold").mark(f"{mark}-title")
            if message:
                ui.label(message).classes("text-sm whitespace-pre-line")
            self.conflict = ConflictPanel(
                CONFLICT_LABELS,
                yours_heading="When you opened it",
                keep_note="Your reasons and note are kept. Reject again to act on what is stored now, or cancel.",
                mark=f"{mark}-conflict",
            )
            ui.label("Policy reasons (one or more)").classes("text-sm font-semibold")
            self.boxes = {
                code: ui.checkbox(REASON_LABELS[code]).props("dense").mark(f"{mark}-reason-{code}")
                for code in REJECTION_REASONS
            }
            self.reasons_error = ui.label("").classes("text-negative text-xs").mark(f"{mark}-reasons-error")
            self.reasons_error.visible = False
            self.note = (
                ui.textarea("Note (kept in the audit log; required for “other”)")
                .props("dense autogrow outlined")
                .classes("w-full")
                .mark(f"{mark}-note")
            )
            limit_length(self.note, 2000, "Note")
            self.summary = ui.label("").classes("text-negative text-sm whitespace-pre-line").mark(f"{mark}-summary")
            self.summary.visible = False
            with ui.row().classes("justify-end w-full"):
                ui.button("Cancel", on_click=lambda: self.dialog.submit(False)).props("flat").mark(f"{mark}-cancel")
                self.ok = ui.button("Reject", on_click=self._confirm).props("color=negative").mark(f"{mark}-ok")

    @property
    def reasons(self) -> list[str]:
        return [code for code, box in self.boxes.items() if box.value]

    @property
    def note_text(self) -> str | None:
        return (self.note.value or "").strip() or None

    def typed(self) -> dict[str, Any]:
        return {"reasons": self.reasons, "note": self.note_text}

    async def ask(self, on_confirm: Callable[[list[str], str | None], Awaitable[bool]]) -> bool:
        """Open; `on_confirm(reasons, note)` runs on each confirmation and closes the dialog when it returns True."""
        self._on_confirm = on_confirm
        try:
            return bool(await self.dialog)
        finally:
            if not self.dialog.is_deleted:
                self.dialog.delete()

    def _problems(self) -> bool:
        self.reasons_error.visible = False
        self.note.error = None
        if not self.reasons:
            self.reasons_error.text = CHOOSE_REASON
            self.reasons_error.visible = True
            return True
        if "other" in self.reasons and not self.note_text:
            self.note.error = OTHER_NEEDS_NOTE
            return True
        return False

    async def _confirm(self) -> None:
        if self.busy or self._on_confirm is None:
            return
        self.summary.visible = False
        if self._problems():
            return
        self.busy = True
        self.ok.props("loading")
        try:
            done = await self._on_confirm(self.reasons, self.note_text)
        finally:
            self.busy = False
            if not self.ok.is_deleted:
                self.ok.props(remove="loading")
        if done:
            self.dialog.submit(True)

    async def attempt(
        self,
        work: Callable[[], T],
        *,
        seen: dict[str, Any] | None = None,
        on_conflict: Callable[[Conflict], Awaitable[dict[str, Any] | None]] | None = None,
    ) -> tuple[bool, T | None]:
        """Run `work` (one service call in its own unit of work) off the event loop; a refusal stays here."""
        self.conflict.hide()
        try:
            return True, await run.io_bound(work)
        except ValidationFailed as exc:
            others = {name: message for name, message in exc.errors.items() if name != "reasons"}
            if "reasons" in exc.errors:  # the checkboxes share one message line
                self.reasons_error.text = field_message("reasons", exc.errors["reasons"])
                self.reasons_error.visible = True
            if others:
                show_errors(ValidationFailed(others), {"note": self.note}, self.summary)
        except Conflict as exc:
            current = await on_conflict(exc) if on_conflict is not None else None
            self.conflict.show(exc, seen, current=current)
        except ConsoleError as exc:
            self.summary.text = exc.message
            self.summary.visible = True
        return False, None
