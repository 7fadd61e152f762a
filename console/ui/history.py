"""What every history tab shares: the before/after table of one audited change (plain text, escaped by NiceGUI)
and `EventTable`, a table of audit events whose rows open that change in a dialog deleted once closed."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import nullcontext
from typing import Any

from nicegui import ui

from console.ui.dialogs import deleted_on_close
from console.ui.formatting import fmt_value
from console.ui.paged_table import column

DIFF_COLUMNS = [
    column("field", "Field"),
    column("before", "Before"),
    column("after", "After"),
]


def diff_table(diff: Iterable[tuple[str, Any, Any]], labels: dict[str, str]) -> ui.table:
    """One row per changed field: its label, the value before and after."""
    rows = [{"field": labels.get(k, k), "before": fmt_value(b), "after": fmt_value(a)} for k, b, a in diff]
    table = ui.table(columns=DIFF_COLUMNS, rows=rows, row_key="field")
    return table.props("dense flat bordered wrap-cells").classes("w-full")


Diff = Sequence[tuple[str, Any, Any]]


class EventTable:
    """Audit events (rows keyed by `id`, with `when`, `who`, `reason` and the `what` key naming the action); a click
    on a row opens who did what and when, the reason and the fields before and after (`history-event`, its table
    `history-diff`). The diffs stay on the server: `diffs()` gives them by event id when a row is opened."""

    def __init__(
        self,
        columns: list[dict[str, Any]],
        labels: dict[str, str],
        diffs: Callable[[], Mapping[Any, Diff]],
        *,
        mark: str,
        rows: list[dict[str, Any]] | None = None,
        what: str = "action",
        props: str = "",
        classes: str = "",
        host: ui.element | None = None,
    ) -> None:
        self.labels, self.diffs, self.what, self.host = labels, diffs, what, host
        self.table = (
            ui.table(columns=columns, rows=rows or [], row_key="id")
            .props(f"dense flat bordered wrap-cells {props}".strip())
            .classes(f"w-full {classes}".strip())
            .mark(mark)
        )
        self.table.on("row-click", lambda e: self.open_event(e.args[1]))

    @property
    def rows(self) -> list[dict[str, Any]]:
        return self.table.rows

    def show(self, rows: list[dict[str, Any]]) -> None:
        self.table.rows = rows
        self.table.update()

    def open_event(self, row: dict[str, Any]) -> None:
        diff = self.diffs().get(row.get("id"), [])
        with self.host if self.host is not None and not self.host.is_deleted else nullcontext():
            dialog = deleted_on_close(ui.dialog())
        with dialog, ui.card().classes("min-w-[560px] max-w-[90vw]").mark("history-event"):
            ui.label(f"{row[self.what]} · {row['when']} · {row['who']}").classes("font-semibold break-words").mark(
                "history-event-heading"
            )
            if row.get("reason"):
                ui.label(f"Reason: {row['reason']}").classes("text-sm break-words")
            if diff:
                diff_table(diff, self.labels).classes("[overflow-wrap:anywhere]").mark("history-diff")
            else:
                ui.label("No field changes recorded.").classes("text-sm opacity-70")
            ui.button("Close", on_click=dialog.close).props("flat")
        dialog.open()
