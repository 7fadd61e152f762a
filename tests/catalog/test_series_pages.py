"""Seasons & episodes page: listing, add/edit/delete seasons (inline errors, stale edits, refusal), add episodes,
move them with the arrows, the keyboard and the renumber dialog, the editor's links, literal text, and access."""

from __future__ import annotations

from typing import Any

import pytest
from nicegui import ui
from nicegui.testing import User
from sqlalchemy import select

from console import db
from console.actor import SYSTEM
from console.audit.models import AuditEvent
from console.catalog import series as series_service
from console.catalog import service as video_service
from console.catalog.models import Season, Video
from console.catalog.state_look import VIDEO_STATE_COLOURS
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

CONTENT_EMAIL = "sam.series@test.example"


@pytest.fixture
async def content_user(user: User, make_staff) -> User:
    make_staff("content", email=CONTENT_EMAIL, name="Sam Series")
    await sign_in_and_wait(user, CONTENT_EMAIL)
    return user


# --- data through the services ------------------------------------------------------------------------------


def _video(title: str, **data: Any) -> int:
    with db.session_scope() as session:
        return video_service.create_video(session, actor=SYSTEM, data={"title": title, **data}).id


def _season(series_id: int, **data: Any) -> int:
    with db.session_scope() as session:
        return series_service.add_season(session, actor=SYSTEM, series_id=series_id, data=data).id


def _episode(season_id: int, title: str, **data: Any) -> int:
    with db.session_scope() as session:
        return series_service.add_episode(session, actor=SYSTEM, season_id=season_id, data={"title": title, **data}).id


def _show() -> tuple[int, int, list[int]]:
    """ "Harbor" with Season 1 holding Arrival (1), Low Tide (2), Signals (3)."""
    series_id = _video("Harbor", kind="series")
    season_id = _season(series_id, title="Beginnings")
    episodes = [
        _episode(season_id, "Arrival", duration_seconds="45:00"),
        _episode(season_id, "Low Tide"),
        _episode(season_id, "Signals"),
    ]
    return series_id, season_id, episodes


def _seasons(series_id: int) -> list[Season]:
    with db.session_scope() as session:
        return list(
            session.execute(
                select(Season).where(Season.series_id == series_id).order_by(Season.season_number)
            ).scalars()
        )


def _stored_order(season_id: int) -> list[tuple[int | None, str]]:
    with db.session_scope() as session:
        return [
            (v.episode_number, v.title)
            for v in session.execute(
                select(Video)
                .where(Video.season_id == season_id, Video.deleted_at.is_(None))
                .order_by(Video.episode_number)
            ).scalars()
        ]


def _events(action: str) -> list[AuditEvent]:
    with db.session_scope() as session:
        return list(session.execute(select(AuditEvent).where(AuditEvent.action == action)).scalars())


def _titles_on_page(user: User, season_id: int | None = None) -> list[str]:
    titles = [e for e in all_marked(user, "episode-title")]
    if season_id is not None:
        titles = [e for e in titles if any(f"episode-list-{season_id}" in a._markers for a in e.ancestors())]
    return [str(e.text) for e in titles]


def _numbers_on_page(user: User) -> list[str]:
    return [str(e.text) for e in all_marked(user, "episode-number")]


async def _open(user: User, series_id: int) -> None:
    await user.open(f"/catalog/{series_id}/seasons")
    await user.should_see(marker="season-list")


def _set(user: User, marker: str, value: Any) -> None:
    with user:
        element(user, marker).value = value


# --- listing ------------------------------------------------------------------------------------------------


async def test_seasons_and_episodes_are_listed_in_order_with_links(content_user: User) -> None:
    user = content_user
    series_id, season_id, (arrival, low_tide, signals) = _show()
    specials = _season(series_id, season_number=0, title="Specials")
    _episode(specials, "Making of")
    await _open(user, series_id)
    assert element(user, "series-title").text == "Harbor"
    assert element(user, "season-count").text == "2 seasons · 4 episodes"
    headings = [str(e.text) for e in all_marked(user, "season")]
    assert headings == ["Season 0 · Specials · 1 episode", "Season 1 · Beginnings · 3 episodes"]
    assert _titles_on_page(user, season_id) == ["Arrival", "Low Tide", "Signals"]
    assert _titles_on_page(user) == ["Making of", "Arrival", "Low Tide", "Signals"]
    assert _numbers_on_page(user) == ["1", "1", "2", "3"]
    assert element(user, f"episode-title-{arrival}").props["href"] == f"/catalog/{arrival}"
    assert element(user, f"episode-state-{arrival}").text == "Draft"
    assert element(user, f"episode-state-{arrival}").props["color"] == VIDEO_STATE_COLOURS["draft"]
    assert element(user, f"episode-duration-{arrival}").text == "0:45:00"
    assert element(user, f"episode-duration-{low_tide}").text == "—"
    assert not element(user, f"episode-up-{arrival}").enabled  # first
    assert not element(user, f"episode-down-{signals}").enabled  # last
    assert element(user, "series-back").props["href"] == f"/catalog/{series_id}"
    assert element(user, f"season-title-{season_id}").value == "Beginnings"


async def test_a_video_that_is_not_a_series_says_so(content_user: User) -> None:
    movie = _video("Plain film")
    await content_user.open(f"/catalog/{movie}/seasons")
    await content_user.should_see("“Plain film” is a movie, not a series")
    await content_user.should_not_see(marker="season-list")


@pytest.mark.parametrize("video_id", ["abc", "0", "99999999999999999999999"])
async def test_impossible_ids_are_not_found_inside_the_frame(content_user: User, video_id: str) -> None:
    await content_user.open(f"/catalog/{video_id}/seasons")
    await content_user.should_see(marker="not-found")


async def test_unknown_series_is_not_found(content_user: User) -> None:
    await content_user.open("/catalog/424242/seasons")
    await content_user.should_see("Video #424242 does not exist.")


# --- seasons ------------------------------------------------------------------------------------------------


async def test_add_season_suggests_the_next_number_and_refuses_a_used_one(content_user: User) -> None:
    user = content_user
    series_id = _video("Fresh", kind="series")
    await _open(user, series_id)
    await user.should_see(marker="season-empty")
    user.find(marker="season-add").click()
    await wait_until(lambda: shown(user, "season-new-number"), what="the new-season dialog")
    assert element(user, "season-new-number").value == "1"
    user.find(marker="season-new-title").type("Pilot season")
    user.find(marker="season-new-year").type("2024")
    user.find(marker="season-new-save").click()
    await wait_until(lambda: len(_seasons(series_id)) == 1, what="the season stored")
    stored = _seasons(series_id)[0]
    assert (stored.season_number, stored.title, stored.release_year) == (1, "Pilot season", 2024)
    await wait_until(lambda: len(all_marked(user, "season")) == 1, what="the season on the page")
    created = _events("season.create")
    assert len(created) == 1 and created[0].actor_label == CONTENT_EMAIL

    user.find(marker="season-add").click()
    await wait_until(lambda: shown(user, "season-new-number"), what="the dialog again")
    assert element(user, "season-new-number").value == "2"
    _set(user, "season-new-number", "1")
    user.find(marker="season-new-save").click()
    field = element(user, "season-new-number")
    await wait_until(lambda: field.error is not None, what="the field error")
    assert field.error == "Season number is already used: this series has a Season 1"
    assert shown(user, "season-new-save")  # the dialog stays open
    assert len(_seasons(series_id)) == 1


async def test_inline_season_edit_shows_field_errors_then_saves(content_user: User) -> None:
    user = content_user
    series_id, season_id, _ = _show()
    await _open(user, series_id)
    _set(user, f"season-year-{season_id}", "3000")
    _set(user, f"season-number-{season_id}", "-1")
    user.find(marker=f"season-save-{season_id}").click()
    year = element(user, f"season-year-{season_id}")
    await wait_until(lambda: year.error is not None, what="the year error")
    assert year.error == "Release year must be a year between 1880 and 2100"
    assert element(user, f"season-number-{season_id}").error == "Season number must be a whole number from 0 to 1,000"
    assert _events("season.update") == []

    _set(user, f"season-year-{season_id}", "2019")
    _set(user, f"season-number-{season_id}", "2")
    _set(user, f"season-title-{season_id}", "Open water")
    _set(user, f"season-description-{season_id}", "Boats.")
    user.find(marker=f"season-save-{season_id}").click()
    await wait_until(lambda: _seasons(series_id)[0].season_number == 2, what="the season saved")
    stored = _seasons(series_id)[0]
    assert (stored.title, stored.release_year, stored.description) == ("Open water", 2019, "Boats.")
    await wait_until(
        lambda: [str(e.text) for e in all_marked(user, "season")] == ["Season 2 · Open water · 3 episodes"],
        what="the refreshed heading",
    )
    (event,) = _events("season.update")
    assert event.actor_label == CONTENT_EMAIL and event.before["season_number"] == 1


async def test_stale_season_edit_shows_what_is_stored_and_keeps_the_input(content_user: User) -> None:
    user = content_user
    series_id, season_id, _ = _show()
    await _open(user, series_id)
    _set(user, f"season-title-{season_id}", "Mine")
    with db.session_scope() as session:  # someone else saves first
        series_service.update_season(
            session, actor=SYSTEM, season_id=season_id, data={"title": "Theirs"}, expected_version=1
        )
    user.find(marker=f"season-save-{season_id}").click()
    await wait_until(lambda: shown(user, f"season-conflict-{season_id}"), what="the conflict panel")
    assert "was changed by system" in element(user, f"season-conflict-{season_id}-message").text
    assert not user.notify.contains("was changed by")  # the panel says it; no toast repeats it
    assert element(user, f"season-title-{season_id}").value == "Mine"  # the input is kept
    assert conflict_rows(user, f"season-conflict-{season_id}")["Title"] == ("Theirs", "Mine")
    assert _seasons(series_id)[0].title == "Theirs"

    user.find(marker=f"season-save-{season_id}").click()  # saving again, knowingly, replaces it
    await wait_until(lambda: _seasons(series_id)[0].title == "Mine", what="the second save")


async def test_stale_season_edit_offers_take_theirs(content_user: User) -> None:
    user = content_user
    series_id, season_id, _ = _show()
    await _open(user, series_id)
    _set(user, f"season-title-{season_id}", "Mine")
    with db.session_scope() as session:
        series_service.update_season(
            session,
            actor=SYSTEM,
            season_id=season_id,
            data={"title": "Theirs", "release_year": 2001},
            expected_version=1,
        )
    user.find(marker=f"season-save-{season_id}").click()
    await wait_until(lambda: shown(user, f"season-conflict-{season_id}-take-theirs"), what="Take theirs")
    user.find(marker=f"season-conflict-{season_id}-take-theirs").click()
    await wait_until(lambda: not shown(user, f"season-conflict-{season_id}"), what="the panel gone")
    assert element(user, f"season-title-{season_id}").value == "Theirs"
    assert element(user, f"season-year-{season_id}").value == "2001"
    user.find(marker=f"season-save-{season_id}").click()  # nothing typed since: nothing to save
    await wait_until(lambda: user.notify.contains("Nothing to save"), what="nothing to save")
    _set(user, f"season-title-{season_id}", "After theirs")
    user.find(marker=f"season-save-{season_id}").click()  # based on the version taken: no second conflict
    await wait_until(lambda: _seasons(series_id)[0].title == "After theirs", what="the save")
    assert _seasons(series_id)[0].release_year == 2001


async def test_typing_in_one_season_survives_a_save_of_another(content_user: User) -> None:
    """The page redraws every season card after a change: what is typed in another season's form is kept."""
    user = content_user
    series_id, first, (arrival, _, _) = _show()
    second = _season(series_id, title="Deep water")
    await _open(user, series_id)
    _set(user, f"season-title-{second}", "Deep water, typed")
    _set(user, f"season-description-{second}", "Not saved yet.")
    _set(user, f"season-title-{first}", "Beginnings, saved")
    user.find(marker=f"season-save-{first}").click()
    await wait_until(lambda: _seasons(series_id)[0].title == "Beginnings, saved", what="the first season saved")
    await wait_until(lambda: user.notify.contains("Saved Season 1."), what="the toast")
    assert element(user, f"season-title-{second}").value == "Deep water, typed"  # a new element, the input kept
    assert element(user, f"season-description-{second}").value == "Not saved yet."
    assert element(user, f"season-title-{first}").value == "Beginnings, saved"

    user.find(marker=f"episode-down-{arrival}").click()  # a move redraws the cards too
    await wait_until(lambda: _titles_on_page(user, first)[:2] == ["Low Tide", "Arrival"], what="the move")
    assert element(user, f"season-title-{second}").value == "Deep water, typed"

    user.find(marker=f"season-save-{second}").click()  # and it saves as typed, not as a conflict
    await wait_until(lambda: _seasons(series_id)[1].title == "Deep water, typed", what="the second season saved")
    assert _seasons(series_id)[1].description == "Not saved yet."
    assert not shown(user, f"season-conflict-{second}")


async def test_carried_input_on_a_season_changed_meanwhile_is_refused_as_stale(content_user: User) -> None:
    user = content_user
    series_id, first, _ = _show()
    second = _season(series_id, title="Deep water")
    await _open(user, series_id)
    _set(user, f"season-title-{second}", "Mine")
    with db.session_scope() as session:  # someone else saves the second season meanwhile
        series_service.update_season(
            session, actor=SYSTEM, season_id=second, data={"title": "Theirs"}, expected_version=1
        )
    _set(user, f"season-title-{first}", "Beginnings, saved")
    user.find(marker=f"season-save-{first}").click()  # the redraw reads "Theirs" but keeps "Mine" in the form
    await wait_until(lambda: user.notify.contains("Saved Season 1."), what="the first season saved")
    assert element(user, f"season-title-{second}").value == "Mine"
    user.find(marker=f"season-save-{second}").click()
    await wait_until(lambda: shown(user, f"season-conflict-{second}"), what="the conflict panel")
    assert conflict_rows(user, f"season-conflict-{second}")["Title"] == ("Theirs", "Mine")
    assert _seasons(series_id)[1].title == "Theirs"  # not overwritten unseen

    _set(user, f"season-title-{first}", "Beginnings, again")  # the shown conflict survives a redraw as well
    user.find(marker=f"season-save-{first}").click()
    await wait_until(lambda: _seasons(series_id)[0].title == "Beginnings, again", what="the first season again")
    await wait_until(lambda: shown(user, f"season-conflict-{second}"), what="the panel still shown")
    assert element(user, f"season-title-{second}").value == "Mine"
    user.find(marker=f"season-save-{second}").click()  # knowingly: replaces it
    await wait_until(lambda: _seasons(series_id)[1].title == "Mine", what="the deliberate save")


async def test_delete_season_is_refused_while_it_has_episodes(content_user: User) -> None:
    user = content_user
    series_id, season_id, _ = _show()
    empty = _season(series_id, title="Empty")
    await _open(user, series_id)
    user.find(marker=f"season-delete-{season_id}").click()
    await wait_until(lambda: shown(user, "confirm-ok"), what="the confirmation")
    await user.should_see("the deletion will be refused until they are moved or deleted")
    user.find(marker="confirm-ok").click()
    await wait_until(lambda: user.notify.contains("still holds 3 episodes"), what="the refusal")
    assert len(_seasons(series_id)) == 2
    assert _events("season.delete") == []

    user.find(marker=f"season-delete-{empty}").click()
    await wait_until(lambda: shown(user, "confirm-ok"), what="the confirmation")
    user.find(marker="confirm-ok").click()
    await wait_until(lambda: len(_seasons(series_id)) == 1, what="the empty season deleted")
    await wait_until(lambda: len(all_marked(user, "season")) == 1, what="the page without it")
    assert _events("season.delete")[0].actor_label == CONTENT_EMAIL


# --- episodes -----------------------------------------------------------------------------------------------


async def test_add_episode_dialog_defaults_to_the_next_number(content_user: User) -> None:
    user = content_user
    series_id, season_id, _ = _show()
    await _open(user, series_id)
    user.find(marker=f"episode-add-{season_id}").click()
    await wait_until(lambda: shown(user, "episode-new-title"), what="the new-episode dialog")
    assert element(user, "episode-new-number").value == "4"
    user.find(marker="episode-new-save").click()  # no title
    title = element(user, "episode-new-title")
    await wait_until(lambda: title.error is not None, what="the title error")
    assert title.error == "Title is required"

    user.find(marker="episode-new-title").type("Homecoming")
    _set(user, "episode-new-number", "2")
    user.find(marker="episode-new-save").click()
    number = element(user, "episode-new-number")
    await wait_until(lambda: number.error is not None, what="the number error")
    assert number.error == "Episode number is already used: episode 2 of Season 1 is “Low Tide”"

    _set(user, "episode-new-number", "4")
    user.find(marker="episode-new-save").click()
    await wait_until(lambda: (4, "Homecoming") in _stored_order(season_id), what="the episode stored")
    await wait_until(
        lambda: _titles_on_page(user) == ["Arrival", "Low Tide", "Signals", "Homecoming"], what="the new row"
    )
    (event,) = [e for e in _events("video.create") if e.actor_label == CONTENT_EMAIL]
    assert event.after["kind"] == "episode" and event.after["episode_number"] == 4


async def test_a_new_episode_typed_before_the_page_went_is_back_until_saved_or_cancelled(content_user: User) -> None:
    """The series dialogs kept no draft (last notes): a lost page took a typed title with it. Opened again, the new-
    episode dialog of the same season brings it back and says so; Cancel drops it, and
    so does a save."""
    from nicegui import app

    from console.ui.dialog_draft import STORAGE_KEY

    user = content_user
    series_id, season_id, _ = _show()

    async def open_dialog() -> Any:
        await _open(user, series_id)  # a new page, as after a reload
        user.find(marker=f"episode-add-{season_id}").click()
        await wait_until(lambda: shown(user, "episode-new-title"), what="the new-episode dialog")
        return element(user, "episode-new-title")

    (await open_dialog()).value = "The long way home"  # typed; then the page goes
    title = await open_dialog()
    assert title.value == "The long way home" and shown(user, "text-draft-restored")
    user.find(marker="episode-new-cancel").click()
    assert not any(k.endswith(f"episode-new:{season_id}") for k in app.storage.user.get(STORAGE_KEY, {}))
    assert (await open_dialog()).value == ""

    title = await open_dialog()
    title.value = "Homecoming"
    user.find(marker="episode-new-save").click()
    await wait_until(lambda: (4, "Homecoming") in _stored_order(season_id), what="the episode stored")
    assert (await open_dialog()).value == ""


async def test_arrows_and_alt_keys_move_episodes(content_user: User) -> None:
    user = content_user
    series_id, season_id, (arrival, low_tide, signals) = _show()
    await _open(user, series_id)
    user.find(marker=f"episode-down-{arrival}").click()
    await wait_until(lambda: _titles_on_page(user) == ["Low Tide", "Arrival", "Signals"], what="Arrival down")
    assert _stored_order(season_id) == [(1, "Low Tide"), (2, "Arrival"), (3, "Signals")]
    assert _numbers_on_page(user) == ["1", "2", "3"]

    user.find(marker=f"episode-row-{signals}").trigger("keydown.alt.up.prevent")
    await wait_until(lambda: _titles_on_page(user) == ["Low Tide", "Signals", "Arrival"], what="Alt+Up on Signals")
    user.find(marker=f"episode-up-{low_tide}").click()  # already first: disabled on the page, a no-op anyway
    assert _stored_order(season_id) == [(1, "Low Tide"), (2, "Signals"), (3, "Arrival")]
    moves = _events("video.episode_number")
    assert len(moves) == 4 and {e.actor_label for e in moves} == {CONTENT_EMAIL}


async def test_renumber_dialog_moves_an_episode_to_another_season(content_user: User) -> None:
    user = content_user
    series_id, season_id, (arrival, _, _) = _show()
    second = _season(series_id)
    _episode(second, "Opener")
    await _open(user, series_id)
    user.find(marker=f"episode-renumber-{arrival}").click()
    await wait_until(lambda: shown(user, "episode-move-number"), what="the renumber dialog")
    assert element(user, "episode-move-number").value == "1"
    _set(user, "episode-move-season", second)
    user.find(marker="episode-move-save").click()
    number = element(user, "episode-move-number")
    await wait_until(lambda: number.error is not None, what="the clash")
    assert number.error == "Episode number is already used: episode 1 of Season 2 is “Opener”"
    _set(user, "episode-move-number", "5")
    user.find(marker="episode-move-save").click()
    await wait_until(lambda: _stored_order(second) == [(1, "Opener"), (5, "Arrival")], what="the move")
    await wait_until(lambda: _titles_on_page(user, second) == ["Opener", "Arrival"], what="the page after the move")
    assert _titles_on_page(user, season_id) == ["Low Tide", "Signals"]


# --- the editor's links ---------------------------------------------------------------------------------------


async def test_editor_links_a_series_to_its_seasons_and_an_episode_back(content_user: User) -> None:
    user = content_user
    series_id, _, (arrival, _, _) = _show()
    await user.open(f"/catalog/{series_id}")
    await user.should_see(marker="video-title")
    assert element(user, "video-seasons").props["href"] == f"/catalog/{series_id}/seasons"
    await user.should_not_see(marker="video-episode-of")

    await user.open(f"/catalog/{arrival}")
    await user.should_see(marker="video-episode-of")
    await user.should_see("Episode 1 of Season 1 of")
    link = element(user, "video-series-link")
    assert (link.text, link.props["href"]) == ("Harbor", f"/catalog/{series_id}/seasons")
    await user.should_not_see(marker="video-seasons")

    movie = _video("Just a movie")
    await user.open(f"/catalog/{movie}")
    await user.should_see(marker="video-title")
    await user.should_not_see(marker="video-seasons")
    await user.should_not_see(marker="video-episode-of")


# --- escaping and access ------------------------------------------------------------------------------------


async def test_markup_in_titles_is_literal_text(content_user: User) -> None:
    user = content_user
    series_title, episode_title = "<script>alert(1)</script>", '<img src=x onerror="alert(1)">'
    series_id = _video(series_title, kind="series", slug="markup-series")
    season_id = _season(series_id, title="<b>bold</b>")
    episode = _episode(season_id, episode_title, slug="markup-episode")
    await _open(user, series_id)
    assert element(user, "series-title").text == series_title
    assert element(user, f"episode-title-{episode}").text == episode_title
    assert raw_html(user) == []
    assert all_elements(user, ui.markdown) == []
    response = await user.http_client.get(f"/catalog/{series_id}/seasons")
    assert series_title not in response.text and episode_title not in response.text


async def test_moderator_sees_the_seasons_read_only(user: User, make_staff) -> None:
    _, email = make_staff("moderator")
    series_id, season_id, (arrival, _, _) = _show()
    await sign_in_and_wait(user, email)
    await _open(user, series_id)
    await user.should_see(marker="series-read-only")
    for marker in (
        "season-add",
        f"season-save-{season_id}",
        f"season-delete-{season_id}",
        f"episode-add-{season_id}",
        f"episode-up-{arrival}",
        f"episode-down-{arrival}",
        f"episode-renumber-{arrival}",
    ):
        await user.should_not_see(marker=marker)
    assert not element(user, f"season-title-{season_id}").enabled
    row = element(user, f"episode-row-{arrival}")
    assert not any(listener.type.startswith("keydown") for listener in row._event_listeners.values())
    assert _titles_on_page(user) == ["Arrival", "Low Tide", "Signals"]


async def test_seasons_page_needs_catalog_read(user: User, make_staff) -> None:
    _, email = make_staff("finance")
    series_id = _video("Private", kind="series")
    await sign_in_and_wait(user, email)
    await user.open(f"/catalog/{series_id}/seasons")
    await user.should_see(marker="forbidden")
    await user.should_not_see(marker="season-list")


# --- unpublishing all episodes (the step before deleting a series) -------------------------------------------


def _make_live(*video_ids: int) -> None:
    """Test setup: mark episodes published without the gate (the gate's series rule has its own tests)."""
    with db.session_scope() as session:
        for video_id in video_ids:
            video = session.get(Video, video_id)
            assert video is not None
            video.state, video.published_at = "published", db.utcnow()


def _states(video_ids: list[int]) -> list[str]:
    with db.session_scope() as session:
        return [session.get(Video, v).state for v in video_ids]  # type: ignore[union-attr]


async def test_unpublish_all_episodes_takes_the_live_ones_down_after_confirmation(content_user: User) -> None:
    user = content_user
    series_id, _, episodes = _show()
    _make_live(episodes[0], episodes[2])
    await _open(user, series_id)
    await user.should_see("2 episodes are published or scheduled")
    user.find(marker="series-unpublish-episodes").click()
    await wait_until(lambda: shown(user, "confirm-ok"), what="the confirmation")
    await user.should_see("Unpublish all 2 live episodes of “Harbor”?")
    assert _states(episodes) == ["published", "draft", "published"]  # nothing before the confirmation
    user.find(marker="confirm-ok").click()
    await wait_until(lambda: user.notify.contains("Unpublished 2 episodes."), what="the result")
    assert _states(episodes) == ["unpublished", "draft", "unpublished"]
    events = _events("video.unpublish")
    assert sorted(int(e.entity_id) for e in events) == [episodes[0], episodes[2]]
    assert {e.actor_label for e in events} == {CONTENT_EMAIL}
    await wait_until(lambda: not all_marked(user, "series-unpublish-episodes"), what="the button gone")


async def test_unpublish_all_is_not_offered_without_live_episodes(content_user: User) -> None:
    user = content_user
    series_id, _, _ = _show()
    await _open(user, series_id)
    await user.should_not_see(marker="series-unpublish-episodes")
