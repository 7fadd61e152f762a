"""A server-paged, server-sorted `ui.table`: the browser only ever holds one page of rows.

The caller gives a `fetch(PageRequest) -> Page[dict]` that runs one service call in its own unit of
work; it runs off the event loop (`run.io_bound`). Quasar's `request` event carries page, page size
and sort; `rowsNumber` tells the pager the total (NiceGUI issue #4222).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import run, ui
from nicegui.events import GenericEventArguments

from console.errors import ConsoleError, ValidationFailed
from console.paging import Page, PageRequest
from console.ui.formatting import in_viewer_zone
from console.ui.forms import report

PAGE_SIZES = [25, 50, 100, 200]
PAGER_LABEL = (  # Quasar's pager text, with the caption's dash and thousands separators
    "(first, last, total) => first.toLocaleString('en-US') + '\u2013' + last.toLocaleString('en-US')"
    " + ' of ' + total.toLocaleString('en-US')"
)
# Rows that open something: the pointer and a hover tint on every row (console.css), the highlighted row (j / k),
# and a visible, focusable Open button in the "open" column. Only field names from code go into the templates;
# the row's own text reaches the browser as data and Vue renders it as text.
OPEN_ROW_CLASS = "(row) => 'console-open-row' + (row.cursor ? ' console-row-cursor' : '')"
OPEN_CELL = """<q-td :props="props" auto-width>
  <q-btn flat dense no-caps no-wrap size="sm" color="primary" icon-right="chevron_right" label="Open"
    :aria-label="'Open ' + props.row.%s" @click.stop="() => $parent.$emit('open', props.row)" /></q-td>"""


# A clipped column's cell (`column(..., clip=…)`): one line cut with an ellipsis at the column's width, the whole
# text on hover (console.css .console-clip). Vue renders the value as text.
CLIPPED_CELL = (
    '<q-td :props="props"><div class="console-clip" :style="{maxWidth: props.col.clip}" :title="props.value">'
    "{{ props.value }}</div></q-td>"
)
WRAP_STYLE = "white-space: normal; min-width: 10rem"


def column(
    name: str,
    label: str,
    align: str = "left",
    *,
    sortable: bool = False,
    clip: str | None = None,
    wrap: bool = False,
    wide: bool = False,
) -> dict[str, Any]:
    """One column of a `ui.table`: the row field `name` under `label`. Free text that can be long gets `clip` (a
    CSS width such as "14rem": one line, an ellipsis, the whole text on hover; `PagedTable` adds the cell) or `wrap`
    (lines break at spaces), so a table fits a laptop screen instead of scrolling sideways. A `wide` column is shown
    only on screens 1,920 px and wider (Quasar's gt-lg): for a list beside a detail panel that shows the same fact
    (from 1,440 px, gt-md, the panel left too little room: the ads' State went off screen up to 1,680 px)."""
    found: dict[str, Any] = {"name": name, "label": label, "field": name, "align": align}
    if sortable:
        found["sortable"] = True
    if clip:
        found["clip"] = clip
    if wrap:
        found["style"] = WRAP_STYLE
    if wide:
        found["classes"] = found["headerClasses"] = "gt-lg"
    return found


def id_column() -> dict[str, Any]:
    """The row's number, "#", first in most lists (what staff quote to each other)."""
    return column("id", "#", "right")


def open_column() -> dict[str, Any]:
    """The column that holds each row's Open button once `rows_open` made the rows openers."""
    return {"name": "open", "label": "", "field": "id", "align": "right"}


NO_DATA, NOTHING_MATCHES = "no-data-label", "Nothing matches these filters"


class PagedTable:
    def __init__(
        self,
        columns: list[dict[str, Any]],
        fetch: Callable[[PageRequest], Page[dict[str, Any]]],
        *,
        row_key: str = "id",
        page_size: int = 25,
        sort_by: str | None = None,
        descending: bool = True,
        on_row_click: Callable[[dict[str, Any]], Any] | None = None,
        selection: str | None = None,
    ) -> None:
        self._fetch = fetch
        self.caption = ui.label("").classes("text-xs opacity-70").mark("table-caption")
        self.table = (
            ui.table(
                columns=columns,
                rows=[],
                row_key=row_key,
                pagination={
                    "page": 1,
                    "rowsPerPage": page_size,
                    "sortBy": sort_by,
                    "descending": descending,
                    "rowsNumber": 0,
                },
                selection=selection,  # type: ignore[arg-type]
            )
            .props('dense flat bordered binary-state-sort loading-label="Loading…"')
            .classes("w-full console-table")
            .mark("paged-table")
        )
        self.table.props[NO_DATA] = NOTHING_MATCHES
        # A list prop, not in the props string: there ":…=[25, 50, 100, 200]" splits at the spaces and the
        # browser evaluates what is left as the comma expression 200 (no page-size menu, a broken pager).
        self.table.props["rows-per-page-options"] = PAGE_SIZES
        self.table.props[":pagination-label"] = PAGER_LABEL  # as the caption writes it, not Quasar's "1-25 of 2475"
        for col in columns:
            if col.get("clip"):
                self.table.add_slot(f"body-cell-{col['name']}", CLIPPED_CELL)
        self.table.on("request", self._on_request)
        # Quasar echoes the pagination it was created with (rowsNumber 0) back as `update:pagination`; when
        # that arrives after the first page loaded, it would reset the pager to "1-0 of 0" with no page buttons.
        # Server-side, only `request` changes the page: keep what the last load set.
        self.table.on("update:pagination", self._keep_loaded)
        if on_row_click is not None:
            self.table.on("row-click", lambda e: on_row_click(e.args[1]))
        self.last_page: Page[dict[str, Any]] | None = None
        self._loaded: dict[str, Any] | None = None
        self.cursor = -1  # the highlighted row of this page (rows_open; j / k)
        self._own_no_data: str | None = None  # the list's empty text while a refusal's stands in for it
        self._open: Callable[[dict[str, Any]], Any] | None = None

    def rows_open(self, on_open: Callable[[dict[str, Any]], Any], *, name_field: str) -> None:
        """Make the rows look and work like what they are, openers: a click on the row or on its Open button (in the
        column named "open", reached with Tab) calls `on_open(row)`; `move_cursor` / `open_highlighted` give the
        page's j / k / Enter. `name_field` names the row for screen readers ("Open root@example.com")."""
        self._open = on_open
        self.table.props[":table-row-class-fn"] = OPEN_ROW_CLASS
        self.table.add_slot("body-cell-open", OPEN_CELL % name_field)
        self.table.on("open", lambda e: on_open(e.args))
        self.table.on("row-click", lambda e: on_open(e.args[1]))

    def move_cursor(self, step: int) -> None:
        """Move the highlight `step` rows (it stays on the page's first or last row)."""
        rows = self.table.rows
        if not rows:
            return
        self.highlight(max(0, min(len(rows) - 1, self.cursor + step)))

    def highlight(self, index: int) -> None:
        """Put the highlight on row `index` of this page (-1: none); rows show it through their "cursor" value."""
        rows = self.table.rows
        self.cursor = index if rows else -1
        for i, row in enumerate(rows):
            row["cursor"] = i == self.cursor
        self.table.update()

    def toggle_selected(self, row: dict[str, Any]) -> None:
        """Tick or untick one row for a bulk action (x on the highlighted row)."""
        selected = self.table.selected
        ids = {r["id"] for r in selected}
        self.table.selected = [r for r in selected if r["id"] != row["id"]] if row["id"] in ids else [*selected, row]
        self.table.update()

    def clear_selected(self) -> None:
        self.table.selected = []
        self.table.update()

    def highlighted(self) -> dict[str, Any] | None:
        rows = self.table.rows
        return rows[self.cursor] if 0 <= self.cursor < len(rows) else None

    async def open_highlighted(self, nothing: str = "Highlight a row first (j / k).") -> None:
        row = self.highlighted()
        if row is None or self._open is None:
            ui.notify(nothing, type="info")
            return
        result = self._open(row)
        if hasattr(result, "__await__"):
            await result

    def _keep_loaded(self) -> None:
        if self._loaded is not None and self.table.pagination != self._loaded:
            self.table.pagination = dict(self._loaded)
            self.table.update()

    @property
    def pagination(self) -> dict[str, Any]:
        return dict(self.table.pagination or {})

    async def _on_request(self, e: GenericEventArguments) -> None:
        wanted = e.args.get("pagination", {}) if isinstance(e.args, dict) else {}
        await self.load(wanted)

    async def reload(self, *, first_page: bool = True) -> None:
        wanted = self.pagination
        if first_page:
            wanted["page"] = 1
        await self.load(wanted)

    @staticmethod
    def request_of(wanted: dict[str, Any]) -> PageRequest:
        return PageRequest(
            page=int(wanted.get("page") or 1),
            size=int(wanted.get("rowsPerPage") or 25),
            sort=wanted.get("sortBy") or None,
            descending=bool(wanted.get("descending")),
        )

    def shown_request(self) -> PageRequest | None:
        """The page the table shows (None before the first load): what a page's watcher reads again."""
        return None if self._loaded is None else self.request_of(self._loaded)

    async def load(self, wanted: dict[str, Any]) -> None:
        request = self.request_of(wanted)
        self.table.props("loading")
        try:
            page = await run.io_bound(in_viewer_zone(self._fetch), request)  # rows show times in the viewer's zone
            if page is None:  # the app is shutting down
                return
        except ValidationFailed as exc:  # the filters were refused: no rows left shown under filters they do not match
            self.refused(exc.message, request)
            return
        except ConsoleError as exc:
            report(exc)
            return
        finally:
            self.table.props(remove="loading")
        if self._own_no_data is not None:  # the filters are accepted again: the list's own empty text is back
            self.table.props[NO_DATA], self._own_no_data = self._own_no_data, None
        self.show(page, request)

    def refused(self, message: str, request: PageRequest) -> None:
        """An empty list that says why, the same after a reload of the page's address as after Search."""
        ui.notify(message, type="negative")
        if self._own_no_data is None:
            self._own_no_data = str(self.table.props.get(NO_DATA) or NOTHING_MATCHES)
        self.show(Page([], 0, False, request), request)
        self.table.props[NO_DATA] = f"{message}: change the filters to see the list."
        self.table.update()

    def show(self, page: Page[dict[str, Any]], request: PageRequest) -> None:
        """Put a page that was read on screen (the highlight is dropped), with its pager and caption."""
        self.last_page = page
        self.cursor = -1
        if self._open is not None:
            for row in page.rows:
                row["cursor"] = False
        self.table.rows = page.rows
        self.table.pagination = {
            "page": request.page,
            "rowsPerPage": request.size,
            "sortBy": request.sort,
            "descending": request.descending,
            "rowsNumber": page.total,
        }
        self._loaded = dict(self.table.pagination)
        first = request.offset + 1 if page.rows else 0
        last = request.offset + len(page.rows) if page.rows else 0
        about = "about " if page.estimated else ""
        self.caption.text = f"{first:,}–{last:,} of {about}{page.total:,}"
        self.table.update()
