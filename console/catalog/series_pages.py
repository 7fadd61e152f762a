"""Seasons & episodes page (/catalog/{video_id}/seasons) for a `series` video.

One dense column of seasons (expandable cards, by number). Each card edits its season inline (errors on the
fields, a stale save shows what is stored now and keeps the input), lists its episodes (number, title linking
to the episode's editor, state, duration) and adds episodes in a small dialog. Episodes move with the arrow
buttons or, with a row focused, Alt+ArrowUp / Alt+ArrowDown; "Renumber…" gives any free number or another
season. Everything goes through catalog/series.py; nothing here builds a query.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import run, ui
from sqlalchemy.orm import Session

from console.actor import Actor
from console.catalog.page_parts import ConflictCatcher, confirm_in, show_conflict
from console.catalog.rules import format_duration
from console.catalog.series import (
    SEASON_DESCRIPTION_MAX,
    SEASON_TITLE_MAX,
    add_episode,
    add_season,
    delete_season,
    get_series,
    list_seasons,
    move_episode,
    season_view,
    step_episode,
    update_season,
)
from console.catalog.series_notice import SeriesNotice
from console.catalog.service import TITLE_MAX
from console.db import session_scope
from console.errors import ConsoleError, NotFound
from console.staff.auth import SessionInfo
from console.staff.permissions import Permission, can
from console.ui.form_state import NOTHING_TO_SAVE, unchanged
from console.ui.forms import guarded, limit_length, limit_lengths, report
from console.ui.ordering import move_buttons
from console.ui.page import staff_page
from console.ui.session import require_live_session

STATE_COLOURS = {"draft": "grey-7", "scheduled": "info", "published": "positive", "unpublished": "warning"}
SEASON_LABELS = {
    "season_number": "Season number",
    "title": "Title",
    "release_year": "Release year",
    "description": "Description",
}
FOCUS_JS = (  # only an element id goes in: never user text in JavaScript
    "(function f(n){const el=getElement(%d);if(el&&el.focus){el.focus();}else if(n>0){setTimeout(()=>f(n-1),20);}})(50)"
)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def load(actor: Actor, series_id: int) -> dict[str, Any]:
    """The series and its seasons with their episodes, as plain values for the page."""
    with session_scope() as session:
        series = get_series(session, actor=actor, series_id=series_id)
        seasons = []
        for group in list_seasons(session, actor=actor, series_id=series_id):
            row = season_view(group.season)
            row["next_episode"] = group.next_episode_number
            row["episodes"] = [
                {
                    "id": e.id,
                    "number": e.episode_number,
                    "title": e.title,
                    "state": e.state,
                    "duration": format_duration(e.duration_seconds) or "—",
                    "version": e.version,
                }
                for e in group.episodes
            ]
            seasons.append(row)
        return {
            "id": series.id,
            "title": series.title,
            "deleted": series.deleted_at is not None,
            "seasons": seasons,
        }


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def season_heading(season: dict[str, Any]) -> str:
    bits = [f"Season {season['season_number']}"]
    if season["title"]:
        bits.append(str(season["title"]))
    bits.append(plural(len(season["episodes"]), "episode"))
    return " · ".join(bits)


def register() -> None:
    """Registers /catalog/{video_id}/seasons (before catalog_pages, see web.py)."""

    @staff_page("/catalog/{video_id}/seasons", title="Seasons & episodes", permission=Permission.CATALOG_READ)
    def seasons_page(info: SessionInfo, video_id: str) -> None:
        # A str parameter: a non-numeric address gets the in-frame 404, not FastAPI's JSON 422.
        if not (video_id.isascii() and video_id.isdigit() and len(video_id) < 19) or int(video_id) == 0:
            raise NotFound(f"There is no video #{video_id[:40]}.")
        build(info, int(video_id))


def build(info: SessionInfo, series_id: int) -> None:
    actor = info.actor
    data = load(actor, series_id)
    editable = can(actor, Permission.CATALOG_EDIT) and not data["deleted"]
    state: dict[str, Any] = {"data": data, "busy": False, "closed": set()}
    episode_rows: dict[int, ui.element] = {}

    with ui.row().classes("items-center gap-2 w-full"):
        ui.link("← Series editor", f"/catalog/{series_id}").classes("text-sm").mark("series-back")
        heading = ui.label(data["title"]).classes("text-lg font-semibold").mark("series-title")
        count_label = ui.label("").classes("text-xs opacity-70").mark("season-count")
        ui.space()
        if editable:
            ui.button("Add season", icon="add", on_click=lambda: open_new_season()).props(
                "dense unelevated color=primary no-caps"
            ).mark("season-add")
        ui.button("Reload", icon="refresh", on_click=lambda: reload()).props("dense flat no-caps").mark("season-reload")
    dialog_host = ui.element("div")

    # --- running service calls ----------------------------------------------------------------------------

    async def act(fn: Callable[[Session, Actor], Any], **guard: Any) -> tuple[bool, Any]:
        """Run `fn(session, actor)` for the signed-in staff member in its own unit of work, off the event loop."""
        live = require_live_session()
        if live is None:
            return False, None

        def work() -> Any:
            with session_scope() as session:
                return fn(session, live.actor)

        return await guarded(lambda: run.io_bound(work), **guard)

    async def reload(focus: int | None = None) -> None:
        try:
            fresh = await run.io_bound(load, actor, series_id)
        except ConsoleError as exc:
            report(exc)
            return
        if fresh is None:  # shutting down
            return
        state["data"] = fresh
        heading.text = fresh["title"]
        await listing.refresh()
        notice.unpublish_all.refresh()
        if focus is not None and focus in episode_rows:
            row = episode_rows[focus]
            row.client.run_javascript(FOCUS_JS % int(row.id))

    def find_episode(episode_id: int) -> tuple[dict[str, Any], dict[str, Any]] | None:
        for season in state["data"]["seasons"]:
            for episode in season["episodes"]:
                if episode["id"] == episode_id:
                    return season, episode
        return None

    # --- episodes -----------------------------------------------------------------------------------------

    async def step(episode_id: int, delta: int) -> None:
        if state["busy"] or find_episode(episode_id) is None:
            return  # one move at a time: the next is computed from the order the first produced
        state["busy"] = True
        try:
            await act(lambda s, a: step_episode(s, actor=a, video_id=episode_id, step=delta))
            await reload(focus=episode_id)
        finally:
            state["busy"] = False

    def open_renumber(episode_id: int) -> None:
        found = find_episode(episode_id)
        if found is None:
            return
        season, episode = found
        seasons = {int(s["id"]): f"Season {s['season_number']}" for s in state["data"]["seasons"]}
        dialog_host.clear()
        with dialog_host, ui.dialog() as dialog, ui.card().classes("w-[420px] max-w-full gap-2"):
            ui.label(f"Renumber “{episode['title']}”").classes("text-lg font-semibold break-words")
            with ui.row().classes("w-full no-wrap gap-2"):
                target = (
                    ui.select(seasons, value=int(season["id"]), label="Season")
                    .props("dense options-dense")
                    .classes("w-40")
                    .mark("episode-move-season")
                )
                number = (
                    ui.input("Episode number", value=_text(episode["number"]))
                    .props("dense maxlength=6 inputmode=numeric")
                    .classes("w-36")
                    .mark("episode-move-number")
                )
            summary = ui.label("").classes("text-negative text-sm").mark("episode-move-summary")
            summary.visible = False

            async def save() -> None:
                if unchanged(
                    {"season_id": target.value, "number": number.value},
                    {"season_id": int(season["id"]), "number": _text(episode["number"])},
                ):
                    ui.notify(NOTHING_TO_SAVE, type="info")
                    return
                ok, _ = await act(
                    lambda s, a: move_episode(
                        s,
                        actor=a,
                        video_id=episode_id,
                        season_id=target.value,
                        episode_number=(number.value or "").strip(),
                        expected_version=episode["version"],
                    ),
                    fields={"episode_number": number, "season_id": target},
                    summary=summary,
                )
                if ok:
                    dialog.close()
                    ui.notify("Episode renumbered.", type="positive")
                    await reload(focus=episode_id)

            number.on("keydown.enter", save)
            with ui.row().classes("justify-end w-full"):
                ui.button("Cancel", on_click=dialog.close).props("flat")
                ui.button("Save", on_click=save).props("unelevated color=primary").mark("episode-move-save")
        dialog.open()

    def open_new_episode(season_id: int) -> None:
        season = next((s for s in state["data"]["seasons"] if s["id"] == season_id), None)
        if season is None:
            return
        dialog_host.clear()
        with dialog_host, ui.dialog() as dialog, ui.card().classes("w-[480px] max-w-full gap-2"):
            ui.label(f"New episode of Season {season['season_number']}").classes("text-lg font-semibold")
            title = ui.input("Title").props("dense autofocus").classes("w-full").mark("episode-new-title")
            limit_length(title, TITLE_MAX)
            number = (
                ui.input("Episode number", value=str(season["next_episode"]))
                .props("dense maxlength=6 inputmode=numeric")
                .classes("w-36")
                .mark("episode-new-number")
            )
            ui.label(
                "Created as a draft in the series' collection; complete and publish it in the video editor."
            ).classes("text-xs opacity-70")
            summary = ui.label("").classes("text-negative text-sm").mark("episode-new-summary")
            summary.visible = False

            async def save() -> None:
                typed = {"title": title.value or "", "episode_number": (number.value or "").strip()}
                ok, created = await act(
                    lambda s, a: add_episode(s, actor=a, season_id=season_id, data=typed).id,
                    fields={"title": title, "episode_number": number, "slug": title},
                    summary=summary,
                )
                if ok:
                    dialog.close()
                    ui.notify(f"Added “{typed['title'].strip()}”.", type="positive")
                    await reload(focus=created)

            title.on("keydown.enter", save)
            number.on("keydown.enter", save)
            with ui.row().classes("justify-end w-full"):
                ui.button("Cancel", on_click=dialog.close).props("flat")
                ui.button("Add episode", on_click=save).props("unelevated color=primary").mark("episode-new-save")
        dialog.open()

    # --- seasons ------------------------------------------------------------------------------------------

    def open_new_season() -> None:
        seasons = state["data"]["seasons"]
        suggested = max((int(s["season_number"]) for s in seasons), default=0) + 1
        dialog_host.clear()
        with dialog_host, ui.dialog() as dialog, ui.card().classes("w-[480px] max-w-full gap-2"):
            ui.label("New season").classes("text-lg font-semibold")
            with ui.row().classes("w-full no-wrap gap-2"):
                number = (
                    ui.input("Season number", value=str(suggested))
                    .props("dense maxlength=5 inputmode=numeric")
                    .classes("w-36")
                    .mark("season-new-number")
                )
                year = (
                    ui.input("Release year")
                    .props("dense maxlength=4 inputmode=numeric")
                    .classes("w-32")
                    .mark("season-new-year")
                )
            title = ui.input("Title (optional)").props("dense").classes("w-full").mark("season-new-title")
            limit_length(title, SEASON_TITLE_MAX)
            summary = ui.label("").classes("text-negative text-sm").mark("season-new-summary")
            summary.visible = False

            async def save() -> None:
                typed = {
                    "season_number": (number.value or "").strip(),
                    "title": title.value or "",
                    "release_year": (year.value or "").strip(),
                }
                ok, _ = await act(
                    lambda s, a: add_season(s, actor=a, series_id=series_id, data=typed),
                    fields={"season_number": number, "title": title, "release_year": year},
                    summary=summary,
                )
                if ok:
                    dialog.close()
                    ui.notify("Season added.", type="positive")
                    await reload()

            with ui.row().classes("justify-end w-full"):
                ui.button("Cancel", on_click=dialog.close).props("flat")
                ui.button("Add season", on_click=save).props("unelevated color=primary").mark("season-new-save")
        dialog.open()

    async def remove_season(season: dict[str, Any]) -> None:
        count = len(season["episodes"])
        message = (
            f"It still holds {plural(count, 'episode')}: the deletion will be refused until they are moved or deleted."
            if count
            else "The season disappears from the series. This cannot be undone."
        )
        if not await confirm_in(
            dialog_host, f"Delete Season {season['season_number']}?", message, ok_label="Delete", danger=True
        ):
            return
        ok, _ = await act(
            lambda s, a: delete_season(s, actor=a, season_id=int(season["id"]), expected_version=season["version"])
        )
        if ok:
            ui.notify(f"Deleted Season {season['season_number']}.", type="positive")
        await reload()

    def season_editor(season: dict[str, Any]) -> None:
        sid = int(season["id"])
        version = {"value": season["version"]}
        with ui.row().classes("w-full items-start no-wrap gap-2"):
            number = (
                ui.input("Season number", value=_text(season["season_number"]))
                .props("dense maxlength=5 inputmode=numeric")
                .classes("w-32 shrink-0")
                .mark(f"season-number-{sid}")
            )
            title = (
                ui.input("Title", value=_text(season["title"]))
                .props("dense")
                .classes("grow")
                .mark(f"season-title-{sid}")
            )
            year = (
                ui.input("Release year", value=_text(season["release_year"]))
                .props("dense maxlength=4 inputmode=numeric")
                .classes("w-28 shrink-0")
                .mark(f"season-year-{sid}")
            )
        description = (
            ui.textarea("Description", value=_text(season["description"]))
            .props("dense autogrow")
            .classes("w-full")
            .mark(f"season-description-{sid}")
        )
        fields = {"season_number": number, "title": title, "release_year": year, "description": description}
        limit_lengths(fields, {"title": SEASON_TITLE_MAX, "description": SEASON_DESCRIPTION_MAX})
        if not editable:
            for element in fields.values():
                element.disable()
            return
        conflict_box = ui.column().classes("w-full gap-0 p-2 rounded bg-orange-100 text-black")
        conflict_box.mark(f"season-conflict-{sid}")
        conflict_box.visible = False
        summary = ui.label("").classes("text-negative text-sm").mark(f"season-summary-{sid}")
        summary.visible = False

        async def save() -> None:
            typed = {
                "season_number": (number.value or "").strip(),
                "title": title.value or "",
                "release_year": (year.value or "").strip(),
                "description": description.value or "",
            }
            if unchanged(typed, {k: _text(season[k]) for k in typed}):
                ui.notify(NOTHING_TO_SAVE, type="info")
                return
            catcher = ConflictCatcher()
            ok, _ = await act(
                lambda s, a: catcher(
                    lambda session: update_season(
                        session, actor=a, season_id=sid, data=typed, expected_version=version["value"]
                    )
                )(s),
                fields=fields,
                summary=summary,
            )
            if ok:
                conflict_box.visible = False
                ui.notify(f"Saved Season {typed['season_number'] or season['season_number']}.", type="positive")
                await reload()
            elif catcher.conflict is not None:
                # Keep the input; the next save deliberately replaces what is stored now.
                version["value"] = catcher.conflict.current.get("version", version["value"])
                show_conflict(conflict_box, catcher.conflict, typed, SEASON_LABELS)

        with ui.row().classes("w-full items-center gap-1"):
            ui.button("Save season", icon="save", on_click=save).props("dense unelevated color=primary no-caps").mark(
                f"season-save-{sid}"
            )
            ui.button("Add episode", icon="add", on_click=lambda: open_new_episode(sid)).props(
                "dense outline no-caps"
            ).mark(f"episode-add-{sid}")
            ui.space()
            ui.button("Delete season", icon="delete", on_click=lambda: remove_season(season)).props(
                "dense flat no-caps color=negative"
            ).mark(f"season-delete-{sid}")

    def episode_row(episode: dict[str, Any], index: int, last: int) -> None:
        eid = int(episode["id"])
        with (
            ui.row()
            .classes(
                "w-full items-center no-wrap gap-3 px-2 py-1 border-b border-gray-300 "
                "focus:outline-none focus:bg-blue-100 hover:bg-gray-50"
            )
            .props("tabindex=0 role=listitem")
            .mark("episode-row", f"episode-row-{eid}") as line
        ):
            line._props["aria-label"] = f"Episode {episode['number']}: {episode['title']}"
            episode_rows[eid] = line
            if editable:
                line.on("keydown.alt.up.prevent", lambda eid=eid: step(eid, -1))
                line.on("keydown.alt.down.prevent", lambda eid=eid: step(eid, 1))
            ui.label(_text(episode["number"])).classes("w-10 text-right font-mono shrink-0").mark(
                "episode-number", f"episode-number-{eid}"
            )
            ui.link(episode["title"], f"/catalog/{eid}").classes("grow min-w-0 truncate").mark(
                "episode-title", f"episode-title-{eid}"
            )
            ui.badge(episode["state"]).props(f"color={STATE_COLOURS.get(episode['state'], 'grey')}").classes(
                "shrink-0"
            ).mark(f"episode-state-{eid}")
            ui.label(episode["duration"]).classes("w-20 text-right shrink-0").mark(f"episode-duration-{eid}")
            if editable:
                with ui.row().classes("gap-0 no-wrap shrink-0"):
                    move_buttons("episode", eid, step, index=index, last=last)
                    ui.button(icon="pin", on_click=lambda eid=eid: open_renumber(eid)).props(
                        "flat dense round size=sm aria-label='Renumber or move to another season'"
                    ).mark(f"episode-renumber-{eid}").tooltip("Renumber / move to another season")

    @ui.refreshable
    def listing() -> None:
        seasons = state["data"]["seasons"]
        episodes = sum(len(s["episodes"]) for s in seasons)
        count_label.text = f"{plural(len(seasons), 'season')} · {plural(episodes, 'episode')}"
        episode_rows.clear()
        with ui.column().classes("w-full gap-2").mark("season-list"):
            if not seasons:
                ui.label("No seasons yet." + (" Add the first with “Add season”." if editable else "")).classes(
                    "p-2 opacity-70"
                ).mark("season-empty")
            for season in seasons:
                sid = int(season["id"])
                with (
                    ui.expansion(season_heading(season), value=sid not in state["closed"])
                    .props("dense switch-toggle-side header-class='font-semibold'")
                    .classes("w-full border rounded")
                    .mark("season", f"season-{sid}") as card
                ):
                    card.on_value_change(
                        lambda e, sid=sid: state["closed"].discard(sid) if e.value else state["closed"].add(sid)
                    )
                    season_editor(season)
                    with ui.column().classes("w-full gap-0 text-sm").props("role=list").mark(f"episode-list-{sid}"):
                        with ui.row().classes(
                            "w-full no-wrap gap-3 px-2 py-1 text-xs font-semibold opacity-70 border-b"
                        ):
                            ui.label("#").classes("w-10 text-right shrink-0")
                            ui.label("Title").classes("grow")
                            ui.label("State").classes("shrink-0")
                            ui.label("Duration").classes("w-20 text-right shrink-0")
                            if editable:
                                ui.label("").classes("w-24 shrink-0")
                        if not season["episodes"]:
                            ui.label("No episodes yet.").classes("p-2 opacity-70")
                        last = len(season["episodes"]) - 1
                        for index, episode in enumerate(season["episodes"]):
                            episode_row(episode, index, last)

    notice = SeriesNotice(actor, lambda: state["data"], editable=editable, host=dialog_host, act=act, reload=reload)
    notice.build()
    listing()
