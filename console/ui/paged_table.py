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

from console.errors import ConsoleError
from console.paging import Page, PageRequest
from console.ui.forms import report

PAGE_SIZES = [25, 50, 100, 200]


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
            .props(
                f"dense flat bordered binary-state-sort :rows-per-page-options={PAGE_SIZES} "
                'no-data-label="Nothing matches these filters" loading-label="Loading…"'
            )
            .classes("w-full console-table")
            .mark("paged-table")
        )
        self.table.on("request", self._on_request)
        if on_row_click is not None:
            self.table.on("row-click", lambda e: on_row_click(e.args[1]))
        self.last_page: Page[dict[str, Any]] | None = None

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

    async def load(self, wanted: dict[str, Any]) -> None:
        request = PageRequest(
            page=int(wanted.get("page") or 1),
            size=int(wanted.get("rowsPerPage") or 25),
            sort=wanted.get("sortBy") or None,
            descending=bool(wanted.get("descending")),
        )
        self.table.props("loading")
        try:
            page = await run.io_bound(self._fetch, request)
            if page is None:  # the app is shutting down
                return
        except ConsoleError as exc:
            report(exc)
            return
        finally:
            self.table.props(remove="loading")
        self.last_page = page
        self.table.rows = page.rows
        self.table.pagination = {
            "page": request.page,
            "rowsPerPage": request.size,
            "sortBy": request.sort,
            "descending": request.descending,
            "rowsNumber": page.total,
        }
        first = request.offset + 1 if page.rows else 0
        last = request.offset + len(page.rows) if page.rows else 0
        about = "about " if page.estimated else ""
        self.caption.text = f"{first:,}–{last:,} of {about}{page.total:,}"
        self.table.update()
