"""The performers box: the linked performers in billing order (move up/down, remove), the count hint, and a
search that adds performers (at most 10). The list is saved with the form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import run, ui

from console.actor import Actor
from console.catalog.performers import PerformerFilter, list_performers
from console.db import session_scope
from console.errors import ConsoleError
from console.paging import PageRequest
from console.ui.forms import report

MAX_PERFORMERS = 10


class PerformerPicker:
    """`chosen` is what the page saves; `on_change` runs after every move, removal or addition."""

    def __init__(self, actor: Actor, chosen: list[dict[str, Any]], *, editable: bool) -> None:
        self.actor, self.editable = actor, editable
        self.chosen: list[dict[str, Any]] = list(chosen)
        self.results: list[dict[str, Any]] = []
        self.searched = False
        self.wanted: Callable[[], int | None] = lambda: None  # the form's performer count
        self.on_change: Callable[[], None] = lambda: None

    @property
    def ids(self) -> list[int]:
        return [p["id"] for p in self.chosen]

    def build(self) -> None:
        with ui.card().classes("w-full gap-1"):
            ui.label("Performers (billing order)").classes("font-semibold text-sm")
            self.chosen_box = ui.column().classes("w-full gap-0").mark("performer-chosen")
            self.count_hint = ui.label("").classes("text-xs text-warning").mark("performer-count-hint")
            if self.editable:
                self.search_row()

    def search_row(self) -> None:
        with ui.row().classes("w-full items-end gap-1 no-wrap"):
            self.search = (
                ui.input("Find a performer")
                .props("dense clearable maxlength=200")
                .classes("grow")
                .mark("performer-search")
            )
            ui.button(icon="search", on_click=self.find).props("dense flat").mark("performer-search-go")
        self.search.on("keydown.enter", self.find)
        self.results_box = ui.column().classes("w-full gap-0").mark("performer-results")

    def show(self, performers: list[dict[str, Any]] | None = None) -> None:
        """Show the linked list (replaced by `performers` when given) and the count hint."""
        if performers is not None:
            self.chosen[:] = performers
        self.chosen_box.clear()
        with self.chosen_box:
            if not self.chosen:
                ui.label("No performers linked.").classes("text-xs opacity-70")
            for i, p in enumerate(self.chosen):
                self.chosen_row(i, p)
        self.hint()

    def chosen_row(self, i: int, p: dict[str, Any]) -> None:
        with ui.row().classes("items-center gap-1 w-full no-wrap"):
            ui.label(f"{i + 1}. {p['name']}").classes("grow text-sm truncate").mark("chosen-performer")
            if not self.editable:
                return
            last = len(self.chosen) - 1
            ui.button(icon="arrow_upward", on_click=lambda: self.move(i, -1)).props(
                f"dense flat round size=sm {'disable' if i == 0 else ''}"
            ).mark(f"performer-up-{p['id']}")
            ui.button(icon="arrow_downward", on_click=lambda: self.move(i, 1)).props(
                f"dense flat round size=sm {'disable' if i == last else ''}"
            ).mark(f"performer-down-{p['id']}")
            ui.button(icon="close", on_click=lambda: self.remove(i)).props(
                "dense flat round size=sm color=negative"
            ).mark(f"performer-remove-{p['id']}")

    def hint(self) -> None:
        wanted = self.wanted()
        if wanted is not None and wanted != len(self.chosen):
            n = len(self.chosen)
            self.count_hint.text = f"Performer count says {wanted}; {n} linked. Publishing needs them equal."
        else:
            self.count_hint.text = ""

    def changed(self) -> None:
        self.show()
        self.on_change()

    def move(self, i: int, step: int) -> None:
        j = i + step
        if 0 <= j < len(self.chosen):
            self.chosen[i], self.chosen[j] = self.chosen[j], self.chosen[i]
            self.changed()

    def remove(self, i: int) -> None:
        if 0 <= i < len(self.chosen):
            del self.chosen[i]
            self.changed()

    def add(self, performer: dict[str, Any]) -> None:
        if any(p["id"] == performer["id"] for p in self.chosen):
            return
        if len(self.chosen) >= MAX_PERFORMERS:
            ui.notify("At most 10 performers.", type="warning")
            return
        self.chosen.append(performer)
        self.changed()
        self.show_results(self.results)

    def show_results(self, found: list[dict[str, Any]]) -> None:
        self.results = found
        self.results_box.clear()
        with self.results_box:
            if self.searched and not found:
                ui.label("No performer matches.").classes("text-xs opacity-70")
            linked = set(self.ids)
            for p in found:
                with ui.row().classes("items-center gap-1 w-full no-wrap"):
                    ui.label(p["name"]).classes("grow text-sm truncate").mark("found-performer")
                    ui.button("Add", on_click=lambda p=p: self.add(p)).props(
                        f"dense flat no-caps size=sm {'disable' if p['id'] in linked else ''}"
                    ).mark(f"performer-add-{p['id']}")

    async def find(self) -> None:
        term = (self.search.value or "").strip()

        def work() -> list[dict[str, Any]]:
            with session_scope() as session:
                page = list_performers(
                    session, actor=self.actor, flt=PerformerFilter(search=term or None), page=PageRequest(size=10)
                )
                return [{"id": p.id, "name": p.name} for p in page.rows]

        try:
            found = await run.io_bound(work)
        except ConsoleError as exc:
            report(exc)
            return
        self.searched = True
        self.show_results(found or [])
