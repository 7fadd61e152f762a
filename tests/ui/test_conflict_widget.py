"""The shared conflict widget (console/ui/conflict.py) on a page of its own: the panel lists the labelled fields
that differ, written by the caller's `show_value`, plus the caller's extra rows, says who changed it and at which
version, keeps the input note, and runs the chosen action; the dialog closes (and is deleted) before its choice
runs, Cancel only closes, and a conflict with no differing field says so."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from nicegui import ui
from nicegui.testing import User

from console.errors import Conflict
from console.ui.conflict import KEEP_NOTE, SAME_NOTE, ConflictActions, ConflictDialog, ConflictPanel, display
from tests.ui.helpers import all_marked, conflict_rows, element, shown, wait_until

LABELS = {"title": "Title", "slug": "Slug", "genres": "Genres", "featured": "Featured", "collection_id": "Collection"}
STORED = {"title": "Theirs", "slug": "same", "genres": ["drama", "comedy"], "featured": True, "collection_id": 3}
TYPED = {"title": "Mine", "slug": " same ", "genres": [], "featured": False, "collection_id": 5}


def _show(key: str, value: Any) -> str:
    return f"Collection #{value}" if key == "collection_id" else display(value)


async def test_the_panel_shows_what_differs_and_runs_the_chosen_action(signed_in: User) -> None:
    user, chosen = signed_in, []
    holder: dict[str, ConflictPanel] = {}

    @ui.page("/test/conflict-panel")
    def page() -> None:
        actions = ConflictActions(on_keep_mine=lambda: chosen.append("mine"))
        panel = holder["panel"] = ConflictPanel(LABELS, show_value=_show, actions=actions, mark="t-conflict")
        exc = Conflict("It was changed by Max while you edited it.", current=STORED, changed_by="Max")
        panel.show(exc, TYPED, version=4, extra=[("Performers", "Ann, Bob", "Ann")])

    await user.open("/test/conflict-panel")
    await wait_until(lambda: shown(user, "t-conflict"), what="the panel")
    assert conflict_rows(user, "t-conflict") == {
        "Title": ("Theirs", "Mine"),
        "Genres": ("drama, comedy", "—"),
        "Featured": ("yes", "no"),
        "Collection": ("Collection #3", "Collection #5"),
        "Performers": ("Ann, Bob", "Ann"),
    }  # the slug differs only by blanks: not listed
    assert element(user, "t-conflict-who").text == "Changed by Max (now version 4)"
    assert element(user, "t-conflict-keep").text == KEEP_NOTE
    assert not all_marked(user, "t-conflict-take-theirs") and not all_marked(user, "t-conflict-cancel")
    user.find(marker="t-conflict-keep-mine").click()
    await wait_until(lambda: chosen == ["mine"], what="the handler")
    holder["panel"].hide()
    await wait_until(lambda: not shown(user, "t-conflict"), what="the panel hidden")
    assert not all_marked(user, "t-conflict-stored")


async def test_the_panel_says_when_it_was_changed(signed_in: User) -> None:
    """A Conflict that carries `changed_at` (every service's stale save, console/audit/last_change.py) says how long
    ago, with the exact time on hover."""
    user = signed_in
    at = datetime.now(UTC) - timedelta(minutes=4, seconds=10)

    @ui.page("/test/conflict-when")
    def page() -> None:
        exc = Conflict("Changed meanwhile.", current=STORED, changed_by="Max", changed_at=at)
        ConflictPanel(LABELS, mark="w-conflict").show(exc, TYPED, version=7)

    await user.open("/test/conflict-when")
    await wait_until(lambda: shown(user, "w-conflict"), what="the panel")
    assert element(user, "w-conflict-who").text == "Changed by Max 4 minutes ago (now version 7)"


async def test_the_dialog_closes_before_its_choice_and_cancel_only_closes(signed_in: User) -> None:
    user, chosen = signed_in, []

    async def take() -> None:
        chosen.append(("theirs", bool(all_marked(user, "c-dialog"))))

    @ui.page("/test/conflict-dialog")
    def page() -> None:
        dialog = ConflictDialog(
            LABELS, title="Saved meanwhile", on_take_theirs=take, on_keep_mine=lambda: None, mark="c"
        )
        same = Conflict("Changed elsewhere.", current={"title": "Mine", "state": "live"})
        ui.button("Open same", on_click=lambda: dialog.open(same, {"title": "Mine"})).mark("open-same")
        ui.button("Open", on_click=lambda: dialog.open(Conflict("Changed.", current=STORED), TYPED)).mark("open")

    await user.open("/test/conflict-dialog")
    user.find(marker="open-same").click()
    await wait_until(lambda: shown(user, "c-dialog"), what="the dialog")
    assert element(user, "c-same").text == SAME_NOTE  # nothing labelled differs: it says so
    assert not all_marked(user, "c-keep")  # the choice is the buttons', not a note
    user.find(marker="c-cancel").click()
    await wait_until(lambda: not all_marked(user, "c-dialog"), what="the dialog deleted")
    assert chosen == []

    user.find(marker="open").click()
    await wait_until(lambda: shown(user, "c-dialog"), what="the dialog again")
    assert conflict_rows(user, "c")["Title"] == ("Theirs", "Mine")
    user.find(marker="c-take-theirs").click()
    await wait_until(lambda: chosen == [("theirs", False)], what="the choice, after the dialog went")
