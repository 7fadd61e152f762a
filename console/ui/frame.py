"""The frame around every signed-in page: header, navigation, global search, keyboard shortcuts.

Keyboard: `?` shows the shortcut sheet (the page's own keys, registered with `page_keys()`, then these), `g` then
a letter jumps to an area, `/` focuses the search.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from html import escape
from typing import Any

from nicegui import app, background_tasks, run, ui
from nicegui.events import KeyEventArguments

from console.db import session_scope
from console.staff.auth import SessionInfo, sign_out
from console.staff.permissions import ROLE_LABELS, Role
from console.ui import theme
from console.ui.areas import Area, allowed_areas
from console.ui.dialogs import dialog_open
from console.ui.global_search import GlobalSearch
from console.ui.keymap import KeyMap, page_keys
from console.ui.session import TOKEN_KEY, current_client_info, current_token, unattended

PRODUCT = "Staff Console"
SESSION_CHECK_SECONDS = 60


def _role_label(name: str) -> str:
    try:
        return ROLE_LABELS[Role(name)]
    except ValueError:
        return name


def who_html(name: str, roles: frozenset[str]) -> str:
    """The signed-in staff member and their roles as one element (an icon, the name, a badge per role in Quasar's
    own classes): four or more elements on every page open for text the server never changes afterwards."""
    badges = "".join(
        '<span class="q-badge flex inline items-center no-wrap q-badge--single-line bg-blue-grey-7 text-white '
        f'text-xs">{escape(_role_label(role))}</span>'
        for role in sorted(roles)
    )
    icon = '<i class="q-icon notranslate material-icons text-xl" aria-hidden="true">account_circle</i>'
    return f'<div class="flex items-center gap-1">{icon}<span class="text-sm">{escape(name)}</span>{badges}</div>'


def do_sign_out() -> None:
    token = current_token()
    with session_scope() as session:
        sign_out(session, token=token, client=current_client_info())
    app.storage.user.pop(TOKEN_KEY, None)
    ui.navigate.to("/login")


class SessionWatch:
    """Once a minute, off the event loop, whether the session still lives (checked unattended: an open tab alone
    never keeps it from idling out). When it ended, one lasting warning, not one a minute. A task of the page's
    client rather than a `ui.timer`: the timer would be one more element on every page open."""

    def __init__(self) -> None:
        self.warned = False
        self.client = ui.context.client
        background_tasks.create(self.watch(), name="session watch", context=ui.context.slot)

    async def watch(self) -> None:
        while True:
            await asyncio.sleep(SESSION_CHECK_SECONDS)  # the middleware has just checked it
            if self.client.is_deleted or app.is_stopping or self.warned:
                return
            if not self.client.has_socket_connection:
                continue  # the tab is reconnecting: check next time
            try:
                await self.check()
            except Exception as exc:  # as a timer's callback: reported, and the watch goes on
                app.handle_exception(exc)

    async def check(self) -> None:
        if self.warned:
            return
        alive = await run.io_bound(unattended(lambda: True))
        if alive is None and not app.is_stopping:
            self.warned = True
            ui.notify(
                "Your session has ended (idle or time limit). Your next action here opens the sign-in page in a new "
                "tab; this page and what is typed in it stay open.",
                type="warning",
                timeout=0,
                close_button="OK",
            )


def register_global_keys(keys: KeyMap, areas: list[Area], focus_search: Callable[[], Any] | None) -> None:
    """The keys every page has; `?` lists them after the page's own (console/ui/keymap.py)."""
    keys.add_global("?", "Show this sheet", keys.open_sheet, key="?")
    if focus_search is not None:
        keys.add_global("/", "Search (the header's search box)", focus_search, key="/")
    keys.add_global("Esc", "Close a dialog")
    for area in areas:
        keys.add_global(f"g {area.key}", f"Go to {area.label}")


def listen(keys: KeyMap, areas: list[Area]) -> ui.keyboard:
    """The one keyboard listener of a page: `g` + letter jumps to an area, any other key goes to the key map.
    The default `ignore` list: no shortcut fires while an input, select, textarea or button has the focus; none
    fires while a dialog is open either (its focus is on the dialog itself: Enter in "Delete 1 video?" opened the
    highlighted video behind it)."""
    pending_g = {"at": 0.0}
    client = ui.context.client

    async def on_key(e: KeyEventArguments) -> None:
        if not e.action.keydown or e.action.repeat or e.modifiers.ctrl or e.modifiers.meta or e.modifiers.alt:
            return
        if dialog_open(client):
            pending_g["at"] = 0.0
            return
        key = str(e.key.name)
        if key == "g":
            pending_g["at"] = time.monotonic()
        elif time.monotonic() - pending_g["at"] < 1.5:  # the letter after g: an area, or nothing at all
            pending_g["at"] = 0.0
            for area in areas:
                if area.key == key.lower():
                    ui.navigate.to(area.path)
                    break
        else:
            await keys.dispatch(key)

    return ui.keyboard(on_key=on_key).mark("shortcut-keys")


def navigation_html(areas: tuple[Area, ...], active_path: str) -> str:
    """The left navigation as HTML: one plain link per area, its icon and `g` letter drawn by console.css from data
    attributes. The labels and paths are the console's own constants (escaped all the same)."""
    links = []
    for area in areas:
        selected = active_path == area.path or (area.path != "/" and active_path.startswith(area.path))
        current = ' aria-current="page"' if selected else ""
        classes = "nav-item nav-active" if selected else "nav-item"
        links.append(
            f'<a href="{escape(area.path)}" class="{classes}" data-icon="{escape(area.icon)}" '
            f'data-key="g {escape(area.key)}" data-nav="{escape(area.path.strip("/") or "home")}"{current}>'
            f"{escape(area.label)}</a>"
        )
    return "".join(links)


def navigation(areas: list[Area], active_path: str) -> ui.html:
    """The navigation in one element (marked `navigation`): a link per area would cost the frame an element each,
    on every page open, for links the server never changes afterwards."""
    return (
        ui.html(navigation_html(tuple(areas), active_path), sanitize=False, tag="nav")
        .classes("flex flex-col w-full")
        .props('aria-label="Areas"')
        .mark("navigation")
    )


def stylesheet() -> None:
    """The console's own styles, on every page: in the frame, and on the pages outside it (sign-in, plain 404)."""
    ui.add_head_html('<link rel="stylesheet" href="/assets/console.css">')


@contextmanager
def frame(info: SessionInfo, *, title: str, active_path: str = "/") -> Iterator[ui.column]:
    """Build the shell and yield the content column."""
    areas = allowed_areas(info.actor)
    dark = ui.dark_mode(value=theme.is_dark())
    stylesheet()
    keys = page_keys()

    with ui.header(elevated=False).classes("console-header items-center gap-3 px-3 py-1"):
        menu = ui.button(icon="menu").props("flat dense round color=white aria-label=Menu")
        ui.link(PRODUCT, "/").classes("text-white font-semibold no-underline text-base")
        search = GlobalSearch(info.actor).build()
        ui.space()
        ui.html(who_html(info.name, info.actor.roles), sanitize=False).mark("staff-name")

        def toggle_dark() -> None:
            dark.value = not dark.value
            theme.changed(bool(dark.value))

        # `title` is the browser's own hover text: a Quasar tooltip would be one more element on every page open
        ui.button(icon="contrast", on_click=toggle_dark).props(
            'flat dense round color=white aria-label="Light or dark" title="Light or dark"'
        ).mark("theme-toggle")
        ui.button(icon="keyboard", on_click=keys.open_sheet).props(
            'flat dense round color=white aria-label="Shortcuts" title="Shortcuts (?)"'
        )
        ui.button("Sign out", icon="logout", on_click=do_sign_out).props("flat dense color=white no-caps")

    drawer = (
        ui.left_drawer(value=True, bordered=True).props("width=210 breakpoint=700").classes("console-nav p-0 gap-0")
    )
    menu.on_click(drawer.toggle)
    with drawer:
        navigation(areas, active_path)

    register_global_keys(keys, areas, None if search is None else lambda: search.run_method("focus"))
    listen(keys, areas)
    SessionWatch()

    with ui.column().classes("console-main w-full gap-2 p-3") as content:
        ui.label(title).classes("text-xl font-semibold").mark("page-title")
        yield content
