"""The drill-down: a dialog with a server-paged list of the rows behind one clicked point or bar."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from nicegui import run, ui

from console.actor import Actor
from console.errors import default_label
from console.insights import readdb
from console.insights.pages.range_bar import RangeState
from console.insights.pages.specs import ChartSpec, load_drill
from console.insights.pages.words import series_label
from console.insights.periods import Period
from console.paging import Page, PageRequest
from console.ui.formatting import fmt_dt, fmt_money
from console.ui.paged_table import PagedTable, column

HEADINGS = {
    "id": "#",
    "plan_code": "Plan",
    "created_at": "Created",
    "occurred_at": "When",
    "member_id": "Member #",
    "open_at": "Open as of",
    "age_hours": "Age (h)",
    "target_type": "Target",
    "target_label": "Target name",
}
# stored codes shown as words ("inappropriate_content" -> "Inappropriate content")
WORDS = ("status", "kind", "reason", "movement", "provider", "state", "action", "target_type", "worst_reason")
PLANS = ("plan", "plan_code")
ACRONYMS = {"Mrr": "MRR", "Sla": "SLA", "mrr": "MRR", "sla": "SLA", "Ip": "IP", "Url": "URL", "Ctr": "CTR"}


def heading(key: str) -> str:
    """ "amount_cents" -> "Amount", "created_at" -> "Created", "video_id" -> "Video #", "sla_due_at" -> "SLA due",
    "mrr_before_cents" -> "MRR before" (QA: headers read "Sla due at", "Past sla", "Mrr before")."""
    if key in HEADINGS:
        return HEADINGS[key]
    name = key.removesuffix("_cents")
    words = default_label(name[:-3]) + " #" if name.endswith("_id") else default_label(name.removesuffix("_at"))
    return " ".join(ACRONYMS.get(word, word) for word in words.split(" "))


def columns_for(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    keys = [k for k in rows[0] if k != "currency"] if rows else ["id"]
    return [column(k, heading(k), "right" if k.endswith("_cents") else "left") for k in keys]


def readable(row: dict[str, Any]) -> dict[str, Any]:
    """A drill-down row as the console shows values elsewhere: cents as money in the row's currency, times in the
    viewer's zone, codes as words (it showed "Amount cents 1499" and "2026-11-11T03:01:59.216248+00:00")."""
    currency = str(row.get("currency") or "USD")
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key.endswith("_cents") and isinstance(value, int | float):
            out[key] = fmt_money(int(value), currency)
        elif isinstance(value, datetime):
            out[key] = fmt_dt(value)
        elif isinstance(value, date):
            out[key] = value.isoformat()
        elif isinstance(value, bool):  # "past SLA": true
            out[key] = "Yes" if value else "No"
        elif key in WORDS and isinstance(value, str):
            out[key] = default_label(value)
        elif key in PLANS and isinstance(value, str):  # "basic" as the legend names it: "Basic"
            out[key] = series_label(value)
        else:
            out[key] = value
    return out


class DrillDialog:
    def __init__(self, actor: Actor, state: RangeState) -> None:
        self.actor, self.state = actor, state
        self.anchor: ui.element | None = None  # where dialogs are made: outside the charts, which a reload redraws

    def fetcher(self, chart: ChartSpec, period: Period, day: date, series: str) -> Any:
        def fetch(request: PageRequest) -> Page[dict[str, Any]]:
            with readdb.read_session() as session:
                found = load_drill(chart, session, self.actor, period, day, series, self.state.grain, request)
            return Page([readable(r) for r in found.rows], found.total, found.estimated, found.request)

        return fetch

    async def open(self, chart: ChartSpec, period: Period, day: date, series: str) -> None:
        fetch = self.fetcher(chart, period, day, series)
        first = await run.io_bound(fetch, PageRequest())
        if first is None:
            return
        if self.anchor is None or self.anchor.is_deleted:
            return
        # as wide as the screen allows (up to 1,400 px): a backlog row has twelve columns (QA: cut at 900 px)
        with (
            self.anchor,
            ui.dialog() as dialog,
            ui.card().classes("w-[95vw] max-w-[1400px]").mark("insights-drill"),
        ):
            with ui.row().classes("items-center w-full"):
                shown = series_label(series) if series else "all"
                grain = "month" if chart.monthly or chart.kind == "heatmap" else self.state.grain  # what was clicked
                title = f"{chart.title} · {shown} · bucket starting {day.isoformat()} ({grain})"
                ui.label(title).classes("font-semibold").mark("insights-drill-title")
                ui.space()
                ui.button(icon="close", on_click=dialog.close).props("dense flat round").mark("insights-drill-close")
            table = PagedTable(columns_for(first.rows), fetch, sort_by=None)
        dialog.on("hide", dialog.delete)
        dialog.open()
        await table.reload()
