"""The collections list: one server-side page of collections in display order, the pager, the search (name or
slug contains; Enter applies it) and the row actions (move up/down, active switch, edit, delete). Content staff
reorder with the arrow buttons or, with a row focused, Alt+ArrowUp/Alt+ArrowDown; a move past the page's edge
follows the collection to its new page. A searched list keeps each row's place in the whole order and offers no
moves (a neighbour in it need not be one in the list)."""

from __future__ import annotations

from typing import Any

from nicegui import run, ui

from console.actor import Actor
from console.catalog.collection_pages.dialog import CollectionDialog
from console.catalog.collection_pages.rows import editable_data, load_page, load_video_choices, plural
from console.catalog.collections import NAME_MAX, delete_collection, move_collection, update_collection
from console.catalog.page_parts import confirm_in, swatch
from console.errors import ConsoleError
from console.paging import Page, PageRequest
from console.staff.permissions import Permission, can
from console.ui.dialogs import within
from console.ui.forms import report
from console.ui.keymap import page_keys
from console.ui.later import when_connected
from console.ui.ordering import focus_later, move_buttons, ordered_row
from console.ui.paged_table import PAGE_SIZES
from console.ui.work import call, call_own

PAGE_SIZE = 25
CURSOR = "console-cursor bg-blue-100"
HEADINGS = [
    ("#", "w-6 text-right shrink-0"),
    ("Colours", "w-14 shrink-0"),
    ("Name", "w-56 shrink-0"),
    ("Slug", "w-48 shrink-0"),
    ("Active", "w-24 shrink-0"),
    ("Videos", "w-20 text-right shrink-0"),
    ("Featured video", "grow"),
]


class CollectionsView:
    """Collections in display order, a page at a time; everything else happens in one create/edit dialog."""

    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.editable = can(actor, Permission.CATALOG_EDIT)
        self.request = PageRequest(size=PAGE_SIZE)
        self.page: Page[dict[str, Any]] | None = None
        self.row_elements: dict[int, ui.element] = {}
        self.cursor = -1  # the highlighted row of this page (j / k)
        self.busy = False  # one move at a time: the next is computed from the order the first produced
        self.search = ""  # the search the list shows (applied with Enter; a refused one leaves it)

    @property
    def rows(self) -> list[dict[str, Any]]:
        return self.page.rows if self.page is not None else []

    def build(self) -> None:
        self.host = ui.element("div")  # dialogs live here, outside the parts that refresh
        self.toolbar()
        self.listing()
        self.pager()
        self.register_keys()
        when_connected(self.reload, name="collection_pages.listing: reload")

    def register_keys(self) -> None:
        keys = page_keys()
        keys.add_moves(self.highlight)
        if self.editable:
            keys.add("Enter", "Edit the highlighted collection…", self.edit_highlighted)
            keys.add("n", "New collection…", lambda: self.open_editor(None))
        keys.add("]", "Next page", lambda: self.step_page(1))
        keys.add("[", "Previous page", lambda: self.step_page(-1))
        keys.add("r", "Reload the list", self.reload)

    # --- parts -----------------------------------------------------------------------------------------------

    def toolbar(self) -> None:
        with ui.row().classes("items-center gap-2"):
            if self.editable:
                ui.button("New collection (n)", icon="add", on_click=lambda: self.open_editor(None)).props(
                    "dense unelevated color=primary no-caps"
                ).mark("collection-new")
            ui.button("Reload (r)", icon="refresh", on_click=self.reload).props("dense flat no-caps").mark(
                "collection-reload"
            )
            self.search_input = (
                ui.input("Name or slug contains")
                .props(f"dense clearable maxlength={NAME_MAX}")
                .classes("w-64")
                .mark("collection-search")
            )
            self.search_input.on("keydown.enter", self.apply_search)
            self.search_input.on("clear", self.apply_search)
            self.count = ui.label("").classes("text-xs opacity-70").mark("collection-count")
            ui.label("Press ? for the keys").classes("text-xs opacity-60")
        self.hint = ui.label("").classes("text-xs opacity-70").mark("collection-hint")
        self.hint.visible = self.editable
        self.show_hint()

    def show_hint(self) -> None:
        self.hint.text = (
            "Clear the search to reorder."
            if self.search
            else "Reorder with the arrows, or focus a row (Tab, or j / k) and press Alt+↑ / Alt+↓."
        )

    @ui.refreshable_method
    def listing(self) -> None:
        total = self.page.total if self.page is not None else 0
        self.count.text = (
            "Loading…" if self.page is None else plural(total, "collection") + (" match" if self.search else "")
        )
        self.row_elements.clear()
        with ui.column().classes("w-full gap-0 text-sm").props("role=list").mark("collection-list"):
            with ui.row().classes("w-full no-wrap gap-3 px-2 py-1 text-xs font-semibold opacity-70 border-b"):
                for heading, classes in HEADINGS:
                    ui.label(heading).classes(classes)
            if self.page is not None and not self.rows:
                empty = (
                    f"No collection's name or slug contains “{self.search}”." if self.search else "No collections yet."
                )
                ui.label(empty).classes("p-2 opacity-70").mark("collection-empty")
            for index, row in enumerate(self.rows):
                self.row_view(row, None if self.search else self.request.offset + index, total - 1)

    def row_view(self, row: dict[str, Any], index: int | None, last: int) -> None:
        """One collection, shown with its place in the whole list (`position`, from 1); `index` (from 0) and `last`
        place its move buttons, and a searched list (`index` None) has none."""
        cid = int(row["id"])
        place = "–" if row["position"] is None else str(row["position"])
        move = self.move if self.editable and index is not None else None
        with ordered_row("collection", cid, label=f"{place}. {row['name']}", move=move) as line:
            self.row_elements[cid] = line
            ui.label(place).classes("w-6 text-right opacity-60 shrink-0").mark(f"collection-place-{cid}")
            with ui.row().classes("w-14 gap-1 no-wrap shrink-0"):
                swatch(row["color_primary"], label="Primary").mark(f"collection-swatch-{cid}")
                swatch(row["color_accent"], label="Accent").mark(f"collection-accent-{cid}")
            ui.label(row["name"]).classes("w-56 truncate font-medium shrink-0").mark(
                "collection-name", f"collection-name-{cid}"
            )
            ui.label(row["slug"]).classes("w-48 truncate font-mono text-xs opacity-80 shrink-0")
            with ui.element("div").classes("w-24 shrink-0"):
                self.active_control(row)
            ui.label(plural(row["video_count"], "video")).classes("w-20 text-right shrink-0").mark(
                f"collection-count-{cid}"
            )
            with ui.row().classes("items-center gap-1 no-wrap min-w-0 grow"):
                if row["featured_title"]:
                    ui.icon("star", size="xs").classes("opacity-60")
                ui.label(row["featured_title"] or "—").classes("truncate").mark(f"collection-featured-{cid}")
            if self.editable:
                self.row_actions(cid, index, last)

    def active_control(self, row: dict[str, Any]) -> None:
        cid = int(row["id"])
        if self.editable:
            ui.switch(value=bool(row["is_active"]), on_change=lambda e: self.toggle_active(cid, e.value)).props(
                "dense aria-label='Active (shown on the site)'"
            ).mark(f"collection-active-{cid}")
        else:
            ui.badge("active" if row["is_active"] else "inactive").props(
                f"color={'positive' if row['is_active'] else 'grey-7'}"
            )

    def row_actions(self, cid: int, position: int | None, last: int) -> None:
        """Move (not on a searched list: `position` None), edit and delete."""
        with ui.row().classes("gap-0 no-wrap shrink-0"):
            if position is not None:
                move_buttons("collection", cid, self.move, index=position, last=last)
            # the list is redrawn after each: the handlers run in the page's host, not in this row
            ui.button(icon="edit", on_click=within(self.host, lambda: self.open_editor(cid))).props(
                "flat dense round size=sm aria-label=Edit title=Edit"
            ).mark(f"collection-edit-{cid}")
            ui.button(icon="delete", on_click=within(self.host, lambda: self.remove(cid))).props(
                "flat dense round size=sm color=negative aria-label=Delete title=Delete"
            ).mark(f"collection-delete-{cid}")

    @ui.refreshable_method
    def pager(self) -> None:
        page = self.page
        if page is None or page.total == 0:
            return
        first = self.request.offset + 1
        shown = f"{first:,}–{self.request.offset + len(page.rows):,} of {'about ' if page.estimated else ''}"
        with ui.row().classes("items-center gap-3").mark("collection-pager-bar"):
            ui.label(f"{shown}{page.total:,}").classes("text-xs opacity-70").mark("collection-range")
            if page.last_page > 1:
                ui.pagination(
                    1, page.last_page, direction_links=True, value=self.request.page, on_change=self.page_changed
                ).props("dense max-pages=7 boundary-numbers").mark("collection-pager")
            ui.select(PAGE_SIZES, value=self.request.size, label="Per page", on_change=self.size_changed).props(
                "dense options-dense"
            ).classes("w-24").mark("collection-page-size")

    # --- loading and paging ----------------------------------------------------------------------------------

    async def fetch(self, request: PageRequest, search: str) -> Page[dict[str, Any]] | None:
        """One page; None when refused (a search's problem shown on its field) or shutting down."""
        ok, page = await call_own(lambda: load_page(self.actor, request, search), fields={"search": self.search_input})
        return page if ok else None

    async def apply_search(self) -> None:
        """Enter in the search field, or its clear button: the first page of what it matches."""
        term = (self.search_input.value or "").strip()
        request = PageRequest(1, self.request.size)
        page = await self.fetch(request, term)
        if page is None:
            return
        self.search, self.request = term, request
        self.show_hint()
        await self.show(page)

    async def reload(self, focus: int | None = None) -> None:
        """Read the current page again (the last one when the list shrank below it) and redraw the list."""
        page = await self.fetch(self.request, self.search)
        if page is not None and not page.rows and page.total and self.request.page > page.last_page:
            self.request = PageRequest(page.last_page, self.request.size)
            page = await self.fetch(self.request, self.search)
        if page is not None:
            await self.show(page, focus)

    async def show(self, page: Page[dict[str, Any]], focus: int | None = None) -> None:
        self.page, self.cursor = page, -1
        await self.listing.refresh()  # awaited: row_elements holds the new rows below
        await self.pager.refresh()  # awaited: the range and pager show with the rows, not a moment later
        if focus is not None and focus in self.row_elements:
            focus_later(self.row_elements[focus])

    async def go_to(self, number: int, focus: int | None = None) -> None:
        """Page `number` (reload() falls back to the last page when there are fewer)."""
        self.request = PageRequest(number, self.request.size)
        await self.reload(focus=focus)

    async def step_page(self, step: int) -> None:
        last = self.page.last_page if self.page is not None else 1
        number = max(1, min(last, self.request.page + step))
        if number != self.request.page:
            await self.go_to(number)

    async def page_changed(self, e: Any) -> None:
        if e.value is not None and int(e.value) != self.request.page:
            await self.go_to(int(e.value))

    async def size_changed(self, e: Any) -> None:
        if e.value and int(e.value) != self.request.size:
            self.request = PageRequest(1, int(e.value))
            await self.reload()

    def highlight(self, step: int) -> None:
        """j / k: move the highlight over this page's rows and focus the row (Alt+↑/↓ then moves it)."""
        rows = self.rows
        if not rows:
            return
        previous = self.row_elements.get(int(rows[self.cursor]["id"])) if 0 <= self.cursor < len(rows) else None
        if previous is not None:
            previous.classes(remove=CURSOR)
        self.cursor = max(0, min(len(rows) - 1, self.cursor + step))
        line = self.row_elements.get(int(rows[self.cursor]["id"]))
        if line is not None:
            line.classes(add=CURSOR)
            focus_later(line)

    def highlighted(self) -> dict[str, Any] | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    async def edit_highlighted(self) -> None:
        row = self.highlighted()
        if row is None:
            ui.notify("Highlight a collection first (j / k).", type="info")
            return
        await self.open_editor(int(row["id"]))

    # --- actions: one service call each, then the list again ------------------------------------------------

    def find(self, collection_id: int) -> dict[str, Any] | None:
        return next((r for r in self.rows if r["id"] == collection_id), None)

    def position_of(self, collection_id: int) -> int | None:
        ids = [int(r["id"]) for r in self.rows]
        return self.request.offset + ids.index(collection_id) if collection_id in ids else None

    async def move(self, collection_id: int, delta: int) -> None:
        position = self.position_of(collection_id)
        total = self.page.total if self.page is not None else 0
        if self.busy or position is None or not 0 <= position + delta < total:
            return
        self.busy = True
        try:
            ok, _ = await call(lambda s: move_collection(s, actor=self.actor, collection_id=collection_id, delta=delta))
            target_page = (position + delta) // self.request.size + 1 if ok else self.request.page
            await self.go_to(target_page, focus=collection_id)  # a move past the page's edge follows the row
        finally:
            self.busy = False

    async def toggle_active(self, collection_id: int, value: bool) -> None:
        row = self.find(collection_id)
        if row is None:
            return
        data = editable_data(row) | {"is_active": bool(value)}
        ok, _ = await call(
            lambda s: update_collection(
                s, actor=self.actor, collection_id=collection_id, data=data, expected_version=row["version"]
            )
        )
        if ok:
            ui.notify(f"{'Activated' if value else 'Deactivated'} “{row['name']}”.", type="positive")
        await self.reload()

    async def remove(self, collection_id: int) -> None:
        row = self.find(collection_id)
        if row is None:
            return
        if not await confirm_in(
            self.host,
            f"Delete the collection “{row['name']}”?",
            "It disappears from the site and from this list. A collection that still holds videos "
            "cannot be deleted: move its videos first.",
            ok_label="Delete",
            danger=True,
        ):
            return
        ok, _ = await call(
            lambda s: delete_collection(
                s, actor=self.actor, collection_id=collection_id, expected_version=row["version"]
            )
        )
        if ok:
            ui.notify(f"Deleted “{row['name']}”.", type="positive")
        await self.reload()

    async def open_editor(self, collection_id: int | None) -> None:
        current = self.find(collection_id) if collection_id is not None else None
        if collection_id is not None and current is None:
            return
        choices, total = None, 0
        if current is not None:
            try:
                loaded = await run.io_bound(
                    load_video_choices, self.actor, int(current["id"]), current["featured_video_id"]
                )
            except ConsoleError as exc:
                report(exc)
                return
            if loaded is None:
                return
            choices, total = loaded
        with self.host:
            CollectionDialog(self.actor, current, choices=choices, total_videos=total, on_saved=self.saved).open()

    async def saved(self, collection_id: int) -> None:
        """After a save: the list again, with the saved collection focused (a new one is last: go to its page)."""
        if self.page is not None and self.position_of(collection_id) is None and not self.search:
            last = -(-(self.page.total + 1) // self.request.size)
            await self.go_to(last, focus=collection_id)
            return
        await self.reload(focus=collection_id)
