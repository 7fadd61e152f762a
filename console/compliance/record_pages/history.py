"""The History tab: the record's audit events, newest first (changes; views and scan views on request); a row
opens the values before and after in a dialog that is deleted once closed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nicegui import ui

from console.compliance.record_pages.labels import HISTORY_COLUMNS, HISTORY_LABELS
from console.ui.history import diff_table

if TYPE_CHECKING:
    from console.compliance.record_pages.view import RecordView


class HistoryTab:
    def __init__(self, view: RecordView) -> None:
        self.view = view

    def build(self) -> None:
        self.show_reads = (
            ui.checkbox("Include views and scan views", on_change=lambda: self.show(self.view.data))
            .props("dense")
            .mark("history-show-reads")
        )
        self.table = (
            ui.table(columns=HISTORY_COLUMNS, rows=self.rows(self.view.data), row_key="id")
            .props("dense flat bordered wrap-cells")
            .classes("w-full")
            .mark("history-table")
        )
        self.table.on("row-click", lambda e: self.open_event(e.args[1]))
        ui.label("Newest first; the latest 300 events. Click a row for the values before and after.").classes(
            "text-xs opacity-70"
        )

    def rows(self, data: dict[str, Any]) -> list[dict[str, Any]]:
        return [r for r in data["history"] if self.show_reads_value or not r["read"]]

    @property
    def show_reads_value(self) -> bool:
        box = getattr(self, "show_reads", None)
        return bool(box is not None and box.value)

    def show(self, data: dict[str, Any]) -> None:
        self.table.rows = self.rows(data)
        self.table.update()

    def open_event(self, row: dict[str, Any]) -> None:
        diff = self.view.data["diffs"].get(row.get("id"), [])
        with self.view.dialog_host:
            dialog = ui.dialog()
        with dialog, ui.card().classes("min-w-[560px] max-w-[90vw]").mark("history-event"):
            ui.label(f"{row['what']} · {row['when']} UTC · {row['who']}").classes("font-semibold")
            if row.get("reason"):
                ui.label(f"Reason: {row['reason']}").classes("text-sm")
            if diff:
                diff_table(diff, HISTORY_LABELS).mark("history-diff")
            else:
                ui.label("No field changes recorded.").classes("text-sm opacity-70")
            ui.button("Close", on_click=dialog.close).props("flat")
        dialog.on("hide", dialog.delete)  # closed dialogs do not pile up
        dialog.open()
