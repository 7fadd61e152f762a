"""The conflict panel: someone changed the row while you looked at it. It says who, lists what is stored now next
to what you had (your input, or what you saw when you opened it) where the two differ, and says that your input
is kept; saving again acts on the stored version.

    panel = ConflictPanel({"status": "Status", "assignee": "Assignee"}, yours_heading="When you opened it")
    ...
    except Conflict as exc:
        panel.show(exc, typed={"status": "open", ...})         # compares with exc.current
        panel.show(exc, typed=seen, current=reloaded_snapshot)  # or with what the page reloaded

Everything is shown as plain text (labels escape it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui

from console.errors import Conflict
from console.ui.formatting import fmt_value

KEEP_NOTE = "Your input is kept. Save again to replace the stored version with it, or cancel."


def _plain(value: Any) -> str:
    return "" if value is None else str(value).strip()


def differences(
    current: dict[str, Any],
    typed: dict[str, Any],
    labels: dict[str, str],
    *,
    same: Callable[[str, Any, Any], bool] | None = None,
) -> list[tuple[str, Any, Any]]:
    """(label, stored now, yours) for each labelled field stored now whose value differs from yours, in `labels`
    order. `same(key, stored, yours)` decides equality (default: the values' trimmed text)."""
    equal = same or (lambda _key, a, b: _plain(a) == _plain(b))
    return [
        (label, current.get(key), typed.get(key))
        for key, label in labels.items()
        if key in current and not equal(key, current.get(key), typed.get(key))
    ]


class ConflictPanel:
    """A hidden card that `show()` fills with a Conflict; `hide()` empties it."""

    def __init__(
        self,
        labels: dict[str, str],
        *,
        yours_heading: str = "Your input",
        keep_note: str = KEEP_NOTE,
        same: Callable[[str, Any, Any], bool] | None = None,
        mark: str = "conflict",
    ) -> None:
        self.labels, self.yours_heading, self.keep_note, self.same = labels, yours_heading, keep_note, same
        self.mark = mark
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
        self, exc: Conflict, typed: dict[str, Any] | None = None, *, current: dict[str, Any] | None = None
    ) -> None:
        stored = exc.current if current is None else current
        self.rows = differences(stored, typed or {}, self.labels, same=self.same)
        self.card.clear()
        with self.card:
            with ui.row().classes("items-center gap-2 no-wrap"):
                ui.icon("sync_problem").classes("text-lg text-orange-9")
                ui.label(exc.message).classes("font-semibold text-sm").mark(f"{self.mark}-message")
            if exc.changed_by:
                ui.label(f"Changed by {exc.changed_by}").classes("text-sm").mark(f"{self.mark}-who")
            if self.rows:
                with ui.grid(columns=3).classes("gap-x-4 gap-y-0 text-xs"):
                    for heading in ("", "Stored now", self.yours_heading):
                        ui.label(heading).classes("font-semibold")
                    for label, now, yours in self.rows:
                        ui.label(label)
                        ui.label(fmt_value(now)).classes("font-mono break-all").mark(f"{self.mark}-stored")
                        ui.label(fmt_value(yours)).classes("font-mono break-all").mark(f"{self.mark}-yours")
            ui.label(self.keep_note).classes("text-xs").mark(f"{self.mark}-keep")
        self.card.visible = True
