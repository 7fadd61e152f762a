"""The seasons page's view: the heading with the counts, the series notice, and the list of season cards, each
with its inline form (`season.SeasonEditor`) and its episodes. Episodes move with the arrow buttons or, with a
row focused, Alt+ArrowUp / Alt+ArrowDown; "Renumber…" gives any free number or another season (`dialogs`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui
from sqlalchemy.orm import Session

from console.actor import Actor
from console.catalog.page_parts import confirm_in
from console.catalog.series import delete_season, step_episode
from console.catalog.series_notice import SeriesNotice
from console.catalog.series_pages.dialogs import NewEpisodeDialog, NewSeasonDialog, RenumberDialog
from console.catalog.series_pages.rows import load, plural, season_heading, text
from console.catalog.series_pages.season import SeasonEditor
from console.catalog.state_look import state_badge
from console.staff.permissions import Permission, can
from console.ui.dialog_draft import draft_key
from console.ui.ordering import focus_later, move_buttons, ordered_row
from console.ui.session import require_live_session
from console.ui.work import call, read

EPISODE_HEADINGS = [
    ("#", "w-10 text-right shrink-0"),
    ("Title", "grow"),
    ("State", "shrink-0"),
    ("Duration", "w-20 text-right shrink-0"),
]


class SeasonsView:
    """One series' seasons and episodes; `data` is the page's copy of what is stored, read again after a change."""

    def __init__(self, actor: Actor, series_id: int) -> None:
        self.actor, self.series_id = actor, series_id
        self.data = load(actor, series_id)
        self.editable = can(actor, Permission.CATALOG_EDIT) and not self.data["deleted"]
        self.busy = False  # one move at a time: the next is computed from the order the first produced
        self.closed: set[int] = set()  # the season cards the user folded
        self.episode_rows: dict[int, ui.element] = {}
        self.editors: dict[int, SeasonEditor] = {}  # the season forms on the page, by season id

    def build(self) -> None:
        self.toolbar()
        self.host = ui.element("div")  # dialogs live here, outside the list that refreshes
        self.notice = SeriesNotice(
            self.actor, lambda: self.data, editable=self.editable, host=self.host, act=self.act, reload=self.reload
        )
        self.notice.build()
        self.listing()

    def toolbar(self) -> None:
        with ui.row().classes("items-center gap-2 w-full"):
            ui.link("← Series editor", f"/catalog/{self.series_id}").classes("text-sm").mark("series-back")
            self.heading = ui.label(self.data["title"]).classes("text-lg font-semibold").mark("series-title")
            self.count = ui.label("").classes("text-xs opacity-70").mark("season-count")
            ui.space()
            if self.editable:
                ui.button("Add season", icon="add", on_click=self.open_new_season).props(
                    "dense unelevated color=primary no-caps"
                ).mark("season-add")
            ui.button("Reload", icon="refresh", on_click=lambda: self.reload()).props("dense flat no-caps").mark(
                "season-reload"
            )

    # --- parts -----------------------------------------------------------------------------------------------

    @ui.refreshable_method
    def listing(self) -> None:
        seasons = self.data["seasons"]
        episodes = sum(len(s["episodes"]) for s in seasons)
        self.count.text = f"{plural(len(seasons), 'season')} · {plural(episodes, 'episode')}"
        self.episode_rows.clear()
        self.editors.clear()
        with ui.column().classes("w-full gap-2").mark("season-list"):
            if not seasons:
                ui.label("No seasons yet." + (" Add the first with “Add season”." if self.editable else "")).classes(
                    "p-2 opacity-70"
                ).mark("season-empty")
            for season in seasons:
                self.season_card(season)

    def season_card(self, season: dict[str, Any]) -> None:
        sid = int(season["id"])
        with (
            ui.expansion(season_heading(season), value=sid not in self.closed)
            .props("dense switch-toggle-side header-class='font-semibold'")
            .classes("w-full border rounded")
            .mark("season", f"season-{sid}") as card
        ):
            card.on_value_change(lambda e: self.closed.discard(sid) if e.value else self.closed.add(sid))
            editor = self.editors[sid] = SeasonEditor(self, season)
            editor.build()
            self.episode_list(season)

    def episode_list(self, season: dict[str, Any]) -> None:
        with ui.column().classes("w-full gap-0 text-sm").props("role=list").mark(f"episode-list-{int(season['id'])}"):
            with ui.row().classes("w-full no-wrap gap-3 px-2 py-1 text-xs font-semibold opacity-70 border-b"):
                for heading, classes in EPISODE_HEADINGS:
                    ui.label(heading).classes(classes)
                if self.editable:
                    ui.label("").classes("w-24 shrink-0")
            if not season["episodes"]:
                ui.label("No episodes yet.").classes("p-2 opacity-70")
            last = len(season["episodes"]) - 1
            for index, episode in enumerate(season["episodes"]):
                self.episode_row(episode, index, last)

    def episode_row(self, episode: dict[str, Any], index: int, last: int) -> None:
        eid = int(episode["id"])
        label = f"Episode {episode['number']}: {episode['title']}"
        with ordered_row("episode", eid, label=label, move=self.step if self.editable else None) as line:
            self.episode_rows[eid] = line
            ui.label(text(episode["number"])).classes("w-10 text-right font-mono shrink-0").mark(
                "episode-number", f"episode-number-{eid}"
            )
            ui.link(episode["title"], f"/catalog/{eid}").classes("grow min-w-0 truncate").mark(
                "episode-title", f"episode-title-{eid}"
            )
            state_badge(episode["state"]).classes("shrink-0").mark(f"episode-state-{eid}")
            ui.label(episode["duration"]).classes("w-20 text-right shrink-0").mark(f"episode-duration-{eid}")
            if self.editable:
                with ui.row().classes("gap-0 no-wrap shrink-0"):
                    move_buttons("episode", eid, self.step, index=index, last=last)
                    ui.button(icon="pin", on_click=lambda: self.open_renumber(eid)).props(
                        "flat dense round size=sm aria-label='Renumber or move to another season'"
                    ).mark(f"episode-renumber-{eid}").tooltip("Renumber / move to another season")

    # --- service calls and reloading -------------------------------------------------------------------------

    async def act(self, fn: Callable[[Session, Actor], Any], **guard: Any) -> tuple[bool, Any]:
        """Run `fn(session, actor)` for the signed-in staff member in its own unit of work, off the event loop."""
        live = require_live_session()
        if live is None:
            return False, None
        return await call(lambda session: fn(session, live.actor), **guard)

    async def reload(self, focus: int | None = None) -> None:
        fresh = await read(load, self.actor, self.series_id)
        if fresh is None:  # refused (reported) or shutting down
            return
        self.data = fresh
        self.heading.text = fresh["title"]
        unsaved = {sid: kept for sid, editor in self.editors.items() if (kept := editor.unsaved()) is not None}
        await self.listing.refresh()  # awaited: episode_rows and editors hold the new ones below
        for sid, kept in unsaved.items():  # what was typed in the other seasons' forms survives the redraw
            if sid in self.editors:
                self.editors[sid].carry(kept)
        self.notice.unpublish_all.refresh()
        if focus is not None and focus in self.episode_rows:
            focus_later(self.episode_rows[focus])

    def find_episode(self, episode_id: int) -> tuple[dict[str, Any], dict[str, Any]] | None:
        for season in self.data["seasons"]:
            for episode in season["episodes"]:
                if episode["id"] == episode_id:
                    return season, episode
        return None

    # --- handlers --------------------------------------------------------------------------------------------

    async def step(self, episode_id: int, delta: int) -> None:
        if self.busy or self.find_episode(episode_id) is None:
            return
        self.busy = True
        try:
            await self.act(lambda s, a: step_episode(s, actor=a, video_id=episode_id, step=delta))
            await self.reload(focus=episode_id)
        finally:
            self.busy = False

    async def remove_season(self, season: dict[str, Any]) -> None:
        count = len(season["episodes"])
        message = (
            f"It still holds {plural(count, 'episode')}: the deletion will be refused until they are moved or deleted."
            if count
            else "The season disappears from the series. This cannot be undone."
        )
        number = season["season_number"]
        if not await confirm_in(self.host, f"Delete Season {number}?", message, ok_label="Delete", danger=True):
            return
        sid, version = int(season["id"]), season["version"]
        ok, _ = await self.act(lambda s, a: delete_season(s, actor=a, season_id=sid, expected_version=version))
        if ok:
            ui.notify(f"Deleted Season {number}.", type="positive")
        await self.reload()

    # --- dialogs ---------------------------------------------------------------------------------------------

    def open_new_season(self) -> None:
        suggested = max((int(s["season_number"]) for s in self.data["seasons"]), default=0) + 1
        with self.host:
            draft = draft_key(self.actor, "season-new", self.series_id)
            NewSeasonDialog(self.act, self.reload, series_id=self.series_id, suggested=suggested, draft=draft).open()

    def open_new_episode(self, season_id: int) -> None:
        season = next((s for s in self.data["seasons"] if s["id"] == season_id), None)
        if season is not None:
            with self.host:
                draft = draft_key(self.actor, "episode-new", season["id"])
                NewEpisodeDialog(self.act, self.reload, season=season, draft=draft).open()

    def open_renumber(self, episode_id: int) -> None:
        found = self.find_episode(episode_id)
        if found is None:
            return
        season, episode = found
        seasons = {int(s["id"]): f"Season {s['season_number']}" for s in self.data["seasons"]}
        with self.host:
            draft = draft_key(self.actor, "episode-move", episode["id"])
            RenumberDialog(
                self.act, self.reload, episode=episode, season_id=int(season["id"]), seasons=seasons, draft=draft
            ).open()
