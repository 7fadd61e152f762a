"""The titled cards the pages' parts are drawn in: a bold title over the part's rows, and, for a list that those who
may edit add to, the add form below the rows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from nicegui import ui


@contextmanager
def titled_card(title: str, *, gap: str = "gap-1", mark: str | None = None) -> Iterator[ui.card]:
    """A full-width card whose first line is `title` in bold; what the block draws goes below it."""
    card = ui.card().classes(f"w-full {gap}")
    if mark is not None:
        card.mark(mark)
    with card:
        ui.label(title).classes("font-semibold")
        yield card


def list_card(title: str, rows: Callable[[], None], add: Callable[[], None] | None, *, gap: str = "gap-2") -> None:
    """A titled card of rows (`rows()`, usually a refreshable) and the form that adds one (`add`, None for those
    who may not edit)."""
    with titled_card(title, gap=gap):
        rows()
        if add is not None:
            add()
