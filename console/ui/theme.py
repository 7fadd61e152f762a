"""The staff member's light/dark choice and who redraws when it flips.

Quasar restyles its own components when dark mode changes, but parts that carry their colours in data — plotly
figures — must be redrawn by the server. A part registers `on_change` while it is built; the header's toggle calls
`changed`, which reaches only the parts of that browser tab (listeners are kept per client and go with it).

`BRAND` is the console's Quasar palette, set once for the app (`install_colours`): NiceGUI's primary (#5898d4) and
Quasar's positive (#21ba45) carry white text at 3.1:1 and 2.6:1 and read at that on white; these give 4.5:1 or more
both ways. The dark theme's lighter text shades are in assets/console.css."""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable

from nicegui import app, ui
from nicegui.client import Client
from nicegui.element import Element

log = logging.getLogger(__name__)
Listener = Callable[[bool], None]
BRAND = {"primary": "#1976d2", "positive": "#2e7d32"}  # Quasar's own primary; Material green 800
_listeners: weakref.WeakKeyDictionary[Client, list[tuple[Element, Listener]]] = weakref.WeakKeyDictionary()


def is_dark() -> bool:
    return bool(app.storage.user.get("dark", False))


def on_change(owner: Element, listener: Listener) -> None:
    """Call `listener(dark)` when this page's staff member flips the theme, for as long as `owner` is on the page
    (a part rebuilt on every reload does not pile up listeners)."""
    alive = [(o, f) for o, f in _listeners.get(ui.context.client, []) if not o.is_deleted]
    _listeners[ui.context.client] = [*alive, (owner, listener)]


def changed(dark: bool) -> None:
    """Remember the choice and tell this page's parts; one failing part does not stop the others."""
    app.storage.user["dark"] = dark
    for owner, listener in list(_listeners.get(ui.context.client, [])):
        if owner.is_deleted:
            continue
        try:
            listener(dark)
        except Exception:  # a part that cannot redraw keeps its old colours until the next load
            log.exception("theme listener failed")


def install_colours() -> None:
    """The console's palette for every page (Quasar's brand config: no element per page)."""
    app.colors(**BRAND)
