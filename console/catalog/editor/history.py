"""The History tab: every audited change of the video (who, when, which fields); a row opens its before/after."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from console.catalog.editor.values import HISTORY_LABELS
from console.ui.dialogs import deleted_on_close
from console.ui.history import diff_table

COLUMNS = [
    {"name": "when", "label": "When (UTC)", "field": "when", "align": "left"},
    {"name": "who", "label": "Who", "field": "who", "align": "left"},
    {"name": "action", "label": "Action", "field": "action", "align": "left"},
    {"name": "changes", "label": "Changed fields", "field": "changes", "align": "left"},
    {"name": "reason", "label": "Reason", "field": "reason", "align": "left"},
]


class HistoryTab:
    """The table of events; the diffs stay on the server (`diffs`, by event id) until a row is opened."""

    def __init__(self) -> None:
        self.diffs: dict[int, list[tuple[str, Any, Any]]] = {}

    def build(self) -> None:
        self.table = (
            ui.table(columns=COLUMNS, rows=[], row_key="id")
            .props('dense flat bordered wrap-cells no-data-label="No recorded changes"')
            .classes("w-full console-table [overflow-wrap:anywhere]")
            .mark("video-history")
        )
        self.table.on("row-click", lambda e: self.open_event(e.args[1]))

    @property
    def rows(self) -> list[dict[str, Any]]:
        return self.table.rows

    def show(self, rows: list[dict[str, Any]], diffs: dict[int, list[tuple[str, Any, Any]]] | None = None) -> None:
        if diffs is not None:
            self.diffs = diffs
        self.table.rows = rows
        self.table.update()

    def open_event(self, row: dict[str, Any]) -> None:
        diff = self.diffs.get(row.get("id"), [])  # type: ignore[arg-type]
        with (
            deleted_on_close(ui.dialog()) as dialog,
            ui.card().classes("min-w-[560px] max-w-[90vw]").mark("history-event"),
        ):
            ui.label(f"{row['action']} · {row['when']} UTC · {row['who']}").classes("font-semibold break-words")
            if row.get("reason"):
                ui.label(f"Reason: {row['reason']}").classes("text-sm break-words")
            if diff:
                diff_table(diff, HISTORY_LABELS).classes("[overflow-wrap:anywhere]")
            else:
                ui.label("No field changes recorded.").classes("text-sm opacity-70")
            ui.button("Close", on_click=dialog.close).props("flat")
        dialog.open()
