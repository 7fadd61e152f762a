"""The video list: the filter row, the column chooser with "New video" and "Import / export", the bulk bar, and one
server-side page of videos whose rows open the editor (a click, or j / k and Enter)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from nicegui import ui

from console.actor import Actor
from console.catalog.list_chips import AddressFilterChips, address_filters
from console.catalog.list_pages.bulk import CatalogBulk
from console.catalog.list_pages.rows import (
    BOOL_OPTIONS,
    CELL_SLOTS,
    COLUMN_LABELS,
    collection_name,
    collection_options,
    columns_for,
    int_param,
    keep_columns,
    load_page,
    visible_columns,
)
from console.catalog.models import ACCESS_LEVELS, VIDEO_KINDS, VIDEO_STATES
from console.catalog.service import VideoFilter
from console.catalog.state_look import VIDEO_KIND_LABELS, VIDEO_STATE_LABELS
from console.paging import Page, PageRequest
from console.staff.permissions import Permission, can
from console.ui.filter_bar import FilterBar, FilterField, replace_address
from console.ui.keymap import page_keys
from console.ui.later import when_connected
from console.ui.paged_table import PagedTable
from console.ui.searched_select import SearchedSelect

SEARCH_MAX = 200


class CatalogListView:
    """Videos, a page at a time, filtered on the server; the editor opens from a row, bulk actions from the bar."""

    def __init__(self, actor: Actor, params: Mapping[str, str]) -> None:
        self.actor = actor
        self.can_edit = can(actor, Permission.CATALOG_EDIT)
        # What the address asks for (?q=…&collection=…&state=…); anything unusable is left out.
        wanted = int_param(params.get("collection"))
        self.collection_label = collection_name(actor, wanted)
        self.start = {
            "search": (params.get("q") or "")[:SEARCH_MAX],
            "collection_id": wanted if self.collection_label is not None else None,
            "state": params.get("state"),
        }
        self.address = address_filters(params)  # ?held=1, ?scheduled_on=…: chips, not fields of the bar
        self.flt = VideoFilter(**self.address)

    def build(self) -> None:
        self.host = ui.element("div")  # dialogs live here, outside the parts that reload
        self.filter_row()
        self.tools_row()
        self.bulk = CatalogBulk(self.actor, self.host, self.refresh_rows)
        self.table_part()
        self.register_keys()
        when_connected(self.refresh_first_page, name="list_pages.listing: refresh_first_page")

    # --- parts -----------------------------------------------------------------------------------------------

    def filter_fields(self) -> list[FilterField]:
        def any_of(
            word: str, values: tuple[str, ...] | list[str], words: dict[str, str] | None = None
        ) -> dict[Any, str]:
            return {None: f"Any {word}", **{v: (words or {}).get(v, v) for v in values}}

        return [
            FilterField("search", "Title, slug or performer", width="w-64"),
            FilterField("collection_id", "Collection", build=self.collection_select, width="w-48", mark="collection"),
            FilterField("kind", "Kind", options=any_of("kind", VIDEO_KINDS, VIDEO_KIND_LABELS), width="w-28"),
            FilterField("state", "State", options=any_of("state", VIDEO_STATES, VIDEO_STATE_LABELS), width="w-32"),
            FilterField("access_level", "Access level", options=any_of("access", ACCESS_LEVELS), width="w-32"),
            FilterField("featured", "Featured", options=BOOL_OPTIONS, width="w-24"),
            FilterField("has_performers", "Has performers", options=BOOL_OPTIONS, width="w-32", mark="has-performers"),
            FilterField(
                "include_deleted", "Include deleted", toggle=True, default=False, width="", mark="include-deleted"
            ),
        ]

    def collection_select(self, start: Any) -> SearchedSelect:
        select = SearchedSelect(
            lambda text: collection_options(self.actor, text),
            label="Collection",
            value=start,
            value_label=self.collection_label,
            none_label="Any collection",
        )
        return select.props("dense options-dense")

    def filter_row(self) -> None:
        self.filters = FilterBar(
            VideoFilter,
            self.filter_fields(),
            on_apply=self.apply_filter,
            initial=self.start,
            mark="catalog",
            on_clear=lambda: self.chips.clear(),
        )
        self.flt = replace(self.filters.current, **self.address)
        self.filters.elements["search"].props(f"maxlength={SEARCH_MAX}")
        with self.filters.row:
            go = ui.button("Search", icon="search", on_click=self.filters.apply).props("dense unelevated")
            go.mark("catalog-search-go")
        go.move(self.filters.row, target_index=len(self.filters.elements))  # before Clear

        self.chips = AddressFilterChips(self.address, on_change=self.address_changed)

    def tools_row(self) -> None:
        with ui.row().classes("items-center gap-2 w-full"):
            self.columns = (
                ui.select(COLUMN_LABELS, multiple=True, value=visible_columns(), label="Columns")
                .props("dense options-dense use-chips")
                .classes("min-w-[280px] max-w-[640px]")
                .mark("catalog-columns")
            )
            self.columns.on_value_change(self.pick_columns)
            ui.space()
            if self.can_edit:
                ui.button("New video", icon="add", on_click=self.new_video).props(
                    "dense unelevated color=primary"
                ).mark("catalog-new")
                ui.link("Import / export", "/catalog/import").classes("text-sm").mark("catalog-import")

    def table_part(self) -> None:
        self.table = PagedTable(
            columns_for(list(self.columns.value or [])),
            self.fetch,
            sort_by="created_at",
            descending=True,
            selection="multiple" if self.bulk.allowed else None,
        )
        for name, template in CELL_SLOTS.items():
            self.table.table.add_slot(name, template)
        self.table.rows_open(self.open_row, name_field="title")
        if self.bulk.allowed:
            self.bulk.bar.attach(self.table)

    def register_keys(self) -> None:
        keys = page_keys()
        keys.add_moves(self.table.move_cursor)
        keys.add("Enter", "Open the highlighted video", self.open_highlighted)
        if self.bulk.allowed:
            keys.add("x", "Select or unselect the highlighted video", self.bulk.bar.toggle_highlighted)
        if self.can_edit:
            keys.add("n", "New video", self.new_video)

    # --- handlers --------------------------------------------------------------------------------------------

    def fetch(self, request: PageRequest) -> Page[dict[str, Any]]:
        return load_page(self.actor, self.flt, request)

    async def apply_filter(self, flt: VideoFilter) -> None:
        self.flt = replace(flt, **self.address)
        day = self.address.get("publish_day")
        replace_address(  # what the address is read back from (the start values and the chips)
            {
                "q": flt.search,
                "collection": flt.collection_id,
                "state": flt.state,
                "held": "1" if self.address.get("on_hold") else None,
                "scheduled_on": day.isoformat() if day is not None else None,
            }
        )
        if self.bulk.allowed:
            self.bulk.bar.clear()
        await self.table.reload()

    async def address_changed(self) -> None:
        await self.apply_filter(self.filters.current)

    async def refresh_first_page(self) -> None:
        await self.table.reload()

    async def refresh_rows(self) -> None:
        await self.table.reload(first_page=False)

    def pick_columns(self) -> None:
        self.table.table.columns = columns_for(keep_columns(self.columns.value))
        self.table.table.update()

    def new_video(self) -> None:
        ui.navigate.to("/catalog/new")

    def open_row(self, row: dict[str, Any]) -> None:
        ui.navigate.to(f"/catalog/{int(row['id'])}")

    async def open_highlighted(self) -> None:
        await self.table.open_highlighted("Highlight a video first (j / k).")
