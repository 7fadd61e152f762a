"""Series service: seasons (numbering, validation, versions, delete refusal), episodes (created through the video
service, unique numbers, renumbering and moving), kind rules, permissions, audit, and publishing through the gate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from console.actor import SYSTEM, Actor
from console.catalog import series, service
from console.catalog.models import Season, Video
from console.db import session_scope
from console.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed
from tests.catalog.factories import (
    CDN,
    audit_mark,
    editor_form,
    events_since,
    load_video,
    make_collection,
    make_performers,
    make_video,
    unique,
)
from tests.conftest import staff_name

ActorWith = Callable[..., Actor]


# --- helpers ------------------------------------------------------------------------------------------------


def make_series(title: str | None = None, **data: Any) -> int:
    return make_video(title=title or unique("Series"), kind="series", **data)


def add_season(series_id: int, actor: Actor = SYSTEM, **data: Any) -> int:
    with session_scope() as session:
        return series.add_season(session, actor=actor, series_id=series_id, data=data).id


def add_episode(season_id: int, title: str | None = None, actor: Actor = SYSTEM, **data: Any) -> int:
    with session_scope() as session:
        return series.add_episode(
            session, actor=actor, season_id=season_id, data={"title": title or unique("Episode"), **data}
        ).id


def load_season(season_id: int) -> Season:
    with session_scope() as session:
        season = session.get(Season, season_id)
        assert season is not None
        return season


def season_exists(season_id: int) -> bool:
    with session_scope() as session:
        return session.get(Season, season_id) is not None


def numbers(season_id: int) -> list[tuple[int | None, str]]:
    """(episode number, title) of the season's live episodes, in the order the service lists them."""
    with session_scope() as session:
        season = session.get(Season, season_id)
        assert season is not None
        groups = series.list_seasons(session, actor=SYSTEM, series_id=season.series_id)
        group = next(g for g in groups if g.season.id == season_id)
        return [(e.episode_number, e.title) for e in group.episodes]


def refused(call: Callable[[Session], Any], error: type[Exception] = ValidationFailed) -> Any:
    """Run `call` in a unit of work that must fail with `error`; returns the exception."""
    with pytest.raises(error) as exc, session_scope() as session:
        call(session)
    return exc.value


def _paperwork(session: Session, video_id: int) -> None:
    """2257 paperwork when the compliance area is installed (its gate check refuses publishing without it)."""
    try:
        from console.compliance.fixtures import compliant_video
    except ImportError:
        return
    compliant_video(session, video_id)


@pytest.fixture
def show() -> tuple[int, int, int]:
    """A series with Season 1 holding episodes 1 and 2: (series id, season id, episode 1 id)."""
    series_id = make_series("The Show")
    season_id = add_season(series_id)
    first = add_episode(season_id, "Pilot")
    add_episode(season_id, "Second")
    return series_id, season_id, first


# --- seasons: numbering and validation ----------------------------------------------------------------------


def test_first_season_is_1_and_the_next_is_the_highest_plus_one(content: Actor) -> None:
    series_id = make_series()
    mark = audit_mark()
    first = add_season(series_id, actor=content, title="  Beginnings ", release_year="2021")
    stored = load_season(first)
    assert (stored.season_number, stored.title, stored.release_year) == (1, "Beginnings", 2021)
    assert load_season(add_season(series_id, season_number=0, title="Specials")).season_number == 0
    assert load_season(add_season(series_id, season_number="5")).season_number == 5
    assert load_season(add_season(series_id)).season_number == 6

    events = events_since(mark)
    assert [e.action for e in events] == ["season.create"] * 4
    assert events[0].entity == "season" and events[0].entity_id == str(first)
    assert events[0].actor_label == content.label
    assert events[0].before is None
    assert events[0].after["season_number"] == 1 and events[0].after["title"] == "Beginnings"
    assert events[0].after["series_id"] == series_id


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"season_number": -1}, "season_number", "must be a whole number from 0 to 1,000"),
        ({"season_number": "two"}, "season_number", "must be a whole number from 0 to 1,000"),
        ({"season_number": 1.5}, "season_number", "must be a whole number from 0 to 1,000"),
        ({"season_number": 1001}, "season_number", "must be a whole number from 0 to 1,000"),
        ({"release_year": "1850"}, "release_year", "must be a year between 1880 and 2100"),
        ({"release_year": "soon"}, "release_year", "must be a year between 1880 and 2100"),
        ({"title": "x" * 201}, "title", "is too long (201 characters; 200 at most)"),
        ({"title": "bad\x00title"}, "title", "contains the control character U+0000 (NULL) at position 4; remove it"),
        ({"description": "y" * 5001}, "description", "is too long (5,001 characters; 5,000 at most)"),
    ],
)
def test_bad_season_input_is_refused_on_its_field_and_writes_nothing(
    data: dict[str, Any], field: str, message: str
) -> None:
    series_id = make_series()
    mark = audit_mark()
    exc = refused(lambda s: series.add_season(s, actor=SYSTEM, series_id=series_id, data=data))
    assert exc.errors == {field: message}
    assert events_since(mark) == []
    with session_scope() as session:
        assert series.list_seasons(session, actor=SYSTEM, series_id=series_id) == []


def test_every_season_problem_is_reported_at_once() -> None:
    series_id = make_series()
    exc = refused(
        lambda s: series.add_season(
            s, actor=SYSTEM, series_id=series_id, data={"season_number": "-3", "release_year": "3000"}
        )
    )
    assert set(exc.errors) == {"season_number", "release_year"}


def test_a_season_number_is_unique_within_its_series_only() -> None:
    series_id, other_id = make_series(), make_series()
    add_season(series_id, season_number=2)
    mark = audit_mark()
    exc = refused(lambda s: series.add_season(s, actor=SYSTEM, series_id=series_id, data={"season_number": 2}))
    assert exc.errors == {"season_number": "is already used: this series has a Season 2"}
    assert events_since(mark) == []
    assert load_season(add_season(other_id, season_number=2)).season_number == 2  # another series: fine


@pytest.mark.parametrize("kind", ["movie", "live"])
def test_only_a_series_has_seasons(kind: str) -> None:
    video_id = make_video(title="Just a film", kind=kind)
    mark = audit_mark()
    exc = refused(lambda s: series.add_season(s, actor=SYSTEM, series_id=video_id, data={}), RuleViolation)
    assert f"“Just a film” is a {kind}, not a series" in exc.message
    with session_scope() as session, pytest.raises(RuleViolation):
        series.list_seasons(session, actor=SYSTEM, series_id=video_id)
    assert events_since(mark) == []


def test_an_unknown_series_is_not_found() -> None:
    with session_scope() as session, pytest.raises(NotFound):
        series.add_season(session, actor=SYSTEM, series_id=987654, data={})
    with session_scope() as session, pytest.raises(NotFound):
        series.update_season(session, actor=SYSTEM, season_id=987654, data={}, expected_version=None)


def test_a_deleted_series_is_read_only() -> None:
    series_id = make_series("Gone")
    season_id = add_season(series_id)
    with session_scope() as session:
        service.bulk(session, actor=SYSTEM, action="delete", video_ids=[series_id])
    mark = audit_mark()
    exc = refused(lambda s: series.add_season(s, actor=SYSTEM, series_id=series_id, data={}), RuleViolation)
    assert "is deleted; restore it" in exc.message
    refused(lambda s: series.add_episode(s, actor=SYSTEM, season_id=season_id, data={"title": "X"}), RuleViolation)
    assert events_since(mark) == []
    with session_scope() as session:  # still readable
        assert len(series.list_seasons(session, actor=SYSTEM, series_id=series_id)) == 1


# --- seasons: edit, versions, delete ------------------------------------------------------------------------


def test_edit_a_season_records_before_and_after(content: Actor) -> None:
    series_id = make_series()
    season_id = add_season(series_id, title="Old")
    version = load_season(season_id).version
    mark = audit_mark()
    with session_scope() as session:
        series.update_season(
            session,
            actor=content,
            season_id=season_id,
            data={"season_number": "3", "title": "New", "description": "Line one\r\nLine two", "release_year": ""},
            expected_version=version,
        )
    stored = load_season(season_id)
    assert (stored.season_number, stored.title, stored.description) == (3, "New", "Line one\nLine two")
    assert stored.version == version + 1
    (event,) = events_since(mark)
    assert (event.action, event.entity, event.entity_id) == ("season.update", "season", str(season_id))
    assert event.before["title"] == "Old" and event.after["title"] == "New"
    assert event.before["season_number"] == 1 and event.after["season_number"] == 3

    mark = audit_mark()
    with session_scope() as session:  # the same values again: nothing changes, nothing is recorded
        series.update_season(
            session,
            actor=content,
            season_id=season_id,
            data={"season_number": 3, "title": "New", "description": "Line one\nLine two"},
            expected_version=stored.version,
        )
    assert events_since(mark) == []
    assert load_season(season_id).version == stored.version


def test_renumbering_a_season_onto_another_is_refused() -> None:
    series_id = make_series()
    add_season(series_id)
    second = add_season(series_id)
    exc = refused(
        lambda s: series.update_season(
            s, actor=SYSTEM, season_id=second, data={"season_number": 1}, expected_version=None
        )
    )
    assert exc.errors == {"season_number": "is already used: this series has a Season 1"}
    assert load_season(second).season_number == 2


def test_a_stale_season_edit_is_a_conflict_naming_who_changed_it(actor_with: ActorWith) -> None:
    me, colleague = actor_with("content"), actor_with("content")
    series_id = make_series()
    season_id = add_season(series_id, title="Start")
    read_version = load_season(season_id).version
    with session_scope() as session:
        series.update_season(
            session, actor=colleague, season_id=season_id, data={"title": "Theirs"}, expected_version=read_version
        )
    mark = audit_mark()
    exc = refused(
        lambda s: series.update_season(
            s, actor=me, season_id=season_id, data={"title": "Mine"}, expected_version=read_version
        ),
        Conflict,
    )
    assert exc.changed_by == staff_name(colleague)
    assert staff_name(colleague) in exc.message and "Season 1" in exc.message
    assert exc.current["title"] == "Theirs" and exc.current["version"] == read_version + 1
    assert load_season(season_id).title == "Theirs"
    assert events_since(mark) == []


def test_delete_is_refused_while_the_season_has_live_episodes(show: tuple[int, int, int]) -> None:
    _, season_id, _ = show
    mark = audit_mark()
    exc = refused(lambda s: series.delete_season(s, actor=SYSTEM, season_id=season_id), RuleViolation)
    assert exc.message.startswith("Season 1 of “The Show” still holds 2 episodes.")
    assert "Move them to another season or delete them" in exc.message
    assert season_exists(season_id)
    assert events_since(mark) == []


def test_an_empty_season_is_deleted_and_audited(content: Actor) -> None:
    series_id = make_series()
    season_id = add_season(series_id, title="Empty")
    mark = audit_mark()
    with session_scope() as session:
        series.delete_season(session, actor=content, season_id=season_id, expected_version=1)
    assert not season_exists(season_id)
    (event,) = events_since(mark)
    assert (event.action, event.entity_id, event.actor_label) == ("season.delete", str(season_id), content.label)
    assert event.before["title"] == "Empty" and event.after is None


def test_deleting_a_season_whose_episodes_are_all_deleted_detaches_them(show: tuple[int, int, int]) -> None:
    _, season_id, first = show
    second = next(i for i in _episode_ids(season_id) if i != first)
    with session_scope() as session:
        service.bulk(session, actor=SYSTEM, action="delete", video_ids=[first, second])
    mark = audit_mark()
    with session_scope() as session:
        series.delete_season(session, actor=SYSTEM, season_id=season_id)
    assert not season_exists(season_id)
    for video_id in (first, second):
        video = load_video(video_id)
        assert (video.kind, video.season_id, video.episode_number) == ("movie", None, None)
        assert video.deleted_at is not None
    actions = [(e.action, e.entity_id) for e in events_since(mark)]
    assert sorted(actions[:2]) == sorted([("video.episode_detach", str(first)), ("video.episode_detach", str(second))])
    assert actions[2] == ("season.delete", str(season_id))


def test_a_stale_delete_is_a_conflict() -> None:
    series_id = make_series()
    season_id = add_season(series_id)
    with session_scope() as session:
        series.update_season(session, actor=SYSTEM, season_id=season_id, data={"title": "x"}, expected_version=1)
    refused(lambda s: series.delete_season(s, actor=SYSTEM, season_id=season_id, expected_version=1), Conflict)
    assert season_exists(season_id)


def _episode_ids(season_id: int) -> list[int]:
    with session_scope() as session:
        return list(session.execute(select(Video.id).where(Video.season_id == season_id)).scalars())


# --- episodes -----------------------------------------------------------------------------------------------


def test_add_episode_creates_an_episode_video_through_the_video_service(content: Actor) -> None:
    collection_id = make_collection()
    series_id = make_series("Night Shift", collection_id=collection_id, access_level="PREMIUM", genres="drama")
    season_id = add_season(series_id, season_number=2)
    mark = audit_mark()
    episode_id = add_episode(season_id, "  The Call ", actor=content, duration_seconds="42:00")
    video = load_video(episode_id)
    assert (video.kind, video.season_id, video.episode_number, video.state) == ("episode", season_id, 1, "draft")
    assert video.title == "The Call" and video.duration_seconds == 42 * 60
    assert video.slug == "night-shift-s02e01-the-call"
    assert (video.collection_id, video.access_level, video.genres) == (collection_id, "PREMIUM", ["drama"])
    (event,) = events_since(mark)
    assert (event.action, event.entity, event.entity_id) == ("video.create", "video", str(episode_id))
    assert event.actor_label == content.label
    assert event.after["kind"] == "episode"
    assert event.after["season_id"] == season_id and event.after["episode_number"] == 1

    assert load_video(add_episode(season_id, "Next")).episode_number == 2
    assert load_video(add_episode(season_id, "Later", episode_number="10")).episode_number == 10
    assert load_video(add_episode(season_id, "After")).episode_number == 11
    assert [n for n, _ in numbers(season_id)] == [1, 2, 10, 11]


def test_episode_input_is_validated_by_the_video_rules_and_writes_nothing(show: tuple[int, int, int]) -> None:
    _, season_id, _ = show
    before = _episode_ids(season_id)
    mark = audit_mark()
    exc = refused(
        lambda s: series.add_episode(
            s, actor=SYSTEM, season_id=season_id, data={"title": "  ", "hls_url": "javascript:alert(1)"}
        )
    )
    assert exc.errors["title"] == "is required"
    assert exc.errors["hls_url"] == "must be an https:// address"
    exc = refused(
        lambda s: series.add_episode(s, actor=SYSTEM, season_id=season_id, data={"title": "Dup", "slug": "Bad Slug"})
    )
    assert "slug" in exc.errors
    assert _episode_ids(season_id) == before
    assert events_since(mark) == []


@pytest.mark.parametrize(
    ("number", "message"),
    [
        (1, "is already used: episode 1 of Season 1 is “Pilot”"),
        ("0", "must be a whole number from 1 to 10,000"),
        (-2, "must be a whole number from 1 to 10,000"),
        ("x1", "must be a whole number from 1 to 10,000"),
        (10_001, "must be a whole number from 1 to 10,000"),
    ],
)
def test_episode_numbers_are_unique_whole_numbers(show: tuple[int, int, int], number: Any, message: str) -> None:
    _, season_id, _ = show
    mark = audit_mark()
    exc = refused(
        lambda s: series.add_episode(
            s, actor=SYSTEM, season_id=season_id, data={"title": "Another", "episode_number": number}
        )
    )
    assert exc.errors == {"episode_number": message}
    assert events_since(mark) == []
    assert len(_episode_ids(season_id)) == 2


def test_the_same_episode_number_is_fine_in_another_season_and_after_a_delete(show: tuple[int, int, int]) -> None:
    series_id, season_id, first = show
    other = add_season(series_id)
    assert load_video(add_episode(other, "Other pilot", episode_number=1)).episode_number == 1
    with session_scope() as session:
        service.bulk(session, actor=SYSTEM, action="delete", video_ids=[first])
    assert [n for n, _ in numbers(season_id)] == [2]  # deleted episodes are not listed
    assert load_video(add_episode(season_id, "New pilot", episode_number=1)).episode_number == 1


def test_restoring_an_episode_whose_number_was_reused_is_refused_not_crashed(show: tuple[int, int, int]) -> None:
    _, season_id, first = show
    with session_scope() as session:
        service.bulk(session, actor=SYSTEM, action="delete", video_ids=[first])
    add_episode(season_id, "New pilot", episode_number=1)
    with session_scope() as session:
        result = service.bulk(session, actor=SYSTEM, action="restore", video_ids=[first])
    assert result.changed == [] and "renumber one first" in result.refused[first]
    assert load_video(first).deleted_at is not None


def test_add_episode_to_an_unknown_season_is_not_found() -> None:
    with session_scope() as session, pytest.raises(NotFound):
        series.add_episode(session, actor=SYSTEM, season_id=424242, data={"title": "Lost"})


# --- kind rules (the database's "episode exactly when in a season") ----------------------------------------


def test_an_episode_must_belong_to_a_season_of_a_series() -> None:
    with pytest.raises(ValidationFailed) as exc, session_scope() as session:
        service.create_video(session, actor=SYSTEM, data={"title": "Stray", "kind": "episode"})
    assert exc.value.errors["kind"].startswith("is “episode” only for a season's episodes")


def test_an_episode_stays_an_episode_and_other_edits_keep_its_place(show: tuple[int, int, int]) -> None:
    _, season_id, first = show
    data, version = editor_form(first, kind="movie")
    with pytest.raises(ValidationFailed) as exc, session_scope() as session:
        service.update_video(session, actor=SYSTEM, video_id=first, data=data, expected_version=version)
    assert exc.value.errors == {"kind": "must stay “episode”: this video is an episode of a season"}

    data, version = editor_form(first, title="Pilot (director's cut)")
    with session_scope() as session:
        service.update_video(session, actor=SYSTEM, video_id=first, data=data, expected_version=version)
    video = load_video(first)
    assert (video.title, video.kind, video.season_id, video.episode_number) == (
        "Pilot (director's cut)",
        "episode",
        season_id,
        1,
    )


def test_a_series_with_seasons_stays_a_series() -> None:
    with_seasons, without = make_series(), make_series()
    add_season(with_seasons)
    data, version = editor_form(with_seasons, kind="movie")
    with pytest.raises(ValidationFailed) as exc, session_scope() as session:
        service.update_video(session, actor=SYSTEM, video_id=with_seasons, data=data, expected_version=version)
    assert exc.value.errors == {"kind": "must stay “series” while the series has seasons (delete its seasons first)"}
    data, version = editor_form(without, kind="movie")
    with session_scope() as session:
        service.update_video(session, actor=SYSTEM, video_id=without, data=data, expected_version=version)
    assert load_video(without).kind == "movie"


# --- renumbering and moving ---------------------------------------------------------------------------------


def test_renumber_an_episode_to_a_free_number(show: tuple[int, int, int], content: Actor) -> None:
    _, season_id, first = show
    version = load_video(first).version
    mark = audit_mark()
    with session_scope() as session:
        series.move_episode(session, actor=content, video_id=first, episode_number="7", expected_version=version)
    assert numbers(season_id) == [(2, "Second"), (7, "Pilot")]
    (event,) = events_since(mark)
    assert (event.action, event.entity_id, event.actor_label) == ("video.episode_number", str(first), content.label)
    assert event.before == {"season_id": season_id, "episode_number": 1}
    assert event.after == {"season_id": season_id, "episode_number": 7}

    mark = audit_mark()
    with session_scope() as session:  # the same place again: no change, no event
        series.move_episode(session, actor=content, video_id=first, episode_number=7)
    assert events_since(mark) == []


def test_renumbering_onto_a_used_number_names_the_episode_there(show: tuple[int, int, int]) -> None:
    _, season_id, first = show
    mark = audit_mark()
    exc = refused(lambda s: series.move_episode(s, actor=SYSTEM, video_id=first, episode_number=2))
    assert exc.errors == {"episode_number": "is already used: episode 2 of Season 1 is “Second”"}
    assert numbers(season_id) == [(1, "Pilot"), (2, "Second")]
    assert events_since(mark) == []


def test_move_an_episode_to_another_season_of_the_same_series(show: tuple[int, int, int]) -> None:
    series_id, season_id, first = show
    other = add_season(series_id)
    add_episode(other, "Opener")
    mark = audit_mark()
    exc = refused(lambda s: series.move_episode(s, actor=SYSTEM, video_id=first, season_id=other, episode_number=1))
    assert exc.errors == {"episode_number": "is already used: episode 1 of Season 2 is “Opener”"}
    with session_scope() as session:  # a blank number means the next free one in the target season
        series.move_episode(session, actor=SYSTEM, video_id=first, season_id=other, episode_number="")
    assert numbers(other) == [(1, "Opener"), (2, "Pilot")]
    assert numbers(season_id) == [(2, "Second")]
    (event,) = events_since(mark)
    assert event.before == {"season_id": season_id, "episode_number": 1}
    assert event.after == {"season_id": other, "episode_number": 2}


def test_an_episode_cannot_move_to_another_series(show: tuple[int, int, int]) -> None:
    _, season_id, first = show
    foreign = add_season(make_series("Other show"))
    exc = refused(lambda s: series.move_episode(s, actor=SYSTEM, video_id=first, season_id=foreign, episode_number=5))
    assert exc.errors == {"season_id": "must be a season of the same series"}
    assert load_video(first).season_id == season_id


def test_only_episodes_can_be_renumbered() -> None:
    movie = make_video(title="A film")
    exc = refused(lambda s: series.move_episode(s, actor=SYSTEM, video_id=movie, episode_number=1), RuleViolation)
    assert exc.message == "“A film” is a movie, not an episode of a season."


def test_a_stale_renumber_is_a_conflict_naming_who_changed_it(
    show: tuple[int, int, int], actor_with: ActorWith
) -> None:
    _, _, first = show
    colleague = actor_with("content")
    version = load_video(first).version
    data, _ = editor_form(first, title="Renamed")
    with session_scope() as session:
        service.update_video(session, actor=colleague, video_id=first, data=data, expected_version=version)
    exc = refused(
        lambda s: series.move_episode(s, actor=SYSTEM, video_id=first, episode_number=9, expected_version=version),
        Conflict,
    )
    assert exc.changed_by == staff_name(colleague)
    assert load_video(first).episode_number == 1


def test_step_swaps_with_the_neighbour_and_records_both(show: tuple[int, int, int], content: Actor) -> None:
    _, season_id, first = show
    third = add_episode(season_id, "Third", episode_number=5)
    mark = audit_mark()
    with session_scope() as session:
        series.step_episode(session, actor=content, video_id=third, step=-1)
    assert numbers(season_id) == [(1, "Pilot"), (2, "Third"), (5, "Second")]
    events = events_since(mark)
    assert [e.action for e in events] == ["video.episode_number", "video.episode_number"]
    assert events[0].entity_id == str(third) and events[0].after["episode_number"] == 2
    assert events[0].reason == "moved up in Season 1"
    assert events[1].before["episode_number"] == 2 and events[1].after["episode_number"] == 5

    mark = audit_mark()
    with session_scope() as session:  # already first: nothing to do
        series.step_episode(session, actor=content, video_id=first, step=-1)
        series.step_episode(session, actor=content, video_id=first, step=1)
    assert numbers(season_id) == [(1, "Third"), (2, "Pilot"), (5, "Second")]
    assert len(events_since(mark)) == 2
    with session_scope() as session:  # last stays last
        series.step_episode(session, actor=content, video_id=_id_of(season_id, "Second"), step=1)
    assert numbers(season_id) == [(1, "Third"), (2, "Pilot"), (5, "Second")]
    refused(lambda s: series.step_episode(s, actor=content, video_id=first, step=2))


def _id_of(season_id: int, title: str) -> int:
    with session_scope() as session:
        return session.execute(select(Video.id).where(Video.season_id == season_id, Video.title == title)).scalar_one()


# --- reading ------------------------------------------------------------------------------------------------


def test_list_seasons_orders_seasons_and_episodes(show: tuple[int, int, int]) -> None:
    series_id, season_id, _ = show
    specials = add_season(series_id, season_number=0, title="Specials")
    add_episode(specials, "Behind the scenes")
    with session_scope() as session:
        groups = series.list_seasons(session, actor=SYSTEM, series_id=series_id)
        assert [g.season.season_number for g in groups] == [0, 1]
        assert [e.title for e in groups[1].episodes] == ["Pilot", "Second"]
        assert groups[1].next_episode_number == 3
        assert groups[0].season.id == specials and groups[1].season.id == season_id


def test_episode_context_says_where_an_episode_belongs(show: tuple[int, int, int]) -> None:
    series_id, season_id, first = show
    with session_scope() as session:
        context = series.episode_context(session, actor=SYSTEM, video_id=first)
        assert context == series.EpisodeContext(
            series_id=series_id, series_title="The Show", season_id=season_id, season_number=1, episode_number=1
        )
        assert series.episode_context(session, actor=SYSTEM, video_id=series_id) is None


# --- permissions --------------------------------------------------------------------------------------------


def test_every_operation_needs_the_catalog_permissions(show: tuple[int, int, int], actor_with: ActorWith) -> None:
    series_id, season_id, first = show
    finance, moderator = actor_with("finance"), actor_with("moderator")
    mark = audit_mark()
    reads: list[Callable[[Session, Actor], Any]] = [
        lambda s, a: series.get_series(s, actor=a, series_id=series_id),
        lambda s, a: series.list_seasons(s, actor=a, series_id=series_id),
        lambda s, a: series.episode_context(s, actor=a, video_id=first),
    ]
    writes: list[Callable[[Session, Actor], Any]] = [
        lambda s, a: series.add_season(s, actor=a, series_id=series_id, data={}),
        lambda s, a: series.update_season(s, actor=a, season_id=season_id, data={"title": "x"}, expected_version=None),
        lambda s, a: series.delete_season(s, actor=a, season_id=season_id),
        lambda s, a: series.add_episode(s, actor=a, season_id=season_id, data={"title": "x"}),
        lambda s, a: series.move_episode(s, actor=a, video_id=first, episode_number=9),
        lambda s, a: series.step_episode(s, actor=a, video_id=first, step=1),
    ]
    for call in reads + writes:
        with pytest.raises(Forbidden), session_scope() as session:
            call(session, finance)
    for call in writes:
        with pytest.raises(Forbidden), session_scope() as session:
            call(session, moderator)
    with session_scope() as session:  # a moderator may read the catalog
        assert len(series.list_seasons(session, actor=moderator, series_id=series_id)) == 1
    assert events_since(mark) == []
    assert numbers(season_id) == [(1, "Pilot"), (2, "Second")]


# --- publishing goes through the gate -----------------------------------------------------------------------


def test_an_episode_publishes_only_through_the_gate(show: tuple[int, int, int], content: Actor) -> None:
    _, season_id, first = show
    mark = audit_mark()
    exc = refused(lambda s: service.publish(s, actor=content, video_id=first), service.PublishRefused)
    assert "HLS manifest URL is missing" in exc.reasons
    assert "thumbnail is missing" in exc.reasons
    assert load_video(first).state == "draft"
    assert events_since(mark) == []

    collection_id = make_collection()
    performers = make_performers(1)
    episode_id = add_episode(
        season_id,
        "Complete",
        collection_id=collection_id,
        hls_url=f"{CDN}/ep/master.m3u8",
        thumbnail_url=f"{CDN}/ep/thumb.jpg",
    )
    with session_scope() as session:
        service.set_performers(session, actor=SYSTEM, video_id=episode_id, performer_ids=performers)
        _paperwork(session, episode_id)
    # An episode is public only under a public series (test_series_integrity.py): complete and publish the series.
    form, version = editor_form(show[0], collection_id=collection_id, thumbnail_url=f"{CDN}/show/thumb.jpg")
    with session_scope() as session:
        service.update_video(session, actor=SYSTEM, video_id=show[0], data=form, expected_version=version)
        service.set_performers(session, actor=SYSTEM, video_id=show[0], performer_ids=performers)
        _paperwork(session, show[0])
        service.publish(session, actor=SYSTEM, video_id=show[0])
    mark = audit_mark()
    with session_scope() as session:
        service.publish(session, actor=content, video_id=episode_id)
    video = load_video(episode_id)
    assert (video.state, video.kind, video.season_id) == ("published", "episode", season_id)
    assert [e.action for e in events_since(mark, entity="video")] == ["video.publish"]
