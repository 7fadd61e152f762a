"""A create/edit dialog with a Save button: the title, the conflict panel, the inputs (built by `body()`), a summary
line and Cancel/Save. Saving needs a live session, clears the old messages, runs `work()` (one unit of work) off the
event loop and keeps every refusal inside the dialog with the input: field messages on the fields, a stale edit in
the conflict panel (the version moves on to what is stored now, and every field not typed in takes the stored value
— `stored_now` says what that is — so the panel lists only what was typed and Save again overwrites only that),
anything else as the summary. `self.form.base` holds what each field showed before the user typed (an edit
compares with it to send only the changes). Markers, from the
`kind` of thing edited: `{kind}-form` (the card), `{kind}-form-dialog`, `{kind}-form-summary`, `{kind}-form-cancel`,
`{kind}-form-save` and `{kind}-conflict` for the panel. With a `draft` key (`dialog_draft.draft_key(actor, kind,
row id)`) what is typed survives a lost page: opening the dialog again brings it back; a draft typed on an older
version of the row is saved on that version, so the save shows the conflict instead of overwriting the change.

    class ThingForm(FormDialog):
        def body(self) -> None: self.fields["name"] = ui.input("Name")
        def work(self) -> Callable[[], Any]: return unit_of_work(lambda s: save_thing(s, ...))
    if await ThingForm("New thing", labels=LABELS, kind="thing").ask(): ...
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

from nicegui import ui
from nicegui.elements.mixins.value_element import ValueElement

from console.errors import Conflict, ValidationFailed
from console.ui.conflict import ConflictPanel
from console.ui.dialog_draft import DialogDraft
from console.ui.dialogs import KEEPS_INPUT, Working, keyboard_ready
from console.ui.form_state import FormState
from console.ui.forms import clear_errors, show_errors
from console.ui.reason_dialog import RefusalsInside
from console.ui.session import require_live_session


class FormDialog(RefusalsInside):
    """`ask()` is True once a save succeeded; `saved` holds what `work()` returned."""

    saved_message = "Saved."

    def __init__(
        self,
        title: str,
        *,
        labels: dict[str, str],
        kind: str,
        row: Any = None,
        host: ui.element | None = None,
        draft: str | None = None,
    ) -> None:
        """`row` is the row edited (the save is based on its version), None for a new one."""
        mark = f"{kind}-form"
        self.labels, self.version = labels, None if row is None else int(row.version)
        self.fields: dict[str, Any] = {}
        self.saved: Any = None
        self.working = Working()
        with host if host is not None and not host.is_deleted else nullcontext():
            self.dialog = ui.dialog().props(KEEPS_INPUT).mark(f"{mark}-dialog")
        with self.dialog, ui.card().classes("min-w-[560px] max-w-[90vw] gap-2").mark(mark):
            ui.label(title).classes("text-lg font-semibold")
            self.conflict = ConflictPanel(labels, mark=f"{kind}-conflict")
            self.body()
            self.form = FormState(self.shown_values())  # before a draft is restored: the draft counts as typed
            for name, element in self.fields.items():
                if isinstance(element, ValueElement):
                    self.form.add(name, element)
            self.draft = None if draft is None else DialogDraft(draft, self.fields, version=self.version)
            if self.draft is not None and self.draft.stale:
                self.version = self.draft.based_on  # typed on that version: saving it shows the conflict
            keyboard_ready(self.fields.values(), self.save)
            self.summary = ui.label("").classes("text-negative text-sm").mark(f"{mark}-summary")
            self.summary.visible = False
            with ui.row().classes("justify-end w-full"):
                ui.button("Cancel", on_click=lambda: self.dialog.submit(False)).props("flat").mark(f"{mark}-cancel")
                self.ok = ui.button("Save", on_click=self.save).props("unelevated").mark(f"{mark}-save")

    def body(self) -> None:
        """The inputs, registered in `self.fields` by the names the service's messages use."""

    def work(self) -> Callable[[], Any]:
        """The save as one unit of work; may raise ValidationFailed for input it cannot read."""
        raise NotImplementedError

    def shown_values(self) -> dict[str, Any]:
        return {name: e.value for name, e in self.fields.items() if isinstance(e, ValueElement)}

    def typed(self) -> dict[str, Any]:
        """What the conflict panel shows as the user's input."""
        return {name: element.value for name, element in self.fields.items()}

    def stored_now(self, exc: Conflict) -> dict[str, Any] | None:
        """What is stored now, as the fields hold it: untouched fields take it and the panel compares with it (None:
        no field is refreshed and the panel reads `exc.current` itself)."""
        return None

    def show_refusal(self, exc: ValidationFailed) -> None:
        show_errors(exc, self.fields, self.summary, labels=self.labels)

    async def ask(self) -> bool:
        try:
            answer = await self.dialog
            if answer is not None and self.draft is not None:  # saved, or Cancel; Escape or a lost page keep it
                self.draft.clear()
            return bool(answer)
        finally:
            if not self.dialog.is_deleted:
                self.dialog.delete()

    async def save(self) -> None:
        if self.working.busy or require_live_session() is None:  # one save at a time (a double click, Enter twice)
            return
        clear_errors(self.fields)
        self.summary.visible = False
        self.conflict.hide()
        try:
            work = self.work()
        except ValidationFailed as exc:
            self.show_refusal(exc)
            return
        with self.working.running(self.dialog, self.ok):
            done, self.saved = await self.attempt(work, typed=self.typed, on_conflict=self._conflict)
        if done:
            if self.draft is not None:  # also when the page went while the save ran
                self.draft.clear()
            ui.notify(self.saved_message, type="positive")
            self.dialog.submit(True)

    async def _conflict(self, exc: Conflict) -> dict[str, Any] | None:
        if exc.current.get("version"):
            self.version = int(exc.current["version"])
            if self.draft is not None:
                self.draft.rebase(self.version)
        stored = self.stored_now(exc)
        if stored is not None:
            self.form.fill(stored)  # fields not typed in follow what is stored; typed ones stay
        return stored
