"""The History tab: the record's audit events, newest first (changes; views and scan views on request); a row
opens the values before and after in a dialog that is deleted once closed (console.ui.history.EventTable)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nicegui import ui

from console.compliance.record_pages.data import load_history
from console.compliance.record_pages.labels import HISTORY_COLUMNS, HISTORY_LABELS
from console.ui.history import EventTable
from console.ui.later import when_connected
from console.ui.work import read

if TYPE_CHECKING:
    from console.compliance.record_pages.view import RecordView


class HistoryTab:
    """The record's History tab: read and built the first time it is chosen (up to 300 events, with the values
    before and after each, that the Record tab never shows), and read again after each change while it exists."""

    def __init__(self, view: RecordView) -> None:
        self.view = view
        self.built = False
        self.history: list[dict[str, Any]] = []
        self.diffs: dict[Any, Any] = {}

    def build(self) -> None:
        self.built = True
        self.show_reads = (
            ui.checkbox("Include views and scan views", on_change=self.show).props("dense").mark("history-show-reads")
        )
        self.table = EventTable(HISTORY_COLUMNS, HISTORY_LABELS, lambda: self.diffs, mark="history-table", what="what")
        self.table.host = self.view.dialog_host
        ui.label("Newest first; the latest 300 events. Click a row for the values before and after.").classes(
            "text-xs opacity-70"
        )
        when_connected(self.reload, name="record_pages.history: reload")

    async def reload(self) -> None:
        if not self.built:
            return
        found = await read(load_history, self.view.actor, self.view.record_id)
        if found is not None:
            self.history, self.diffs = found
            self.show()

    def rows(self) -> list[dict[str, Any]]:
        return [r for r in self.history if self.show_reads_value or not r["read"]]

    @property
    def show_reads_value(self) -> bool:
        box = getattr(self, "show_reads", None)
        return bool(box is not None and box.value)

    def show(self) -> None:
        if self.built:
            self.table.show(self.rows())
