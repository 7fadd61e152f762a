"""The Collection field: a select searched on the server. It offers the first page of collections in display order
(`collections.collection_choices`, CHOICES_PAGE at a time) and, as the user types, the first page of those whose
name contains the typed text, never every collection. The chosen collection stays among the options whatever is
typed, so a search never changes the choice; a chosen collection that was deleted shows as "#id (deleted
collection)". Everything a search brought is remembered for the preview's colours."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import run, ui
from nicegui.events import GenericEventArguments

from console.actor import Actor
from console.catalog.editor.store import search_collections
from console.db import session_scope
from console.errors import ConsoleError
from console.ui.forms import report

NONE_LABEL = "— none —"
SEARCH_DELAY = 0.3  # seconds between two searches while typing (the last text is always searched)


def deleted_label(collection_id: int) -> str:
    return f"#{collection_id} (deleted collection)"


class CollectionField:
    """A `ui.select` with the first page of collections; typing searches the server."""

    def __init__(
        self, actor: Actor, offered: list[dict[str, Any]], total: int, *, stored: int | None, own: dict[str, Any] | None
    ) -> None:
        """`stored`: the video's collection id; `own`: that collection (None when there is none or it is deleted)."""
        self.actor = actor
        self.known: dict[int, dict[str, Any]] = {c["id"]: c for c in [*offered, *([own] if own else [])]}
        self.offered = [c["id"] for c in offered]
        self.total = total
        self.stored = stored
        self.term = ""

    def build(self, value: int | None, on_change: Callable[[], None]) -> ui.select:
        self.select = (
            ui.select(self.options(value), label="Collection", value=value, with_input=True, on_change=on_change)
            .props("dense options-dense")
            .classes("grow min-w-0")
            .mark("video-collection")
        )
        self.select.on("input-value", self.typed, throttle=SEARCH_DELAY)
        self.hint()
        return self.select

    def options(self, value: int | None) -> dict[Any, str]:
        """None, then the offered collections, then the chosen one if the offer does not hold it."""
        options: dict[Any, str] = {None: NONE_LABEL}
        for cid in [*self.offered, value, self.stored]:
            if cid is not None and cid not in options:
                options[cid] = self.known[cid]["name"] if cid in self.known else deleted_label(cid)
        return options

    def hint(self) -> None:
        more = self.total - len(self.offered)
        hint = f"{len(self.offered)} of {self.total}: type to search" if more > 0 else None
        if hint:
            self.select.props(f'hint="{hint}"')
        else:
            self.select.props(remove="hint")

    def chosen(self) -> dict[str, Any] | None:
        """The chosen collection's name and colours (None: no collection, or a deleted one)."""
        value = self.select.value
        return self.known.get(value) if value is not None else None

    def label(self, value: Any) -> str:
        if value is None:
            return "—"
        return self.known[value]["name"] if value in self.known else deleted_label(value)

    def keep(self, value: int | None, own: dict[str, Any] | None) -> None:
        """A stored value (after a save or a reload; `own`: that collection if live) is always among the options."""
        self.stored = value
        if own is not None:
            self.known[own["id"]] = own
        if value is not None and value not in self.select.options:
            self.select.set_options(self.options(self.select.value), value=self.select.value)

    async def typed(self, e: GenericEventArguments) -> None:
        await self.search(e.args if isinstance(e.args, str) else "")

    async def search(self, term: str) -> None:
        """Offer the first page of collections whose name contains `term` (all of them in order when empty)."""
        term = term.strip()
        if term == self.term:
            return
        self.term = term

        def work() -> tuple[list[dict[str, Any]], int]:
            with session_scope() as session:
                return search_collections(session, self.actor, term)

        try:
            result = await run.io_bound(work)
        except ConsoleError as exc:
            report(exc)
            return
        if result is None or self.select.is_deleted or term != self.term:  # shutting down, the page went away,
            return  # or a newer search is on its way
        found, total = result
        self.known.update({c["id"]: c for c in found})
        self.offered, self.total = [c["id"] for c in found], total
        self.select.set_options(self.options(self.select.value), value=self.select.value)
        self.hint()
