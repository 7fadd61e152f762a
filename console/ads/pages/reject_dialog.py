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

from typing import Any

from nicegui import ui

from console.ads.models import REJECTION_REASONS
from console.ads.pages.common import REASON_LABELS
from console.errors import ValidationFailed
from console.ui.forms import field_message, limit_length, show_errors
from console.ui.reason_dialog import ActionDialog

CHOOSE_REASON = "Choose at least one reason"
OTHER_NEEDS_NOTE = "Note is required when the reason is “other”"
CONFLICT_LABELS = {"state": "State", "claimed_by": "Claimed by", "check": "Checks"}  # (the version is internal)
REJECT_KEPT = "Your reasons and note are kept. Reject again to act on what is stored now, or cancel."


class RejectDialog(ActionDialog):
    def __init__(
        self,
        title: str,
        message: str = "",
        *,
        host: ui.element | None = None,
        mark: str = "reject",
        draft: str | None = None,
    ) -> None:
        super().__init__(
            title,
            message,
            ok_label="Reject",
            danger=True,
            conflict_labels=CONFLICT_LABELS,
            keep_note=REJECT_KEPT,
            host=host,
            mark=mark,
            draft=draft,
        )

    def body(self) -> None:
        ui.label("Policy reasons (one or more)").classes("text-sm font-semibold")
        self.boxes = {
            code: ui.checkbox(REASON_LABELS[code]).props("dense").mark(f"{self.mark}-reason-{code}")
            for code in REJECTION_REASONS
        }
        # Quasar's dialog focuses an element marked data-autofocus that takes the focus: the first reason, so the
        # keyboard chooses reasons with Tab and Space at once (QA: nothing had the focus; keyboard_ready takes inputs)
        next(iter(self.boxes.values())).props("data-autofocus")
        self.reasons_error = ui.label("").classes("text-negative text-xs").mark(f"{self.mark}-reasons-error")
        self.reasons_error.visible = False
        self.note = (
            ui.textarea("Note (kept in the audit log; required for “other”)")
            .props("dense autogrow outlined")
            .classes("w-full")
            .mark(f"{self.mark}-note")
        )
        limit_length(self.note, 2000, "Note")
        self.keep_draft(self.note)

    @property
    def reasons(self) -> list[str]:
        return [code for code, box in self.boxes.items() if box.value]

    @property
    def note_text(self) -> str | None:
        return (self.note.value or "").strip() or None

    def typed(self) -> dict[str, Any]:
        return {"reasons": self.reasons, "note": self.note_text}

    def values(self) -> tuple[Any, ...]:
        return (self.reasons, self.note_text)

    def problems(self) -> bool:
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

    def show_refusal(self, exc: ValidationFailed) -> None:
        others = {name: message for name, message in exc.errors.items() if name != "reasons"}
        if "reasons" in exc.errors:  # the checkboxes share one message line
            self.reasons_error.text = field_message("reasons", exc.errors["reasons"])
            self.reasons_error.visible = True
        if others:
            show_errors(ValidationFailed(others), {"note": self.note}, self.summary)
