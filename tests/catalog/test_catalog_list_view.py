"""The video list as a view class (issue 13): long titles stay in their cell, the collection filter and the bulk move
search the collections on the server (a few at a time, never all of them), the address preselects a collection,
the include-deleted checkbox and Clear, j / k / x and Enter, and dialogs that are gone once closed."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from nicegui.testing import User

from console import db
from console.actor import SYSTEM
from console.catalog import collections as collection_service
from console.catalog import service as video_service
from console.catalog.collections import CHOICES_PAGE
from console.catalog.list_pages import bulk as bulk_page
from console.catalog.list_pages.rows import CLIPPED_COLUMNS
from console.catalog.models import Video
from console.catalog.service import BulkResult
from console.db import utc_today
from console.staff.preferences import set_time_zone
from console.ui.searched_select import SearchedSelect
from tests.catalog.factories import make_publishable_video
from tests.moderation.page_helpers import press
from tests.ui.helpers import (
    all_marked,
    current_path,
    element,
    rows,
    shown,
    sign_in_and_wait,
    wait_for_rows,
    wait_until,
)

ROOT = Path(__file__).resolve().parents[2]
LONG_TITLE = "Unbroken" + "x" * 292  # 300 characters and not one space


@pytest.fixture
async def content_user(user: User, make_staff) -> User:
    _, email = make_staff("content", email="cleo.content@test.example", name="Cleo Content")
    await sign_in_and_wait(user, email)
    return user


def _collections(count: int) -> list[int]:
    with db.session_scope() as session:
        return [
            collection_service.create_collection(session, actor=SYSTEM, data={"name": f"Shelf {n:02d}"}).id
            for n in range(1, count + 1)
        ]


def _video(title: str, **data: object) -> int:
    with db.session_scope() as session:
        return video_service.create_video(session, actor=SYSTEM, data={"title": title, **data}).id


def _collection_of(video_id: int) -> int | None:
    with db.session_scope() as session:
        video = session.get(Video, video_id)
        assert video is not None
        return video.collection_id


def _options(select: SearchedSelect) -> dict:
    assert isinstance(select.options, dict)
    return dict(select.options)


async def test_a_long_title_is_clipped_in_its_cell_with_the_whole_text_on_hover(content_user: User) -> None:
    user = content_user
    _video(LONG_TITLE)
    await user.open("/catalog")
    found = await wait_for_rows(user, lambda found: len(found) == 1, "the video")
    assert found[0]["title"] == LONG_TITLE  # the row carries the whole title; the cell decides how it shows
    table = element(user, "paged-table")
    for name in CLIPPED_COLUMNS:
        template = table.slots[f"body-cell-{name}"].template
        assert 'class="console-clip"' in template
        assert ':title="props.value"' in template  # the whole text on hover
        assert "{{ props.value }}" in template and "v-html" not in template  # rendered as text
    css = (ROOT / "assets" / "console.css").read_text()
    rule = next(line for line in css.splitlines() if ".console-clip" in line and "{" in line)
    for needed in ("max-width", "overflow: hidden", "text-overflow: ellipsis", "white-space: nowrap"):
        assert needed in rule, needed


async def test_the_collection_filter_searches_the_server_a_few_at_a_time(content_user: User) -> None:
    user = content_user
    ids = _collections(CHOICES_PAGE + 5)
    last = ids[-1]
    _video("On the last shelf", collection_id=last)
    _video("On the first shelf", collection_id=ids[0])
    await user.open("/catalog")
    await wait_for_rows(user, lambda found: len(found) == 2, "both videos")
    select = element(user, "catalog-collection")
    assert isinstance(select, SearchedSelect)
    assert _options(select) == {None: "Any collection"}  # nothing read while the page was built

    user.find(marker="catalog-collection").trigger("popupShow")
    await wait_until(lambda: len(_options(select)) == CHOICES_PAGE + 1, what=f"the first collections {select.options}")
    assert last not in _options(select)  # past the first page: found by typing, not sent with the others

    user.find(marker="catalog-collection").trigger("inputValue", f"shelf {len(ids)}")
    await wait_until(lambda: _options(select) == {None: "Any collection", last: f"Shelf {len(ids):02d}"}, what="one")
    select.value = last
    found = await wait_for_rows(user, lambda found: len(found) == 1, "the last shelf's video")
    assert found[0]["title"] == "On the last shelf"
    assert found[0]["collection"] == f"Shelf {len(ids):02d}"

    user.find(marker="catalog-collection").trigger("inputValue", "shelf 01")  # another search keeps the choice
    await wait_until(lambda: ids[0] in _options(select), what="the other search")
    assert select.value == last and _options(select)[last] == f"Shelf {len(ids):02d}"


async def test_the_address_preselects_a_collection_and_ignores_an_unknown_one(content_user: User) -> None:
    user = content_user
    first, second = _collections(2)
    _video("First shelf video", collection_id=first)
    _video("Second shelf video", collection_id=second)
    await user.open(f"/catalog?collection={second}")
    found = await wait_for_rows(user, lambda found: len(found) == 1, "the second shelf's video")
    assert found[0]["title"] == "Second shelf video"
    select = element(user, "catalog-collection")
    assert select.value == second and _options(select)[second] == "Shelf 02"

    await user.open("/catalog?collection=987654")
    await wait_for_rows(user, lambda found: len(found) == 2, "every video")
    assert element(user, "catalog-collection").value is None


async def test_include_deleted_and_clear(content_user: User) -> None:
    user = content_user
    keep = _video("Kept")
    gone = _video("Gone")
    with db.session_scope() as session:
        video_service.bulk(session, actor=SYSTEM, action="delete", video_ids=[gone])
    await user.open("/catalog")
    await wait_for_rows(user, lambda found: [r["id"] for r in found] == [keep], "the live video")
    user.find(marker="catalog-include-deleted").click()
    found = await wait_for_rows(user, lambda found: len(found) == 2, "the deleted one too")
    assert "Gone (deleted)" in [r["title"] for r in found]
    user.find(marker="catalog-clear").click()
    await wait_for_rows(user, lambda found: [r["id"] for r in found] == [keep], "the live video again")
    assert element(user, "catalog-include-deleted").value is False


async def test_bulk_move_searches_collections_and_leaves_no_dialog_behind(content_user: User) -> None:
    user = content_user
    (target,) = _collections(1)
    a, b = _video("Move A"), _video("Move B")
    await user.open("/catalog")
    found = await wait_for_rows(user, lambda found: len(found) == 2, "two videos")
    user.find(marker="paged-table").trigger("selection", {"added": True, "rows": found, "keys": [a, b]})
    user.find(marker="bulk-move").click()
    await wait_until(lambda: shown(user, "bulk-collection"), what="the value dialog")
    select = element(user, "bulk-collection")
    await wait_until(lambda: _options(select) == {target: "Shelf 01"}, what="the collections, read on opening")
    user.find(marker="bulk-value-ok").click()
    assert select.error == "Choose one"  # nothing chosen: the dialog stays, nothing moves
    select.value = target
    user.find(marker="bulk-value-ok").click()
    await wait_until(lambda: shown(user, "confirm-ok"), what="the confirmation")
    await user.should_see("Each one moves to the collection “Shelf 01”.")
    user.find(marker="confirm-ok").click()
    await wait_until(lambda: shown(user, "bulk-result"), what="the result")
    assert element(user, "bulk-changed").text == "Changed: 2"
    assert (_collection_of(a), _collection_of(b)) == (target, target)
    user.find(marker="bulk-result-close").click()
    await wait_until(lambda: all_marked(user, "bulk-result") == [], what="the result dialog deleted")
    for marker in ("bulk-value", "bulk-collection", "confirm-ok"):
        assert all_marked(user, marker) == [], marker  # deleted after closing, not hidden and piling up


async def test_the_bulk_bar_says_what_runs_in_place_of_its_buttons(content_user: User, monkeypatch) -> None:
    user = content_user
    a, b = _video("Slow A"), _video("Slow B")
    gate = threading.Event()

    def slow_bulk(*args: object, **kwargs: object) -> BulkResult:
        assert gate.wait(10), "the test never let the action finish"
        return video_service.bulk(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(bulk_page, "bulk", slow_bulk)
    await user.open("/catalog")
    found = await wait_for_rows(user, lambda found: len(found) == 2, "two videos")
    user.find(marker="paged-table").trigger("selection", {"added": True, "rows": found, "keys": [a, b]})
    user.find(marker="bulk-feature").click()
    await wait_until(lambda: shown(user, "confirm-ok"), what="the confirmation")
    user.find(marker="confirm-ok").click()
    await wait_until(lambda: shown(user, "bulk-working"), what="the bar saying what runs")
    assert element(user, "bulk-working").text == "Feature 2 videos …"
    assert element(user, "bulk-selected").text == "2 videos selected"
    assert "whitespace-nowrap" in element(user, "bulk-selected").classes  # it broke over two lines at 1,440 px
    assert not shown(user, "bulk-feature") and not shown(user, "bulk-delete")  # no second action meanwhile
    gate.set()
    await wait_until(lambda: shown(user, "bulk-result"), what="the result")
    assert element(user, "bulk-changed").text == "Changed: 2"
    assert not shown(user, "bulk-bar") and not shown(user, "bulk-working")  # the selection is cleared


async def test_bulk_move_with_no_collections_says_so(content_user: User) -> None:
    user = content_user
    a = _video("Nowhere to go")
    await user.open("/catalog")
    found = await wait_for_rows(user, lambda found: len(found) == 1, "the video")
    user.find(marker="paged-table").trigger("selection", {"added": True, "rows": found, "keys": [a]})
    user.find(marker="bulk-move").click()
    await wait_until(lambda: user.notify.contains("There are no collections yet."), what="the message")
    assert all_marked(user, "bulk-value") == []
    assert _collection_of(a) is None


async def test_j_k_and_enter_open_the_highlighted_video(content_user: User) -> None:
    user = content_user
    _video("Older")
    await user.open("/catalog")
    await wait_for_rows(user, lambda found: len(found) == 1, "the video")
    newest = _video("Newest")
    user.find(marker="catalog-search-go").click()
    await wait_for_rows(user, lambda found: len(found) == 2, "both videos")
    assert not all_marked(user, "bulk-bar") and not all_marked(user, "bulk-publish")  # built at the first selection
    press(user, "j")
    await wait_until(lambda: [r["cursor"] for r in rows(user)] == [True, False], what="the first row highlighted")
    press(user, "j")
    await wait_until(lambda: [r["cursor"] for r in rows(user)] == [False, True], what="the second row highlighted")
    press(user, "k")
    await wait_until(lambda: [r["cursor"] for r in rows(user)] == [True, False], what="the first row again")
    press(user, "x")  # as in the moderation and ads queues: the highlighted row joins the selection
    await wait_until(lambda: shown(user, "bulk-bar"), what="the bulk bar")
    assert element(user, "bulk-selected").text == "1 video selected"
    press(user, "x")
    await wait_until(lambda: not shown(user, "bulk-bar"), what="the selection emptied again")
    press(user, "Enter")
    await wait_until(lambda: current_path(user) == f"/catalog/{newest}", what="the editor of the newest video")


async def test_no_page_key_fires_behind_an_open_dialog(content_user: User) -> None:
    """Enter in "Delete 1 video?" (the focus is on the dialog, not a button) opened the highlighted video behind
    it and dropped the dialog."""
    user = content_user
    video = _video("Behind the dialog")
    await user.open("/catalog")
    await wait_for_rows(user, lambda found: len(found) == 1, "the video")
    press(user, "j")
    press(user, "x")
    await wait_until(lambda: shown(user, "bulk-bar"), what="the bulk bar")
    user.find(marker="bulk-delete").click()
    await wait_until(lambda: shown(user, "confirm-ok"), what="the confirmation")
    for key in ("Enter", "x", "j", "?"):
        press(user, key)
    press(user, "g")
    press(user, "m")
    await asyncio.sleep(0.3)  # what a handler would have done by now
    assert current_path(user) == "/catalog" and shown(user, "confirm-ok")
    assert element(user, "bulk-selected").text == "1 video selected" and not all_marked(user, "shortcut-sheet")
    user.find(marker="confirm-ok").click()
    await wait_until(lambda: shown(user, "bulk-result"), what="the result")
    user.find(marker="bulk-result-close").click()
    await wait_until(lambda: not all_marked(user, "bulk-result"), what="the result closed")
    press(user, "?")  # no dialog open: the keys work again
    await wait_until(lambda: bool(all_marked(user, "shortcut-sheet")), what="the shortcut sheet")
    with db.session_scope() as session:
        assert session.get(Video, video) is None or session.get(Video, video).deleted_at is not None


async def test_bulk_schedule_reads_the_time_in_the_staff_members_zone(user: User, make_staff, actor_for) -> None:
    staff_id, email = make_staff("content", email="nina.newyork@test.example", name="Nina New York")
    with db.session_scope() as session:
        set_time_zone(session, actor=actor_for(staff_id), time_zone="America/New_York")
    await sign_in_and_wait(user, email)
    a, b = make_publishable_video(title="Fourth A"), make_publishable_video(title="Fourth B")
    await user.open("/catalog")
    found = await wait_for_rows(user, lambda found: len(found) == 2, "two videos")
    user.find(marker="paged-table").trigger("selection", {"added": True, "rows": found, "keys": [a, b]})
    user.find(marker="bulk-schedule").click()
    await wait_until(lambda: shown(user, "bulk-date"), what="the value dialog")
    assert element(user, "bulk-time").props["label"] in ("Time (EST)", "Time (EDT)")  # named for today
    year = utc_today().year + 2  # a schedule is taken up to three years ahead
    user.find(marker="bulk-date").type(f"{year}-07-04")
    assert element(user, "bulk-time").props["label"] == "Time (EDT)"  # named for the date typed, summer time
    user.find(marker="bulk-time").type("20:00")
    user.find(marker="bulk-value-ok").click()
    await wait_until(lambda: shown(user, "confirm-ok"), what="the confirmation")
    await user.should_see(f"Each one goes public at {year}-07-04 20:00 EDT", retries=1)
    user.find(marker="confirm-ok").click()
    await wait_until(lambda: shown(user, "bulk-result"), what="the result")
    with db.session_scope() as session:
        stored = {session.get(Video, i).publish_at for i in (a, b)}  # type: ignore[union-attr]
    assert stored == {datetime(year, 7, 5, 0, 0, tzinfo=UTC)}  # 20:00 EDT is midnight UTC


async def test_the_search_and_state_go_into_the_address(content_user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    from nicegui import ui

    user = content_user
    make_publishable_video(title="Harbor lights")
    addresses: list[str] = []
    monkeypatch.setattr(ui.navigate.history, "replace", addresses.append)
    await user.open("/catalog?held=1")
    await wait_until(lambda: shown(user, "catalog-held"), what="the held chip")
    user.find(marker="catalog-search").type("harbor")
    user.find(marker="catalog-search-go").click()
    await wait_until(lambda: addresses[-1:] == ["/catalog?q=harbor&held=1"], what="the address")
    element(user, "catalog-state").value = "draft"
    await wait_until(lambda: addresses[-1:] == ["/catalog?q=harbor&state=draft&held=1"], what="the state too")
