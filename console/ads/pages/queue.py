"""/ads: the review queue. Pending first, oldest first; the filter bar; the server-paged list with the review card
of the highlighted ad beside it (opening it claims the ad); bulk Approve selected / Reject selected… with a result
per ad; keys j/k move (and open), a approves, r rejects, x selects."""

from __future__ import annotations

from typing import Any

from nicegui import ui
from sqlalchemy.orm import Session
from starlette.requests import Request

from console.actor import Actor
from console.ads.models import AD_FORMATS, AD_STATES, AD_TYPES
from console.ads.pages import bulk
from console.ads.pages.card import ReviewPanel
from console.ads.pages.common import (
    CHECK_CELL,
    CHECK_LABELS,
    FORMAT_LABELS,
    STATE_CELL,
    STATE_LABELS,
    TYPE_LABELS,
    advertiser_options,
    state_fields,
)
from console.ads.service import queue
from console.ads.service.queue import QueueFilter, QueueRow
from console.paging import Page, PageRequest
from console.staff.permissions import Permission, can
from console.ui.bulk_bar import BulkBar
from console.ui.filter_bar import FilterBar, FilterField, replace_address
from console.ui.formatting import fmt_dt
from console.ui.keymap import page_keys
from console.ui.paged_table import OPEN_ROW_CLASS, PagedTable, column, id_column
from console.ui.work import unit_of_work

COLUMNS = [
    column("cursor", ""),
    id_column(),
    column("name", "Ad", clip="10rem"),
    column("check", "Checks"),
    column("advertiser", "Advertiser", clip="8rem"),
    column("format_label", "Format", wide=True),
    column("submitted", "Submitted", wide=True),
    column("claimed_by", "Claimed by", wide=True),
    column("state", "State"),
]
CURSOR_CELL = '<q-td :props="props"><q-icon v-if="props.row.cursor" name="play_arrow" color="primary" /></q-td>'


def filter_fields(advertisers: dict[int, str]) -> list[FilterField]:
    return [
        FilterField(
            "state",
            "State",
            options={**{s: STATE_LABELS[s] for s in AD_STATES}, "all": "All (pending first)"},
            default="pending_review",
            width="w-40",
        ),
        FilterField("type", "Type", options={None: "Any type", **{t: TYPE_LABELS[t] for t in AD_TYPES}}),
        FilterField("format", "Format", options={None: "Any format", **{f: FORMAT_LABELS[f] for f in AD_FORMATS}}),
        FilterField("advertiser_id", "Advertiser", options={None: "Any advertiser", **advertisers}, width="w-48"),
        FilterField("check_state", "Check result", options={None: "Any result", **CHECK_LABELS}),
    ]


def row_of(row: QueueRow) -> dict[str, Any]:
    """One queue row, plain values only (Vue interpolation shows the advertiser's text as text)."""
    return {
        "id": row.id,
        "cursor": False,
        "name": row.name,
        "advertiser": row.advertiser,
        "campaign": row.campaign,
        "format_label": FORMAT_LABELS.get(row.format, row.format),
        **state_fields(row.state, row.check_state),
        "submitted": fmt_dt(row.submitted_at),
        "claimed_by": row.claimed_by_label or "",
        "version": row.version,
    }


class QueueView:
    """The queue: toolbar, filters, the list with bulk actions, and the review card of the highlighted ad."""

    def __init__(self, actor: Actor, params: dict[str, str]) -> None:
        self.actor, self.params = actor, params
        self.can_review = can(actor, Permission.ADS_REVIEW)
        self.advertisers = advertiser_options(actor)

    def build(self) -> None:
        self.host = ui.element("div")  # dialogs live here, outside the parts that refresh
        self.toolbar()
        self.filters = FilterBar(
            QueueFilter, filter_fields(self.advertisers), on_apply=self.apply_filter, initial=self.params, mark="ads"
        )
        with ui.row().classes("w-full items-start gap-4 no-wrap"):
            with ui.column().classes("grow min-w-0 gap-2"):
                self.bulk_bar = BulkBar(allowed=self.can_review, mark="ads-bulk", actions=self.bulk_actions)
                self.table = PagedTable(
                    COLUMNS, self.fetch, on_row_click=self.click_row, selection="multiple" if self.can_review else None
                )
                self.table.table.props[":table-row-class-fn"] = OPEN_ROW_CLASS
                self.table.table.add_slot("body-cell-cursor", CURSOR_CELL)
                self.table.table.add_slot("body-cell-state", STATE_CELL)
                self.table.table.add_slot("body-cell-check", CHECK_CELL)
                self.bulk_bar.attach(self.table)
            with ui.column().classes("w-[400px] 2xl:w-[480px] shrink-0 gap-2"):
                self.card = ReviewPanel(
                    self.actor, host=self.host, on_decided=self.after_decision, on_stale=self.reload
                )
                self.card.build()
        self.register_keys()
        ui.timer(0, self.first_load, once=True)

    def register_keys(self) -> None:
        keys = page_keys()
        keys.add_moves(
            self.move,
            down="Next ad: move the highlight down and open it",
            up="Previous ad: move the highlight up and open it",
        )
        if self.can_review:
            keys.add("a", "Approve the open ad", self.card.approve)
            keys.add("r", "Reject the open ad…", self.card.reject)
            keys.add("x", "Select or unselect the highlighted ad", self.bulk_bar.toggle_highlighted)

    # --- parts -----------------------------------------------------------------------------------------------

    def toolbar(self) -> None:
        with ui.row().classes("w-full items-center gap-3"):
            ui.link("Advertisers and campaigns", "/ads/advertisers").classes("text-sm").mark("ads-advertisers-link")
            ui.link("Click-domain blocklist", "/ads/blocklist").classes("text-sm").mark("ads-blocklist-link")
            ui.space()
            if not self.can_review:
                ui.label("Read-only: your roles can see ads, not decide them.").classes("text-sm opacity-70").mark(
                    "ads-read-only"
                )
            ui.label("Press ? for the keys").classes("text-xs opacity-60")

    def bulk_actions(self) -> None:
        ui.button("Approve selected", icon="done_all", on_click=self.bulk_approve).props(
            "dense flat no-caps color=positive"
        ).mark("ads-bulk-approve")
        ui.button("Reject selected…", icon="block", on_click=self.bulk_reject).props(
            "dense flat no-caps color=negative"
        ).mark("ads-bulk-reject")

    # --- loading ---------------------------------------------------------------------------------------------

    def fetch(self, page: PageRequest) -> Page[dict[str, Any]]:
        """One page of the queue in one unit of work (runs off the event loop)."""

        def work(session: Session) -> Page[dict[str, Any]]:
            found = queue.list_queue(session, actor=self.actor, flt=self.filters.current, page=page)
            return Page([row_of(r) for r in found.rows], found.total, found.estimated, found.request)

        return unit_of_work(work)()

    async def first_load(self) -> None:
        await self.reload()
        wanted = self.params.get("ad", "")
        if wanted.isascii() and wanted.isdigit() and len(wanted) < 12:
            ids = [r["id"] for r in self.table.table.rows]
            if int(wanted) in ids:
                self.table.highlight(ids.index(int(wanted)))
            await self.card.open(int(wanted))
        elif self.table.table.rows:
            await self.move(1)

    async def reload(self, *, first_page: bool = False) -> None:
        cursor = self.table.cursor  # the highlight stays where it was (on the next ad once one is decided)
        await self.table.reload(first_page=first_page)
        self.table.highlight(min(cursor, len(self.table.table.rows) - 1))

    async def apply_filter(self, _flt: QueueFilter) -> None:
        replace_address(self.filters.address_params())  # Back, or a reload, keeps the filters
        self.bulk_bar.clear()
        await self.table.reload()

    async def after_decision(self) -> None:
        """The open ad was decided: reload the list and open the ad now under the highlight (the next one)."""
        await self.reload()
        row = self.table.highlighted()
        if row is not None and row["id"] != self.card.ad_id:
            await self.card.open(int(row["id"]))

    # --- moving and selecting --------------------------------------------------------------------------------

    async def move(self, step: int) -> None:
        self.table.move_cursor(step)
        row = self.table.highlighted()
        if row is not None and row["id"] != self.card.ad_id:
            await self.card.open(int(row["id"]))

    async def click_row(self, row: dict[str, Any]) -> None:
        ids = [r["id"] for r in self.table.table.rows]
        if row.get("id") in ids:
            self.table.highlight(ids.index(row["id"]))
            await self.card.open(int(row["id"]))

    # --- bulk ------------------------------------------------------------------------------------------------

    def chosen(self) -> dict[int, str]:
        return {int(r["id"]): str(r["name"]) for r in self.table.table.selected}

    async def bulk_approve(self) -> None:
        chosen = self.chosen()
        if chosen and await bulk.approve(self.actor, chosen, host=self.host):
            await self.after_bulk()

    async def bulk_reject(self) -> None:
        chosen = self.chosen()
        if chosen and await bulk.reject(self.actor, chosen, host=self.host):
            await self.after_bulk()

    async def after_bulk(self) -> None:
        self.bulk_bar.clear()
        await self.reload()
        if self.card.ad_id is not None:
            await self.card.reload()


def queue_route(actor: Actor) -> None:
    request: Request = ui.context.client.request
    QueueView(actor, dict(request.query_params)).build()
