"""What the ads pages share: labels and badges for states, formats and check results, money and sizes as plain
text, table columns. Nothing here builds a query."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from nicegui import ui

from console.actor import Actor
from console.ads.models import AD_STATES, ADVERTISER_STATES, BANNER_FORMATS, REJECTION_REASONS, VIDEO_FORMATS
from console.ads.service.review import REASON_LABELS
from console.billing.money import input_text
from console.db import session_scope
from console.ui.formatting import fmt_bytes, fmt_money, word_labels
from console.ui.keymap import page_keys

STATE_LABELS = word_labels(*AD_STATES)
STATE_COLOURS = {
    "draft": "blue-grey-7",
    "pending_review": "orange-8",
    "approved": "positive",
    "rejected": "negative",
    "running": "teal-8",
    "paused": "grey-7",
    "ended": "grey-9",
}
TYPE_LABELS = word_labels(
    "banner", "video_preroll", "video_midroll", video_preroll="Video pre-roll", video_midroll="Video mid-roll"
)
FORMAT_LABELS = {
    **{name: f"{name.replace('_', ' ').capitalize()} {w}×{h}" for name, (w, h) in BANNER_FORMATS.items()},
    **{name: f"Video {seconds} s" for name, seconds in VIDEO_FORMATS.items()},
}
CHECK_LABELS = {"pass": "Checks passed", "warn": "Warnings", "fail": "Check failed"}
CHECK_COLOURS = {"pass": "positive", "warn": "warning", "fail": "negative"}
assert set(REASON_LABELS) == set(REJECTION_REASONS)
ADVERTISER_STATUS_LABELS = word_labels(*ADVERTISER_STATES)  # "active" -> "Active"
PACING_LABELS = {"even": "Even (spread over the dates)", "asap": "As fast as possible"}


def money(cents: int | None, currency: str = "USD") -> str:
    return "—" if cents is None else fmt_money(int(cents), currency)


def money_input(cents: int | None, currency: str = "USD") -> str:
    """An amount as the money input takes it back: "12.50" (no symbol, no thousands separators)."""
    if cents is None:
        return ""
    return input_text(int(cents), currency)


def weight_text(size: int | None) -> str:
    """A file's weight as people read it: '148.2 KB', '3.4 MB'."""
    return "—" if size is None else fmt_bytes(size)


def duration_text(seconds: int | None) -> str:
    return "—" if seconds is None else f"{int(seconds)} s"


def reasons_text(reasons: list[str] | None) -> str:
    return ", ".join(REASON_LABELS.get(r, r).split(" (")[0] for r in reasons or []) or "—"


def state_fields(state: str | None, check_state: str | None) -> dict[str, str]:
    """A row's state and check result as the badge cells show them: labels and colours."""
    return {
        "state": state or "",
        "state_label": STATE_LABELS.get(state or "", state or ""),
        "state_colour": STATE_COLOURS.get(state or "", "grey-7"),
        "check": check_state or "",
        "check_label": CHECK_LABELS.get(check_state or "", "Not checked"),
        "check_colour": CHECK_COLOURS.get(check_state or "", "grey-8"),
    }


def state_badge(state: str) -> ui.badge:
    return ui.badge(STATE_LABELS.get(state, state)).props(f"color={STATE_COLOURS.get(state, 'grey-7')}")


def check_badge(check_state: str | None) -> ui.badge:
    label = CHECK_LABELS.get(check_state or "", "Not checked")
    return ui.badge(label).props(f"outline color={CHECK_COLOURS.get(check_state or '', 'grey-8')}")


# Badges from the row's fields (bound props: shown as text, never markup).
STATE_CELL = """<q-td :props="props"><q-badge :color="props.row.state_colour" :label="props.row.state_label" />
</q-td>"""
CHECK_CELL = """<q-td :props="props">
<q-badge outline :color="props.row.check_colour" :label="props.row.check_label" /></q-td>"""


def fact(label: str, value: str, mark: str | None = None) -> None:
    """One labelled fact in a two-column grid (the caller opens the grid)."""
    ui.label(label).classes("text-xs opacity-70")
    shown = ui.label(value).classes("text-sm break-all")
    if mark:
        shown.mark(mark)


def advertiser_options(actor: Actor) -> dict[int, str]:
    """The advertisers for a filter's select, by name (the service's first 200; a longer list needs a search)."""
    from console.ads.service import advertisers

    with session_scope() as session:
        found = advertisers.list_advertisers(session, actor=actor)
    return {int(a.id): str(a.name) for a in found}


def new_button(label: str, handler: Callable[[], Any], *, mark: str) -> None:
    """A page's "New …" button at the end of its toolbar, which `n` presses too (listed on the `?` sheet as
    "New ……")."""
    ui.space()
    ui.button(f"{label} (n)", icon="add", on_click=handler).props("dense unelevated no-caps").mark(mark)
    page_keys().add("n", f"{label}…", handler)


@dataclass(frozen=True)
class ListLook:
    """What a bounded list shows besides its rows: its mark, the text when it is empty, and the address a click on a
    row opens (`{opens}/{row id}`; None: a click opens nothing)."""

    mark: str
    empty: str
    opens: str | None = None


class ListTable:
    """A bounded list (the service returns at most `limit` rows, searched on the server): a caption that says how
    many are shown and whether more may exist, and the table. `show(rows)` fills it; `fill()` (which calls it) runs
    once the page shows."""

    def __init__(
        self, columns: list[dict[str, Any]], look: ListLook, *, limit: int, fill: Callable[[], Awaitable[None]]
    ) -> None:
        mark, empty = look.mark, look.empty
        self.limit, self.opens = limit, look.opens
        self.caption = ui.label("Loading…").classes("text-xs opacity-70").mark(f"{mark}-caption")
        self.table = (
            ui.table(columns=columns, rows=[], row_key="id")
            .props(f'dense flat bordered wrap-cells no-data-label="{empty}"')
            .classes("w-full console-table")
            .mark(mark)
        )
        if self.opens is not None:
            self.table.on("row-click", lambda e: self.open(e.args[1]["id"]))
        ui.timer(0, fill, once=True)

    def open(self, row_id: Any) -> None:
        ui.navigate.to(f"{self.opens}/{int(row_id)}")

    def show(self, rows: list[dict[str, Any]]) -> None:
        self.table.rows = rows
        self.table.update()
        more = " (the first ones; search to narrow)" if len(rows) >= self.limit else ""
        self.caption.text = f"{len(rows):,} shown{more}"
