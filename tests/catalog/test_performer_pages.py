"""Performers: the directory (search, paging, literal names), the profile editor (save, audit, stale edits),
social links, the photo gallery with its primary photo, their videos, delete/restore, ids that do not
exist, and what a catalog.read-only moderator sees."""

from __future__ import annotations

from typing import Any

import pytest
from nicegui import ui
from nicegui.testing import User
from sqlalchemy import select

from console import db
from console.actor import SYSTEM
from console.audit.models import AuditEvent
from console.catalog import performers as performer_service
from console.catalog import service as video_service
from console.catalog.models import Performer, Photo, SocialMediaLink
from console.catalog.state_look import VIDEO_STATE_COLOURS
from console.errors import Forbidden
from tests.ui.helpers import (
    CTRL_S,
    all_elements,
    all_marked,
    caption,
    conflict_rows,
    current_path,
    element,
    raw_html,
    rows,
    shown,
    sign_in_and_wait,
    wait_for_caption,
    wait_for_rows,
    wait_until,
)

CONTENT_EMAIL = "cora.content@test.example"
CDN = "https://cdn.example.com"


@pytest.fixture
async def content_user(user: User, make_staff) -> User:
    make_staff("content", email=CONTENT_EMAIL, name="Cora Content")
    await sign_in_and_wait(user, CONTENT_EMAIL)
    return user


def _performer(name: str, **data: Any) -> int:
    with db.session_scope() as session:
        return performer_service.create_performer(session, actor=SYSTEM, data={"name": name, **data}).id


def _photo(performer_id: int, url: str, *, primary: bool = False) -> int:
    with db.session_scope() as session:
        return performer_service.add_photo(
            session,
            actor=SYSTEM,
            url=url,
            photo_type="performer_photo",
            performer_id=performer_id,
            alt_text="portrait",
            primary=primary,
        ).id


def _stored(performer_id: int) -> Performer:
    with db.session_scope() as session:
        p = session.get(Performer, performer_id)
        assert p is not None
        return p


def _links(performer_id: int) -> list[tuple[str, str, str | None]]:
    with db.session_scope() as session:
        return [
            (link.platform, link.handle, link.url)
            for link in performer_service.links_of(session, actor=SYSTEM, performer_id=performer_id)
        ]


def _primary_photo_ids(performer_id: int) -> list[int]:
    with db.session_scope() as session:
        query = select(Photo.id).where(
            Photo.performer_id == performer_id, Photo.is_primary.is_(True), Photo.deleted_at.is_(None)
        )
        return list(session.execute(query).scalars())


def _events(action: str) -> list[AuditEvent]:
    with db.session_scope() as session:
        return list(session.execute(select(AuditEvent).where(AuditEvent.action == action)).scalars())


async def _open_profile(user: User, performer_id: int) -> None:
    await user.open(f"/performers/{performer_id}")
    await wait_until(lambda: bool(all_marked(user, "performer-name")), what="the performer profile")


# --- directory ----------------------------------------------------------------------------------------------


async def test_directory_lists_and_searches_by_name(content_user: User) -> None:
    user = content_user
    for name in ("Alice Smith", "Bob Jones", "Malice Cooper", "Zed 100% Real"):
        _performer(name)
    _performer("Inactive Alicia", is_active=False)
    await user.open("/performers")
    found = await wait_for_rows(user, lambda found: len(found) == 5, "five performers")
    assert [r["name"] for r in found] == sorted(r["name"] for r in found)  # A to Z
    alice = next(r for r in found if r["name"] == "Alice Smith")
    assert (alice["slug"], alice["active"], alice["video_count"]) == ("alice-smith", "active", 0)

    user.find(marker="performer-search").type("LIC").trigger("keydown.enter")
    await wait_for_caption(user, "1–3 of 3")
    assert [r["name"] for r in rows(user)] == ["Alice Smith", "Inactive Alicia", "Malice Cooper"]

    user.find(marker="performer-search").clear().type("%").trigger("keydown.enter")  # no wildcard
    await wait_for_caption(user, "1–1 of 1")
    assert rows(user)[0]["name"] == "Zed 100% Real"

    user.find(marker="performer-search").clear().type("nobody").trigger("keydown.enter")
    await wait_for_caption(user, "0–0 of 0")
    user.find("Clear").click()
    await wait_for_caption(user, "1–5 of 5")


async def test_directory_pages_on_the_server(content_user: User) -> None:
    user = content_user
    for i in range(30):
        _performer(f"Performer {i:02d}")
    await user.open("/performers")
    await wait_for_caption(user, "1–25 of 30")
    user.find(marker="paged-table").trigger(
        "request", {"pagination": {"page": 2, "rowsPerPage": 25, "sortBy": None, "descending": False}}
    )
    await wait_for_caption(user, "26–30 of 30")
    assert [r["name"] for r in rows(user)] == [f"Performer {i:02d}" for i in range(25, 30)]


async def test_row_click_opens_the_profile_and_new_performer_dialog(content_user: User) -> None:
    user = content_user
    pid = _performer("Clicky")
    await user.open("/performers")
    found = await wait_for_rows(user, lambda found: len(found) == 1, "one performer")
    user.find(marker="paged-table").trigger("rowClick", [{}, found[0], 0])
    await wait_until(lambda: current_path(user) == f"/performers/{pid}", what="the profile page")

    await user.open("/performers")
    await wait_for_caption(user, "1–1 of 1")
    user.find(marker="performer-new").click()
    user.find(marker="new-performer-name").type("Fresh Face")
    assert element(user, "new-performer-slug").value == "fresh-face"
    user.find(marker="new-performer-save").click()
    await wait_until(
        lambda: (
            current_path(user).startswith("/performers/")
            and current_path(user) != "/performers/"
            and current_path(user) != f"/performers/{pid}"
        ),
        what="the new profile",
    )
    assert element(user, "performer-name").text == "Fresh Face"


async def test_new_performer_is_made_from_the_keyboard_once(content_user: User) -> None:
    """`n` opened the dialog with the focus on the dialog itself, and Enter in Name did nothing; now Name has the
    focus and Enter creates, once however often it is pressed while the first create runs."""
    from tests.moderation.page_helpers import press

    user = content_user
    await user.open("/performers")
    await wait_for_caption(user, "0–0 of 0")
    press(user, "n")
    await wait_until(lambda: shown(user, "new-performer-name"), what="the dialog")
    assert "autofocus" in element(user, "new-performer-name").props
    name = user.find(marker="new-performer-name").type("Keyboard Kid")
    name.trigger("keydown.enter")
    name.trigger("keydown.enter")
    await wait_until(lambda: current_path(user) not in ("/performers", "/performers/"), what="the new profile")
    with db.session_scope() as session:
        assert session.execute(select(Performer.name).where(Performer.name == "Keyboard Kid")).scalars().all() == [
            "Keyboard Kid"
        ]


@pytest.mark.parametrize("name", ["<script>alert(1)</script>", '<img src=x onerror="alert(1)">'])
async def test_markup_in_a_performer_name_is_literal_text(content_user: User, name: str) -> None:
    user = content_user
    pid = _performer(name, slug="markup")
    await user.open("/performers")
    await wait_for_rows(user, lambda found: len(found) == 1, "the one performer")
    assert rows(user)[0]["name"] == name
    assert raw_html(user) == []

    await _open_profile(user, pid)
    assert element(user, "performer-name").text == name
    assert element(user, "profile-name").value == name
    assert raw_html(user) == []
    response = await user.http_client.get(f"/performers/{pid}")
    assert name not in response.text


# --- profile ------------------------------------------------------------------------------------------------


async def test_profile_edit_saves_and_is_audited(content_user: User) -> None:
    user = content_user
    pid = _performer("Dana Doe", bio="Old bio.")
    await _open_profile(user, pid)
    user.find(marker="profile-bio").clear().type("New bio, with <em>markup</em> kept as text.")
    user.find(marker="profile-name").clear().type("Dana D. Doe")
    user.find(marker="profile-save").click()
    await wait_until(lambda: _stored(pid).name == "Dana D. Doe", what="the saved profile")
    stored = _stored(pid)
    assert stored.bio == "New bio, with <em>markup</em> kept as text."
    assert stored.slug == "dana-doe"  # the slug of an existing performer does not follow the name
    await wait_until(lambda: element(user, "performer-name").text == "Dana D. Doe", what="the header updated")
    updates = _events("performer.update")
    assert len(updates) == 1
    event = updates[0]
    assert (event.actor_label, event.entity, event.entity_id) == (CONTENT_EMAIL, "performer", str(pid))
    assert event.before["bio"] == "Old bio." and event.after["bio"] == stored.bio
    assert event.before["name"] == "Dana Doe" and event.after["name"] == "Dana D. Doe"


async def test_profile_validation_errors_show_on_the_fields(content_user: User) -> None:
    user = content_user
    _performer("Taken Name", slug="taken")
    pid = _performer("Free Name")
    await _open_profile(user, pid)
    user.find(marker="profile-slug").clear().type("taken")
    user.find(marker="profile-name").clear()
    user.find(marker="profile-save").click()
    slug = element(user, "profile-slug")
    await wait_until(lambda: slug.error is not None, what="an error on the slug")
    assert slug.error == "Slug is already used by another performer"
    assert element(user, "profile-name").error == "Name is required"
    assert _stored(pid).slug == "free-name"


async def _stale_profile_save(user: User, name: str, *, theirs: dict[str, str]) -> int:
    """A performer's profile open with "my version" typed into the bio, saved after someone else saved `theirs`."""
    pid = _performer(name, bio="v1")
    await _open_profile(user, pid)
    user.find(marker="profile-bio").clear().type("my version")
    with db.session_scope() as session:
        performer_service.update_performer(session, actor=SYSTEM, performer_id=pid, data=theirs, expected_version=1)
    user.find(marker="profile-save").click()
    await wait_until(lambda: shown(user, "profile-conflict"), what="the conflict panel")
    return pid


async def test_stale_profile_save_shows_the_conflict_and_keeps_the_input(content_user: User) -> None:
    user = content_user
    pid = await _stale_profile_save(user, "Eve", theirs={"name": "Eve", "bio": "their version"})
    assert "was changed by someone else" in element(user, "profile-conflict-message").text
    assert not user.notify.contains("changed by someone else")  # the panel says it; no toast repeats it
    assert element(user, "profile-bio").value == "my version"
    assert conflict_rows(user, "profile-conflict")["Bio"] == ("their version", "my version")
    assert _stored(pid).bio == "their version"
    user.find(marker="profile-save").click()
    await wait_until(lambda: _stored(pid).bio == "my version", what="the deliberate second save")


async def test_saving_again_after_a_stale_profile_save_keeps_their_other_changes(content_user: User) -> None:
    """They renamed the performer; this editor typed only the bio. Saving again used to revert the name."""
    user = content_user
    pid = await _stale_profile_save(user, "Gail", theirs={"name": "Gail Renamed", "bio": "v1"})
    assert element(user, "profile-name").value == "Gail Renamed"  # not typed here: follows what is stored
    assert list(conflict_rows(user, "profile-conflict")) == ["Bio"]
    user.find(marker="profile-save").click()
    await wait_until(lambda: _stored(pid).bio == "my version", what="the second save")
    assert _stored(pid).name == "Gail Renamed"


async def test_stale_profile_save_offers_take_theirs(content_user: User) -> None:
    user = content_user
    pid = await _stale_profile_save(user, "Faye", theirs={"name": "Faye B", "bio": "their version"})
    await wait_until(lambda: shown(user, "profile-conflict-take-theirs"), what="Take theirs")
    assert element(user, "profile-conflict-who").text == "Changed by system just now"
    user.find(marker="profile-conflict-take-theirs").click()
    await wait_until(lambda: not shown(user, "profile-conflict"), what="the panel gone")
    assert element(user, "profile-bio").value == "their version"
    assert element(user, "profile-name").value == "Faye B"
    user.find(marker="profile-bio").clear().type("after theirs")
    user.find(marker="profile-save").click()  # based on the version taken: saves without a second conflict
    await wait_until(lambda: _stored(pid).bio == "after theirs", what="the save")
    assert _stored(pid).name == "Faye B"


# --- social links -------------------------------------------------------------------------------------------


async def test_social_link_with_javascript_url_is_refused_then_https_saves_and_edit_replaces(
    content_user: User,
) -> None:
    user = content_user
    pid = _performer("Linky")
    await _open_profile(user, pid)
    user.find(marker="link-handle").type("@linky")
    user.find(marker="link-url").type("javascript:alert(document.cookie)")
    user.find(marker="link-save").click()
    url = element(user, "link-url")
    await wait_until(lambda: url.error is not None, what="an error on the URL")
    assert url.error == "Link address must be an https:// address"
    assert _links(pid) == []
    assert _events("performer.social_link") == []

    user.find(marker="link-url").clear().type("https://instagram.com/linky")
    user.find(marker="link-save").click()
    await wait_until(lambda: _links(pid) == [("instagram", "linky", "https://instagram.com/linky")], what="the link")
    await wait_until(lambda: shown(user, "link-instagram"), what="the link in the list")
    assert element(user, "link-handle-instagram").text == "@linky"
    assert url.error is None

    # Edit: the form takes the link; saving the same platform replaces it (one per platform).
    user.find(marker="link-edit-instagram").click()
    assert element(user, "link-url").value == "https://instagram.com/linky"
    user.find(marker="link-handle").clear().type("linky2")
    user.find(marker="link-save").click()
    await wait_until(lambda: _links(pid) == [("instagram", "linky2", "https://instagram.com/linky")], what="replaced")
    await wait_until(lambda: element(user, "link-handle-instagram").text == "@linky2", what="the replaced handle")

    user.find(marker="link-remove-instagram").click()
    await wait_until(lambda: shown(user, "confirm-ok"), what="the confirmation")
    user.find(marker="confirm-ok").click()
    await wait_until(lambda: _links(pid) == [], what="the link removed")
    with db.session_scope() as session:
        assert session.execute(select(SocialMediaLink)).first() is None


# --- photos -------------------------------------------------------------------------------------------------


async def test_primary_photo_switch_and_profile_save_afterwards(content_user: User) -> None:
    user = content_user
    pid = _performer("Photogenic", bio="before")
    first = _photo(pid, f"{CDN}/one.jpg", primary=True)
    second = _photo(pid, f"{CDN}/two.jpg")
    await _open_profile(user, pid)
    assert shown(user, f"photo-primary-badge-{first}")
    assert not shown(user, f"photo-primary-badge-{second}")
    gallery = [e for e in all_elements(user, ui.image) if "performer-avatar" not in e._markers]
    assert sorted(e.source for e in gallery) == [f"{CDN}/one.jpg", f"{CDN}/two.jpg"]
    assert all(e.props["alt"] == "portrait" and e.props["referrerpolicy"] == "no-referrer" for e in gallery)
    assert element(user, "performer-avatar").source == f"{CDN}/one.jpg"  # the primary photo is the profile photo

    user.find(marker="profile-bio").clear().type("after")  # unsaved input survives the photo change
    user.find(marker=f"photo-make-primary-{second}").click()
    await wait_until(lambda: _primary_photo_ids(pid) == [second], what="the second photo primary")
    assert _stored(pid).profile_photo_url == f"{CDN}/two.jpg"
    await wait_until(lambda: shown(user, f"photo-primary-badge-{second}"), what="the badge on the second photo")
    await wait_until(lambda: element(user, "performer-avatar").source == f"{CDN}/two.jpg", what="the new avatar")
    assert not shown(user, f"photo-primary-badge-{first}")
    assert element(user, "profile-bio").value == "after"

    # The photo change bumped the performer's version; our own change must not turn into a conflict.
    user.find(marker="profile-save").click()
    await wait_until(lambda: _stored(pid).bio == "after", what="the profile saved")
    assert _stored(pid).profile_photo_url == f"{CDN}/two.jpg"  # not reset by the form
    assert not user.notify.contains("changed by someone else")
    assert len(_events("photo.primary")) == 1


async def test_add_photo_by_https_url_and_remove_it(content_user: User) -> None:
    user = content_user
    pid = _performer("Gallery")
    await _open_profile(user, pid)
    user.find(marker="photo-url").type("javascript:alert(1)")
    user.find(marker="photo-add").click()
    photo_url = element(user, "photo-url")
    await wait_until(lambda: photo_url.error is not None, what="an error on the photo URL")
    assert photo_url.error == "Photo address must be an https:// address"

    user.find(marker="photo-url").clear().type(f"{CDN}/new.jpg")
    user.find(marker="photo-alt").type("Smiling on a red sofa")
    user.find(marker="photo-as-primary").click()
    user.find(marker="photo-add").click()
    await wait_until(lambda: len(_primary_photo_ids(pid)) == 1, what="the new primary photo")
    photo_id = _primary_photo_ids(pid)[0]
    await wait_until(lambda: shown(user, f"photo-{photo_id}"), what="the photo in the gallery")
    assert _stored(pid).profile_photo_url == f"{CDN}/new.jpg"
    await user.should_see("Smiling on a red sofa")

    user.find(marker=f"photo-remove-{photo_id}").click()
    await wait_until(lambda: shown(user, "confirm-ok"), what="the confirmation")
    user.find(marker="confirm-ok").click()
    await wait_until(lambda: not shown(user, f"photo-{photo_id}"), what="the photo removed")
    assert _primary_photo_ids(pid) == []


# --- videos, delete/restore, not found ----------------------------------------------------------------------


async def test_profile_lists_their_videos_with_links(content_user: User) -> None:
    user = content_user
    pid = _performer("Star")
    with db.session_scope() as session:
        vid = video_service.create_video(session, actor=SYSTEM, data={"title": "Their film"}).id
        video_service.set_performers(session, actor=SYSTEM, video_id=vid, performer_ids=[pid])
    await _open_profile(user, pid)
    link = element(user, f"performer-video-{vid}")
    assert link.text == "Their film"
    assert link.props["href"] == f"/catalog/{vid}"
    await user.should_see("Draft")
    # the state in the colour every page gives it (this page once drew its own)
    assert element(user, f"performer-video-state-{vid}").props["color"] == VIDEO_STATE_COLOURS["draft"]


async def test_delete_and_restore_with_confirmation(content_user: User) -> None:
    user = content_user
    pid = _performer("Leaving")
    await _open_profile(user, pid)
    user.find(marker="performer-delete").click()
    await wait_until(lambda: shown(user, "confirm-ok"), what="the confirmation")
    user.find(marker="confirm-ok").click()
    await wait_until(lambda: _stored(pid).deleted_at is not None, what="the performer deleted")
    await wait_until(lambda: shown(user, "performer-restore"), what="the restore button")
    assert shown(user, "performer-deleted")

    user.find(marker="performer-restore").click()
    await wait_until(lambda: shown(user, "confirm-ok"), what="the confirmation")
    user.find(marker="confirm-ok").click()
    await wait_until(lambda: _stored(pid).deleted_at is None, what="the performer restored")
    await wait_until(lambda: shown(user, "performer-delete"), what="the delete button again")
    assert [e.actor_label for e in _events("performer.delete")] == [CONTENT_EMAIL]
    assert [e.actor_label for e in _events("performer.restore")] == [CONTENT_EMAIL]

    # The form adopted the versions of our own delete/restore: saving still works.
    user.find(marker="profile-bio").type("back again")
    user.find(marker="profile-save").click()
    await wait_until(lambda: _stored(pid).bio == "back again", what="the profile saved")


@pytest.mark.parametrize("performer_id", ["abc", "1.5", "-1", "0", "999999", "99999999999999999999999", "９"])
async def test_impossible_or_unknown_ids_are_not_found_inside_the_frame(content_user: User, performer_id: str) -> None:
    user = content_user
    response = await user.http_client.get(f"/performers/{performer_id}")
    assert response.status_code == 200  # the in-frame 404, not a JSON 422 or a 500
    await user.open(f"/performers/{performer_id}")
    await user.should_see(marker="not-found")
    await user.should_see(marker="staff-name")
    await user.should_not_see("Something went wrong")
    await user.should_not_see(marker="performer-name")


# --- access -------------------------------------------------------------------------------------------------


async def test_moderator_sees_no_edit_controls_and_the_service_refuses(user: User, make_staff, actor_for) -> None:
    staff_id, email = make_staff("moderator")
    pid = _performer("Read Only", bio="Stays.")
    photo = _photo(pid, f"{CDN}/ro.jpg")
    await sign_in_and_wait(user, email)

    await user.open("/performers")
    await wait_for_rows(user, lambda found: len(found) == 1, "the one performer")
    assert caption(user) == "1–1 of 1"
    await user.should_not_see(marker="performer-new")

    await _open_profile(user, pid)
    for marker in (
        "profile-save",
        "link-save",
        "link-url",
        "photo-add",
        "photo-url",
        f"photo-make-primary-{photo}",
        f"photo-remove-{photo}",
        "performer-delete",
    ):
        await user.should_not_see(marker=marker)
    assert element(user, "profile-bio").props.get("readonly") is True

    moderator = actor_for(staff_id)
    with db.session_scope() as session, pytest.raises(Forbidden):
        performer_service.update_performer(
            session, actor=moderator, performer_id=pid, data={"name": "Hacked"}, expected_version=None
        )
    with db.session_scope() as session, pytest.raises(Forbidden):
        performer_service.set_social_link(
            session, actor=moderator, performer_id=pid, platform="instagram", handle="x", url=None
        )
    assert _stored(pid).name == "Read Only"


async def test_ctrl_s_saves_the_profile(content_user: User) -> None:
    user = content_user
    pid = _performer("Gwen", bio="v1")
    await _open_profile(user, pid)
    user.find(marker="profile-bio").clear().type("saved from the keyboard")
    user.find(marker="profile-keys").trigger("key", CTRL_S)
    await wait_until(lambda: _stored(pid).bio == "saved from the keyboard", what="the save")
