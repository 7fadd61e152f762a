"""The publish gate: every path that makes a video public (publish, schedule, bulk, scheduler) obeys it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete as sa_delete

from console.actor import SYSTEM, Actor
from console.catalog import gate, service
from console.catalog import performers as performer_service
from console.catalog.models import Video, VideoPerformer
from console.catalog.service import PublishRefused
from console.db import session_scope, utcnow
from console.errors import Forbidden, RuleViolation, ValidationFailed
from tests.catalog.factories import (
    audit_mark,
    editor_form,
    events_since,
    extra_check,
    load_video,
    make_collection,
    make_performer,
    make_publishable_video,
    make_published_video,
    make_video,
)

ActorWith = Callable[..., Actor]


def publish(video_id: int, actor: Actor = SYSTEM, reason: str | None = None) -> Video:
    with session_scope() as session:
        return service.publish(session, actor=actor, video_id=video_id, reason=reason)


def schedule(video_id: int, at: datetime, actor: Actor = SYSTEM) -> Video:
    with session_scope() as session:
        return service.schedule(session, actor=actor, video_id=video_id, publish_at=at)


def update(video_id: int, **changes: object) -> Video:
    data, version = editor_form(video_id, **changes)
    with session_scope() as session:
        return service.update_video(session, actor=SYSTEM, video_id=video_id, data=data, expected_version=version)


def publish_due(actor: Actor = SYSTEM, now: datetime | None = None) -> dict[int, str]:
    with session_scope() as session:
        return service.publish_due(session, actor=actor, now=now)


def blockers(video_id: int) -> list[str]:
    with session_scope() as session:
        video = session.get(Video, video_id)
        assert video is not None
        return gate.publish_blockers(session, video)


def embargo(_session: object, video: Video) -> list[str]:
    return ["the title is under embargo"] if "embargo" in video.title.lower() else []


# --- publish ------------------------------------------------------------------------------------------------


def test_publish_refused_lists_every_reason_and_changes_nothing() -> None:
    video_id = make_video(title="Bare", performer_count=2)
    mark = audit_mark()
    # The refusal is caught inside the unit of work, which then commits: nothing may have changed.
    with session_scope() as session, pytest.raises(PublishRefused) as exc:
        service.publish(session, actor=SYSTEM, video_id=video_id)
    assert exc.value.reasons == [
        "HLS manifest URL is missing",
        "thumbnail is missing",
        "no collection is chosen",
        "0 performer(s) linked but the performer count says 2",
        "2257: no date of production is recorded",  # the compliance check plugs into the same gate
    ]
    for reason in exc.value.reasons:
        assert reason in exc.value.message
    assert "Bare" in exc.value.message
    video = load_video(video_id)
    assert (video.state, video.published_at, video.publish_at, video.version) == ("draft", None, None, 1)
    assert events_since(mark) == []


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"hls_url": ""}, "HLS manifest URL is missing"),
        ({"thumbnail_url": None}, "thumbnail is missing"),
        ({"collection_id": None}, "no collection is chosen"),
        ({"performer_count": 2}, "1 performer(s) linked but the performer count says 2"),
    ],
)
def test_each_missing_piece_alone_blocks_publishing(change: dict[str, object], reason: str) -> None:
    video_id = make_publishable_video()
    update(video_id, **change)
    assert blockers(video_id) == [reason]
    with pytest.raises(PublishRefused) as exc:
        publish(video_id)
    assert exc.value.reasons == [reason]
    assert load_video(video_id).state == "draft"


def test_publish_succeeds_when_complete(content: Actor) -> None:
    video_id = make_publishable_video(performers=3)
    mark = audit_mark()
    before = utcnow()
    video = publish(video_id, actor=content, reason="launch day")
    assert video.state == "published"
    assert video.publish_at is None
    assert video.published_at is not None and before <= video.published_at <= utcnow()
    events = events_since(mark)
    assert [(e.action, e.entity_id, e.actor_label, e.reason) for e in events] == [
        ("video.publish", str(video_id), content.label, "launch day")
    ]
    assert events[0].before["state"] == "draft"
    assert events[0].after["state"] == "published"
    assert load_video(video_id).state == "published"


def test_a_series_needs_no_hls_manifest() -> None:
    video_id = make_publishable_video(kind="series", hls_url="")
    assert load_video(video_id).hls_url is None
    assert publish(video_id).state == "published"


def test_deleted_videos_and_deleted_performers_block_publishing() -> None:
    deleted = make_publishable_video()
    with session_scope() as session:
        service.bulk(session, actor=SYSTEM, action="delete", video_ids=[deleted])
    with pytest.raises(PublishRefused) as exc:
        publish(deleted)
    assert exc.value.reasons == ["the video is deleted; restore it first"]

    performer = make_performer()
    video_id = make_publishable_video(performers=[performer])
    with session_scope() as session:
        performer_service.delete_performer(session, actor=SYSTEM, performer_id=performer)
    assert blockers(video_id) == ["0 performer(s) linked but the performer count says 1"]


def test_publish_needs_catalog_publish(actor_with: ActorWith) -> None:
    video_id = make_publishable_video()
    for role in ("moderator", "compliance", "finance", "ads", "executive"):
        with pytest.raises(Forbidden):
            publish(video_id, actor=actor_with(role))
        with pytest.raises(Forbidden):
            schedule(video_id, utcnow() + timedelta(hours=1), actor=actor_with(role))
    assert load_video(video_id).state == "draft"


def test_unpublish_records_once_and_is_a_no_op_for_drafts(content: Actor) -> None:
    draft = make_video()
    mark = audit_mark()
    with session_scope() as session:
        assert service.unpublish(session, actor=content, video_id=draft).state == "draft"
    assert events_since(mark) == []

    video_id = make_published_video()
    mark = audit_mark()
    with session_scope() as session:
        video = service.unpublish(session, actor=content, video_id=video_id, reason="takedown")
        assert (video.state, video.publish_at) == ("unpublished", None)
    assert [(e.action, e.reason, e.actor_label) for e in events_since(mark)] == [
        ("video.unpublish", "takedown", content.label)
    ]
    assert publish(video_id).state == "published"  # and it can come back


# --- edits may not break a public video ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [{"thumbnail_url": ""}, {"hls_url": None}, {"collection_id": None}, {"performer_count": 2}],
    ids=["thumbnail", "hls", "collection", "performer_count"],
)
@pytest.mark.parametrize("state", ["published", "scheduled"])
def test_editing_a_public_video_so_it_breaks_the_gate_is_refused(state: str, change: dict[str, object]) -> None:
    video_id = make_publishable_video()
    if state == "published":
        publish(video_id)
    else:
        schedule(video_id, utcnow() + timedelta(days=1))
    before = load_video(video_id)
    mark = audit_mark()
    with pytest.raises(RuleViolation) as exc:
        update(video_id, **change)
    assert "would break a public video" in exc.value.message
    after = load_video(video_id)
    assert (after.state, after.thumbnail_url, after.hls_url, after.collection_id, after.performer_count) == (
        state,
        before.thumbnail_url,
        before.hls_url,
        before.collection_id,
        before.performer_count,
    )
    assert after.version == before.version
    assert events_since(mark) == []


def test_harmless_edits_of_a_published_video_are_accepted() -> None:
    video_id = make_published_video()
    other = make_collection()
    video = update(video_id, title="Retitled", collection_id=other, slug="retitled")
    assert (video.state, video.title, video.collection_id) == ("published", "Retitled", other)


def test_set_performers_that_breaks_a_published_video_is_refused() -> None:
    first, second = make_performer(), make_performer()
    video_id = make_published_video(performers=[first])
    mark = audit_mark()
    for ids in ([], [first, second]):
        with pytest.raises(RuleViolation) as exc, session_scope() as session:
            service.set_performers(session, actor=SYSTEM, video_id=video_id, performer_ids=ids)
        assert "performer count" in exc.value.message
    with session_scope() as session:
        assert [p.id for p, _ in service.performers_of(session, actor=SYSTEM, video_id=video_id)] == [first]
    assert events_since(mark) == []
    # A swap keeps the count right, but the new performer has no 2257 paperwork for this production: the
    # cast of a public video cannot change until compliance has recorded it.
    with pytest.raises(RuleViolation) as exc, session_scope() as session:
        service.set_performers(session, actor=SYSTEM, video_id=video_id, performer_ids=[second])
    assert "2257" in exc.value.message and "legal record" in exc.value.message
    assert load_video(video_id).state == "published"
    assert events_since(mark) == []


# --- schedule -----------------------------------------------------------------------------------------------


def test_schedule_needs_a_future_time_zone_aware_time() -> None:
    video_id = make_publishable_video()
    naive = datetime.now() + timedelta(days=1)  # deliberately naive
    for at, message in ((naive, "time zone"), (utcnow() - timedelta(minutes=1), "future")):
        with pytest.raises(ValidationFailed) as exc:
            schedule(video_id, at)
        assert message in exc.value.errors["publish_at"]
    assert load_video(video_id).state == "draft"

    at = utcnow() + timedelta(hours=5)
    mark = audit_mark()
    video = schedule(video_id, at)
    assert (video.state, video.publish_at, video.published_at) == ("scheduled", at, None)
    assert load_video(video_id).publish_at == at
    assert [e.action for e in events_since(mark)] == ["video.schedule"]


def test_schedule_of_an_incomplete_video_is_refused() -> None:
    video_id = make_video()
    with pytest.raises(PublishRefused):
        schedule(video_id, utcnow() + timedelta(hours=1))
    video = load_video(video_id)
    assert (video.state, video.publish_at) == ("draft", None)


# --- the scheduler ------------------------------------------------------------------------------------------


def test_publish_due_publishes_only_due_videos_as_the_acting_actor(content: Actor) -> None:
    now = utcnow()
    due, later = make_publishable_video(), make_publishable_video()
    schedule(due, now + timedelta(hours=1))
    schedule(later, now + timedelta(hours=3))
    assert publish_due(content, now=now) == {}  # nothing due yet
    assert load_video(due).state == "scheduled"

    mark = audit_mark()
    assert publish_due(content, now=now + timedelta(hours=2)) == {}
    published = load_video(due)
    assert (published.state, published.publish_at) == ("published", None)
    assert published.published_at is not None
    assert load_video(later).state == "scheduled"
    events = events_since(mark)
    assert [(e.action, e.entity_id, e.actor_label, e.reason) for e in events] == [
        ("video.publish", str(due), content.label, "scheduled time reached")
    ]
    assert publish_due(content, now=now + timedelta(hours=2)) == {}  # idempotent
    assert len(events_since(mark)) == 1


def test_publish_due_moves_blocked_videos_back_to_draft_with_the_reasons(content: Actor) -> None:
    now = utcnow()
    performer = make_performer()
    blocked = make_publishable_video(performers=[performer])
    fine = make_publishable_video()
    schedule(blocked, now + timedelta(minutes=5))
    schedule(fine, now + timedelta(minutes=10))
    # deleting a performer of a scheduled video is refused ...
    with session_scope() as session, pytest.raises(RuleViolation, match="appears in public videos"):
        performer_service.delete_performer(session, actor=SYSTEM, performer_id=performer)
    with session_scope() as session:  # ... so the link disappears behind the application's back
        session.execute(sa_delete(VideoPerformer).where(VideoPerformer.performer_id == performer))

    mark = audit_mark()
    refused = publish_due(content, now=now + timedelta(hours=1))
    assert refused == {blocked: "0 performer(s) linked but the performer count says 1"}
    video = load_video(blocked)
    assert (video.state, video.publish_at, video.published_at) == ("draft", None, None)
    assert load_video(fine).state == "published"
    events = {e.entity_id: e for e in events_since(mark)}
    assert set(events) == {str(blocked), str(fine)}
    event = events[str(blocked)]
    assert event.action == "video.schedule_refused"
    assert event.actor_label == content.label
    assert event.reason == "0 performer(s) linked but the performer count says 1"
    assert (event.before["state"], event.after["state"]) == ("scheduled", "draft")
    assert events[str(fine)].action == "video.publish"


def test_publish_due_needs_catalog_publish(actor_with: ActorWith) -> None:
    video_id = make_publishable_video()
    schedule(video_id, utcnow() + timedelta(minutes=1))
    with pytest.raises(Forbidden):
        publish_due(actor_with("moderator"), now=utcnow() + timedelta(hours=1))
    assert load_video(video_id).state == "scheduled"


# --- registered checks --------------------------------------------------------------------------------------


def test_a_registered_check_is_obeyed_by_every_path(content: Actor) -> None:
    now = utcnow()
    already_scheduled = make_publishable_video(title="Embargo scheduled")
    schedule(already_scheduled, now + timedelta(minutes=5))
    single = make_publishable_video(title="Embargo single")
    for_bulk = make_publishable_video(title="Embargo bulk")
    free = make_publishable_video(title="Free to go")

    with extra_check(embargo):
        assert blockers(single) == ["the title is under embargo"]
        with pytest.raises(PublishRefused) as exc:
            publish(single, actor=content)
        assert exc.value.reasons == ["the title is under embargo"]
        with pytest.raises(PublishRefused):
            schedule(single, now + timedelta(hours=1), actor=content)
        assert load_video(single).state == "draft"

        with session_scope() as session:
            result = service.bulk(session, actor=content, action="publish", video_ids=[for_bulk, free])
        assert result.changed == [free]
        assert result.refused == {for_bulk: "the title is under embargo"}
        with session_scope() as session:
            result = service.bulk(
                session, actor=content, action="schedule", video_ids=[for_bulk], value=now + timedelta(hours=1)
            )
        assert result.refused == {for_bulk: "the title is under embargo"}
        assert load_video(for_bulk).state == "draft"

        refused = publish_due(content, now=now + timedelta(hours=1))
        assert refused == {already_scheduled: "the title is under embargo"}
        assert load_video(already_scheduled).state == "draft"

        other_reasons = make_video(title="Embargo and incomplete")
        assert "the title is under embargo" in blockers(other_reasons)
        assert len(blockers(other_reasons)) > 1  # the catalog's own reasons are still there

    # Neutralised again: the same videos publish now.
    assert blockers(single) == []
    assert publish(single).state == "published"


def test_register_check_replaces_by_name() -> None:
    video_id = make_publishable_video(title="Replace me")
    with extra_check(lambda _s, _v: ["first version"]) as name:
        assert blockers(video_id) == ["first version"]
        gate.register_check(name, lambda _s, _v: ["second version"])
        assert blockers(video_id) == ["second version"]  # replaced, not added
    assert blockers(video_id) == []


@pytest.mark.parametrize(
    ("ahead", "message"),
    [(timedelta(days=-1), "must be in the future"), (timedelta(days=3 * 366 + 1), "must be within three years")],
)
def test_a_schedule_in_the_past_or_years_ahead_is_refused(ahead: timedelta, message: str) -> None:
    video_id = make_publishable_video(title="Too far")
    with pytest.raises(ValidationFailed) as refused:
        schedule(video_id, utcnow() + ahead)
    assert refused.value.errors["publish_at"].startswith(message)
    assert load_video(video_id).state == "draft"
    schedule(video_id, utcnow() + timedelta(days=3 * 365))  # within the three years: taken
    assert load_video(video_id).state == "scheduled"
