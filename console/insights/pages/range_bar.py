"""The range bar: presets (7/30/90 days, quarter, year), custom dates, and what to compare with."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date

from nicegui import ui

from console.db import utc_today
from console.errors import ValidationFailed
from console.insights.periods import PRESET_LABELS, Grain, Period, grain_for, last_year, preset, previous
from console.ui.date_field import date_field
from console.ui.forms import show_errors

COMPARE_LABELS = {
    "none": "none (tiles: previous period)",
    "previous": "previous period",
    "last_year": "same period last year",
}
MAX_CUSTOM_DAYS = 3 * 366
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)  # a custom range's dates (0001-01-01 overflowed)


@dataclass
class RangeState:
    """What every tab draws: the period, its grain, and the comparison period (None when not comparing)."""

    period: Period
    preset: str = "30d"
    compare: str = "none"

    @property
    def grain(self) -> Grain:
        return grain_for(self.period)

    @property
    def compare_period(self) -> Period | None:
        if self.compare == "previous":
            return previous(self.period)
        if self.compare == "last_year":
            return last_year(self.period)
        return None

    @property
    def kpi_baseline(self) -> Period:
        """KPI tiles always show a change: against the chosen comparison, else the previous period."""
        return self.compare_period or previous(self.period)

    @property
    def compare_label(self) -> str:
        return COMPARE_LABELS.get(self.compare, "")


def parse_custom(start_text: object, end_text: object, today: date | None = None) -> Period:
    """A custom range from the From/To fields; `today`: no day after it (no figures exist for days to come, and a
    range into the future compared a few weeks of data with a whole earlier period)."""
    errors: dict[str, str] = {}
    days: dict[str, date] = {}
    for field, text in (("start", start_text), ("end", end_text)):
        try:
            days[field] = date.fromisoformat(str(text or "").strip())
        except ValueError:
            errors[field] = "must be a date like 2025-01-31"
    for field, day in days.items():  # the comparison periods reach a year and a range back: keep them in range
        if not EARLIEST <= day <= LATEST:
            errors[field] = f"must be a date from {EARLIEST.isoformat()} to {LATEST.isoformat()}"
    if errors:
        raise ValidationFailed(errors)
    if today is not None and days["start"] > today:
        raise ValidationFailed({"start": f"must be today ({today.isoformat()}) or earlier"})
    if today is not None and days["end"] > today:
        raise ValidationFailed(
            {"end": f"must be today ({today.isoformat()}) or earlier: there are no figures for days to come"}
        )
    if days["end"] < days["start"]:
        raise ValidationFailed({"end": "must be on or after the start date"})
    if (days["end"] - days["start"]).days + 1 > MAX_CUSTOM_DAYS:
        raise ValidationFailed({"end": "must be at most three years after the start date"})
    return Period(days["start"], days["end"])


class RangeBar:
    """Preset toggle, custom dates with Apply, compare select; calls `changed()` after every change.

    `today` is asked on every use, not kept: a tab left open past midnight UTC moves its preset ("last 7 days") on to
    the new day at the next reload, and accepts the new day in a custom range."""

    def __init__(self, state: RangeState, changed: Callable[[], Awaitable[None]]) -> None:
        self.state, self.changed = state, changed

    @staticmethod
    def today() -> date:
        return utc_today()

    def build(self) -> None:
        with ui.row().classes("items-start gap-3 w-full").mark("insights-range-bar"):
            options = {**PRESET_LABELS, "custom": "Custom"}
            self.presets = (
                ui.toggle(options, value=self.state.preset, on_change=self.on_preset)
                .props("dense no-caps")
                .mark("insights-preset")
            )
            self.start = date_field(
                "From", self.state.period.start.isoformat(), mark="insights-range-start", classes="w-36"
            )
            self.end = date_field("To", self.state.period.end.isoformat(), mark="insights-range-end", classes="w-36")
            for field in (self.start, self.end):  # Enter applies, as in every filter row
                field.on("keydown.enter", self.on_custom)
            ui.button("Apply", on_click=self.on_custom).props("dense flat no-caps").mark("insights-range-apply")
            ui.select(COMPARE_LABELS, value=self.state.compare, label="Compare to", on_change=self.on_compare).props(
                "dense"
            ).classes("w-64").mark("insights-compare")
            self.caption = ui.label("").classes("text-xs opacity-70").mark("insights-period")
        self.show_period()

    def show_period(self) -> None:
        s = self.state
        text = f"{s.period.label()} · by {s.grain}"
        if self.today() in s.period:  # the numbers hold today's hours so far (and the charts mark its bucket)
            text += " · today so far"
        if s.compare_period is not None:
            text += f" · compared with {s.compare_period.label()} (dashed)"
        self.caption.text = text
        self.start.value, self.end.value = s.period.start.isoformat(), s.period.end.isoformat()

    def follow_today(self) -> None:
        """A preset period ends today: after midnight UTC it is moved on a day (a custom range stays as typed)."""
        if self.state.preset != "custom" and self.state.period != (current := preset(self.state.preset, self.today())):
            self.state.period = current
            self.show_period()  # only then: it would also reset From/To typed and not yet applied

    async def on_preset(self, e: object) -> None:
        name = str(getattr(e, "value", "") or "")
        if name == "custom" or (name == self.state.preset and self.state.period == preset(name, self.today())):
            self.state.preset = name
            return
        self.state.preset = name
        self.state.period = preset(name, self.today())
        self.show_period()
        await self.changed()

    async def on_custom(self) -> None:
        self.start.error = self.end.error = None
        try:
            period = parse_custom(self.start.value, self.end.value, self.today())
        except ValidationFailed as exc:
            show_errors(exc, {"start": self.start, "end": self.end})
            return
        self.state.period, self.state.preset = period, "custom"
        self.presets.set_value("custom")
        self.show_period()
        await self.changed()

    async def on_compare(self, e: object) -> None:
        self.state.compare = str(getattr(e, "value", "none") or "none")
        self.show_period()
        await self.changed()
