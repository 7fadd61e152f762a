"""Shared steps for page tests with NiceGUI's simulated `user`."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

from nicegui import ui
from nicegui.testing import User

from tests.conftest import PASSWORD

TIMEOUT = 20.0


async def sign_in(user: User, email: str, password: str = PASSWORD, *, next_path: str | None = None) -> None:
    await user.open("/login" + (f"?next={quote(next_path, safe='')}" if next_path else ""))
    user.find(marker="login-email").type(email)
    user.find(marker="login-password").type(password)
    user.find(marker="login-submit").click()


async def sign_in_and_wait(user: User, email: str, password: str = PASSWORD, *, next_path: str | None = None) -> None:
    """Sign in and wait until a framed page (any page with a title) has replaced the sign-in page."""
    await sign_in(user, email, password, next_path=next_path)
    await wait_until(lambda: sees_marker(user, "page-title"), what="a signed-in page after sign-in")


async def wait_until(predicate: Callable[[], Any], *, timeout: float = TIMEOUT, what: str = "condition") -> None:
    """Poll `predicate` (server work runs in threads and background tasks) until it is truthy."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        if predicate():
            return
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.05)


def loading_parts(user: User) -> list[str]:
    """The markers of page parts still loading (`console.ui.later` placeholders end in "-loading")."""
    if user.client is None:
        return []
    return [m for e in list(user.client.elements.values()) for m in e._markers if m.endswith("-loading")]


async def wait_loaded(user: User) -> None:
    """Wait until the page's later parts (side panels, histories) are drawn."""
    await wait_until(lambda: not loading_parts(user), what="the page's later parts")


def sees_marker(user: User, marker: str) -> bool:
    return user.client is not None and bool(user._gather_elements(marker=marker))


def element(user: User, marker: str) -> Any:
    """The single element carrying `marker` (fails when there is none or more than one)."""
    found = user.find(marker=marker).elements
    assert len(found) == 1, f"expected one element marked {marker!r}, found {len(found)}"
    return next(iter(found))


def current_path(user: User) -> str:
    """The path of the page the user is on (after any redirects)."""
    assert user.client is not None and user.client.request is not None
    return str(user.client.request.url.path)


def current_url(user: User) -> str:
    assert user.client is not None and user.client.request is not None
    return str(user.client.request.url)


def caption(user: User) -> str:
    return str(element(user, "table-caption").text)


def table(user: User) -> ui.table:
    found = element(user, "paged-table")
    assert isinstance(found, ui.table)
    return found


def rows(user: User) -> list[dict[str, Any]]:
    return list(table(user).rows)


async def wait_for_caption(user: User, expected: str) -> None:
    await wait_until(
        lambda: sees_marker(user, "table-caption") and caption(user) == expected, what=f"table caption {expected!r}"
    )


async def wait_for_rows(user: User, predicate: Callable[[list[dict[str, Any]]], bool], what: str) -> list[dict]:
    """Wait until the loaded table rows satisfy `predicate` (table loads run off the event loop)."""
    await wait_until(
        lambda: sees_marker(user, "table-caption") and caption(user) != "" and predicate(rows(user)), what=what
    )
    return rows(user)


def all_elements(user: User, kind: type) -> list[Any]:
    """Every element of `kind` on the page, visible or not."""
    assert user.client is not None
    return [e for e in user.client.layout.descendants() if isinstance(e, kind)]


def is_shown(target: ui.element) -> bool:
    """Visible to a person: the simulated user's filters ignore closed dialogs, this does not."""
    chain = [target, *target.ancestors()]
    return all(e.visible for e in chain) and all(e.value for e in chain if isinstance(e, ui.dialog))


def shown(user: User, marker: str) -> bool:
    """Whether an element with `marker` is on the page and not hidden (also not inside a closed dialog)."""
    return user.client is not None and any(is_shown(e) for e in all_marked(user, marker))


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links.append({name: value or "" for name, value in attrs})

    def handle_data(self, data: str) -> None:
        if self.links:
            self.links[-1]["text"] = self.links[-1].get("text", "") + data


def navigation_links(user: User, marker: str = "navigation") -> list[dict[str, str]]:
    """The left navigation's links (one HTML element, console/ui/frame.py), each as its attributes and its text;
    `marker="home-areas"`: home's area cards (console/ui/home/view.py)."""
    navs = all_marked(user, marker)
    assert len(navs) == 1, f"{len(navs)} {marker} elements"
    parser = _Links()
    parser.feed(navs[0].content)
    return parser.links


# drawn as HTML by functions that escape what they are given (test_page_open_cost checks each with markup): the
# navigation, home's area cards and the header's signed-in staff member
CONSTANT_HTML = {"navigation", "home-areas", "staff-name"}


def raw_html(user: User) -> list[Any]:
    """The page's `ui.html` elements but those in CONSTANT_HTML: where a name with markup would be drawn as markup
    instead of text."""
    return [e for e in all_elements(user, ui.html) if not CONSTANT_HTML & set(e._markers)]


def in_navigation(user: User, path: str) -> bool:
    return any(link["href"] == path for link in navigation_links(user))


def select_rows(user: User, chosen: list[dict[str, Any]]) -> None:
    """Tick `chosen` in the page's paged table, as a click on their checkboxes does."""
    user.find(marker="paged-table").trigger(
        "selection", {"added": True, "rows": chosen, "keys": [r["id"] for r in chosen]}
    )


def all_marked(user: User, marker: str) -> list[Any]:
    assert user.client is not None
    return [e for e in user.client.layout.descendants() if marker in e._markers]


def conflict_rows(user: User, mark: str) -> dict[str, tuple[str, str]]:
    """A conflict panel's differences (console/ui/conflict.py), field label -> (stored now, yours), as shown."""

    def texts(part: str) -> list[str]:
        return [str(e.text) for e in all_marked(user, f"{mark}-{part}")]

    return {
        field: (now, yours) for field, now, yours in zip(texts("field"), texts("stored"), texts("yours"), strict=True)
    }


# Ctrl+S as ui.keyboard reports it: `user.find(marker="…-keys").trigger("key", CTRL_S)` (keymap.save_key).
CTRL_S = {
    "action": "keydown",
    "repeat": False,
    "altKey": False,
    "ctrlKey": True,
    "metaKey": False,
    "shiftKey": False,
    "key": "s",
    "code": "KeyS",
    "location": 0,
}
