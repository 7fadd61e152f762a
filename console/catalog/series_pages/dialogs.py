"""The seasons page's dialogs: a new season, a new episode of a season, and renumbering (or moving) an episode.

Each is opened under the page's host element and deleted when it closes. A save is one service call through the
page's `act`; a refused save keeps the dialog open with the input (messages on the fields, else in the dialog's
message line); a saved one closes the dialog and reloads the page's list, the changed episode focused. With a
`draft` key (`dialog_draft.draft_key`) what is typed outlives a lost page until it is saved or cancelled.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui

from console.catalog.series import SEASON_TITLE_MAX, add_episode, add_season, move_episode
from console.catalog.series_pages.rows import text
from console.catalog.service import TITLE_MAX
from console.ui.dialog_draft import DialogDraft
from console.ui.dialogs import closed
from console.ui.form_state import NOTHING_TO_SAVE, unchanged
from console.ui.forms import limit_length

Act = Callable[..., Awaitable[tuple[bool, Any]]]  # act(fn(session, actor), **guard) -> (ok, result)
Reload = Callable[..., Awaitable[None]]  # reload(focus=episode id)


def number_input(label: str, value: str, *, digits: int, width: str, mark: str) -> ui.input:
    return ui.input(label, value=value).props(f"dense maxlength={digits} inputmode=numeric").classes(width).mark(mark)


class SeriesDialog:
    """The frame every dialog here shares: heading, `fields()`, a message line, Cancel and the save button."""

    kind = ""  # the marks' prefix: `<kind>-summary`, `<kind>-save`
    save_label = "Save"
    width = "w-[480px]"

    def __init__(self, act: Act, reload: Reload, *, draft: str | None = None) -> None:
        self.act, self.reload, self.draft_key = act, reload, draft
        self.draft: DialogDraft | None = None

    def heading(self) -> str:
        raise NotImplementedError

    def fields(self) -> None:
        raise NotImplementedError

    def inputs(self) -> dict[str, Any]:
        """The fields a draft keeps, by name, in the order they are restored."""
        raise NotImplementedError

    async def save(self) -> None:
        raise NotImplementedError

    def open(self) -> None:
        with ui.dialog() as self.dialog, ui.card().classes(f"{self.width} max-w-full gap-2"):
            ui.label(self.heading()).classes("text-lg font-semibold break-words")
            self.fields()
            if self.draft_key is not None:
                self.draft = DialogDraft(self.draft_key, self.inputs())
            self.summary = ui.label("").classes("text-negative text-sm").mark(f"{self.kind}-summary")
            self.summary.visible = False
            with ui.row().classes("justify-end w-full"):
                ui.button("Cancel", on_click=self.cancel).props("flat").mark(f"{self.kind}-cancel")
                ui.button(self.save_label, on_click=self.save).props("unelevated color=primary").mark(
                    f"{self.kind}-save"
                )
        self.dialog.on_value_change(lambda e: None if e.value else self.dialog.delete())  # no closed dialogs pile up
        self.dialog.open()

    def cancel(self) -> None:
        """Cancel drops what was typed; Escape and a lost page keep it."""
        if self.draft is not None:
            self.draft.clear()
        self.dialog.close()

    async def done(self, message: str, focus: int | None = None) -> None:
        if self.draft is not None:
            self.draft.clear()
        with closed(self.dialog):
            ui.notify(message, type="positive")
            await self.reload(focus=focus)


class NewSeasonDialog(SeriesDialog):
    kind, save_label = "season-new", "Add season"

    def __init__(self, act: Act, reload: Reload, *, series_id: int, suggested: int, draft: str | None = None) -> None:
        super().__init__(act, reload, draft=draft)
        self.series_id, self.suggested = series_id, suggested

    def heading(self) -> str:
        return "New season"

    def fields(self) -> None:
        with ui.row().classes("w-full no-wrap gap-2"):
            self.number = number_input(
                "Season number", str(self.suggested), digits=5, width="w-36", mark="season-new-number"
            )
            self.year = number_input("Release year", "", digits=4, width="w-32", mark="season-new-year")
        self.title = ui.input("Title (optional)").props("dense").classes("w-full").mark("season-new-title")
        limit_length(self.title, SEASON_TITLE_MAX)

    def inputs(self) -> dict[str, Any]:
        return {"number": self.number, "year": self.year, "title": self.title}

    async def save(self) -> None:
        typed = {
            "season_number": (self.number.value or "").strip(),
            "title": self.title.value or "",
            "release_year": (self.year.value or "").strip(),
        }
        ok, _ = await self.act(
            lambda s, a: add_season(s, actor=a, series_id=self.series_id, data=typed),
            fields={"season_number": self.number, "title": self.title, "release_year": self.year},
            summary=self.summary,
        )
        if ok:
            await self.done("Season added.")


class NewEpisodeDialog(SeriesDialog):
    kind, save_label = "episode-new", "Add episode"

    def __init__(self, act: Act, reload: Reload, *, season: dict[str, Any], draft: str | None = None) -> None:
        super().__init__(act, reload, draft=draft)
        self.season = season

    def heading(self) -> str:
        return f"New episode of Season {self.season['season_number']}"

    def fields(self) -> None:
        self.title = ui.input("Title").props("dense autofocus").classes("w-full").mark("episode-new-title")
        limit_length(self.title, TITLE_MAX)
        self.number = number_input(
            "Episode number", str(self.season["next_episode"]), digits=6, width="w-36", mark="episode-new-number"
        )
        ui.label("Created as a draft in the series' collection; complete and publish it in the video editor.").classes(
            "text-xs opacity-70"
        )
        self.title.on("keydown.enter", self.save)
        self.number.on("keydown.enter", self.save)

    def inputs(self) -> dict[str, Any]:
        return {"title": self.title, "number": self.number}

    async def save(self) -> None:
        typed = {"title": self.title.value or "", "episode_number": (self.number.value or "").strip()}
        season_id = int(self.season["id"])
        ok, created = await self.act(
            lambda s, a: add_episode(s, actor=a, season_id=season_id, data=typed).id,
            fields={"title": self.title, "episode_number": self.number, "slug": self.title},
            summary=self.summary,
        )
        if ok:
            await self.done(f"Added “{typed['title'].strip()}”.", focus=created)


class RenumberDialog(SeriesDialog):
    kind, width = "episode-move", "w-[420px]"

    def __init__(
        self,
        act: Act,
        reload: Reload,
        *,
        episode: dict[str, Any],
        season_id: int,
        seasons: dict[int, str],
        draft: str | None = None,
    ) -> None:
        super().__init__(act, reload, draft=draft)
        self.episode, self.season_id, self.seasons = episode, season_id, seasons

    def heading(self) -> str:
        return f"Renumber “{self.episode['title']}”"

    def fields(self) -> None:
        with ui.row().classes("w-full no-wrap gap-2"):
            self.target = (
                ui.select(self.seasons, value=self.season_id, label="Season")
                .props("dense options-dense")
                .classes("w-40")
                .mark("episode-move-season")
            )
            self.number = number_input(
                "Episode number", text(self.episode["number"]), digits=6, width="w-36", mark="episode-move-number"
            )
        self.number.on("keydown.enter", self.save)

    def inputs(self) -> dict[str, Any]:
        return {"season": self.target, "number": self.number}

    async def save(self) -> None:
        episode = self.episode
        typed = {"season_id": self.target.value, "number": self.number.value}
        if unchanged(typed, {"season_id": self.season_id, "number": text(episode["number"])}):
            ui.notify(NOTHING_TO_SAVE, type="info")
            return
        episode_id, season_id, number = int(episode["id"]), self.target.value, (self.number.value or "").strip()
        ok, _ = await self.act(
            lambda s, a: move_episode(
                s,
                actor=a,
                video_id=episode_id,
                season_id=season_id,
                episode_number=number,
                expected_version=episode["version"],
            ),
            fields={"episode_number": self.number, "season_id": self.target},
            summary=self.summary,
        )
        if ok:
            await self.done("Episode renumbered.", focus=episode_id)
