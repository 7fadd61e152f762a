"""`console.ui.later` and `ui.page.body_later` on pages of their own: a part shows a placeholder, then what its
read returned; a service's refusal is said in words (a page body's NotFound is the in-frame 404); a fault is logged
and told without a stack trace; and a part of a page already left is not drawn."""

from __future__ import annotations

import asyncio
import threading

import pytest
from nicegui import ui
from nicegui.testing import User

from console.errors import Forbidden, NotFound
from console.ui.later import FAULT, later, when_connected
from console.ui.page import body_later
from tests.ui.helpers import all_marked, element, loading_parts, shown, wait_loaded


async def test_a_part_shows_a_placeholder_then_its_data(signed_in: User) -> None:
    user, gate = signed_in, threading.Event()

    def slow() -> list[str]:
        assert gate.wait(5)
        return ["first", "second"]

    @ui.page("/test/later")
    def page() -> None:
        ui.label("above the fold").mark("fold")
        later(slow, lambda rows: [ui.label(r).mark("later-row") for r in rows], marker="t-part")

    await user.open("/test/later")
    assert shown(user, "fold") and loading_parts(user) == ["t-part-loading"]
    gate.set()
    await wait_loaded(user)
    assert [e.text for e in all_marked(user, "later-row")] == ["first", "second"]


async def test_refusals_are_said_and_faults_are_not_shown_as_traces(
    signed_in: User, caplog: pytest.LogCaptureFixture
) -> None:
    user = signed_in

    def refused() -> None:
        raise Forbidden("Only finance may read this.")

    def broken() -> None:
        raise RuntimeError("psycopg exploded at line 42")

    @ui.page("/test/later-refused")
    def page() -> None:
        later(refused, lambda _: ui.label("never"), marker="t-refused")
        later(broken, lambda _: ui.label("never"), marker="t-broken")

    await user.open("/test/later-refused")
    await wait_loaded(user)
    assert element(user, "t-refused-refused").text == "Only finance may read this."
    assert element(user, "t-broken-refused").text == FAULT
    await user.should_not_see("psycopg exploded")
    assert "psycopg exploded" in caplog.text  # logged for the operator
    caplog.clear()  # expected: the user plugin fails a test that leaves ERROR records


async def test_a_page_body_later_keeps_the_in_frame_404(signed_in: User) -> None:
    user = signed_in

    def missing() -> None:
        raise NotFound("There is no case #99.")

    @ui.page("/test/later-404")
    def page() -> None:
        body_later(missing, lambda _: ui.label("never"), marker="t-body")

    await user.open("/test/later-404")
    await wait_loaded(user)
    assert shown(user, "not-found")
    await user.should_see("There is no case #99.")


async def test_when_connected_draws_in_its_slot_without_a_timer_and_not_once_its_part_is_gone(
    signed_in: User,
) -> None:
    """What `ui.timer(0, fill, once=True)` did, without the timer's element: the fill runs once the page is
    connected, in the slot it was set up in (sync or async), and not at all when that part was deleted before."""
    user, ran, timers = signed_in, [], []

    async def later_async() -> None:
        await asyncio.sleep(0)
        ui.label("drawn async").mark("t-async")

    @ui.page("/test/when-connected")
    def page() -> None:
        with ui.column().mark("t-kept"):
            when_connected(lambda: ui.label("drawn").mark("t-drawn"), name="t-kept")
            when_connected(later_async, name="t-async")
        with ui.column() as gone:
            when_connected(lambda: ran.append("gone"), name="t-gone")
        gone.delete()  # e.g. refreshed before the page connected
        timers.extend(e for e in ui.context.client.elements.values() if isinstance(e, ui.timer))

    await user.open("/test/when-connected")
    await user.should_see(marker="t-drawn")
    await user.should_see(marker="t-async")
    kept = element(user, "t-kept")
    assert [type(e) for e in kept.default_slot.children] == [ui.label, ui.label]
    assert ran == [] and timers == []
