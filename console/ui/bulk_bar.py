"""The bulk bar above a PagedTable with multiple selection: "N selected", the page's actions, "Clear selection". It
shows only while something is selected (and never for staff who may not act), and follows the selection as it
changes, whether by a click in the table or by a key.

    self.bulk_bar = BulkBar(allowed=can_act, mark="bulk", actions=self.bulk_actions)  # where the row goes
    self.table = PagedTable(COLUMNS, self.fetch, selection="multiple" if can_act else None)
    self.bulk_bar.attach(self.table)
    keys.add("x", "Select or unselect the highlighted row", self.bulk_bar.toggle_highlighted)

Markers: `{mark}-bar` (the row) and `{mark}-selected` (the count). `show_bulk_results` is the dialog that follows a
bulk action: one line per chosen row, done or refused and why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui

from console.ui.dialogs import deleted_on_close
from console.ui.paged_table import PagedTable


class BulkBar:
    def __init__(self, *, allowed: bool, mark: str, actions: Callable[[], None]) -> None:
        self.allowed, self.mark, self.actions = allowed, mark, actions
        self.table: PagedTable | None = None
        self.show()

    def attach(self, table: PagedTable) -> None:
        self.table = table
        table.table.on_select(lambda: self.refresh())

    @ui.refreshable_method
    def show(self) -> None:
        selected = len(self.table.table.selected) if self.table is not None else 0
        if not self.allowed or not selected:
            return
        bar = ui.row().classes("items-center gap-2 w-full p-1 rounded bg-blue-grey-1 text-black")
        with bar.mark(f"{self.mark}-bar"):
            ui.label(f"{selected:,} selected").classes("text-sm font-semibold").mark(f"{self.mark}-selected")
            self.actions()
            ui.space()
            ui.button("Clear selection", on_click=self.clear).props("dense flat no-caps")

    def refresh(self) -> None:
        self.show.refresh()

    def toggle_highlighted(self) -> None:
        row = self.table.highlighted() if self.table is not None else None
        if self.table is not None and row is not None:
            self.table.toggle_selected(row)
            self.refresh()

    def clear(self) -> None:
        if self.table is not None:
            self.table.clear_selected()
        self.refresh()


def show_bulk_results(
    title: str, columns: list[dict[str, Any]], rows: list[dict[str, Any]], *, row_key: str, host: ui.element, mark: str
) -> None:
    """The outcome of a bulk action in a dialog deleted once closed: `{mark}` (the card), `{mark}-title`,
    `{mark}-table` and `{mark}-close`."""
    with host, deleted_on_close(ui.dialog()) as dialog, ui.card().classes("min-w-[560px] max-w-[90vw]").mark(mark):
        ui.label(title).classes("text-lg font-semibold").mark(f"{mark}-title")
        ui.table(columns=columns, rows=rows, row_key=row_key).props("dense flat bordered wrap-cells").classes(
            "w-full"
        ).mark(f"{mark}-table")
        ui.button("Close", on_click=dialog.close).props("flat").mark(f"{mark}-close")
    dialog.open()
