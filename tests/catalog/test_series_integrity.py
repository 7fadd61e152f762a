"""A series and its episodes stay consistent: an episode is published or scheduled only under a published, live
series (editor, bulk and scheduler paths all ask the gate), and a series is deleted only once none of its episodes
is public or scheduled (the refusal says what to do; `unpublish_episodes` does it, audited per episode)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from console.actor import SYSTEM, Actor
from console.catalog import service
from console.catalog.models import Season
from console.db import session_scope, utcnow
from console.errors import Forbidden, RuleViolation
from tests.catalog.factories import (
    attach_episode,
    audit_mark,
    events_since,
    load_video,
    make_publishable_video,
    make_series,
)

Show = tuple[int, int, list[int]]


@pytest.fixture
def show() -> Show:
    return make_series()


def _publish(video_id: int, actor: Actor = SYSTEM) -> None:
    with session_scope() as session:
        service.publish(session, actor=actor, video_id=video_id)


def _state(video_id: int) -> str:
    return load_video(video_id).state


# --- publishing an episode needs a published series --------------------------------------------------------------


def test_editor_publish_of_an_episode_under_a_draft_series_is_refused_and_writes_nothing(
    show: Show, content: Actor
) -> None:
    series_id, _, (first, _) = show
    title = load_video(series_id).title
    mark = audit_mark()
    with pytest.raises(service.PublishRefused) as exc, session_scope() as session:
        service.publish(session, actor=content, video_id=first)
    assert exc.value.reasons == [f"its series “{title}” is not published (draft); publish the series first"]
    assert _state(first) == "draft"
    assert events_since(mark) == []
    with pytest.raises(service.PublishRefused), session_scope() as session:
        service.schedule(session, actor=content, video_id=first, publish_at=utcnow() + timedelta(hours=1))
    assert (_state(first), load_video(first).publish_at) == ("draft", None)
    assert events_since(mark) == []


def test_after_the_series_is_published_its_episode_publishes(show: Show, content: Actor) -> None:
    series_id, _, (first, _) = show
    _publish(series_id, content)
    mark = audit_mark()
    _publish(first, content)
    assert _state(first) == "published"
    assert [(e.action, e.entity_id) for e in events_since(mark)] == [("video.publish", str(first))]


def test_a_deleted_series_blocks_its_episodes(show: Show, content: Actor) -> None:
    series_id, _, (first, _) = show
    with session_scope() as session:
        service.bulk(session, actor=content, action="delete", video_ids=[series_id])
    with pytest.raises(service.PublishRefused) as exc, session_scope() as session:
        service.publish(session, actor=content, video_id=first)
    assert exc.value.reasons == [
        f"its series “{load_video(series_id).title}” is deleted; restore and publish the series first"
    ]
    assert _state(first) == "draft"


def test_bulk_publish_refuses_episodes_of_an_unpublished_series_per_row(show: Show, content: Actor) -> None:
    _, _, (first, second) = show
    movie = make_publishable_video()
    mark = audit_mark()
    with session_scope() as session:
        result = service.bulk(session, actor=content, action="publish", video_ids=[first, second, movie])
    assert result.changed == [movie]
    assert set(result.refused) == {first, second}
    assert "is not published (draft); publish the series first" in result.refused[first]
    assert (_state(first), _state(second)) == ("draft", "draft")
    assert [(e.action, e.entity_id) for e in events_since(mark)] == [("video.publish", str(movie))]


def test_bulk_publish_of_a_series_with_its_episodes_publishes_the_series_first(show: Show, content: Actor) -> None:
    series_id, _, (first, second) = show
    with session_scope() as session:  # episodes listed before the series: the order of the selection does not matter
        result = service.bulk(session, actor=content, action="publish", video_ids=[first, second, series_id])
    assert result.refused == {}
    assert sorted(result.changed) == sorted([series_id, first, second])
    assert {_state(v) for v in (series_id, first, second)} == {"published"}


def test_bulk_publish_takes_the_series_first_even_when_its_id_is_higher(show: Show, content: Actor) -> None:
    _, season_id, (first, second) = show
    later = make_publishable_video(kind="series")  # created after the episodes: the highest id of the selection
    with session_scope() as session:  # test setup: hand Season 1 to the later series
        season = session.get(Season, season_id)
        assert season is not None
        season.series_id = later
    with session_scope() as session:
        result = service.bulk(session, actor=content, action="publish", video_ids=[first, second, later])
    assert result.refused == {}
    assert result.changed == [later, first, second]
    assert {_state(v) for v in (later, first, second)} == {"published"}


def test_bulk_schedule_of_an_episode_under_a_draft_series_is_refused(show: Show, content: Actor) -> None:
    _, _, (first, _) = show
    mark = audit_mark()
    with session_scope() as session:
        result = service.bulk(
            session, actor=content, action="schedule", video_ids=[first], value=utcnow() + timedelta(hours=2)
        )
    assert list(result.refused) == [first] and result.changed == []
    assert _state(first) == "draft"
    assert events_since(mark) == []


def test_the_scheduler_refuses_an_episode_whose_series_was_unpublished_before_its_time(
    show: Show, content: Actor
) -> None:
    series_id, _, (first, _) = show
    _publish(series_id, content)
    with session_scope() as session:
        service.schedule(session, actor=content, video_id=first, publish_at=utcnow() + timedelta(minutes=5))
    with session_scope() as session:
        service.unpublish(session, actor=content, video_id=series_id)
    mark = audit_mark()
    with session_scope() as session:
        refused = service.publish_due(session, actor=SYSTEM, now=utcnow() + timedelta(minutes=10))
    title = load_video(series_id).title
    assert refused == {first: f"its series “{title}” is not published (unpublished); publish the series first"}
    video = load_video(first)
    assert (video.state, video.publish_at, video.published_at) == ("draft", None, None)
    events = events_since(mark)
    assert [(e.action, e.entity_id) for e in events] == [("video.schedule_refused", str(first))]
    assert events[0].reason == refused[first]


# --- deleting a series -------------------------------------------------------------------------------------------


def test_deleting_a_series_with_live_episodes_is_refused_and_writes_nothing(show: Show, content: Actor) -> None:
    series_id, _, (first, second) = show
    _publish(series_id)
    _publish(first)
    with session_scope() as session:
        service.schedule(session, actor=SYSTEM, video_id=second, publish_at=utcnow() + timedelta(days=1))
    mark = audit_mark()
    with session_scope() as session:
        result = service.bulk(session, actor=content, action="delete", video_ids=[series_id])
    title = load_video(series_id).title
    assert result.refused == {
        series_id: f"the series “{title}” cannot be deleted while 2 episodes are published or scheduled; "
        "unpublish them first (Seasons page → Unpublish all episodes), then delete the series"
    }
    assert load_video(series_id).deleted_at is None
    assert (_state(series_id), _state(first), _state(second)) == ("published", "published", "scheduled")
    assert events_since(mark) == []


def test_unpublishing_all_episodes_then_deleting_the_series(show: Show, content: Actor) -> None:
    series_id, season_id, (first, second) = show
    _publish(series_id)
    _publish(first)
    draft = make_publishable_video()
    attach_episode(draft, season_id, 3)
    mark = audit_mark()
    with session_scope() as session:
        done = service.unpublish_episodes(session, actor=content, series_id=series_id)
    assert done == [first]
    assert (_state(first), _state(second), _state(draft)) == ("unpublished", "draft", "draft")
    events = events_since(mark)
    assert [(e.action, e.entity_id, e.actor_label) for e in events] == [("video.unpublish", str(first), content.label)]
    with session_scope() as session:
        assert service.unpublish_episodes(session, actor=content, series_id=series_id) == []

    mark = audit_mark()
    with session_scope() as session:
        result = service.bulk(session, actor=content, action="delete", video_ids=[series_id])
    assert result.changed == [series_id]
    assert load_video(series_id).deleted_at is not None
    assert [(e.action, e.entity_id) for e in events_since(mark)] == [("video.delete", str(series_id))]
    with pytest.raises(service.PublishRefused), session_scope() as session:  # its episodes stay off the platform
        service.publish(session, actor=content, video_id=second)


def test_deleting_a_series_together_with_its_live_episodes_in_one_selection(show: Show, content: Actor) -> None:
    series_id, _, (first, second) = show
    _publish(series_id)
    _publish(first)
    with session_scope() as session:  # the series comes before its episodes by id: it is still deleted last
        result = service.bulk(session, actor=content, action="delete", video_ids=[series_id, first, second])
    assert result.refused == {}
    assert sorted(result.changed) == sorted([series_id, first, second])
    assert _state(first) == "unpublished" and load_video(first).deleted_at is not None


def test_unpublish_episodes_checks_roles_and_input(
    show: Show, content: Actor, actor_with: Callable[..., Actor]
) -> None:
    series_id, _, (first, _) = show
    _publish(series_id)
    _publish(first)
    moderator = actor_with("moderator")
    mark = audit_mark()
    with pytest.raises(Forbidden), session_scope() as session:
        service.unpublish_episodes(session, actor=moderator, series_id=series_id)
    with pytest.raises(RuleViolation, match="not a series"), session_scope() as session:
        service.unpublish_episodes(session, actor=content, series_id=first)
    assert _state(first) == "published"
    assert events_since(mark) == []
