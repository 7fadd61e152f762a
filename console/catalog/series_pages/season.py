"""A season's inline form inside its card: number, title, release year, description, and Save / Add episode /
Delete. Errors land on the fields; a stale save shows what is stored now and keeps the input (the next save
deliberately replaces it). The page redraws every card after any change (a save, a move, a new episode), so what is
typed and not saved is carried into the new card (`unsaved` / `carry`) with the version it was based on: a season
someone else changed meanwhile is then refused as stale on save, with the conflict shown, never overwritten."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nicegui import ui

from console.catalog.series import SEASON_DESCRIPTION_MAX, SEASON_TITLE_MAX, update_season
from console.catalog.series_pages.rows import SEASON_LABELS, text
from console.errors import Conflict
from console.ui.conflict import ConflictActions, ConflictCatcher, ConflictPanel
from console.ui.dialogs import within
from console.ui.form_state import NOTHING_TO_SAVE, unchanged
from console.ui.forms import limit_lengths

if TYPE_CHECKING:
    from console.catalog.series_pages.view import SeasonsView


@dataclass(frozen=True)
class Unsaved:
    """A season form's input that is not stored, carried across the page's redraw."""

    typed: dict[str, str]
    version: int | None  # the version the input is based on
    theirs: dict[str, Any]
    conflict: Conflict | None  # the stale save's conflict still shown


class SeasonEditor:
    def __init__(self, page: SeasonsView, season: dict[str, Any]) -> None:
        self.page, self.season = page, season
        self.sid = int(season["id"])
        self.version = season["version"]  # what the next save expects; a conflict moves it to the stored one
        self.theirs: dict[str, Any] = {}  # what a stale save found stored, for "Take theirs"
        self.shown_conflict: Conflict | None = None

    def build(self) -> None:
        self.inputs()
        if not self.page.editable:
            for element in self.fields.values():
                element.disable()
            return
        take = ConflictActions(on_take_theirs=self.take_theirs)
        self.conflict = ConflictPanel(SEASON_LABELS, actions=take, mark=f"season-conflict-{self.sid}")
        self.summary = ui.label("").classes("text-negative text-sm").mark(f"season-summary-{self.sid}")
        self.summary.visible = False
        self.actions()

    def inputs(self) -> None:
        season, sid = self.season, self.sid
        with ui.row().classes("w-full items-start no-wrap gap-2"):
            self.number = (
                ui.input("Season number", value=text(season["season_number"]))
                .props("dense maxlength=5 inputmode=numeric")
                .classes("w-32 shrink-0")
                .mark(f"season-number-{sid}")
            )
            self.title = ui.input("Title", value=text(season["title"])).props("dense").classes("grow")
            self.title.mark(f"season-title-{sid}")
            self.year = (
                ui.input("Release year", value=text(season["release_year"]))
                .props("dense maxlength=4 inputmode=numeric")
                .classes("w-28 shrink-0")
                .mark(f"season-year-{sid}")
            )
        self.description = (
            ui.textarea("Description", value=text(season["description"]))
            .props("dense autogrow")
            .classes("w-full")
            .mark(f"season-description-{sid}")
        )
        self.fields = {
            "season_number": self.number,
            "title": self.title,
            "release_year": self.year,
            "description": self.description,
        }
        limit_lengths(self.fields, {"title": SEASON_TITLE_MAX, "description": SEASON_DESCRIPTION_MAX})

    def actions(self) -> None:
        sid = self.sid
        with ui.row().classes("w-full items-center gap-1"):
            ui.button("Save season", icon="save", on_click=within(self.page.host, self.save)).props(
                "dense unelevated color=primary no-caps"
            ).mark(f"season-save-{sid}")
            ui.button("Add episode", icon="add", on_click=lambda: self.page.open_new_episode(sid)).props(
                "dense outline no-caps"
            ).mark(f"episode-add-{sid}")
            ui.space()
            ui.button(
                "Delete season",
                icon="delete",
                on_click=within(self.page.host, lambda: self.page.remove_season(self.season)),
            ).props("dense flat no-caps color=negative").mark(f"season-delete-{sid}")

    def typed(self) -> dict[str, str]:
        return {
            "season_number": (self.number.value or "").strip(),
            "title": self.title.value or "",
            "release_year": (self.year.value or "").strip(),
            "description": self.description.value or "",
        }

    def unsaved(self) -> Unsaved | None:
        """What the form holds that is not stored (None: nothing), to carry into the card drawn after a reload."""
        if not self.page.editable:
            return None
        typed = self.typed()
        if unchanged(typed, {k: text(self.season[k]) for k in typed}) and self.shown_conflict is None:
            return None
        return Unsaved(typed, self.version, self.theirs, self.shown_conflict)

    def carry(self, kept: Unsaved) -> None:
        """Put back the input of the card this one replaces, based on the version that input was based on."""
        for name, value in kept.typed.items():
            self.fields[name].value = value
        self.version, self.theirs = kept.version, kept.theirs
        if kept.conflict is not None:
            self.shown_conflict = kept.conflict
            self.conflict.show(kept.conflict, kept.typed)

    async def save(self) -> None:
        typed = self.typed()
        if unchanged(typed, {k: text(self.season[k]) for k in typed}):
            ui.notify(NOTHING_TO_SAVE, type="info")
            return
        catcher, sid, expected = ConflictCatcher(), self.sid, self.version
        ok, _ = await self.page.act(
            lambda s, a: catcher(
                lambda session: update_season(session, actor=a, season_id=sid, data=typed, expected_version=expected)
            )(s),
            fields=self.fields,
            summary=self.summary,
        )
        # The cards may have been redrawn while the save was on its way (another season's save, a move): the
        # outcome goes to this season's card as it is now.
        editor = self.page.editors.get(self.sid)
        if editor is None:  # the season is gone meanwhile
            return
        if ok:
            editor.conflict.hide()
            editor.shown_conflict, editor.season = None, editor.season | typed  # stored now: nothing to carry
            ui.notify(f"Saved Season {typed['season_number'] or self.season['season_number']}.", type="positive")
            await self.page.reload()
        elif catcher.conflict is not None:
            # Keep the input; the next save deliberately replaces what is stored now.
            editor.version = catcher.conflict.current.get("version", self.version)
            editor.theirs = catcher.conflict.current
            editor.shown_conflict = catcher.conflict
            editor.conflict.show(catcher.conflict, typed)

    def take_theirs(self) -> None:
        """Drop the input: the fields show what the stale save found stored, and the next save is based on it."""
        self.season = self.season | self.theirs
        for name, element in self.fields.items():
            element.value = text(self.season[name])
        self.conflict.hide()
        self.shown_conflict = None
        ui.notify("The season shows what is stored; your input was discarded.", type="info")
