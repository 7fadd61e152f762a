"""The performers directory: the name search, "New performer", and one server-side page of performers whose rows
open the profile (a click, the row's Open button, or j / k and Enter)."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from console.actor import Actor
from console.catalog.performer_pages.dialogs import NewPerformerDialog
from console.catalog.performer_pages.rows import COLUMNS, load_page
from console.catalog.performers import PerformerFilter
from console.paging import Page, PageRequest
from console.staff.permissions import Permission, can
from console.ui.filter_bar import FilterBar, FilterField
from console.ui.keymap import page_keys
from console.ui.later import when_connected
from console.ui.paged_table import PagedTable

SEARCH_MAX = 200
FILTERS = [FilterField("search", "Name contains", width="w-72")]
ACTIVE_BADGE = """
<q-td :props="props"><q-badge :label="props.value"
  :color="props.value === 'active' ? 'positive' : 'grey-7'" /></q-td>"""


class PerformersView:
    """Performers A to Z, a page at a time; a new one is created in a dialog and opens on its profile."""

    def __init__(self, actor: Actor, search: str | None = None) -> None:
        self.actor = actor
        self.editable = can(actor, Permission.CATALOG_EDIT)
        self.initial = {"search": (search or "").strip()[:SEARCH_MAX]}
        self.flt = PerformerFilter(search=self.initial["search"])

    def build(self) -> None:
        self.host = ui.element("div")  # dialogs live here, outside the table that reloads
        self.toolbar()
        self.table = PagedTable(COLUMNS, self.fetch, sort_by=None, descending=False)
        self.table.table.add_slot("body-cell-active", ACTIVE_BADGE)
        self.table.rows_open(self.open_row, name_field="name")
        self.register_keys()
        when_connected(self.search, name="performer_pages.listing: search")

    def toolbar(self) -> None:
        with ui.row().classes("items-end gap-2 w-full"):
            with ui.element("div"):  # the bar's own row is as wide as this box, not the toolbar
                self.filters = FilterBar(
                    PerformerFilter, FILTERS, on_apply=self.apply, initial=self.initial, mark="performer"
                )
            self.filters.elements["search"].props(f"maxlength={SEARCH_MAX}")
            ui.button("Search", icon="search", on_click=self.search).props("dense unelevated").mark(
                "performer-search-go"
            )
            ui.space()
            if self.editable:
                ui.button("New performer", icon="person_add", on_click=self.new_dialog).props(
                    "dense unelevated color=primary no-caps"
                ).mark("performer-new")
        ui.label("Click a row or press j / k and Enter to open it; ? lists the keys").classes("text-xs opacity-60")

    def register_keys(self) -> None:
        keys = page_keys()
        keys.add_moves(self.table.move_cursor)
        keys.add("Enter", "Open the highlighted performer", self.open_highlighted)
        if self.editable:
            keys.add("n", "New performer…", self.new_dialog)

    def fetch(self, request: PageRequest) -> Page[dict[str, Any]]:
        return load_page(self.actor, self.flt, request)

    async def search(self) -> None:
        await self.filters.apply()

    async def apply(self, flt: PerformerFilter) -> None:
        self.flt = flt
        await self.table.reload()

    async def open_highlighted(self) -> None:
        await self.table.open_highlighted("Highlight a performer first (j / k).")

    def open_row(self, row: dict[str, Any]) -> None:
        ui.navigate.to(f"/performers/{int(row['id'])}")

    def new_dialog(self) -> None:
        with self.host:
            NewPerformerDialog(self.actor).open()
