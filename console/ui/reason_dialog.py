"""A confirmation that asks for a reason (required), with room for extra fields, the service's messages on those
fields, and a conflict panel: the dialog stays open with everything typed until the action succeeds or the user
cancels, and is deleted once closed. With a `draft` key (`dialog_draft.draft_key(actor, action, row id)`) the reason
also survives a lost page: opening the dialog again brings it back.

    dialog = ReasonDialog("Mute @alice?", "She cannot post for the chosen days.", ok_label="Mute", host=self.host)
    with dialog.extra:
        days = dialog.field("days", ui.number("Days", value=1))
    async def act(reason: str) -> bool:
        ok, _ = await dialog.attempt(lambda: mute(reason, days.value))  # one service call in its own unit of work
        return ok
    if await dialog.ask(act): ...                                          # True once act() returned True
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import nullcontext
from typing import Any, TypeVar

from nicegui import run, ui

from console.errors import Conflict, ConsoleError, ValidationFailed
from console.ui.conflict import ConflictPanel
from console.ui.dialog_draft import TextDraft
from console.ui.dialogs import KEEPS_INPUT, Working, keyboard_ready
from console.ui.forms import clear_errors, limit_length, show_errors

T = TypeVar("T")
REASON_LABEL = "Reason (required; kept in the audit log)"


class RefusalsInside:
    """Running one unit of work from a dialog that shows the service's refusals inside itself: needs `conflict` (a
    ConflictPanel), `summary` (a label for anything else) and `show_refusal` (field messages). Shared by
    ActionDialog and console.ui.form_dialog.FormDialog."""

    conflict: ConflictPanel
    summary: ui.label

    def show_refusal(self, exc: ValidationFailed) -> None:
        raise NotImplementedError

    def fail(self, message: str) -> None:
        """Show a refusal inside the dialog (it stays open, the input kept)."""
        self.summary.text = message
        self.summary.visible = True

    async def attempt(
        self,
        work: Callable[[], T],
        *,
        typed: dict[str, Any] | Callable[[], dict[str, Any]] | None = None,
        on_conflict: Callable[[Conflict], Awaitable[dict[str, Any] | None]] | None = None,
    ) -> tuple[bool, T | None]:
        """Run `work` (one service call in its own unit of work) off the event loop. A refusal stays in the dialog:
        field messages on the fields, a Conflict in the conflict panel (`on_conflict` may reload the page and return
        what is stored now, and may refresh fields: a callable `typed` is read after it), anything else as the
        summary."""
        self.conflict.hide()
        try:
            return True, await run.io_bound(work)
        except ValidationFailed as exc:
            self.show_refusal(exc)
        except Conflict as exc:
            current = await on_conflict(exc) if on_conflict is not None else None
            self.conflict.show(exc, typed() if callable(typed) else typed, current=current)
        except ConsoleError as exc:
            self.fail(exc.message)
        return False, None


class ActionDialog(RefusalsInside):
    """What every confirm-with-input dialog shares: placed in the page's host, a title and message, the conflict
    panel, a summary line, Cancel/OK with a spinner while the action runs (one at a time), the service's refusals
    shown inside (the dialog stays open, the input kept) and the dialog deleted once closed. A subclass builds its
    inputs in `body()`, checks them in `problems()` and says what `on_confirm` receives in `values()`."""

    def __init__(
        self,
        title: str,
        message: str = "",
        *,
        ok_label: str = "Confirm",
        danger: bool = False,
        conflict_labels: dict[str, str] | None = None,
        yours_heading: str = "When you opened it",
        keep_note: str = "Your input is kept. Confirm again to act on what is stored now, or cancel.",
        host: ui.element | None = None,
        mark: str = "reason",
        draft: str | None = None,
    ) -> None:
        self.mark, self.draft_key = mark, draft
        self.draft: TextDraft | None = None
        self.working = Working()
        self._on_confirm: Callable[..., Awaitable[bool]] | None = None
        self.fields: dict[str, Any] = {}
        with host if host is not None and not host.is_deleted else nullcontext():
            self.dialog = ui.dialog().props(KEEPS_INPUT).mark(f"{mark}-dialog")
        with self.dialog, ui.card().classes("min-w-[440px] max-w-[90vw] gap-2").mark(f"{mark}-card"):
            ui.label(title).classes("text-lg font-semibold").mark(f"{mark}-title")
            if message:
                ui.label(message).classes("text-sm whitespace-pre-line").mark(f"{mark}-message")
            self.conflict = ConflictPanel(
                conflict_labels or {}, yours_heading=yours_heading, keep_note=keep_note, mark=f"{mark}-conflict"
            )
            self.body()
            keyboard_ready(self.fields.values(), self._confirm)
            self.summary = ui.label("").classes("text-negative text-sm whitespace-pre-line").mark(f"{mark}-summary")
            self.summary.visible = False
            with ui.row().classes("justify-end w-full"):
                ui.button("Cancel", on_click=lambda: self.dialog.submit(False)).props("flat").mark(f"{mark}-cancel")
                self.ok = (
                    ui.button(ok_label, on_click=self._confirm)
                    .props(f"color={'negative' if danger else 'primary'}")
                    .mark(f"{mark}-ok")
                )

    def body(self) -> None:
        """The inputs between the conflict panel and the buttons."""

    def keep_draft(self, field: Any) -> None:
        """Called in `body()` right after the dialog's main text field: with a `draft` key, what is typed there
        survives a lost page (console.ui.dialog_draft)."""
        if self.draft_key is not None:
            self.draft = TextDraft(self.draft_key, field)

    def problems(self) -> bool:
        """Checks made before the action runs; True (with the message shown) stops it."""
        clear_errors(self.fields)
        return False

    def values(self) -> tuple[Any, ...]:
        """What `on_confirm` is called with."""
        return ()

    def show_refusal(self, exc: ValidationFailed) -> None:
        show_errors(exc, self.fields, self.summary)

    def field(self, name: str, element: Any) -> Any:
        """Register an input so the service's message for `name` lands on it."""
        self.fields[name] = element
        return element

    def focus(self, element: Any) -> None:
        """Open with the focus on `element`, an input added above the reason (Extend's days, the new plan)."""
        for field in self.fields.values():
            field.props(remove="autofocus")
        element.props("autofocus")

    async def ask(self, on_confirm: Callable[..., Awaitable[bool]], *, done: str | None = None) -> bool:
        """Open; `on_confirm(*values())` runs on each confirmation and closes the dialog when it returns True.
        Returns whether it did, and then shows `done` as a notice. The dialog is deleted afterwards either way."""
        self._on_confirm = on_confirm
        try:
            answer = await self.dialog
            confirmed = bool(answer)
            if answer is not None and self.draft is not None:  # sent, or Cancel; Escape or a lost page keep it
                self.draft.clear()
        finally:
            if not self.dialog.is_deleted:
                self.dialog.delete()
        if confirmed and done:
            ui.notify(done, type="positive")
        return confirmed

    async def _confirm(self) -> None:
        if self.working.busy or self._on_confirm is None:
            return
        self.summary.visible = False
        if self.problems():
            return
        with self.working.running(self.dialog, self.ok):
            done = await self._on_confirm(*self.values())
        if done:
            if self.draft is not None:  # also when the page went while the action ran
                self.draft.clear()
            self.dialog.submit(True)


class ReasonDialog(ActionDialog):
    def __init__(
        self,
        title: str,
        message: str = "",
        *,
        ok_label: str = "Confirm",
        danger: bool = False,
        reason_label: str = REASON_LABEL,
        reason: str = "",
        max_length: int = 1000,
        conflict_labels: dict[str, str] | None = None,
        yours_heading: str = "When you opened it",
        keep_note: str = "Your reason is kept. Confirm again to act on what is stored now, or cancel.",
        host: ui.element | None = None,
        mark: str = "reason",
        draft: str | None = None,
    ) -> None:
        self._reason_args = (reason_label, reason, max_length)
        super().__init__(
            title,
            message,
            ok_label=ok_label,
            danger=danger,
            conflict_labels=conflict_labels,
            yours_heading=yours_heading,
            keep_note=keep_note,
            host=host,
            mark=mark,
            draft=draft,
        )

    def body(self) -> None:
        label, value, max_length = self._reason_args
        self.extra = ui.column().classes("w-full gap-1 p-0")
        self.reason = (
            ui.textarea(label, value=value)
            .props("dense autogrow outlined")
            .classes("w-full")
            .mark(f"{self.mark}-input")
        )
        self.reason_name = label.split(" (", 1)[0]  # "Note (required; …)" -> "Note": what its messages call it
        limit_length(self.reason, max_length, self.reason_name)  # a counter, never a cut
        self.keep_draft(self.reason)
        self.fields["reason"] = self.reason

    @property
    def reason_text(self) -> str:
        return (self.reason.value or "").strip()

    def problems(self) -> bool:
        clear_errors(self.fields)
        if not self.reason_text:
            self.reason.error = f"{self.reason_name} is required"
            return True
        return not self.reason.validate()  # too long: said on the field and not sent (QA: it said so, then sent)

    def values(self) -> tuple[Any, ...]:
        return (self.reason_text,)
