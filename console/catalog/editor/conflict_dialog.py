"""Someone else saved the video while it was being edited: a dialog with both versions side by side (only the
fields that differ, and the performers), the typed input kept. Cancel keeps editing, "Take theirs" loads the saved
version and discards the input, "Keep mine and overwrite" saves the input over the version now stored.

A dialog rather than `console.ui.conflict.ConflictPanel`: here the user must choose between the two versions
before going on (the panel, beside a form, only reports)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nicegui import ui

from console.catalog.editor.values import FIELD_LABELS, differing_fields, form_values
from console.errors import Conflict
from console.ui.dialogs import deleted_on_close

if TYPE_CHECKING:
    from console.catalog.editor.view import EditorView

COLUMNS = [
    {"name": "field", "label": "Field", "field": "field", "align": "left"},
    {"name": "mine", "label": "Your input", "field": "mine", "align": "left"},
    {"name": "theirs", "label": "Saved now", "field": "theirs", "align": "left"},
]


def display(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "—"
    text = str(value).strip() if value is not None else ""
    return text or "—"


class ConflictDialog:
    """Built for one Conflict; `open()` reads the stored version and shows the choice."""

    def __init__(self, page: EditorView, exc: Conflict, mine: dict[str, Any], mine_ids: list[int]) -> None:
        self.page, self.exc, self.mine, self.mine_ids = page, exc, mine, mine_ids
        self.stored: dict[str, Any] | None = None

    def show_value(self, name: str, value: Any) -> str:
        return self.page.form.collection.label(value) if name == "collection_id" else display(value)

    def rows(self) -> list[dict[str, str]]:
        stored, exc = self.stored, self.exc
        theirs = form_values(exc.current) if exc.current else (form_values(stored["view"]) if stored else {})
        rows = [
            {
                "field": FIELD_LABELS[k],
                "mine": self.show_value(k, self.mine.get(k)),
                "theirs": self.show_value(k, theirs.get(k)),
            }
            for k in differing_fields(self.mine, theirs)
        ]
        if stored is not None and [p["id"] for p in stored["performers"]] != self.mine_ids:
            names = {p["id"]: p["name"] for p in [*stored["performers"], *self.page.performers.chosen]}
            rows.append(
                {
                    "field": "Performers",
                    "mine": ", ".join(names.get(i, f"#{i}") for i in self.mine_ids) or "—",
                    "theirs": ", ".join(p["name"] for p in stored["performers"]) or "—",
                }
            )
        return rows

    async def open(self) -> None:
        self.stored = await self.page.load_stored()
        stored, exc = self.stored, self.exc
        self.current_version = (exc.current or {}).get("version") or (stored["view"]["version"] if stored else None)
        with (
            deleted_on_close(ui.dialog().props("persistent")) as self.dialog,
            ui.card().classes("min-w-[640px] max-w-[92vw]").mark("conflict-dialog"),
        ):
            ui.label("Someone else saved this video while you were editing").classes("text-lg font-semibold")
            ui.label(exc.message).classes("text-sm break-words")
            if exc.changed_by:
                ui.label(f"Last change by {exc.changed_by} (now version {self.current_version}).").classes(
                    "text-sm opacity-70"
                ).mark("conflict-changed-by")
            self.table()
            with ui.row().classes("justify-end w-full gap-1"):
                ui.button("Cancel (keep editing)", on_click=self.dialog.close).props("flat").mark("conflict-cancel")
                ui.button("Take theirs", on_click=self.take_theirs).props("outline").mark("conflict-take-theirs")
                ui.button("Keep mine and overwrite", on_click=self.keep_mine).props("color=warning").mark(
                    "conflict-keep-mine"
                )
        self.dialog.open()

    def table(self) -> None:
        rows = self.rows()
        if rows:
            ui.table(columns=COLUMNS, rows=rows, row_key="field").props("dense flat bordered wrap-cells").classes(
                "w-full [overflow-wrap:anywhere]"
            ).mark("conflict-table")
        else:
            ui.label("The fields you see hold the same values; their change was elsewhere (e.g. state).").classes(
                "text-sm"
            )

    async def keep_mine(self) -> None:
        self.dialog.close()
        if self.current_version is not None:
            self.page.version = self.current_version
        await self.page.save()

    async def take_theirs(self) -> None:
        self.dialog.close()
        fresh = self.stored or await self.page.load_stored()
        if fresh is not None:
            self.page.fill(fresh, discard_input=True)
            self.page.drafts.saved()
            ui.notify("Loaded the saved version; your input was discarded.", type="info")
