"""The staff list: the search and status filters, "New staff member", and one server-side page of accounts whose
rows open the edit dialog (a click, the row's Open button, or j / k and Enter)."""

from __future__ import annotations

from typing import Any

from nicegui import run, ui

from console.actor import Actor
from console.errors import ConsoleError
from console.paging import Page, PageRequest
from console.staff.pages.dialogs import EditStaffDialog, NewStaffDialog
from console.staff.pages.rows import COLUMNS, STATUS_OPTIONS, StaffQuery, load_editable, load_page
from console.ui.forms import report
from console.ui.keymap import page_keys
from console.ui.later import when_connected
from console.ui.paged_table import PagedTable


class StaffListView:
    """Staff accounts, a page at a time; everything else happens in the create and edit dialogs."""

    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.query = StaffQuery()

    def build(self) -> None:
        self.host = ui.element("div")  # dialogs live here, outside the table that reloads
        self.toolbar()
        self.table = PagedTable(COLUMNS, self.fetch, sort_by="email", descending=False)
        self.table.rows_open(self.open_row, name_field="email")
        self.register_keys()
        when_connected(self.apply, name="pages.listing: apply")

    def register_keys(self) -> None:
        keys = page_keys()
        keys.add_moves(self.table.move_cursor)
        keys.add("Enter", "Open the highlighted staff member", self.open_highlighted)
        keys.add("n", "New staff member", self.new_dialog)

    def toolbar(self) -> None:
        with ui.row().classes("items-end gap-2"):
            self.search = ui.input("E-mail or name").props("dense clearable maxlength=254").classes("w-64")
            self.search.mark("staff-search")
            self.active = ui.select(STATUS_OPTIONS, value=None, label="Status").props("dense").classes("w-36")
            self.active.mark("staff-status")
            ui.button("New staff member", icon="person_add", on_click=self.new_dialog).props(
                "dense unelevated color=primary"
            ).mark("staff-new")
            ui.label("Click a row or press j / k and Enter to open it; ? lists the keys").classes(
                "text-xs opacity-60 self-center"
            )
        self.search.on("keydown.enter", self.apply)
        self.active.on_value_change(self.apply)

    def fetch(self, request: PageRequest) -> Page[dict[str, Any]]:
        return load_page(self.actor, self.query, request)

    async def apply(self) -> None:
        self.query = StaffQuery(search=(self.search.value or "").strip(), active=self.active.value)
        await self.table.reload()

    async def refresh_rows(self) -> None:
        await self.table.reload(first_page=False)

    # --- dialogs ---------------------------------------------------------------------------------------------

    def new_dialog(self) -> None:
        with self.host:
            NewStaffDialog(self.actor, self.host, self.refresh_rows).open()

    async def open_highlighted(self) -> None:
        await self.table.open_highlighted("Highlight a staff member first (j / k).")

    async def open_row(self, row: dict[str, Any]) -> None:
        try:
            loaded = await run.io_bound(load_editable, self.actor, int(row["id"]))
        except ConsoleError as exc:
            report(exc)
            return
        if loaded is None:  # shutting down
            return
        with self.host:
            EditStaffDialog(self.actor, self.host, self.refresh_rows, loaded).open()
