"""A keyboard map per page: the frame registers the global keys, a page registers its own with a description,
and `?` lists both (this page's first). One `ui.keyboard` (the frame's) feeds `dispatch()`.

    keys = page_keys()
    keys.add_moves(self.move)  # j and k
    keys.add("Enter", "Open the highlighted case", self.open_highlighted)

Keys are ignored while an input, select, textarea or button has the focus (`ui.keyboard`'s `ignore` list, checked
in the browser), so typing a reason never triggers an action. A page cannot take the keys the frame needs
(`?`, `/`, `g` and Escape) and a key is registered once per page.

Ctrl+S (⌘S) must work while typing, so it has its own listener: `save_key(self.save, mark="editor-keys")` wires it
and lists it on the sheet. A key some other listener handles is listed with `describe("Ctrl+S", "Save")`.
"""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nicegui import Client, ui
from nicegui.events import KeyEventArguments

from console.ui.dialogs import dialog_open

RESERVED = frozenset({"?", "/", "g", "Escape"})
PAGE_SECTION = "This page"
SAVE_LABEL = "Ctrl+S"
# Keeps the browser's own "Save page as" from opening on Ctrl+S / ⌘S (the key's listener saves the form instead).
PREVENT_BROWSER_SAVE = (
    "<script>document.addEventListener('keydown', function (e) {"
    " if ((e.ctrlKey || e.metaKey) && (e.key === 's' || e.key === 'S')) e.preventDefault(); });</script>"
)
GLOBAL_SECTION = "Everywhere"


@dataclass(frozen=True)
class Binding:
    label: str  # how the sheet shows it: "j", "Enter", "g o"
    description: str
    key: str | None  # KeyboardEvent.key that triggers it; None when the frame handles it itself (g + letter)
    handler: Callable[[], Any] | None


class KeyMap:
    """The keys of one page view (one browser tab): page keys plus the frame's global keys."""

    def __init__(self) -> None:
        self._page: list[Binding] = []
        self._global: list[Binding] = []
        self.host: ui.element | None = None  # where the sheet's dialog lives (outside anything that refreshes)

    def add(self, key: str, description: str, handler: Callable[[], Any], *, label: str | None = None) -> None:
        """Register a page key. `key` is the KeyboardEvent.key value ("j", "Enter", "1")."""
        if key in RESERVED:
            raise ValueError(f"{key!r} is a global key; a page cannot take it")
        if any(b.key == key for b in self._page):
            raise ValueError(f"{key!r} is already registered on this page")
        self._page.append(Binding(label or key, description, key, handler))

    def add_moves(self, move: Callable[[int], Any], *, down: str = "Move the highlight down", up: str = "") -> None:
        """`j` and `k`: `move(1)` and `move(-1)`, the highlight down and up a list (every list page's pair)."""
        self.add("j", down, lambda: move(1))
        self.add("k", up or down.replace("down", "up"), lambda: move(-1))

    def describe(self, label: str, description: str) -> None:
        """List a page key that another listener handles (no handler here: `dispatch` never runs it)."""
        if any(b.label == label for b in self._page):
            raise ValueError(f"{label!r} is already listed on this page")
        self._page.append(Binding(label, description, None, None))

    def add_global(
        self, label: str, description: str, handler: Callable[[], Any] | None = None, *, key: str | None = None
    ) -> None:
        self._global.append(Binding(label, description, key, handler))

    def listing(self) -> list[tuple[str, str, str]]:
        """(section, key, description) for the sheet: this page's keys in registration order, then global ones."""
        return [(PAGE_SECTION, b.label, b.description) for b in self._page] + [
            (GLOBAL_SECTION, b.label, b.description) for b in self._global
        ]

    def binding_for(self, key: str) -> Binding | None:
        for binding in (*self._page, *self._global):
            if binding.key == key and binding.handler is not None:
                return binding
        return None

    async def dispatch(self, key: str) -> bool:
        """Run the handler bound to `key` (a page key wins over a global one). True when one ran."""
        binding = self.binding_for(key)
        if binding is None or binding.handler is None:
            return False
        result = binding.handler()
        if inspect.isawaitable(result):
            await result
        return True

    def open_sheet(self) -> ui.dialog:
        """The shortcut sheet, built now (so it lists what the page registered) and deleted when closed."""
        host = self.host if self.host is not None and not self.host.is_deleted else ui.context.client.content
        with host:  # outside the page's refreshing parts (the client's own content root by default)
            dialog = self._sheet()
        dialog.on_value_change(lambda e: None if e.value else dialog.delete())
        dialog.open()
        return dialog

    def _sheet(self) -> ui.dialog:
        with ui.dialog() as dialog, ui.card().classes("min-w-[380px]").mark("shortcut-sheet"):
            ui.label("Keyboard shortcuts").classes("text-lg font-semibold")
            section = None
            with ui.grid(columns="auto 1fr").classes("gap-x-6 gap-y-1 text-sm items-baseline"):
                for name, key, what in self.listing():
                    if name != section:
                        section = name
                        ui.label(name).classes("col-span-2 text-xs uppercase opacity-60 pt-2")
                    ui.label(key).classes("kbd justify-self-start").mark("shortcut-key")
                    ui.label(what).mark("shortcut-what")
            ui.button("Close", on_click=dialog.close).props("flat dense").mark("shortcut-close")
        return dialog


_maps: weakref.WeakKeyDictionary[Client, KeyMap] = weakref.WeakKeyDictionary()


def page_keys() -> KeyMap:
    """The keyboard map of the page being built (or whose event is being handled)."""
    client = ui.context.client
    keymap = _maps.get(client)
    if keymap is None:
        keymap = _maps[client] = KeyMap()
    return keymap


def save_key(save: Callable[[], Any], *, mark: str, description: str = "Save") -> ui.keyboard:
    """Ctrl+S (⌘S on a Mac) runs `save` from anywhere on the page, inputs included (its own `ui.keyboard` with an
    empty `ignore` list), the browser's Save dialog stays shut, and the shortcut sheet lists it under this page."""

    client = ui.context.client

    async def on_key(e: KeyEventArguments) -> None:
        pressed = e.action.keydown and not e.action.repeat and (e.modifiers.ctrl or e.modifiers.meta)
        if pressed and str(e.key.name).lower() == "s" and not dialog_open(client):  # not a second save behind one
            result = save()
            if inspect.isawaitable(result):
                await result

    page_keys().describe(SAVE_LABEL, description)
    ui.add_head_html(PREVENT_BROWSER_SAVE)
    return ui.keyboard(on_key=on_key, ignore=[]).mark(mark)
