"""The drill-down: a dialog with a server-paged list of the rows behind one clicked point or bar."""

from __future__ import annotations

from datetime import date
from typing import Any

from nicegui import run, ui

from console.actor import Actor
from console.insights import readdb
from console.insights.pages.range_bar import RangeState
from console.insights.pages.specs import ChartSpec, load_drill
from console.insights.periods import Period
from console.paging import Page, PageRequest
from console.ui.paged_table import PagedTable, column


def columns_for(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    keys = list(rows[0].keys()) if rows else ["id"]
    return [column(k, k.replace("_", " ").capitalize()) for k in keys]


class DrillDialog:
    def __init__(self, actor: Actor, state: RangeState) -> None:
        self.actor, self.state = actor, state
        self.anchor: ui.element | None = None  # where dialogs are made: outside the charts, which a reload redraws

    def fetcher(self, chart: ChartSpec, period: Period, day: date, series: str) -> Any:
        def fetch(request: PageRequest) -> Page[dict[str, Any]]:
            with readdb.read_session() as session:
                return load_drill(chart, session, self.actor, period, day, series, self.state.grain, request)

        return fetch

    async def open(self, chart: ChartSpec, period: Period, day: date, series: str) -> None:
        fetch = self.fetcher(chart, period, day, series)
        first = await run.io_bound(fetch, PageRequest())
        if first is None:
            return
        if self.anchor is None or self.anchor.is_deleted:
            return
        with self.anchor, ui.dialog() as dialog, ui.card().classes("w-[900px] max-w-full").mark("insights-drill"):
            with ui.row().classes("items-center w-full"):
                title = f"{chart.title} · {series or 'all'} · bucket starting {day.isoformat()} ({self.state.grain})"
                ui.label(title).classes("font-semibold").mark("insights-drill-title")
                ui.space()
                ui.button(icon="close", on_click=dialog.close).props("dense flat round").mark("insights-drill-close")
            table = PagedTable(columns_for(first.rows), fetch, sort_by=None)
        dialog.on("hide", dialog.delete)
        dialog.open()
        await table.reload()
