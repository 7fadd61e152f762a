"""Lists staff put in order (collections, episodes): one look, one set of marks, one keyboard.

`ordered_row` is a focusable list row (Tab reaches it, Alt+↑ / Alt+↓ move it); `move_buttons` are its up/down
buttons; `focus_later` puts the focus back on a row after the list was redrawn.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui

ROW_CLASSES = (
    "w-full items-center no-wrap gap-3 px-2 py-1 border-b border-gray-300 "
    "focus:outline-none focus:bg-blue-100 hover:bg-gray-50"
)
FOCUS_JS = (  # only an element id goes in: never user text in JavaScript
    "(function f(n){const el=getElement(%d);if(el&&el.focus){el.focus();}else if(n>0){setTimeout(()=>f(n-1),20);}})(50)"
)


def ordered_row(kind: str, key: int, *, label: str, move: Callable[[int, int], Any] | None) -> ui.row:
    """A list row marked `<kind>-row` and `<kind>-row-<key>`, named `label` for screen readers; with `move`,
    Alt+↑ / Alt+↓ on the focused row call `move(key, -1 | +1)`. Use it as a context manager for the row's cells."""
    line = ui.row().classes(ROW_CLASSES).props("tabindex=0 role=listitem").mark(f"{kind}-row", f"{kind}-row-{key}")
    line._props["aria-label"] = label
    if move is not None:
        line.on("keydown.alt.up.prevent", lambda: move(key, -1))
        line.on("keydown.alt.down.prevent", lambda: move(key, 1))
    return line


def focus_later(element: ui.element) -> None:
    """Focus `element` once the browser has rendered it (a refreshed row has a new id). Through the element's own
    client: the handler's context may be a row the refresh just deleted."""
    element.client.run_javascript(FOCUS_JS % int(element.id))


def move_buttons(kind: str, key: int, move: Callable[[int, int], Any], *, index: int, last: int) -> None:
    """Buttons marked `<kind>-up-<key>` / `<kind>-down-<key>` calling `move(key, -1 | +1)`; disabled at the ends."""
    up = ui.button(icon="arrow_upward", on_click=lambda: move(key, -1))
    up.props("flat dense round size=sm aria-label='Move up' title='Move up (Alt+↑)'").mark(f"{kind}-up-{key}")
    up.set_enabled(index > 0)
    down = ui.button(icon="arrow_downward", on_click=lambda: move(key, 1))
    down.props("flat dense round size=sm aria-label='Move down' title='Move down (Alt+↓)'").mark(f"{kind}-down-{key}")
    down.set_enabled(index < last)
