"""One insights tab: KPI tiles with their change, the charts (comparison dashed), drill-down and CSV export,
and a "Definitions" expansion. Reads run off the event loop on the read session (the replica when configured)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from nicegui import run, ui

from console.actor import Actor
from console.db import session_scope, utc_today
from console.errors import ConsoleError
from console.insights import readdb
from console.insights.pages import adapters, export, figures
from console.insights.pages.drill import DrillDialog
from console.insights.pages.range_bar import RangeState
from console.insights.pages.specs import ChartSpec, TabSpec, load_kpis, load_series
from console.insights.pages.words import series_label
from console.insights.periods import in_progress
from console.insights.series import Kpi, Series
from console.ui import theme
from console.ui.charts import plot, restyle
from console.ui.formatting import currency_digits, fmt_money, fmt_percent
from console.ui.work import read

# a change reads green when it is good news for the metric, red when bad (a rising churn is red)
TONE_CLASSES = {"good": "text-positive", "bad": "text-negative", "flat": "opacity-70"}
SHORT_PERIOD_DAYS = 7  # a period this short that reaches today: its partial day weighs a seventh or more


@dataclass
class TabData:
    kpis: list[tuple[Kpi, Kpi | None]] = field(default_factory=list)  # (current, baseline)
    charts: dict[str, tuple[list[Series], list[Series] | None]] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)


def fmt_value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "%":
        return fmt_percent(value)
    if unit == "h" and abs(value) >= 48:  # from two days on as the moderation queue writes waits: "59 d 22 h"
        hours = round(abs(value))
        return f"{'-' if value < 0 else ''}{hours // 24} d {hours % 24} h"
    if len(unit) == 3 and unit.isalpha() and unit.isupper():  # an ISO 4217 code: the service gives major units
        return fmt_money(round(value * 10 ** currency_digits(unit)), unit)
    text = f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:,.2f}"
    return f"{text} {unit}".strip()


def absolute_change(value: float, unit: str) -> str:
    """A change by itself, signed: a rate moves in percentage points (2.3 % to 5.0 % is "+2.7 points", as on the
    home page), everything else in its unit ("+$154.84", "+16")."""
    if unit == "%":
        return f"{value:+,.1f} points"
    return ("+" if value > 0 else "") + fmt_value(value, unit)


class TabView:
    """The parts of one tab; `load()` reads everything for the current range and redraws."""

    def __init__(self, actor: Actor, spec: TabSpec, state: RangeState) -> None:
        self.actor, self.spec, self.state = actor, spec, state
        self.data: TabData | None = None
        self.shown = replace(state)  # the range `data` was read for: what the tiles, charts and handlers speak of
        self.ticket: object | None = None  # the latest load: an older one finishing later is dropped
        self.drill = DrillDialog(actor, state)

    def build(self) -> None:
        with ui.column().classes("w-full gap-3").mark(f"insights-tab-{self.spec.key}"):
            self.drill.anchor = ui.element()  # the drill-down dialog lives here: a reload may redraw the charts
            self.body()
            self.definitions()

    # --- reading ------------------------------------------------------------------------------------------------

    def read(self, s: RangeState) -> TabData:
        data = TabData()
        baseline, compare = s.kpi_baseline, s.compare_period
        with readdb.read_session() as session:
            for kpi_spec in self.spec.kpis:
                try:
                    current = load_kpis(kpi_spec, session, self.actor, s.period, s.grain)
                    before = load_kpis(kpi_spec, session, self.actor, baseline, s.grain)
                    data.kpis.extend(zip(current, before, strict=False))
                except ConsoleError as exc:
                    data.failed[kpi_spec.key] = exc.message
            for chart in self.spec.charts:
                try:
                    series = load_series(chart, session, self.actor, s.period, s.grain)
                    other = None
                    if compare is not None and chart.kind != "heatmap":
                        other = load_series(chart, session, self.actor, compare, s.grain)
                    data.charts[chart.key] = (series, other)
                except ConsoleError as exc:
                    data.failed[chart.key] = exc.message
        return data

    async def load(self) -> None:
        """Read the tab for the range as it is now. The range may change while a read runs (a preset clicked while
        the tabs load): then the newer load's figures stand, and an older read that finishes later is dropped,
        not drawn under the newer range's labels."""
        snapshot, ticket = replace(self.state), object()
        self.ticket = ticket
        data = await read(lambda: self.read(snapshot))
        if data is None or self.ticket is not ticket:  # refused (reported), shutting down, or overtaken
            return
        self.data, self.shown = data, snapshot
        self.drill.state = snapshot
        self.body.refresh()
        self.definitions.refresh()

    # --- parts --------------------------------------------------------------------------------------------------

    @ui.refreshable_method
    def body(self) -> None:
        if self.data is None:
            ui.spinner(size="lg").mark("insights-loading")
            return
        self.tiles()
        with ui.grid(columns="repeat(auto-fit, minmax(460px, 1fr))").classes("w-full gap-4"):
            for chart in self.spec.charts:
                self.chart_card(chart)

    def tiles(self) -> None:
        assert self.data is not None
        with ui.row().classes("w-full gap-3"):
            for current, before in self.data.kpis:
                self.tile(current, before)

    def tile(self, kpi: Kpi, before: Kpi | None) -> None:
        merged = replace(kpi, previous=before.value if before else kpi.previous)
        change, running = merged.change, utc_today() in self.shown.period
        with ui.card().classes("p-3 min-w-[180px] gap-0").mark("insights-kpi") as card:
            ui.label(kpi.name).classes("text-xs opacity-70").mark("insights-kpi-name")
            ui.label(fmt_value(kpi.value, kpi.unit)).classes("text-xl font-semibold").mark("insights-kpi-value")
            if change is None:
                ui.label("no comparison").classes("text-xs opacity-60").mark("insights-kpi-change")
            else:
                arrow = {"up": "▲", "down": "▼", "flat": "▶"}[change.direction]
                pct = "—" if change.percent is None else f"{change.percent:+.1f} %"
                colour = TONE_CLASSES[change.tone(lower_is_better=kpi.lower_is_better)]
                text = (
                    f"{arrow} {pct} ({absolute_change(change.absolute, kpi.unit)}) vs {self.shown.kpi_baseline.label()}"
                )
                if running and kpi.snapshot:  # a balance now against the last period's end: a fair comparison
                    text += " · as of now"
                elif running:  # QA: today's few hours against a whole day read as a collapse
                    text += " · today so far"
                    if self.shown.period.days <= SHORT_PERIOD_DAYS:
                        colour = TONE_CLASSES["flat"]  # not a verdict: the day is not over
                ui.label(text).classes(f"text-xs {colour}").mark("insights-kpi-change")
        card.tooltip((kpi.definition or kpi.name) + (self.partial_note(kpi) if running else ""))

    @staticmethod
    def partial_note(kpi: Kpi) -> str:
        if kpi.snapshot:
            return " The period reaches today: the value is as of now."
        return " The period includes today, which is still running."

    def chart_card(self, chart: ChartSpec) -> None:
        assert self.data is not None
        with ui.card().classes("w-full p-2").mark(f"insights-card-{chart.key}"):
            if chart.key in self.data.failed:
                ui.label(f"{chart.title}: {self.data.failed[chart.key]}").classes("text-negative")
                return
            series, other = self.data.charts.get(chart.key, ([], None))
            fig = self.figure_for(chart, series, other)
            drawn = plot(fig).classes("w-full").style(f"height: {chart.height}px").mark(f"insights-chart-{chart.key}")
            theme.on_change(drawn, functools.partial(self.restyle, drawn, fig))
            if chart.drill is not None:
                drawn.on("plotly_click", lambda e, c=chart, f=fig: self.on_click(c, f, e.args))
            with ui.row().classes("items-center gap-2"):
                ui.button("Download CSV", icon="download", on_click=lambda c=chart: self.download(c)).props(
                    "dense flat no-caps"
                ).mark(f"insights-csv-{chart.key}")
                hint = " · click a point for the rows behind it" if chart.drill else ""
                definition = "; ".join(f"{series_label(s.name)}: {s.definition}" for s in series if s.definition)
                ui.icon("info", size="xs").classes("opacity-60").tooltip(definition or chart.title).mark(
                    f"insights-info-{chart.key}"
                )
                ui.label(hint).classes("text-xs opacity-60")

    @staticmethod
    def restyle(plot: ui.plotly, fig: dict[str, Any], dark: bool) -> None:
        """The theme flipped: recolour this chart in place."""
        restyle(fig, dark=dark)
        plot.update()

    def figure_for(self, chart: ChartSpec, series: list[Series], other: list[Series] | None) -> dict[str, Any]:
        dark = theme.is_dark()
        grain = "month" if chart.monthly else self.shown.grain  # a monthly chart's month still running is in progress
        return figures.figure(
            chart.title,
            series,
            kind=chart.kind,
            height=chart.height,
            dark=dark,
            unit=chart.unit,
            compare=other,
            compare_label=self.shown.compare_label,
            period=self.shown.period,
            compare_period=self.shown.compare_period,
            in_progress=in_progress(self.shown.period, grain, utc_today()),
            grain=grain,
        )

    @ui.refreshable_method
    def definitions(self) -> None:
        with ui.expansion("Definitions", icon="help_outline").classes("w-full").mark("insights-definitions"):
            for line in self.definition_lines():
                ui.label(line).classes("text-sm").mark("insights-definition")

    def definition_lines(self) -> list[str]:
        lines: list[str] = list(self.spec.notes)
        if self.data is None:
            return lines
        seen: set[str] = set()
        named = [(k.name, k.definition) for k, _ in self.data.kpis]
        named += [(series_label(s.name), s.definition) for series, _ in self.data.charts.values() for s in series]
        for name, definition in named:
            if definition and name not in seen:
                seen.add(name)
                lines.append(f"{name}: {definition}")
        return lines

    # --- handlers -----------------------------------------------------------------------------------------------

    async def on_click(self, chart: ChartSpec, fig: dict[str, Any], args: Any) -> None:
        points = args.get("points") if isinstance(args, dict) else None
        if not points:
            return
        point = points[0]
        if chart.kind == "heatmap":  # a cohort cell: its row (the cohort) and column (months since)
            cell = adapters.heatmap_cell(str(point.get("y", "")), point.get("x"))
            if cell is not None:
                await self.drill.open(chart, self.shown.period, cell[1], str(point.get("y", "")))
            return
        curve = int(point.get("curveNumber", 0))
        traces = fig.get("data", [])
        series_count = len(self.data.charts.get(chart.key, ([], None))[0]) if self.data else 0
        day = date.fromisoformat(str(point.get("x", ""))[:10])
        trace = traces[curve] if curve < len(traces) else {}
        meta = trace.get("meta")
        name = str(meta["series"]) if isinstance(meta, dict) and "series" in meta else str(trace.get("name", ""))
        period = self.shown.period
        in_progress = isinstance(meta, dict) and meta.get("part") == figures.IN_PROGRESS  # a current line's end
        if not in_progress and curve >= series_count and self.shown.compare_period is not None:  # a dashed one
            compare = self.shown.compare_period
            day = compare.start + (day - period.start)
            period = compare
        await self.drill.open(chart, period, day, name)

    async def download(self, chart: ChartSpec) -> None:
        if self.data is None or chart.key not in self.data.charts:
            return
        series, other = self.data.charts[chart.key]
        content = export.to_csv(series, compare=other, compare_label=self.shown.compare_label)
        s = self.shown

        def audit() -> None:
            with session_scope() as session:
                export.record_export(
                    session, actor=self.actor, chart=chart.key, period=s.period, grain=s.grain, compare=s.compare
                )

        await run.io_bound(audit)
        ui.download.content(content.encode(), export.file_name(chart.key, s.period), "text/csv")
