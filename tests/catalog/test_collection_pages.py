"""Collections page: display order and reordering, the create/edit dialog and its validation, the featured
video, delete refusal, literal names, stale edits, and what a catalog.read-only moderator sees."""

from __future__ import annotations

from typing import Any

import pytest
from nicegui import ui
from nicegui.testing import User
from sqlalchemy import func, select

from console import db
from console.actor import SYSTEM
from console.audit.models import AuditEvent
from console.catalog import collections as collection_service
from console.catalog import service as video_service
from console.catalog.models import Collection
from console.errors import Forbidden
from tests.ui.helpers import (
    all_elements,
    all_marked,
    conflict_rows,
    element,
    raw_html,
    shown,
    sign_in_and_wait,
    wait_until,
)

CONTENT_EMAIL = "cora.content@test.example"


@pytest.fixture
async def content_user(user: User, make_staff) -> User:
    make_staff("content", email=CONTENT_EMAIL, name="Cora Content")
    await sign_in_and_wait(user, CONTENT_EMAIL)
    return user


def _collection(name: str, **data: Any) -> int:
    with db.session_scope() as session:
        return collection_service.create_collection(session, actor=SYSTEM, data={"name": name, **data}).id


def _video(collection_id: int, title: str) -> int:
    with db.session_scope() as session:
        return video_service.create_video(
            session, actor=SYSTEM, data={"title": title, "collection_id": collection_id}
        ).id


def _stored(collection_id: int) -> Collection:
    with db.session_scope() as session:
        c = session.get(Collection, collection_id)
        assert c is not None
        return c


def _stored_order() -> list[str]:
    with db.session_scope() as session:
        return [c.name for c in collection_service.list_collections(session, actor=SYSTEM)]


def _collection_count() -> int:
    with db.session_scope() as session:
        return int(session.execute(select(func.count()).select_from(Collection)).scalar_one())


def _events(action: str) -> list[AuditEvent]:
    with db.session_scope() as session:
        return list(session.execute(select(AuditEvent).where(AuditEvent.action == action)).scalars())


def _names_on_page(user: User) -> list[str]:
    return [str(e.text) for e in all_marked(user, "collection-name")]


async def _open(user: User, expected: list[str]) -> None:
    await user.open("/collections")
    await wait_until(lambda: _names_on_page(user) == expected, what=f"the collections {expected}")


async def _open_new_dialog(user: User) -> None:
    await _open(user, _stored_order())
    user.find(marker="collection-new").click()
    await wait_until(lambda: shown(user, "col-name"), what="the new-collection dialog")


def _set(user: User, marker: str, value: Any) -> None:
    with user:
        element(user, marker).value = value


# --- order --------------------------------------------------------------------------------------------------


async def test_collections_in_order_and_arrows_reorder_persistently(content_user: User) -> None:
    user = content_user
    a, b, c = _collection("Alpha"), _collection("Bravo"), _collection("Charlie")
    await _open(user, ["Alpha", "Bravo", "Charlie"])
    await user.should_see("3 collections")
    assert not element(user, f"collection-up-{a}").enabled  # already first
    assert not element(user, f"collection-down-{c}").enabled  # already last

    user.find(marker=f"collection-down-{a}").click()
    await wait_until(lambda: _names_on_page(user) == ["Bravo", "Alpha", "Charlie"], what="Alpha moved down")
    assert _stored_order() == ["Bravo", "Alpha", "Charlie"]

    user.find(marker=f"collection-up-{c}").click()
    await wait_until(lambda: _names_on_page(user) == ["Bravo", "Charlie", "Alpha"], what="Charlie moved up")
    assert _stored_order() == ["Bravo", "Charlie", "Alpha"]

    # Keyboard: with a row focused, Alt+ArrowUp / Alt+ArrowDown.
    user.find(marker=f"collection-row-{a}").trigger("keydown.alt.up.prevent")
    await wait_until(lambda: _names_on_page(user) == ["Bravo", "Alpha", "Charlie"], what="Alt+Up on Alpha")
    user.find(marker=f"collection-row-{b}").trigger("keydown.alt.down.prevent")
    await wait_until(lambda: _names_on_page(user) == ["Alpha", "Bravo", "Charlie"], what="Alt+Down on Bravo")
    assert _stored_order() == ["Alpha", "Bravo", "Charlie"]
    moves = _events("collection.reorder")
    assert moves and {e.actor_label for e in moves} == {CONTENT_EMAIL}

    await _open(user, ["Alpha", "Bravo", "Charlie"])  # a fresh page reads the stored order


async def test_rows_show_swatches_counts_and_featured_video(content_user: User) -> None:
    user = content_user
    cid = _collection("Neon", color_primary="#ff6b6b", color_accent="#00AA11")
    vid = _video(cid, "Night drive")
    with db.session_scope() as session:
        collection_service.set_featured_video(session, actor=SYSTEM, collection_id=cid, video_id=vid)
    await _open(user, ["Neon"])
    assert element(user, f"collection-swatch-{cid}")._style["background-color"] == "#FF6B6B"
    assert element(user, f"collection-accent-{cid}")._style["background-color"] == "#00AA11"
    assert element(user, f"collection-count-{cid}").text == "1 video"
    assert element(user, f"collection-featured-{cid}").text == "Night drive"
    assert element(user, f"collection-active-{cid}").value is True


async def test_active_toggle_saves(content_user: User) -> None:
    user = content_user
    cid = _collection("Toggle me", description="kept as it is")
    await _open(user, ["Toggle me"])
    user.find(marker=f"collection-active-{cid}").click()
    await wait_until(lambda: _stored(cid).is_active is False, what="the collection deactivated")
    stored = _stored(cid)
    assert stored.description == "kept as it is"  # the toggle sends the whole record back unchanged
    await wait_until(lambda: element(user, f"collection-active-{cid}").value is False, what="the refreshed toggle")


# --- create / edit ------------------------------------------------------------------------------------------


async def test_create_collection_with_slug_from_name(content_user: User) -> None:
    user = content_user
    await _open_new_dialog(user)
    user.find(marker="col-name").type("Summer Nights 2")
    assert element(user, "col-slug").value == "summer-nights-2"
    _set(user, "col-primary", "#112233")
    assert element(user, "col-preview")._style["background-color"] == "#112233"
    user.find(marker="col-thumbnail").type("https://cdn.example.com/summer.jpg")
    user.find(marker="col-save").click()
    await wait_until(lambda: _names_on_page(user) == ["Summer Nights 2"], what="the new collection in the list")
    assert not shown(user, "col-name")
    with db.session_scope() as session:
        c = session.execute(select(Collection)).scalar_one()
        assert (c.slug, c.color_primary, c.thumbnail_url) == (
            "summer-nights-2",
            "#112233",
            "https://cdn.example.com/summer.jpg",
        )
    created = _events("collection.create")
    assert len(created) == 1 and created[0].actor_label == CONTENT_EMAIL


async def test_edited_slug_stops_following_the_name(content_user: User) -> None:
    user = content_user
    await _open_new_dialog(user)
    user.find(marker="col-name").type("First")
    assert element(user, "col-slug").value == "first"
    user.find(marker="col-slug").clear().type("my-own-slug")
    user.find(marker="col-name").type(" Second")
    assert element(user, "col-slug").value == "my-own-slug"


async def test_invalid_colour_and_javascript_url_show_field_errors_and_create_nothing(content_user: User) -> None:
    user = content_user
    await _open_new_dialog(user)
    user.find(marker="col-name").type("Bad input")
    _set(user, "col-primary", "red; background:url(https://evil.example/x)")
    preview = element(user, "col-preview")
    assert "background-color" not in preview._style  # an invalid colour never reaches a style
    assert "red" not in str(preview._style)
    await user.should_see("Not a #RRGGBB colour: primary")
    _set(user, "col-accent", "#12345")
    user.find(marker="col-thumbnail").type("javascript:alert(1)")
    user.find(marker="col-banner").type("http://plain.example/banner.jpg")
    user.find(marker="col-save").click()
    primary = element(user, "col-primary")
    await wait_until(lambda: primary.error is not None, what="an error on the primary colour")
    assert primary.error == "Primary colour must be a colour like #FF6B6B"
    assert primary.props["error"] is True
    assert element(user, "col-accent").error == "Accent colour must be a colour like #FF6B6B"
    assert element(user, "col-thumbnail").error == "Thumbnail URL must be an https:// address"
    assert element(user, "col-banner").error == "Banner URL must be an https:// address"
    assert element(user, "col-name").error is None
    assert shown(user, "col-save")  # the dialog stays open with the input
    assert element(user, "col-thumbnail").value == "javascript:alert(1)"
    assert _collection_count() == 0
    assert _events("collection.create") == []

    # Corrected in the same dialog, it saves.
    _set(user, "col-primary", "#102030")
    _set(user, "col-accent", "#A0B0C0")
    user.find(marker="col-thumbnail").clear().type("https://cdn.example.com/t.jpg")
    user.find(marker="col-banner").clear()
    user.find(marker="col-save").click()
    await wait_until(lambda: _collection_count() == 1, what="the corrected collection saved")
    assert primary.error is None


async def test_featured_video_select_lists_only_the_collections_videos(content_user: User) -> None:
    user = content_user
    mine, other = _collection("Mine"), _collection("Other")
    first, second = _video(mine, "First film"), _video(mine, "Second film")
    _video(other, "Not mine")
    await _open(user, ["Mine", "Other"])
    user.find(marker=f"collection-edit-{mine}").click()
    await wait_until(lambda: shown(user, "col-featured"), what="the edit dialog")
    featured = element(user, "col-featured")
    assert featured.options == {None: "— none —", first: "First film (draft)", second: "Second film (draft)"}
    user.find(marker="col-featured").click()
    user.find("Second film (draft)").click()
    user.find(marker="col-save").click()
    await wait_until(lambda: _stored(mine).featured_video_id == second, what="the featured video saved")
    await wait_until(
        lambda: element(user, f"collection-featured-{mine}").text == "Second film", what="the featured video shown"
    )


async def _stale_collection_save(user: User, typed: dict[str, str], theirs: dict[str, str]) -> int:
    """Open the edit dialog of a new collection, type `typed`, let someone else save `theirs`, then save: the
    conflict panel is shown. Returns the collection's id."""
    cid = _collection("Original", description="first words")
    await _open(user, ["Original"])
    user.find(marker=f"collection-edit-{cid}").click()
    await wait_until(lambda: shown(user, "col-name"), what="the edit dialog")
    for marker, text in typed.items():
        user.find(marker=marker).clear().type(text)
    with db.session_scope() as session:  # someone else saves first
        collection_service.update_collection(session, actor=SYSTEM, collection_id=cid, data=theirs, expected_version=1)
    user.find(marker="col-save").click()
    await wait_until(lambda: shown(user, "col-conflict"), what="the conflict panel")
    return cid


async def test_stale_edit_shows_the_conflict_and_keeps_the_input(content_user: User) -> None:
    user = content_user
    theirs = {"name": "Original", "description": "their words"}
    cid = await _stale_collection_save(user, {"col-name": "Mine now"}, theirs)
    assert "was changed by someone else" in element(user, "col-conflict-message").text
    assert not user.notify.contains("changed by someone else")  # the panel says it; no toast over the dialog
    assert element(user, "col-name").value == "Mine now"  # the input is kept
    assert conflict_rows(user, "col-conflict")["Description"] == ("their words", "first words")
    assert _stored(cid).name == "Original"

    user.find(marker="col-save").click()  # saving again, knowingly, replaces it
    await wait_until(lambda: _stored(cid).name == "Mine now", what="the second save")


async def test_stale_edit_names_who_and_take_theirs_puts_the_stored_collection_in_the_form(
    content_user: User,
) -> None:
    user = content_user
    typed = {"col-name": "Mine now", "col-description": "my words"}
    cid = await _stale_collection_save(user, typed, {"name": "Theirs", "description": "their words"})
    assert element(user, "col-conflict-who").text.startswith("Changed by system")
    assert "(now version 2)" in element(user, "col-conflict-who").text
    assert "take theirs, or cancel" in element(user, "col-conflict-keep").text
    events_before = len(_events("collection.update"))

    user.find(marker="col-conflict-take-theirs").click()
    await wait_until(lambda: not shown(user, "col-conflict"), what="the panel closed")
    assert element(user, "col-name").value == "Theirs"
    assert element(user, "col-description").value == "their words"
    assert element(user, "col-slug").value == _stored(cid).slug  # a field the user had not typed into
    assert len(_events("collection.update")) == events_before  # nothing was saved

    user.find(marker="col-description").clear().type("after taking theirs")
    user.find(marker="col-save").click()  # based on their version: no second conflict
    await wait_until(lambda: _stored(cid).description == "after taking theirs", what="the save on their version")
    assert _stored(cid).name == "Theirs"
    assert not shown(user, "col-conflict")


# --- drafts past a lost page ---------------------------------------------------------------------------------


def _dialog_drafts() -> dict[str, Any]:
    from nicegui import app

    from console.ui.dialog_draft import STORAGE_KEY

    return dict(app.storage.user.get(STORAGE_KEY) or {})


async def test_a_new_collection_typed_before_the_page_went_is_back_until_it_is_cancelled(content_user: User) -> None:
    user = content_user
    await _open_new_dialog(user)
    user.find(marker="col-name").type("Night Trains")
    user.find(marker="col-description").type("Sleeper routes across Europe, filmed from the cab")
    await _open_new_dialog(user)  # a new page, as after a reload
    assert element(user, "col-name").value == "Night Trains"
    assert element(user, "col-slug").value == "night-trains"  # still following the name
    assert element(user, "col-description").value == "Sleeper routes across Europe, filmed from the cab"
    assert element(user, "text-draft-when").text.startswith("Restored from ")
    user.find(marker="col-cancel").click()
    await _open_new_dialog(user)
    assert element(user, "col-name").value == "" and not all_marked(user, "text-draft-when")
    assert _collection_count() == 0


async def test_an_edit_typed_before_someone_else_saved_is_restored_and_saved_on_its_own_version(
    content_user: User,
) -> None:
    """The draft was typed on version 1; the collection is at version 2 when the dialog opens again: the dialog says
    so, the first save shows the conflict (their description beside mine), the second replaces it knowingly."""
    user = content_user
    cid = _collection("Original", description="first words")

    async def open_edit() -> None:
        await _open(user, [_stored(cid).name])
        user.find(marker=f"collection-edit-{cid}").click()
        await wait_until(lambda: shown(user, "col-name"), what="the edit dialog")

    await open_edit()
    user.find(marker="col-description").clear().type("my words")
    with db.session_scope() as session:
        collection_service.update_collection(
            session,
            actor=SYSTEM,
            collection_id=cid,
            data={"name": "Original", "description": "their words"},
            expected_version=1,
        )
    await open_edit()
    assert element(user, "col-description").value == "my words"
    assert "It was changed since" in element(user, "text-draft-when").text
    user.find(marker="col-save").click()
    await wait_until(lambda: shown(user, "col-conflict"), what="the conflict panel")
    assert conflict_rows(user, "col-conflict")["Description"] == ("their words", "my words")
    assert _stored(cid).description == "their words"

    await open_edit()  # the page went again after the conflict: the draft now stands on version 2, no conflict
    assert element(user, "col-description").value == "my words"
    assert "It was changed since" not in element(user, "text-draft-when").text
    user.find(marker="col-save").click()
    await wait_until(lambda: _stored(cid).description == "my words", what="the save")
    # the commit is visible before the page's save goes on to drop the draft and close the dialog: wait for that
    await wait_until(lambda: not shown(user, "col-name"), what="the dialog closed")
    assert not [k for k in _dialog_drafts() if ":collection:" in k]


# --- delete -------------------------------------------------------------------------------------------------


async def test_delete_refused_while_videos_remain(content_user: User) -> None:
    user = content_user
    full, empty = _collection("Full"), _collection("Empty")
    _video(full, "Still here")
    await _open(user, ["Full", "Empty"])
    user.find(marker=f"collection-delete-{full}").click()
    await wait_until(lambda: shown(user, "confirm-ok"), what="the confirmation")
    user.find(marker="confirm-ok").click()
    await wait_until(lambda: user.notify.contains("still holds 1 video"), what="the refusal message")
    assert user.notify.contains("Move them to another collection")
    assert _stored(full).deleted_at is None
    assert _names_on_page(user) == ["Full", "Empty"]
    assert _events("collection.delete") == []

    user.find(marker=f"collection-delete-{empty}").click()
    await wait_until(lambda: shown(user, "confirm-ok"), what="the confirmation")
    user.find(marker="confirm-ok").click()
    await wait_until(lambda: _names_on_page(user) == ["Full"], what="the empty collection gone")
    assert _stored(empty).deleted_at is not None


# --- escaping and access ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "<b>bold</b>"])
async def test_markup_in_a_name_is_literal_text(content_user: User, name: str) -> None:
    user = content_user
    cid = _collection(name, slug="markup")
    await _open(user, [name])
    assert element(user, f"collection-name-{cid}").text == name
    assert raw_html(user) == []
    assert all_elements(user, ui.markdown) == []
    response = await user.http_client.get("/collections")
    assert name not in response.text  # embedded element data is escaped, never raw markup


async def test_markup_typed_into_the_dialog_is_stored_and_shown_literally(content_user: User) -> None:
    user = content_user
    name = "<i>Tom & Jerry</i>"
    await _open_new_dialog(user)
    user.find(marker="col-name").type(name)
    user.find(marker="col-save").click()
    await wait_until(lambda: _names_on_page(user) == [name], what="the new collection")
    assert raw_html(user) == []
    assert _stored_order() == [name]


async def test_moderator_sees_no_edit_controls_and_the_service_refuses(user: User, make_staff, actor_for) -> None:
    staff_id, email = make_staff("moderator")
    cid = _collection("Visible")
    await sign_in_and_wait(user, email)
    await _open(user, ["Visible"])
    for marker in (
        "collection-new",
        f"collection-up-{cid}",
        f"collection-down-{cid}",
        f"collection-edit-{cid}",
        f"collection-delete-{cid}",
        f"collection-active-{cid}",
    ):
        await user.should_not_see(marker=marker)
    await user.should_see("active")
    row = element(user, f"collection-row-{cid}")
    assert not any(listener.type.startswith("keydown") for listener in row._event_listeners.values())

    moderator = actor_for(staff_id)
    with db.session_scope() as session, pytest.raises(Forbidden):
        collection_service.reorder_collections(session, actor=moderator, ordered_ids=[cid])
    with db.session_scope() as session, pytest.raises(Forbidden):
        collection_service.delete_collection(session, actor=moderator, collection_id=cid)
    assert _stored(cid).deleted_at is None


async def test_collections_need_catalog_read(user: User, make_staff) -> None:
    _, email = make_staff("finance")
    await sign_in_and_wait(user, email)
    await user.open("/collections")
    await user.should_see(marker="forbidden")
    await user.should_not_see(marker="collection-list")
