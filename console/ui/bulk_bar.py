"""The bulk bar above a PagedTable with multiple selection: "N selected", the page's actions, "Clear selection". It
shows only while something is selected (and never for staff who may not act), and follows the selection as it
changes, whether by a click in the table or by a key.

    self.bulk_bar = BulkBar(allowed=can_act, mark="bulk", actions=self.bulk_actions)  # where the row goes
    self.table = PagedTable(COLUMNS, self.fetch, selection="multiple" if can_act else None)
    self.bulk_bar.attach(self.table)
    keys.add("x", "Select or unselect the highlighted row", self.bulk_bar.toggle_highlighted)

Markers: `{mark}-bar` (the row), `{mark}-selected` (the count: "3 selected", or "3 videos selected" with a `noun`)
and `{mark}-working` (what runs, shown in the bar instead of the actions while `working(...)` holds: a large selection
takes a while, and no second action can start meanwhile). `show_bulk_results` is the dialog that follows a bulk
action: one line per chosen row, done or refused and why (or only the refused rows, under counts of each outcome);
`OutcomeTable.show` fills it from the service's outcomes, one per item (its id, `ok`, `message`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from nicegui import ui

from console.ui.dialogs import deleted_on_close
from console.ui.formatting import plural
from console.ui.paged_table import PagedTable, column


class BulkBar:
    def __init__(self, *, allowed: bool, mark: str, actions: Callable[[], None], noun: str | None = None) -> None:
        """`noun`: what a row is ("video": "3 videos selected"); without it the count reads "3 selected"."""
        self.allowed, self.mark, self.actions, self.noun = allowed, mark, actions, noun
        self.table: PagedTable | None = None
        self.bar: ui.element | None = None
        if allowed:  # where the row goes; its contents are built at the first selection (most opens make none)
            self.slot = ui.element("div").classes("w-full")

    def build(self) -> ui.element:
        """The row, hidden until something is selected; shown and hidden at once as the selection changes."""
        with self.slot:
            self.bar = ui.row().classes("items-center gap-2 w-full p-1 rounded bg-blue-grey-1 text-black no-wrap")
        with self.bar.mark(f"{self.mark}-bar"):
            # one line, whatever wraps: "3 videos selected" broke over two beside the catalog's nine actions
            self.count = ui.label("").classes("text-sm font-semibold whitespace-nowrap").mark(f"{self.mark}-selected")
            # the actions wrap among themselves when the page is narrow; "Clear selection" stays on the first line
            with ui.row().classes("items-start gap-1 grow min-w-0 no-wrap") as self.buttons:
                with ui.row().classes("items-center gap-1 grow min-w-0"):
                    self.actions()
                ui.button("Clear selection", on_click=self.clear).props("dense flat no-caps").classes("shrink-0")
            with ui.row().classes("items-center gap-2") as self.busy:
                ui.spinner(size="sm")
                self.doing = ui.label("").classes("text-sm").mark(f"{self.mark}-working")
        self.busy.visible = self.bar.visible = False
        return self.bar

    def attach(self, table: PagedTable) -> None:
        self.table = table
        table.table.on_select(self.refresh)

    def refresh(self) -> None:
        if not self.allowed:
            return
        selected = len(self.selected)
        if self.bar is None and not selected:
            return
        bar = self.bar or self.build()
        self.count.text = f"{plural(selected, self.noun) if self.noun else f'{selected:,}'} selected"
        bar.visible = selected > 0

    @property
    def selected(self) -> list[dict[str, Any]]:
        return list(self.table.table.selected) if self.table is not None else []

    @contextmanager
    def working(self, doing: str) -> Iterator[None]:
        """While a bulk action runs: the bar says what runs, with a spinner, in place of its buttons."""
        if not self.allowed:
            yield
            return
        if self.bar is None:
            self.build()
        self.doing.text = doing
        self.buttons.visible, self.busy.visible = False, True
        try:
            yield
        finally:
            self.buttons.visible, self.busy.visible = True, False

    def toggle_highlighted(self) -> None:
        row = self.table.highlighted() if self.table is not None else None
        if self.table is not None and row is not None:
            self.table.toggle_selected(row)
            self.refresh()

    def clear(self) -> None:
        if self.table is not None:
            self.table.clear_selected()
        self.refresh()


@dataclass(frozen=True)
class Tally:
    """One count over a bulk result's table ("Changed: 2"), coloured by `tone` (positive, negative) when not zero."""

    label: str
    count: int
    mark: str
    tone: str = ""


def show_bulk_results(
    title: str,
    columns: list[dict[str, Any]],
    rows: list[dict[str, Any]],
    *,
    row_key: str,
    host: ui.element,
    mark: str,
    tallies: Sequence[Tally] = (),
    caption: str = "",
    table_mark: str | None = None,
) -> None:
    """The outcome of a bulk action in a dialog deleted once closed: `{mark}` (the card), `{mark}-title`, the
    tallies in a row (each its own mark), the table (`table_mark`, else `{mark}-table`; left out when it has no
    row) under its `caption`, and `{mark}-close`."""
    with host, deleted_on_close(ui.dialog()) as dialog, ui.card().classes("min-w-[560px] max-w-[90vw]").mark(mark):
        ui.label(title).classes("text-lg font-semibold").mark(f"{mark}-title")
        if tallies:
            with ui.row().classes("gap-6"):
                for tally in tallies:
                    tone = f"text-{tally.tone} font-semibold" if tally.tone and tally.count else ""
                    ui.label(f"{tally.label}: {tally.count:,}").classes(tone).mark(tally.mark)
        if rows:
            if caption:
                ui.label(caption).classes("text-sm")
            ui.table(columns=columns, rows=rows, row_key=row_key).props("dense flat bordered wrap-cells").classes(
                "w-full"
            ).mark(table_mark or f"{mark}-table")
        ui.button("Close", on_click=dialog.close).props("flat").mark(f"{mark}-close")
    dialog.open()


@dataclass(frozen=True)
class OutcomeTable:
    """How a bulk action's outcomes (one per item: its id, `ok`, `message`) show in `show_bulk_results`: `key` (field,
    label) is the item's id, the outcome's attribute of that name; `name` (field, label) the item's name; `words` what
    the title says of the items that went through and what their line says ("Dismiss: 2 of 3 closed", "ok"); the
    others are "refused", with the service's message."""

    key: tuple[str, str]
    name: tuple[str, str]
    words: tuple[str, str]
    mark: str
    message_label: str = "Message"

    def show(self, verb: str, outcomes: Sequence[Any], names: Mapping[int, str], *, host: ui.element) -> None:
        id_field, name_field = self.key[0], self.name[0]
        rows = [
            {
                id_field: getattr(o, id_field),
                name_field: names.get(getattr(o, id_field), ""),
                "outcome": self.words[1] if o.ok else "refused",
                "message": o.message,
            }
            for o in outcomes
        ]
        columns = [
            column(*self.key, "right"),
            column(*self.name),
            column("outcome", "Outcome"),
            column("message", self.message_label),
        ]
        done = sum(1 for o in outcomes if o.ok)
        title = f"{verb}: {done:,} of {len(outcomes):,} {self.words[0]}"
        show_bulk_results(title, columns, rows, row_key=id_field, host=host, mark=self.mark)
