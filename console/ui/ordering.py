"""Up/down buttons for lists staff put in order (collections, episodes): one look, one set of marks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui


def move_buttons(kind: str, key: int, move: Callable[[int, int], Any], *, index: int, last: int) -> None:
    """Buttons marked `<kind>-up-<key>` / `<kind>-down-<key>` calling `move(key, -1 | +1)`; disabled at the ends."""
    up = ui.button(icon="arrow_upward", on_click=lambda: move(key, -1))
    up.props("flat dense round size=sm aria-label='Move up'").mark(f"{kind}-up-{key}").tooltip("Move up (Alt+↑)")
    up.set_enabled(index > 0)
    down = ui.button(icon="arrow_downward", on_click=lambda: move(key, 1))
    down.props("flat dense round size=sm aria-label='Move down'").mark(f"{kind}-down-{key}").tooltip(
        "Move down (Alt+↓)"
    )
    down.set_enabled(index < last)
