"""The History tab: every audited change of the video (who, when, which fields); a row opens its before/after."""

from __future__ import annotations

from typing import Any

from console.catalog.editor.values import HISTORY_LABELS
from console.ui.history import EventTable
from console.ui.paged_table import column

COLUMNS = [
    column("when", "When"),  # each time names its zone (fmt_dt)
    column("who", "Who"),
    column("action", "Action"),
    column("changes", "Changed fields"),
    column("reason", "Reason"),
]


class HistoryTab:
    """The table of events; the diffs stay on the server (`diffs`, by event id) until a row is opened."""

    def __init__(self) -> None:
        self.diffs: dict[int, list[tuple[str, Any, Any]]] = {}

    def build(self) -> None:
        wrap = "console-table [overflow-wrap:anywhere]"
        self.table = EventTable(COLUMNS, HISTORY_LABELS, lambda: self.diffs, mark="video-history", classes=wrap)
        self.table.table.props('no-data-label="No recorded changes"')

    @property
    def rows(self) -> list[dict[str, Any]]:
        return self.table.rows

    def show(self, rows: list[dict[str, Any]], diffs: dict[int, list[tuple[str, Any, Any]]] | None = None) -> None:
        if diffs is not None:
            self.diffs = diffs
        self.table.show(rows)
