"""The catalog list's filters that only an address sets (the home page's tiles link to them): `?held=1` — videos
under an open compliance hold, which the publishing gate refuses — and `?scheduled_on=YYYY-MM-DD` — videos scheduled
to go public that UTC day. Each shows as a removable chip above the list; removing it (or Clear) lists without it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import date, datetime
from typing import Any

from nicegui import ui
from nicegui.events import ValueChangeEventArguments

from console.ui.formatting import viewer_zone, zone_label


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value and len(value) == 10 else None
    except ValueError:
        return None


def address_filters(params: Mapping[str, str]) -> dict[str, Any]:
    """The VideoFilter fields the address sets (an unreadable value is ignored, as the other parameters are)."""
    return {
        "on_hold": params.get("held") == "1",
        "publish_day": _day(params.get("scheduled_on")),
        "day_zone": viewer_zone().key,  # ?scheduled_on= is a day of the staff member's own zone
    }


class AddressFilterChips:
    """One removable chip per address filter in `state` (the page's filter state, changed in place)."""

    def __init__(self, state: dict[str, Any], on_change: Callable[[], Awaitable[None]]) -> None:
        self.state, self.on_change = state, on_change
        self.row = ui.row().classes("items-center gap-1")
        self.show()

    def show(self) -> None:
        self.row.clear()
        with self.row:
            if self.state.get("on_hold"):
                self._chip("On compliance hold (blocked by the publishing gate)", "on_hold", False, "catalog-held")
            if self.state.get("publish_day") is not None:
                day = self.state["publish_day"].isoformat()
                zone = zone_label(datetime.now(viewer_zone()))
                self._chip(f"Scheduled on {day} ({zone})", "publish_day", None, "catalog-scheduled-on")
        self.row.visible = bool(self.state.get("on_hold") or self.state.get("publish_day"))

    def _chip(self, text: str, key: str, off: Any, mark: str) -> None:
        async def removed(e: ValueChangeEventArguments) -> None:  # the chip's ✕ sets its value to False
            if not e.value:
                self.state[key] = off
                self.show()
                await self.on_change()

        ui.chip(text, icon="filter_alt", removable=True, on_value_change=removed).props("dense").mark(mark)

    def clear(self) -> None:
        self.state.update(on_hold=False, publish_day=None)
        self.show()
