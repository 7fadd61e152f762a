"""Collections page, paged on the server (issue 13): a page of rows with the count and range, the pager and its
keys, moves across a page's edge, the search (name or slug contains, rows keep their place, no moves), dialogs
deleted when closed, and a refused save that keeps the typed input."""

from __future__ import annotations

import pytest
from nicegui import ui
from nicegui.testing import User

from console import db
from console.actor import SYSTEM
from console.catalog import collections as collection_service
from console.catalog.collection_pages.listing import PAGE_SIZE
from console.catalog.models import Collection
from console.errors import Forbidden, ValidationFailed
from console.paging import PageRequest
from tests.catalog.test_collection_pages import CONTENT_EMAIL, _collection, _names_on_page, _stored_order
from tests.moderation.page_helpers import press
from tests.ui.helpers import all_elements, element, shown, sign_in_and_wait, wait_until

TOTAL = PAGE_SIZE + 5


@pytest.fixture
async def content_user(user: User, make_staff) -> User:
    make_staff("content", email=CONTENT_EMAIL, name="Cora Content")
    await sign_in_and_wait(user, CONTENT_EMAIL)
    return user


def _many(count: int) -> list[str]:
    names = [f"Shelf {n:02d}" for n in range(1, count + 1)]
    with db.session_scope() as session:
        for name in names:
            collection_service.create_collection(session, actor=SYSTEM, data={"name": name})
    return names


def _text(user: User, marker: str) -> str:
    return str(element(user, marker).text)


async def _open_paged(user: User, names: list[str]) -> None:
    await user.open("/collections")
    await wait_until(lambda: _names_on_page(user) == names[:PAGE_SIZE], what="the first page")


# --- the service --------------------------------------------------------------------------------------------


def test_list_page_in_display_order_with_the_total() -> None:
    names = _many(7)
    with db.session_scope() as session:
        first = collection_service.list_collections_page(session, actor=SYSTEM, page=PageRequest(1, 3))
        last = collection_service.list_collections_page(session, actor=SYSTEM, page=PageRequest(3, 3))
        assert [c.name for c in first.rows] == names[:3]
        assert [c.name for c in last.rows] == names[6:]
        assert (first.total, first.last_page, first.estimated) == (7, 3, False)


def test_move_swaps_with_the_neighbour_and_stops_at_the_ends() -> None:
    _many(3)
    with db.session_scope() as session:
        ids = [c.id for c in collection_service.list_collections(session, actor=SYSTEM)]
    with db.session_scope() as session:
        assert collection_service.move_collection(session, actor=SYSTEM, collection_id=ids[2], delta=-1) == 2
    assert _stored_order() == ["Shelf 01", "Shelf 03", "Shelf 02"]
    with db.session_scope() as session:
        assert collection_service.move_collection(session, actor=SYSTEM, collection_id=ids[0], delta=-1) == 0
        with pytest.raises(ValidationFailed):
            collection_service.move_collection(session, actor=SYSTEM, collection_id=ids[0], delta=2)
    assert _stored_order() == ["Shelf 01", "Shelf 03", "Shelf 02"]


def test_search_keeps_collections_whose_name_or_slug_contains_it_in_display_order() -> None:
    _many(12)
    with db.session_scope() as session:
        collection_service.create_collection(session, actor=SYSTEM, data={"name": "Late night", "slug": "shelf-x"})
        collection_service.create_collection(session, actor=SYSTEM, data={"name": "100% Shelf_1 picks"})

    def names(search: str, page: PageRequest | None = None) -> tuple[list[str], int]:
        with db.session_scope() as session:
            found = collection_service.list_collections_page(
                session, actor=SYSTEM, page=page or PageRequest(1, 50), search=search
            )
            return [c.name for c in found.rows], found.total

    assert names("shelf 1") == (["Shelf 10", "Shelf 11", "Shelf 12"], 3)
    assert names("  SHELF 1 ") == (["Shelf 10", "Shelf 11", "Shelf 12"], 3)  # trimmed, any case
    assert names("shelf-x") == (["Late night"], 1)  # the slug
    assert names("shelf 0", PageRequest(2, 4)) == (["Shelf 05", "Shelf 06", "Shelf 07", "Shelf 08"], 9)
    assert names("100%") == (["100% Shelf_1 picks"], 1)  # LIKE's wildcards are literal
    assert names("f_1") == (["100% Shelf_1 picks"], 1)
    assert names("nothing like it") == ([], 0)
    assert names("")[1] == 14


@pytest.mark.parametrize(
    ("search", "message"),
    [("x" * 121, "is too long (120 characters at most)"), ("a\x00b", "contains"), ("a\u202eb", "contains")],
)
def test_a_search_a_name_cannot_hold_is_refused_on_its_field(search: str, message: str) -> None:
    with db.session_scope() as session, pytest.raises(ValidationFailed) as refused:
        collection_service.list_collections_page(session, actor=SYSTEM, page=PageRequest(1, 10), search=search)
    assert message in refused.value.errors["search"]


def test_display_positions_count_over_the_whole_live_list() -> None:
    names = _many(5)
    ids = {name: _id_of(name) for name in names}
    with db.session_scope() as session:
        collection_service.delete_collection(session, actor=SYSTEM, collection_id=ids["Shelf 02"])
        for _ in range(2):  # 01, 03, 04, 05 -> 01, 05, 03, 04
            collection_service.move_collection(session, actor=SYSTEM, collection_id=ids["Shelf 05"], delta=-1)
    with db.session_scope() as session:
        places = collection_service.display_positions(
            session, actor=SYSTEM, ids={ids["Shelf 01"], ids["Shelf 05"], ids["Shelf 04"], ids["Shelf 02"]}
        )
    assert places == {ids["Shelf 01"]: 1, ids["Shelf 05"]: 2, ids["Shelf 04"]: 4}  # the deleted one left out


def test_reading_collections_needs_catalog_read(actor_for, make_staff) -> None:
    staff_id, _ = make_staff("finance", email="fin.collections@test.example")
    with db.session_scope() as session:
        with pytest.raises(Forbidden):
            collection_service.list_collections_page(
                session, actor=actor_for(staff_id), page=PageRequest(1, 10), search="x"
            )
        with pytest.raises(Forbidden):
            collection_service.display_positions(session, actor=actor_for(staff_id), ids={1})


# --- the page -----------------------------------------------------------------------------------------------


async def test_more_collections_than_a_page_show_a_page_the_count_and_the_rest_on_the_next(
    content_user: User,
) -> None:
    user = content_user
    names = _many(TOTAL)
    await _open_paged(user, names)
    assert _text(user, "collection-count") == f"{TOTAL} collections"
    assert _text(user, "collection-range") == f"1–{PAGE_SIZE} of {TOTAL}"
    assert element(user, "collection-pager").max == 2

    with user:
        element(user, "collection-pager").value = 2
    await wait_until(lambda: _names_on_page(user) == names[PAGE_SIZE:], what="the second page")
    assert _text(user, "collection-range") == f"{PAGE_SIZE + 1}–{TOTAL} of {TOTAL}"
    assert _text(user, "collection-count") == f"{TOTAL} collections"
    first_row = element(user, "collection-row-" + str(_id_of(names[PAGE_SIZE])))
    assert first_row._props["aria-label"] == f"{PAGE_SIZE + 1}. {names[PAGE_SIZE]}"  # numbered over the whole list

    press(user, "[")  # keys: previous and next page
    await wait_until(lambda: _names_on_page(user) == names[:PAGE_SIZE], what="back on the first page")
    press(user, "]")
    await wait_until(lambda: _names_on_page(user) == names[PAGE_SIZE:], what="the second page by key")

    with user:
        element(user, "collection-page-size").value = 50
    await wait_until(lambda: _names_on_page(user) == names, what="everything on one bigger page")
    assert not all_elements(user, ui.pagination)  # one page: no pager


def _id_of(name: str) -> int:
    with db.session_scope() as session:
        return next(c.id for c in collection_service.list_collections(session, actor=SYSTEM) if c.name == name)


async def test_move_across_the_page_edge_follows_the_collection(content_user: User) -> None:
    user = content_user
    names = _many(TOTAL)
    await _open_paged(user, names)
    last_on_page = _id_of(names[PAGE_SIZE - 1])
    assert element(user, f"collection-down-{last_on_page}").enabled  # its neighbour is on the next page
    user.find(marker=f"collection-down-{last_on_page}").click()
    expected = [names[PAGE_SIZE - 1], *names[PAGE_SIZE + 1 :]]  # first on page two now; its neighbour went up
    await wait_until(lambda: _names_on_page(user) == expected, what="page two with the moved collection")
    assert element(user, "collection-pager").value == 2
    assert _stored_order()[PAGE_SIZE - 1 : PAGE_SIZE + 1] == [names[PAGE_SIZE], names[PAGE_SIZE - 1]]
    assert not element(user, f"collection-down-{_id_of(names[-1])}").enabled  # the very last one


async def test_keys_highlight_a_row_and_enter_edits_it(content_user: User) -> None:
    user = content_user
    names = _many(3)
    await _open_paged(user, names)
    press(user, "j")
    first = element(user, f"collection-row-{_id_of(names[0])}")
    await wait_until(lambda: "console-cursor" in first.classes, what="the first row highlighted")
    press(user, "j")
    second = element(user, f"collection-row-{_id_of(names[1])}")
    await wait_until(lambda: "console-cursor" in second.classes, what="the second row highlighted")
    assert "console-cursor" not in first.classes
    press(user, "Enter")
    await wait_until(lambda: shown(user, "col-name"), what="the edit dialog")
    assert element(user, "col-name").value == names[1]


async def test_closed_dialogs_are_deleted(content_user: User) -> None:
    user = content_user
    names = _many(2)
    await _open_paged(user, names)
    for _ in range(3):
        user.find(marker="collection-new").click()
        await wait_until(lambda: shown(user, "col-name"), what="the new-collection dialog")
        user.find(marker="col-cancel").click()
        await wait_until(lambda: not all_elements(user, ui.dialog), what="the closed dialog deleted")
    user.find(marker=f"collection-edit-{_id_of(names[0])}").click()
    await wait_until(lambda: shown(user, "col-name"), what="the edit dialog")
    user.find(marker="col-description").type("Saved once.")
    user.find(marker="col-save").click()
    await wait_until(lambda: not all_elements(user, ui.dialog), what="the saved dialog deleted")


async def test_a_refused_save_keeps_the_input_and_says_why_in_the_form(content_user: User) -> None:
    user = content_user
    cid, other = _collection("Kept"), _collection("Taken")
    await _open_paged(user, ["Kept", "Taken"])
    user.find(marker=f"collection-edit-{cid}").click()
    await wait_until(lambda: shown(user, "col-name"), what="the edit dialog")
    user.find(marker="col-name").clear().type("Taken")  # a name another collection has: refused on the field
    user.find(marker="col-description").type("Words I typed")
    user.find(marker="col-save").click()
    await wait_until(lambda: element(user, "col-name").error is not None, what="the name refused")
    assert "already used" in element(user, "col-name").error
    assert element(user, "col-description").value == "Words I typed"

    with db.session_scope() as session:  # someone deletes it meanwhile: a refusal no field owns
        collection_service.delete_collection(session, actor=SYSTEM, collection_id=cid)
    user.find(marker="col-name").clear().type("Renamed")
    user.find(marker="col-save").click()
    await wait_until(lambda: shown(user, "col-summary"), what="the refusal in the form")
    assert "does not exist" in _text(user, "col-summary")
    assert shown(user, "col-save")  # still open, with everything typed
    assert element(user, "col-name").value == "Renamed"
    assert element(user, "col-description").value == "Words I typed"
    with db.session_scope() as session:
        stored = session.get(Collection, cid)
        assert stored is not None and stored.name == "Kept" and stored.description is None
        assert session.get(Collection, other) is not None


async def test_search_narrows_the_list_rows_keep_their_place_and_moves_wait(content_user: User) -> None:
    user = content_user
    names = _many(TOTAL)
    await _open_paged(user, names)
    user.find(marker="collection-search").type("shelf 2").trigger("keydown.enter")
    matching = [n for n in names if n.startswith("Shelf 2")]
    await wait_until(lambda: _names_on_page(user) == matching, what="the matching collections")
    assert _text(user, "collection-count") == f"{len(matching)} collections match"
    first = _id_of(matching[0])
    assert _text(user, f"collection-place-{first}") == str(names.index(matching[0]) + 1)  # its place in the list
    assert not all_elements(user, ui.pagination)
    assert not shown(user, f"collection-down-{first}")  # no moves in a searched list
    assert _text(user, "collection-hint") == "Clear the search to reorder."
    press(user, "j")
    press(user, "Enter")  # the keys work on the searched rows
    await wait_until(lambda: shown(user, "col-name"), what="the edit dialog")
    assert element(user, "col-name").value == matching[0]


async def test_a_search_with_no_match_says_so_and_a_refused_one_changes_nothing(content_user: User) -> None:
    user = content_user
    names = _many(3)
    await _open_paged(user, names)
    user.find(marker="collection-search").type("zzz").trigger("keydown.enter")
    await wait_until(lambda: shown(user, "collection-empty"), what="the empty list")
    assert _text(user, "collection-empty") == "No collection's name or slug contains “zzz”."

    search = element(user, "collection-search")
    with user:
        search.value = "bad\u202eterm"
    user.find(marker="collection-search").trigger("keydown.enter")
    await wait_until(lambda: search.error is not None, what="the message on the field")
    assert "contains" in str(search.error)
    assert _text(user, "collection-empty") == "No collection's name or slug contains “zzz”."  # the list as it was

    with user:
        search.value = ""
    user.find(marker="collection-search").trigger("clear")
    await wait_until(lambda: _names_on_page(user) == names, what="every collection again")
    assert search.error is None
    assert element(user, f"collection-down-{_id_of(names[0])}").enabled  # moves are back
