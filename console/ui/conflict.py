"""Someone else saved the row first: the one conflict widget every page uses.

`ConflictPanel` is a card beside (or inside) a form. `show()` says what happened and who changed it, lists each
labelled field that differs — what is stored now next to what you have (your input, or what you saw) — and says
that your input is kept; it never touches the form. Given `on_take_theirs` / `on_keep_mine` it also offers those
two choices as buttons. `ConflictDialog` puts the same panel in a persistent dialog (deleted when it closes) for a
page where the user must choose before going on: Cancel (keep editing), Take theirs, Keep mine and overwrite.
`ConflictCatcher` lets a page see the Conflict that `ui.work.call` turns into a message.

    panel = ConflictPanel({"status": "Status", "assignee": "Assignee"}, mark="case-conflict")
    ...
    except Conflict as exc:
        panel.show(exc, typed={"status": "open", ...})         # compares with exc.current
        panel.show(exc, typed=seen, current=reloaded_snapshot)  # or with what the page reloaded

Markers, for a panel marked `m`: `m` (the card), `m-message`, `m-who`, `m-table` (the differences), one
`m-field` / `m-stored` / `m-yours` label a differing field, `m-keep`, `m-take-theirs`, `m-keep-mine`,
`m-cancel`; a dialog's card is `m-dialog`. Everything is shown as plain text (labels escape it).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from nicegui import ui
from sqlalchemy.orm import Session

from console.errors import Conflict, ConsoleError
from console.ui.dialogs import KEEPS_INPUT, closed, deleted_on_close, outside
from console.ui.formatting import fmt_ago, fmt_dt, fmt_value

KEEP_NOTE = "Your input is kept. Save again to replace the stored version with it, or cancel."
TAKE_NOTE = "Your input is kept. Save again to replace the stored version with it, or take theirs."
SAME_NOTE = "The fields you see hold the same values; the change was elsewhere (e.g. state)."

Handler = Callable[[], Awaitable[None] | None]
Same = Callable[[str, Any, Any], bool]
Show = Callable[[str, Any], str]


def _plain(value: Any) -> str:
    return "" if value is None else str(value).strip()


def display(value: Any) -> str:
    """A stored or typed value as one line of text: '—' for nothing, yes/no, a list joined with commas."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(display(item) for item in value) or "—"
    if value is None or (isinstance(value, str) and not value.strip()):
        return "—"
    return fmt_value(value)


def differing(
    current: dict[str, Any], typed: dict[str, Any], labels: dict[str, str], *, same: Same | None = None
) -> list[tuple[str, str, Any, Any]]:
    """(key, label, stored now, yours) for each labelled field stored now whose value differs from yours, in
    `labels` order. `same(key, stored, yours)` decides equality (default: the values' trimmed text)."""
    equal = same or (lambda _key, a, b: _plain(a) == _plain(b))
    return [
        (key, label, current.get(key), typed.get(key))
        for key, label in labels.items()
        if key in current and not equal(key, current.get(key), typed.get(key))
    ]


def differences(
    current: dict[str, Any], typed: dict[str, Any], labels: dict[str, str], *, same: Same | None = None
) -> list[tuple[str, Any, Any]]:
    """`differing` without the keys: (label, stored now, yours)."""
    return [(label, now, yours) for _key, label, now, yours in differing(current, typed, labels, same=same)]


@dataclass
class ConflictActions:
    """The panel's buttons; one left None is not offered."""

    on_take_theirs: Handler | None = None
    on_keep_mine: Handler | None = None
    on_cancel: Handler | None = None
    take_label: str = "Take theirs"
    keep_label: str = "Keep mine and overwrite"
    cancel_label: str = "Cancel (keep editing)"

    @property
    def any(self) -> bool:
        return any((self.on_take_theirs, self.on_keep_mine, self.on_cancel))


class ConflictPanel:
    """A hidden card that `show()` fills with a Conflict; `hide()` empties it. `same` compares a stored and a
    typed value, `show_value(key, value)` writes one (default `display`); `empty_note` is said when no labelled
    field differs (None: nothing); `keep_note` "" leaves the "your input is kept" line out (default: KEEP_NOTE, or
    TAKE_NOTE with a Take theirs button)."""

    def __init__(
        self,
        labels: dict[str, str],
        *,
        yours_heading: str = "Your input",
        keep_note: str | None = None,
        empty_note: str | None = None,
        same: Same | None = None,
        show_value: Show | None = None,
        actions: ConflictActions | None = None,
        mark: str = "conflict",
    ) -> None:
        self.actions, self.mark = actions or ConflictActions(), mark
        if keep_note is None:  # an inline form with Take theirs has no cancel to point to
            keep_note = TAKE_NOTE if self.actions.on_take_theirs is not None else KEEP_NOTE
        self.labels, self.yours_heading, self.keep_note, self.same = labels, yours_heading, keep_note, same
        self.empty_note, self.show_value = empty_note, show_value or (lambda _key, value: display(value))
        self.card = ui.card().classes("w-full gap-1 p-2 bg-orange-1 text-black").props("flat bordered").mark(mark)
        self.card.visible = False
        self.rows: list[tuple[str, Any, Any]] = []

    @property
    def shown(self) -> bool:
        return self.card.visible

    def hide(self) -> None:
        self.card.clear()
        self.card.visible = False
        self.rows = []

    def show(
        self,
        exc: Conflict,
        typed: dict[str, Any] | None = None,
        *,
        current: dict[str, Any] | None = None,
        version: int | None = None,
        extra: Sequence[tuple[str, Any, Any]] = (),
    ) -> None:
        """Fill the card: `current` (default `exc.current`) against `typed`, then the `extra` rows (label, stored
        now, yours) the labels cannot express; `version` is the version stored now, when the page knows it."""
        stored = exc.current if current is None else current
        found = differing(stored, typed or {}, self.labels, same=self.same)
        shown = [(label, self.show_value(key, now), self.show_value(key, yours)) for key, label, now, yours in found]
        self.rows = [(label, now, yours) for _key, label, now, yours in found] + list(extra)
        self.card.clear()
        with self.card:
            self.heading(exc, version)
            self.table([*shown, *((label, display(now), display(yours)) for label, now, yours in extra)])
            if self.keep_note:
                ui.label(self.keep_note).classes("text-xs").mark(f"{self.mark}-keep")
            if self.actions.any:
                self.buttons()
        self.card.visible = True

    def heading(self, exc: Conflict, version: int | None) -> None:
        with ui.row().classes("items-center gap-2 no-wrap"):
            ui.icon("sync_problem").classes("text-lg text-orange-9")
            ui.label(exc.message).classes("font-semibold text-sm break-words").mark(f"{self.mark}-message")
        if exc.changed_by:
            now = f" (now version {version})" if version is not None else ""
            ago = f" {fmt_ago(exc.changed_at)}" if exc.changed_at else ""
            who = ui.label(f"Changed by {exc.changed_by}{ago}{now}").classes("text-sm").mark(f"{self.mark}-who")
            if exc.changed_at:
                who.tooltip(fmt_dt(exc.changed_at, seconds=True))

    def table(self, rows: list[tuple[str, str, str]]) -> None:
        if not rows:
            if self.empty_note:
                ui.label(self.empty_note).classes("text-sm").mark(f"{self.mark}-same")
            return
        grid = ui.grid(columns="auto minmax(0, 1fr) minmax(0, 1fr)").mark(f"{self.mark}-table")
        with grid.classes("w-full gap-x-4 gap-y-0 text-xs [overflow-wrap:anywhere]"):
            for heading in ("", "Stored now", self.yours_heading):
                ui.label(heading).classes("font-semibold")
            for label, now, yours in rows:
                ui.label(label).mark(f"{self.mark}-field")
                ui.label(now).classes("font-mono break-words").mark(f"{self.mark}-stored")
                ui.label(yours).classes("font-mono break-words").mark(f"{self.mark}-yours")

    def buttons(self) -> None:
        acts, mark = self.actions, self.mark
        with ui.row().classes("justify-end w-full gap-1"):
            # Each runs outside the card: hiding the panel deletes the button it was clicked on.
            if acts.on_cancel is not None:
                ui.button(acts.cancel_label, on_click=outside(self.card, acts.on_cancel)).props("flat no-caps").mark(
                    f"{mark}-cancel"
                )
            if acts.on_take_theirs is not None:
                ui.button(acts.take_label, on_click=outside(self.card, acts.on_take_theirs)).props(
                    "outline no-caps"
                ).mark(f"{mark}-take-theirs")
            if acts.on_keep_mine is not None:
                ui.button(acts.keep_label, on_click=outside(self.card, acts.on_keep_mine)).props(
                    "color=warning no-caps"
                ).mark(f"{mark}-keep-mine")


class ConflictDialog:
    """The panel in a persistent dialog, deleted when it closes, with Cancel / Take theirs / Keep mine. Each choice
    closes the dialog first, then runs its handler (Cancel only closes: the input stays in the form)."""

    def __init__(
        self,
        labels: dict[str, str],
        *,
        title: str,
        on_take_theirs: Handler,
        on_keep_mine: Handler,
        mark: str = "conflict",
        **panel: Any,
    ) -> None:
        self.labels, self.title, self.mark, self.panel_options = labels, title, mark, panel
        self.on_take_theirs, self.on_keep_mine = on_take_theirs, on_keep_mine

    def open(self, exc: Conflict, typed: dict[str, Any], **shown: Any) -> None:
        """Show the dialog; `shown` goes to `ConflictPanel.show` (current, version, extra)."""
        actions = ConflictActions(
            on_take_theirs=lambda: self.choose(self.on_take_theirs),
            on_keep_mine=lambda: self.choose(self.on_keep_mine),
            on_cancel=self.close,
        )
        options = {"keep_note": "", "empty_note": SAME_NOTE} | self.panel_options
        with (
            deleted_on_close(ui.dialog().props(KEEPS_INPUT)) as self.dialog,  # Esc: "Cancel (keep editing)"
            ui.card().classes("min-w-[640px] max-w-[92vw]").mark(f"{self.mark}-dialog"),
        ):
            ui.label(self.title).classes("text-lg font-semibold")
            self.panel = ConflictPanel(self.labels, actions=actions, mark=self.mark, **options)
            self.panel.show(exc, typed, **shown)
        self.dialog.open()

    def close(self) -> None:
        self.dialog.close()

    async def choose(self, handler: Handler) -> None:
        with closed(self.dialog):
            result = handler()
            if result is not None:
                await result


class ConflictCatcher:
    """Wraps a service call so the page can see the refusal that `ui.work.call` turns into a message: `error`, and
    `conflict` when that refusal is a Conflict (a later call forgets both). A page that catches conflicts shows
    them in its panel, so a Conflict caught here gets no notification as well (`Conflict.in_panel`): a second copy
    of the panel's heading in a toast that stays until dismissed and can cover the form's buttons.

    catcher = ConflictCatcher()
    ok, saved = await call(catcher(lambda s: update(s, ...)), fields=...)
    if not ok and catcher.conflict is not None: panel.show(catcher.conflict, typed)
    """

    def __init__(self) -> None:
        self.error: ConsoleError | None = None

    @property
    def conflict(self) -> Conflict | None:
        return self.error if isinstance(self.error, Conflict) else None

    def __call__(self, fn: Callable[[Session], Any]) -> Callable[[Session], Any]:
        def wrapped(session: Session) -> Any:
            self.error = None
            try:
                return fn(session)
            except ConsoleError as exc:
                self.error = exc
                if isinstance(exc, Conflict):
                    exc.in_panel = True
                raise

        return wrapped
