"""Catalog pages: the video list (search, columns, bulk actions with refusals), the editor (slug auto-fill,
field errors, literal HTML, stale saves, publish reasons, Ctrl+S), read-only staff, and thumbnail uploads."""

from __future__ import annotations

import asyncio
import io
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from nicegui import ui
from nicegui.testing import User
from PIL import Image
from sqlalchemy import func, select

from console import db
from console.actor import SYSTEM, Actor
from console.audit.models import AuditEvent
from console.catalog import collections as collection_service
from console.catalog import media
from console.catalog import performers as performer_service
from console.catalog import service as video_service
from console.catalog.editor.publishing import SERIES_EPISODES_STAY
from console.catalog.models import Video
from console.compliance.fixtures import compliant_video
from console.config import get_settings
from console.db import utc_today
from console.errors import Forbidden, ValidationFailed
from console.staff.preferences import set_time_zone
from tests.catalog.factories import make_series
from tests.moderation.page_helpers import click, press, texts, wait_gone, wait_shown
from tests.ui.helpers import (
    CTRL_S,
    all_elements,
    all_marked,
    conflict_rows,
    current_path,
    element,
    is_shown,
    raw_html,
    rows,
    sees_marker,
    select_rows,
    shown,
    sign_in_and_wait,
    wait_for_rows,
    wait_until,
)

CONTENT_EMAIL = "carla.content@test.example"
CDN = "https://cdn.example.com"
THUMB_PATH = re.compile(r"^/media/thumbnails/[0-9a-f]{32}\.png$")

NEXT_YEARS = utc_today().year + 2  # a schedule is taken up to three years ahead


@pytest.fixture
async def content_user(user: User, make_staff) -> User:
    make_staff("content", email=CONTENT_EMAIL, name="Carla Content")
    await sign_in_and_wait(user, CONTENT_EMAIL)
    return user


# --- data through the services ------------------------------------------------------------------------------


def _collection(name: str = "Late Shows") -> int:
    with db.session_scope() as session:
        return collection_service.create_collection(session, actor=SYSTEM, data={"name": name}).id


def _performer(name: str) -> int:
    with db.session_scope() as session:
        return performer_service.create_performer(session, actor=SYSTEM, data={"name": name}).id


def _video(title: str, *, performers: list[int] | None = None, **data: Any) -> int:
    with db.session_scope() as session:
        video = video_service.create_video(session, actor=SYSTEM, data={"title": title, **data})
        if performers:
            video_service.set_performers(session, actor=SYSTEM, video_id=video.id, performer_ids=performers)
        return video.id


def _complete_video(title: str, collection_id: int, performer_id: int) -> int:
    n = abs(hash(title)) % 10_000
    video_id = _video(
        title,
        performers=[performer_id],
        collection_id=collection_id,
        hls_url=f"{CDN}/v{n}/master.m3u8",
        thumbnail_url=f"{CDN}/v{n}/thumb.jpg",
        duration_seconds="1:02:03",
    )
    with db.session_scope() as session:
        compliant_video(session, video_id)  # the 2257 paperwork the gate asks for
    return video_id


def _stored(video_id: int) -> Video:
    with db.session_scope() as session:
        video = session.get(Video, video_id)
        assert video is not None
        return video


def _video_count() -> int:
    with db.session_scope() as session:
        return int(session.execute(select(func.count()).select_from(Video)).scalar_one())


def _events(action: str) -> list[AuditEvent]:
    with db.session_scope() as session:
        return list(session.execute(select(AuditEvent).where(AuditEvent.action == action)).scalars())


def _update_elsewhere(video_id: int, actor: Actor = SYSTEM, **changes: Any) -> None:
    """What another editor's save does: every field as stored, with `changes`, at the stored version."""
    video = _stored(video_id)
    data = {name: getattr(video, name) for name in video_service.EDITABLE} | changes
    with db.session_scope() as session:
        video_service.update_video(session, actor=actor, video_id=video_id, data=data, expected_version=video.version)


def _png(width: int = 4, height: int = 3) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def _titles(found: list[dict]) -> list[str]:
    return sorted(r["title"] for r in found)


async def _search(user: User, text: str) -> None:
    user.find(marker="catalog-search").clear().type(text).trigger("keydown.enter")


def _shown_one(user: User, marker: str) -> Any:
    found = [e for e in all_marked(user, marker) if is_shown(e)]
    assert len(found) == 1, f"expected one shown element marked {marker!r}, found {len(found)}"
    return found[0]


async def _confirm(user: User) -> None:
    await wait_until(lambda: shown(user, "confirm-ok"), what="the confirmation dialog")
    _shown_one(user, "confirm-ok")
    user.find(marker="confirm-ok").click()


# --- the list -----------------------------------------------------------------------------------------------


async def test_catalog_lists_and_searches(content_user: User) -> None:
    user = content_user
    zelda = _performer("Zelda Starlight")
    _video("Alpha Night")
    beta = _video("Beta Day", performers=[zelda])
    _video("Gamma Night")

    await user.open("/catalog")
    found = await wait_for_rows(user, lambda found: len(found) == 3, "three videos")
    assert _titles(found) == ["Alpha Night", "Beta Day", "Gamma Night"]
    assert {r["state"] for r in found} == {"draft"}

    await _search(user, "night")
    found = await wait_for_rows(user, lambda found: len(found) == 2, "the two 'night' videos")
    assert _titles(found) == ["Alpha Night", "Gamma Night"]

    await _search(user, "starlight")  # a performer's name finds their videos
    found = await wait_for_rows(user, lambda found: len(found) == 1, "Zelda's video")
    assert found[0]["id"] == beta

    await _search(user, "ZÉLDA")  # case and accents do not matter
    found = await wait_for_rows(user, lambda found: len(found) == 1, "Zelda's video, spelled otherwise")
    assert found[0]["id"] == beta

    await _search(user, "ab")  # too short: said in words, with the search box's name
    short = "Search needs at least 3 characters"
    await wait_until(lambda: user.notify.contains(short), what="the short-search message")
    assert not user.notify.contains("search:")
    # no rows left under a search they do not match (Zelda's video stayed), and the list says why, as after a reload
    await wait_for_rows(user, lambda found: found == [], "the list emptied")
    no_data = element(user, "paged-table").props["no-data-label"]
    assert no_data == f"{short}: change the filters to see the list."
    await user.open("/catalog?q=ab")
    await wait_until(lambda: element(user, "paged-table").props["no-data-label"] == no_data, what="the same on reload")

    await _search(user, "beta-day")  # the slug
    found = await wait_for_rows(user, lambda found: len(found) == 1 and found[0]["id"] == beta, "by slug")

    await _search(user, "nothing like this")
    await wait_for_rows(user, lambda found: found == [], "no rows")
    assert element(user, "paged-table").props["no-data-label"] == "Nothing matches these filters"  # accepted again
    user.find(marker="catalog-clear").click()
    await wait_for_rows(user, lambda found: len(found) == 3, "all three again")

    # Filters: performers linked or not.
    user.find(marker="catalog-has-performers").click()
    user.find("Yes").click()
    found = await wait_for_rows(user, lambda found: len(found) == 1, "videos with performers")
    assert found[0]["id"] == beta


async def test_column_chooser_and_row_click(content_user: User) -> None:
    user = content_user
    video_id = _video("Column Test")
    await user.open("/catalog")
    await wait_for_rows(user, lambda found: len(found) == 1, "the video")
    table = element(user, "paged-table")
    assert "slug" not in [c["name"] for c in table.columns]
    element(user, "catalog-columns").value = ["title", "slug", "state"]
    await wait_until(lambda: [c["name"] for c in table.columns] == ["title", "slug", "state"], what="the columns")
    assert rows(user)[0]["slug"] == "column-test"

    user.find(marker="paged-table").trigger("rowClick", [{}, rows(user)[0], 0])
    await wait_until(lambda: current_path(user) == f"/catalog/{video_id}", what="the editor")
    assert element(user, "video-title").value == "Column Test"


async def test_bulk_publish_reports_changed_and_refused(content_user: User) -> None:
    user = content_user
    collection_id = _collection()
    performer_id = _performer("Pat Performer")
    first = _complete_video("Complete One", collection_id, performer_id)
    second = _complete_video("Complete Two", collection_id, performer_id)
    incomplete = _video("Incomplete Three")

    await user.open("/catalog")
    found = await wait_for_rows(user, lambda found: len(found) == 3, "three videos")
    assert not shown(user, "bulk-bar")
    select_rows(user, found)
    await wait_until(lambda: shown(user, "bulk-bar"), what="the bulk bar")
    assert element(user, "bulk-selected").text == "3 videos selected"

    user.find(marker="bulk-publish").click()
    await wait_until(lambda: sees_marker(user, "confirm-ok"), what="the confirmation")
    await user.should_see("Publish 3 videos now?")
    await _confirm(user)

    await wait_until(lambda: shown(user, "bulk-result"), what="the bulk result")
    assert element(user, "bulk-changed").text == "Changed: 2"
    assert element(user, "bulk-unchanged").text == "Unchanged (already so): 0"
    assert element(user, "bulk-refused-count").text == "Refused: 1"
    refused = element(user, "bulk-refused").rows
    assert [r["id"] for r in refused] == [incomplete]
    assert refused[0]["title"] == "Incomplete Three"
    assert "HLS manifest URL is missing" in refused[0]["reason"]
    assert "thumbnail is missing" in refused[0]["reason"]

    assert _stored(first).state == "published"
    assert _stored(second).state == "published"
    assert _stored(incomplete).state == "draft"
    publishes = _events("video.publish")
    assert sorted(int(e.entity_id or 0) for e in publishes) == sorted([first, second])
    assert {e.actor_label for e in publishes} == {CONTENT_EMAIL}
    # The list reloads with the new states and the selection is gone.
    await wait_for_rows(user, lambda found: sum(r["state"] == "published" for r in found) == 2, "published rows")
    assert not shown(user, "bulk-bar")


async def test_bulk_access_level_asks_for_the_value(content_user: User) -> None:
    user = content_user
    a, b = _video("Access A"), _video("Access B", access_level="PREMIUM")
    await user.open("/catalog")
    found = await wait_for_rows(user, lambda found: len(found) == 2, "two videos")
    user.find(marker="paged-table").trigger("selection", {"added": True, "rows": found, "keys": [a, b]})
    user.find(marker="bulk-access_level").click()
    await wait_until(lambda: shown(user, "bulk-access"), what="the value dialog")
    user.find(marker="bulk-access").click()
    user.find("PREMIUM").click()
    user.find(marker="bulk-value-ok").click()
    await wait_until(lambda: sees_marker(user, "confirm-ok"), what="the confirmation")
    await user.should_see("Change access of 2 videos?")
    await _confirm(user)
    await wait_until(lambda: shown(user, "bulk-result"), what="the bulk result")
    assert element(user, "bulk-changed").text == "Changed: 1"
    assert element(user, "bulk-unchanged").text == "Unchanged (already so): 1"
    assert _stored(a).access_level == "PREMIUM"
    assert len(_events("video.access_level")) == 1


# --- the editor ---------------------------------------------------------------------------------------------


async def test_editor_creates_a_video_with_slug_from_title(content_user: User) -> None:
    user = content_user
    collection_id = _collection("Night Shows")
    await user.open("/catalog/new")
    await user.should_see(marker="video-title")
    user.find(marker="video-title").type("Zoë's Night Out!")
    assert element(user, "video-slug").value == "zoes-night-out"
    user.find(marker="video-title").type(" Again")
    assert element(user, "video-slug").value == "zoes-night-out-again"
    element(user, "video-collection").value = collection_id
    user.find(marker="video-duration").type("1:02:03")
    element(user, "video-monetization").value = "tvod"
    user.find(marker="video-rental-price").type("4.99")
    element(user, "video-genres").value = ["Drama", "Night"]
    user.find(marker="video-quality-1080p").click()
    # The preview follows the form (escaped plain labels).
    assert element(user, "preview-title").text == "Zoë's Night Out! Again"
    assert element(user, "preview-collection").text == "Night Shows"
    assert element(user, "preview-duration").text == "1:02:03"

    user.find(marker="video-save").click()
    await wait_until(lambda: re.fullmatch(r"/catalog/\d+", current_path(user)) is not None, what="the saved video")
    video_id = int(current_path(user).rsplit("/", 1)[1])
    video = _stored(video_id)
    assert (video.title, video.slug, video.state) == ("Zoë's Night Out! Again", "zoes-night-out-again", "draft")
    assert video.collection_id == collection_id
    assert video.duration_seconds == 3723
    assert (video.monetization, video.rental_price_cents) == ("tvod", 499)
    assert video.genres == ["Drama", "Night"]
    assert video.qualities == ["1080p"]
    # The editor shows the stored video and its history.
    assert element(user, "video-rental-price").value == "4.99"
    assert element(user, "video-version").text == f"#{video_id} · version 1"
    assert [r["action"] for r in element(user, "video-history").rows] == ["Created"]
    assert element(user, "video-history").rows[0]["who"] == "Carla Content"  # by name, as the conflicts say


async def test_hand_edited_slug_is_kept(content_user: User) -> None:
    user = content_user
    await user.open("/catalog/new")
    await user.should_see(marker="video-title")
    user.find(marker="video-title").type("First")
    user.find(marker="video-slug").clear().type("my-own-slug")
    user.find(marker="video-title").type(" Title")
    assert element(user, "video-slug").value == "my-own-slug"
    user.find(marker="video-save").click()
    await wait_until(lambda: current_path(user) != "/catalog/new", what="the saved video")
    assert _stored(int(current_path(user).rsplit("/", 1)[1])).slug == "my-own-slug"


async def test_editor_shows_field_errors_and_creates_nothing(content_user: User) -> None:
    user = content_user
    await user.open("/catalog/new")
    await user.should_see(marker="video-title")
    user.find(marker="video-title").type("x" * 501)
    user.find(marker="video-hls-url").type("javascript:alert(1)")
    user.find(marker="video-duration").type("1:99:00")
    user.find(marker="video-save").click()
    title, hls = element(user, "video-title"), element(user, "video-hls-url")
    await wait_until(lambda: hls.error is not None, what="the service's errors")
    assert title.error == "Title is too long (501 characters; 500 at most)"
    # the form's labels, not the service's field names ("Hls url", "Duration seconds")
    assert hls.error == "HLS manifest URL must be an https:// address"
    assert element(user, "video-duration").error == "Duration must be h:mm:ss, mm:ss or seconds"
    assert element(user, "video-title").value == "x" * 501  # the text is kept to be shortened
    assert current_path(user) == "/catalog/new"
    assert _video_count() == 0
    assert _events("video.create") == []


async def test_a_pasted_600_character_title_is_kept_and_said_to_be_too_long(content_user: User) -> None:
    user = content_user
    await user.open("/catalog/new")
    await user.should_see(marker="video-title")
    title = element(user, "video-title")
    assert "maxlength" not in title.props and title.props.get("counter") is True  # no silent cut in the browser
    assert title.slots["counter"].template.endswith(" / 500</span>")  # the count with the limit, in the browser
    user.find(marker="video-title").type("t" * 600)
    await wait_until(lambda: title.error is not None, what="the length message before saving")
    assert title.error == "Title is too long (500 characters at most)"  # the limit; the counter counts
    user.find(marker="video-save").click()
    await user.should_see(marker="video-title")
    assert title.value == "t" * 600 and title.error == "Title is too long (500 characters at most)"
    assert current_path(user) == "/catalog/new" and _video_count() == 0
    user.find(marker="video-title").clear().type("t" * 500)
    await wait_until(lambda: title.error is None, what="the message to go once the title fits")


async def test_titles_without_latin_letters_and_repeated_titles_get_their_own_slugs(content_user: User) -> None:
    user = content_user
    _video("Москва ночью")
    await user.open("/catalog/new")
    await user.should_see(marker="video-title")
    user.find(marker="video-title").type("Москва ночью")
    assert element(user, "video-slug").value == "moskva-nochiu"  # transliterated, as the service will
    user.find(marker="video-save").click()
    await wait_until(lambda: re.fullmatch(r"/catalog/\d+", current_path(user)) is not None, what="the saved video")
    video = _stored(int(current_path(user).rsplit("/", 1)[1]))
    assert (video.title, video.slug) == ("Москва ночью", "moskva-nochiu-2")  # the first one holds "moskva-nochiu"


async def test_html_in_description_is_literal_text(content_user: User) -> None:
    user = content_user
    markup = '<b>bold</b><script>alert("x")</script><img src=x onerror="alert(1)">'
    video_id = _video("<i>Title</i> & co", description=markup)
    await user.open(f"/catalog/{video_id}")
    await user.should_see(marker="video-description")
    assert element(user, "video-description").value == markup
    assert element(user, "preview-description").text == markup
    assert element(user, "preview-title").text == "<i>Title</i> & co"
    assert element(user, "video-heading").text == "<i>Title</i> & co"
    assert raw_html(user) == []
    assert all_elements(user, ui.markdown) == []

    await user.open("/catalog")
    found = await wait_for_rows(user, lambda found: len(found) == 1, "the video")
    assert found[0]["title"] == "<i>Title</i> & co"
    assert raw_html(user) == []


async def test_stale_save_shows_conflict_and_keeps_input(content_user: User) -> None:
    user = content_user
    video_id = _video("Original title")
    await user.open(f"/catalog/{video_id}")
    await user.should_see(marker="video-title")
    _update_elsewhere(video_id, title="Changed elsewhere")  # another editor saved meanwhile

    user.find(marker="video-title").clear().type("My better title")
    user.find(marker="video-save").click()
    await wait_until(lambda: shown(user, "conflict-dialog"), what="the conflict dialog")
    assert element(user, "video-title").value == "My better title"  # the input is kept
    assert conflict_rows(user, "conflict")["Title"] == ("Changed elsewhere", "My better title")  # (theirs, mine)
    assert element(user, "conflict-who").text == "Changed by system just now (now version 2)"
    assert _stored(video_id).title == "Changed elsewhere"
    # Esc closes it as Cancel does (it was persistent), and Ctrl+S behind it stacked a second copy
    dialogs = [d for d in all_elements(user, ui.dialog) if d.value]
    assert len(dialogs) == 1 and "persistent" not in dialogs[0].props and "no-backdrop-dismiss" in dialogs[0].props
    user.find(marker="editor-keys").trigger("key", CTRL_S)
    await asyncio.sleep(0.3)  # what a second save would have opened by now
    assert len([d for d in all_elements(user, ui.dialog) if d.value]) == 1

    user.find(marker="conflict-keep-mine").click()
    await wait_until(lambda: _stored(video_id).title == "My better title", what="the overwrite")
    assert _stored(video_id).version == 3
    await wait_until(lambda: element(user, "video-version").text == f"#{video_id} · version 3", what="reload")


async def test_keep_mine_overwrites_only_what_was_typed_not_their_other_changes(content_user: User) -> None:
    """Another editor changed the title; this one only the description. Keep mine used to send the whole form back,
    the old title with it, and silently reverted their title."""
    user = content_user
    video_id = _video("Original title", description="Old words")
    await user.open(f"/catalog/{video_id}")
    await user.should_see(marker="video-title")
    _update_elsewhere(video_id, title="Their new title", director="Someone")

    user.find(marker="video-description").clear().type("My new words")
    user.find(marker="video-save").click()
    await wait_until(lambda: shown(user, "conflict-dialog"), what="the conflict dialog")
    rows = conflict_rows(user, "conflict")
    assert "Title" not in rows and "Director" not in rows  # not typed here: nothing to choose
    assert rows["Description"] == ("Old words", "My new words")
    assert element(user, "video-title").value == "Their new title"  # the form follows them where untouched
    assert element(user, "video-description").value == "My new words"

    user.find(marker="conflict-keep-mine").click()
    await wait_until(lambda: _stored(video_id).description == "My new words", what="the save")
    stored = _stored(video_id)
    assert (stored.title, stored.director) == ("Their new title", "Someone")  # their changes stand


async def test_cancel_after_a_merge_still_meets_the_conflict_on_the_next_save(content_user: User) -> None:
    user = content_user
    video_id = _video("Original title", description="Old words")
    await user.open(f"/catalog/{video_id}")
    await user.should_see(marker="video-title")
    _update_elsewhere(video_id, description="Their words")
    user.find(marker="video-description").clear().type("My words")
    user.find(marker="video-save").click()
    await wait_until(lambda: shown(user, "conflict-dialog"), what="the conflict dialog")
    user.find(marker="conflict-cancel").click()
    await wait_until(lambda: not shown(user, "conflict-dialog"), what="the dialog closed")
    user.find(marker="video-save").click()  # not silently over theirs: the choice is offered again
    await wait_until(lambda: shown(user, "conflict-dialog"), what="the conflict again")
    assert _stored(video_id).description == "Their words"


async def test_stale_save_take_theirs_reloads(content_user: User) -> None:
    user = content_user
    video_id = _video("Original title")
    await user.open(f"/catalog/{video_id}")
    await user.should_see(marker="video-title")
    _update_elsewhere(video_id, title="Their title", director="Someone")
    user.find(marker="video-title").clear().type("Mine")
    user.find(marker="video-save").click()
    await wait_until(lambda: shown(user, "conflict-dialog"), what="the conflict dialog")
    user.find(marker="conflict-take-theirs").click()
    await wait_until(lambda: element(user, "video-title").value == "Their title", what="their version")
    assert element(user, "video-director").value == "Someone"
    assert _stored(video_id).title == "Their title"


async def test_publish_of_incomplete_video_lists_its_reasons(content_user: User) -> None:
    user = content_user
    video_id = _video("Half Done")
    await user.open(f"/catalog/{video_id}")
    await user.should_see(marker="video-publish")
    user.find(marker="video-publish").click()
    await _confirm(user)
    await wait_until(lambda: shown(user, "publish-refused"), what="the reasons")
    reasons = [e.text for e in all_marked(user, "publish-reason")]
    assert "• HLS manifest URL is missing" in reasons
    assert "• thumbnail is missing" in reasons
    assert "• no collection is chosen" in reasons
    assert "• 0 performer(s) linked but the performer count says 1" in reasons
    assert _stored(video_id).state == "draft"
    assert _events("video.publish") == []


async def test_publish_and_unpublish_from_the_editor(content_user: User) -> None:
    user = content_user
    video_id = _complete_video("Ready", _collection(), _performer("Robin Ready"))
    await user.open(f"/catalog/{video_id}")
    await user.should_see(marker="video-publish")
    user.find(marker="video-publish").click()
    await _confirm(user)
    await wait_until(lambda: _stored(video_id).state == "published", what="published")
    await wait_until(lambda: element(user, "video-state").text == "Published", what="the state badge")
    assert not shown(user, "video-publish")
    user.find(marker="video-unpublish").click()
    await _confirm(user)
    await wait_until(lambda: _stored(video_id).state == "unpublished", what="unpublished")


async def test_unpublishing_a_series_says_its_episodes_stay_and_where_to_take_them_off(content_user: User) -> None:
    user = content_user
    series_id, _, (episode,) = make_series(1)
    with db.session_scope() as session:
        for video_id in (series_id, episode):
            video_service.publish(session, actor=SYSTEM, video_id=video_id)
    await user.open(f"/catalog/{series_id}")
    await user.should_see(marker="video-unpublish")
    user.find(marker="video-unpublish").click()
    await wait_until(lambda: shown(user, "confirm-ok"), what="the confirmation dialog")
    await user.should_see(SERIES_EPISODES_STAY.strip(), retries=1)
    await _confirm(user)
    await wait_until(lambda: _stored(series_id).state == "unpublished", what="unpublished")
    assert _stored(episode).state == "published"  # as the dialog said

    await user.open(f"/catalog/{episode}")  # an episode's own unpublish does not speak of episodes
    await user.should_see(marker="video-unpublish")
    user.find(marker="video-unpublish").click()
    await wait_until(lambda: shown(user, "confirm-ok"), what="the confirmation dialog")
    await user.should_not_see(SERIES_EPISODES_STAY.strip(), retries=1)


async def test_schedule_from_the_editor_in_utc(content_user: User) -> None:
    user = content_user
    video_id = _complete_video("Later", _collection(), _performer("Lee Later"))
    await user.open(f"/catalog/{video_id}")
    await user.should_see(marker="video-schedule")
    user.find(marker="video-schedule").click()
    await wait_until(lambda: shown(user, "schedule-date"), what="the schedule dialog")
    user.find(marker="schedule-date").type("2020-01-01")
    user.find(marker="schedule-time").type("10:00")
    user.find(marker="schedule-ok").click()
    date_field = element(user, "schedule-date")
    await wait_until(lambda: date_field.error == "Must be in the future", what="the past-time error")
    user.find(marker="schedule-date").clear().type("9999-12-31")  # a typo years ahead
    user.find(marker="schedule-ok").click()
    await wait_until(lambda: str(date_field.error).startswith("Must be within 3 years"), what="the too-far error")
    year = NEXT_YEARS
    user.find(marker="schedule-date").clear().type(f"{year}-12-31")
    user.find(marker="schedule-ok").click()
    await wait_until(lambda: _stored(video_id).state == "scheduled", what="scheduled")
    assert _stored(video_id).publish_at == datetime(year, 12, 31, 10, 0, tzinfo=UTC)
    await wait_until(lambda: element(user, "video-state").text == "Scheduled", what="the state badge")
    assert element(user, "video-status-line").text == f"scheduled for {year}-12-31 10:00 UTC"


async def test_schedule_from_the_editor_in_the_staff_members_own_zone(user: User, make_staff, actor_for) -> None:
    staff_id, email = make_staff("content", email="tokyo.content@test.example", name="Taro Tokyo")
    with db.session_scope() as session:
        set_time_zone(session, actor=actor_for(staff_id), time_zone="Asia/Tokyo")
    await sign_in_and_wait(user, email)
    video_id = _complete_video("Tokyo night", _collection(), _performer("Nao Night"))
    await user.open(f"/catalog/{video_id}")
    await user.should_see(marker="video-schedule")
    user.find(marker="video-schedule").click()
    await wait_until(lambda: shown(user, "schedule-date"), what="the schedule dialog")
    assert element(user, "schedule-time").props["label"] == "Time (JST)"
    assert "Asia/Tokyo, JST" in element(user, "schedule-zone").text
    # typed and shown as 2030-12-31 and 10:00 whatever the browser's locale (not 12/31/2030 and 10:00 AM)
    assert element(user, "schedule-date").props["mask"] == "####-##-##"
    assert element(user, "schedule-time").props["mask"] == "##:##"
    year = NEXT_YEARS
    user.find(marker="schedule-date").type(f"{year}-12-31")
    user.find(marker="schedule-time").type("10:00")
    user.find(marker="schedule-ok").click()
    await wait_until(lambda: _stored(video_id).state == "scheduled", what="scheduled")
    assert _stored(video_id).publish_at == datetime(year, 12, 31, 1, 0, tzinfo=UTC)  # 10:00 in Tokyo
    await wait_until(lambda: element(user, "video-state").text == "Scheduled", what="the state badge")
    assert element(user, "video-status-line").text == f"scheduled for {year}-12-31 10:00 JST"
    assert user.notify.contains(f"Scheduled for {year}-12-31 10:00 JST.")


async def test_performer_picker_orders_billing(content_user: User) -> None:
    user = content_user
    ann, bob = _performer("Ann Alpha"), _performer("Bob Beta")
    video_id = _video("Duo", performer_count=2)
    await user.open(f"/catalog/{video_id}")
    await user.should_see(marker="performer-search")
    user.find(marker="performer-search").type("a").trigger("keydown.enter")
    await wait_until(lambda: sees_marker(user, f"performer-add-{bob}"), what="search results")
    user.find(marker=f"performer-add-{ann}").click()
    user.find(marker=f"performer-add-{bob}").click()
    assert [e.text for e in all_marked(user, "chosen-performer")] == ["1. Ann Alpha", "2. Bob Beta"]
    user.find(marker=f"performer-up-{bob}").click()
    assert [e.text for e in all_marked(user, "chosen-performer")] == ["1. Bob Beta", "2. Ann Alpha"]
    user.find(marker="video-save").click()
    await wait_until(lambda: _events("video.performers") != [], what="the performers saved")
    with db.session_scope() as session:
        linked = video_service.performers_of(session, actor=SYSTEM, video_id=video_id)
        assert [(p.id, order) for p, order in linked] == [(bob, 1), (ann, 2)]


async def test_ctrl_s_saves(content_user: User) -> None:
    user = content_user
    video_id = _video("Before")
    await user.open(f"/catalog/{video_id}")
    await user.should_see(marker="video-title")
    user.find(marker="video-title").clear().type("After")
    user.find(marker="editor-keys").trigger("key", CTRL_S)
    await wait_until(lambda: _stored(video_id).title == "After", what="the save")


async def test_the_shortcut_sheet_lists_ctrl_s_where_it_saves(content_user: User) -> None:
    user = content_user
    video_id = _video("Sheet")
    await user.open(f"/catalog/{video_id}")
    await user.should_see(marker="editor-keys")
    press(user, "?")
    await wait_shown(user, "shortcut-sheet")
    listed = dict(zip(texts(user, "shortcut-key"), texts(user, "shortcut-what"), strict=True))
    assert listed["Ctrl+S"] == "Save the video"
    assert texts(user, "shortcut-key").index("Ctrl+S") < texts(user, "shortcut-key").index("?")  # this page's keys
    click(user, "shortcut-close")
    await wait_gone(user, "shortcut-sheet")


async def test_the_shortcut_sheet_lists_no_ctrl_s_where_nothing_saves(user: User, make_staff) -> None:
    # One simulated user a test. As the second user of the test above (create_user), this sign-in timed out once, in
    # both passes of one full run; the cause was not found. A suspect: simulated users share the module-level
    # ui.navigate, which points at whichever User was touched last, so the redirect after sign-in can go to the other.
    video_id = _video("Sheet")
    _, email = make_staff("moderator")  # read only: no Ctrl+S, none listed
    await sign_in_and_wait(user, email)
    await user.open(f"/catalog/{video_id}")
    await user.should_see(marker="video-read-only")
    press(user, "?")
    await wait_shown(user, "shortcut-sheet")
    assert "Ctrl+S" not in texts(user, "shortcut-key")


# --- read-only staff ----------------------------------------------------------------------------------------


async def test_moderator_sees_catalog_read_only(user: User, make_staff, actor_for) -> None:
    staff_id, email = make_staff("moderator")
    moderator = actor_for(staff_id)
    video_id = _video("Look Only")
    await sign_in_and_wait(user, email)

    await user.open("/catalog")
    await wait_for_rows(user, lambda found: len(found) == 1, "the video")
    assert not sees_marker(user, "bulk-bar")
    assert not sees_marker(user, "catalog-new")
    assert not sees_marker(user, "catalog-import")
    assert element(user, "paged-table").selection is None

    await user.open(f"/catalog/{video_id}")
    await user.should_see(marker="video-read-only")
    assert element(user, "video-title").value == "Look Only"
    assert not element(user, "video-title").enabled
    for marker in ("video-save", "video-publish", "video-unpublish", "thumbnail-upload", "editor-keys"):
        assert not sees_marker(user, marker), marker
    # The history is readable through the catalog (moderators hold no audit.read).
    assert [r["action"] for r in element(user, "video-history").rows] == ["Created"]

    await user.open("/catalog/new")
    await user.should_see(marker="forbidden")

    # Hiding buttons is not the check: the services refuse.
    with pytest.raises(Forbidden), db.session_scope() as session:
        video_service.bulk(session, actor=moderator, action="feature", video_ids=[video_id])
    with pytest.raises(Forbidden):
        _update_elsewhere(video_id, actor=moderator, title="Nope")
    with pytest.raises(Forbidden), db.session_scope() as session:
        video_service.publish(session, actor=moderator, video_id=video_id)
    assert _stored(video_id).title == "Look Only"


@pytest.mark.parametrize("video_id", ["abc", "0", "-1", "99999999999999999999999"])
async def test_impossible_video_ids_are_not_found_inside_the_frame(content_user: User, video_id: str) -> None:
    user = content_user
    await user.open(f"/catalog/{video_id}")
    await user.should_see(marker="not-found")
    await user.should_see(marker="staff-name")


async def test_unknown_video_is_not_found(content_user: User) -> None:
    await content_user.open("/catalog/424242")
    await content_user.should_see("Video #424242 does not exist.")


# --- thumbnails ---------------------------------------------------------------------------------------------


def _stored_thumbnails() -> list[str]:
    folder = get_settings().data_dir / "media" / "thumbnails"
    return sorted(p.name for p in folder.glob("*")) if folder.exists() else []


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"just some text, not an image\n", "picture.png"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "image.webp"),
        (b"GIF89a" + b"\0" * 40, "anim.jpg"),
        (b"", "empty.png"),
    ],
)
def test_store_thumbnail_refuses_what_is_not_an_image(data: bytes, name: str) -> None:
    before = _stored_thumbnails()
    with pytest.raises(ValidationFailed) as caught:
        media.store_thumbnail(data, name)
    assert "thumbnail" in caught.value.errors
    assert _stored_thumbnails() == before


def test_store_thumbnail_refuses_huge_images() -> None:
    out = io.BytesIO()
    Image.new("1", (8001, 10)).save(out, format="PNG")
    with pytest.raises(ValidationFailed) as caught:
        media.store_thumbnail(out.getvalue(), "wide.png")
    assert "8001×10" in caught.value.errors["thumbnail"]
    with pytest.raises(ValidationFailed):
        media.store_thumbnail(b"\x89PNG" + b"\0" * (5 * 1024 * 1024), "big.png")


def test_store_thumbnail_keeps_a_real_png_by_content() -> None:
    data = _png()
    path = media.store_thumbnail(data, "named-like-a.jpg")  # the name lies; the content decides
    assert THUMB_PATH.fullmatch(path)
    stored = get_settings().data_dir / "media" / "thumbnails" / path.rsplit("/", 1)[1]
    assert stored.read_bytes() == data


async def test_uploaded_png_is_stored_shown_and_saved(content_user: User) -> None:
    user = content_user
    video_id = _video("With Picture")
    await user.open(f"/catalog/{video_id}")
    await user.should_see(marker="thumbnail-upload")
    assert shown(user, "preview-no-thumbnail")
    upload = element(user, "thumbnail-upload")
    data = _png()
    response = await user.http_client.post(upload.props["url"], files={"file": ("cover.png", data, "image/png")})
    assert response.status_code == 200
    field = element(user, "video-thumbnail-url")
    await wait_until(lambda: THUMB_PATH.fullmatch(field.value or "") is not None, what="the uploaded path")
    path = field.value
    stored = get_settings().data_dir / "media" / "thumbnails" / path.rsplit("/", 1)[1]
    assert stored.read_bytes() == data
    # Shown in the preview and served to signed-in staff.
    assert element(user, "preview-thumbnail").source == path
    assert shown(user, "preview-thumbnail")
    served = await user.http_client.get(path)
    assert served.status_code == 200
    assert served.content == data
    assert served.headers["content-type"] == "image/png"

    user.find(marker="video-save").click()
    await wait_until(lambda: _stored(video_id).thumbnail_url == path, what="the saved thumbnail")


async def test_uploaded_text_file_named_png_is_refused(content_user: User) -> None:
    user = content_user
    video_id = _video("No Picture")
    await user.open(f"/catalog/{video_id}")
    upload = element(user, "thumbnail-upload")
    before = _stored_thumbnails()
    response = await user.http_client.post(
        upload.props["url"], files={"file": ("evil.png", b"<html>not an image</html>", "image/png")}
    )
    assert response.status_code == 200
    field = element(user, "video-thumbnail-url")
    await wait_until(lambda: field.error is not None, what="the refusal")
    assert "not a PNG, JPEG or WebP image" in field.error
    assert field.value == ""
    assert _stored_thumbnails() == before


async def test_thumbnail_preview_never_shows_a_server_path(content_user: User) -> None:
    user = content_user
    video_id = _video("Path Probe")
    await user.open(f"/catalog/{video_id}")
    await user.should_see(marker="video-thumbnail-url")
    user.find(marker="video-thumbnail-url").type("/etc/passwd")
    (image,) = all_marked(user, "preview-thumbnail")  # hidden: find() would not see it
    assert image.source == ""
    assert not image.visible
    assert shown(user, "preview-no-thumbnail")
    user.find(marker="video-thumbnail-url").trigger("blur")
    assert image.source == "" and not image.visible
    user.find(marker="video-thumbnail-url").clear().type(f"{CDN}/ok.jpg")
    assert image.source == ""  # not fetched at every keystroke ("https://c", "https://cd", …)
    user.find(marker="video-thumbnail-url").trigger("blur")  # the address is complete: the preview loads it
    assert image.source == f"{CDN}/ok.jpg"
    assert shown(user, "preview-thumbnail")
