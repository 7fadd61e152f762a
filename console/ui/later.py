"""A part of a page built after the page is on screen: side panels and histories below the fold.

Their reads would otherwise hold the whole page until the database answers (a page open is the HTTP answer plus
the socket handshake; NiceGUI sends nothing before the page function returns). `later` puts a placeholder where
the part goes, reads its data off the event loop once the browser is connected, and then draws the part there:

    later(lambda: load_history(actor, member_id), self.draw_history, marker="member-history")

The placeholder carries the marker with `-loading` appended, so a test (or a person) can tell "still loading" from
"nothing to show". A refusal (`ConsoleError`) is shown in the placeholder's place, in words; the read runs in the
viewer's time zone like every `ui.work.read`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from nicegui import background_tasks, helpers, run, ui

from console.errors import ConsoleError
from console.ui.formatting import in_viewer_zone

T = TypeVar("T")
log = logging.getLogger(__name__)
FAULT = "This part could not be loaded. Reload the page; if it happens again, tell an admin."


def later(
    load: Callable[[], T],
    draw: Callable[[T], None],
    *,
    marker: str,
    classes: str = "w-full",
    placeholder_height: str = "h-16",
    refused: Callable[[ConsoleError], None] | None = None,
) -> ui.element:
    """A box drawn by `draw(load())` once the page is shown; returns the box.
    `refused(exc)` draws a service's refusal in the box instead of the default line (a page's 404 or 403)."""
    box = ui.element("div").classes(classes)

    async def fill() -> None:
        await _refill(box, load, draw, marker=marker, refused=refused)

    _placeholder(box, marker, placeholder_height)
    when_connected(fill, name=marker, unless_gone=box)
    return box


def when_connected(
    fill: Callable[[], Awaitable[Any] | Any], *, name: str, unless_gone: ui.element | None = None
) -> None:
    """`fill()` once the page's socket is connected: what `ui.timer(0, fill, once=True)` does, without the timer's
    element (one more element on every page open). Like the timer's callback it runs in the slot it was set up in,
    and not at all once that slot's element (or `unless_gone`) has been deleted, e.g. by a refresh; an error reaches
    the client's handlers."""
    slot = ui.context.slot
    guard = unless_gone if unless_gone is not None else slot.parent
    client = guard.client

    async def run_when_connected() -> None:
        await client.connected()  # at once if connected already; also ends when the client is deleted
        if guard.is_deleted or slot.parent.is_deleted or client.is_deleted:
            return
        result = fill()
        if helpers.should_await(result):  # as the timer does: a sync fill's return value is not awaited
            await result

    background_tasks.create(run_when_connected(), name=f"when connected: {name}", context=slot)


def drawn_later(
    draw: Callable[[], None], *, marker: str, classes: str = "w-full", placeholder_height: str = "h-16"
) -> ui.element:
    """A box drawn by `draw()` once the page is shown, for parts whose data the page has already read but whose
    elements need not hold the first answer (a column beside an editor's form, cards below it)."""
    box = ui.element("div").classes(classes)
    _placeholder(box, marker, placeholder_height)

    def fill() -> None:
        if box.is_deleted:
            return
        box.clear()
        with box:
            draw()

    when_connected(fill, name=marker, unless_gone=box)
    return box


async def _refill(
    box: ui.element,
    load: Callable[[], T],
    draw: Callable[[T], None],
    *,
    marker: str,
    refused: Callable[[ConsoleError], None] | None = None,
) -> None:
    """Read again and redraw the box (after a change the part shows)."""
    failure: ConsoleError | None = None
    try:
        answer = await run.io_bound(in_viewer_zone(lambda: (load(),)))  # a tuple: None only when shutting down
    except ConsoleError as exc:
        answer, failure = None, exc
    except Exception:  # a fault, not a refusal: logged for the operator, told in words to the staff member
        log.exception("loading the page part %s failed", marker)
        answer, failure = None, ConsoleError(FAULT)
    if box.is_deleted or (answer is None and failure is None):  # the page was left, or the app is shutting down
        return
    box.clear()
    with box:
        if answer is not None:
            draw(answer[0])
        elif refused is not None and failure is not None and failure.message != FAULT:
            refused(failure)
        else:
            ui.label(failure.message if failure else FAULT).classes("text-sm text-negative").mark(f"{marker}-refused")


def _placeholder(box: ui.element, marker: str, height: str) -> None:
    with box:
        ui.element("q-skeleton").props("type=rect animation=fade").classes(f"w-full {height}").mark(f"{marker}-loading")
