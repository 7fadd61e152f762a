"""The Collection field: the shared `ui.searched_select.SearchedSelect` configured for the editor. It offers the first
page of collections in display order (`collections.collection_choices`, CHOICES_PAGE at a time, read with the page)
with a hint "20 of N" and, as the user types, the first page of those whose name contains the typed text, never
every collection. The chosen collection, and the stored one, stay among the options whatever is typed; a deleted one
shows as "#id (deleted collection)". Everything a search brought is remembered for the preview's colours."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from console.actor import Actor
from console.catalog.editor.store import search_collections
from console.db import session_scope
from console.ui.searched_select import Found, SearchedSelect

NONE_LABEL = "— none —"


def deleted_label(collection_id: int) -> str:
    return f"#{collection_id} (deleted collection)"


def names(collections: list[dict[str, Any]], total: int) -> Found:
    return Found({c["id"]: c["name"] for c in collections}, total)


class CollectionField:
    """The select, and the collections it has seen (name and colours) by id."""

    def __init__(
        self, actor: Actor, offered: list[dict[str, Any]], total: int, *, stored: int | None, own: dict[str, Any] | None
    ) -> None:
        """`stored`: the video's collection id; `own`: that collection (None when there is none or it is deleted)."""
        self.actor = actor
        self.known: dict[int, dict[str, Any]] = {c["id"]: c for c in [*offered, *([own] if own else [])]}
        self.offered = names(offered, total)
        self.stored = stored

    def build(self, value: int | None, on_change: Callable[[], None]) -> SearchedSelect:
        self.select = SearchedSelect(
            self.search,
            label="Collection",
            value=value,
            value_label=self.label(value),
            none_label=NONE_LABEL,
            missing_label=deleted_label,
            offered=self.offered,
            on_change=on_change,
        )
        self.select.props("dense options-dense").classes("grow min-w-0").mark("video-collection")
        self.select.pin(self.stored, self.label(self.stored))
        return self.select

    def search(self, term: str) -> Found:
        """The first page of collections whose name contains `term` (runs off the event loop)."""
        with session_scope() as session:
            found, total = search_collections(session, self.actor, term)
        self.known.update({c["id"]: c for c in found})
        return names(found, total)

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
        self.select.pin(value, self.label(value) if value is not None else None)
