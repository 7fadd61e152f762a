"""Someone else saved the video while it was being edited: the shared `console.ui.conflict.ConflictDialog`, set up
for the editor. It compares the form's fields as the editor holds them (`values.form_values`, trimmed, 60.0 == 60),
names the collection instead of its id, adds the performers as one more row, and wires the two choices: "Take
theirs" loads the saved version and discards the input, "Keep mine and overwrite" saves the input over the version
now stored. Cancel keeps editing with the input as typed.

After a stale save (`merge`), the form first takes what is stored now in every field the user did not touch (the
editor's own `fill`), so the dialog lists only what they typed against what is stored, and "Keep mine" overwrites
only that: someone else's new title is not reverted by a form that still held the old one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nicegui import ui

from console.catalog.editor.values import FIELD_LABELS, comparable, form_values
from console.errors import Conflict
from console.ui.conflict import ConflictDialog, display

if TYPE_CHECKING:
    from console.catalog.editor.view import EditorView

TITLE = "Someone else saved this video while you were editing"


class VideoConflict:
    """Built for one Conflict; `open()` reads the stored version and shows the choice."""

    def __init__(
        self, page: EditorView, exc: Conflict, mine: dict[str, Any], mine_ids: list[int], *, merge: bool = False
    ) -> None:
        self.page, self.exc, self.mine, self.mine_ids, self.merge = page, exc, mine, mine_ids, merge
        self.stored: dict[str, Any] | None = None
        self.current_version: int | None = None

    def show_value(self, name: str, value: Any) -> str:
        return self.page.form.collection.label(value) if name == "collection_id" else display(value)

    def performers_row(self) -> list[tuple[str, str, str]]:
        stored = self.stored
        if stored is None or [p["id"] for p in stored["performers"]] == self.mine_ids:
            return []
        names = {p["id"]: p["name"] for p in [*stored["performers"], *self.page.performers.chosen]}
        theirs = ", ".join(p["name"] for p in stored["performers"])
        return [("Performers", theirs, ", ".join(names.get(i, f"#{i}") for i in self.mine_ids))]

    async def open(self) -> None:
        self.stored = stored = await self.page.load_stored()
        if self.merge and stored is not None:
            self.take_theirs_where_untouched(stored)
        exc = self.exc
        theirs = form_values(exc.current) if exc.current else (form_values(stored["view"]) if stored else {})
        self.current_version = (exc.current or {}).get("version") or (stored["view"]["version"] if stored else None)
        ConflictDialog(
            FIELD_LABELS,
            title=TITLE,
            on_take_theirs=self.take_theirs,
            on_keep_mine=self.keep_mine,
            same=lambda _key, a, b: comparable(a) == comparable(b),
            show_value=self.show_value,
        ).open(exc, self.mine, current=theirs, version=self.current_version, extra=self.performers_row())

    def take_theirs_where_untouched(self, stored: dict[str, Any]) -> None:
        """Untouched fields (and performers) follow what is stored now; typed ones stay. The version the form is
        based on stays the old one: only "Keep mine" moves it, so a Cancel and a later Save still meet the conflict."""
        page = self.page
        based_on = page.version
        page.fill(stored)
        page.version = based_on
        self.mine, self.mine_ids = page.collect(), page.performers.ids

    async def keep_mine(self) -> None:
        if self.current_version is not None:
            self.page.version = self.current_version
        await self.page.save()

    async def take_theirs(self) -> None:
        fresh = self.stored or await self.page.load_stored()
        if fresh is not None:
            self.page.fill(fresh, discard_input=True)
            self.page.drafts.saved()
            ui.notify("Loaded the saved version; your input was discarded.", type="info")
