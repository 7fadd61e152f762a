"""Rules that keep the catalog consistent beyond single-field validation."""

from __future__ import annotations

import pytest

from console.actor import SYSTEM
from console.catalog import collections as collection_service
from console.catalog import performers as performer_service
from console.catalog import service
from console.db import session_scope
from console.errors import RuleViolation
from tests.catalog.factories import (
    audit_mark,
    events_since,
    load_collection,
    load_performer,
    load_video,
    make_collection,
    make_performer,
    make_publishable_video,
    make_published_video,
    make_video,
)


def test_descriptions_and_bios_keep_line_breaks_but_titles_do_not() -> None:
    video_id = make_video(title="Lines", description="First line\r\nSecond line\n\nThird")
    assert load_video(video_id).description == "First line\nSecond line\n\nThird"
    performer = make_performer(bio="Line one\nLine two")
    assert load_performer(performer).bio == "Line one\nLine two"
    with pytest.raises(Exception, match=r"control character U\+000A \(LINE FEED\) at position 4"):
        make_video(title="Two\nlines")


def test_cached_counts_do_not_bump_versions_of_open_editors() -> None:
    collection = make_collection()
    performer = make_performer()
    before = (load_collection(collection).version, load_performer(performer).version)
    make_publishable_video(collection_id=collection, performers=[performer])
    assert load_collection(collection).video_count == 1
    assert load_performer(performer).video_count == 1
    assert (load_collection(collection).version, load_performer(performer).version) == before
    with session_scope() as session:  # an editor opened before the video was added can still save
        collection_service.update_collection(
            session, actor=SYSTEM, collection_id=collection, data={"name": "Renamed"}, expected_version=before[0]
        )


def test_moving_or_deleting_the_featured_video_clears_it() -> None:
    source, target = make_collection(), make_collection()
    moved = make_published_video(collection_id=source)
    deleted = make_published_video(collection_id=target)
    with session_scope() as session:
        collection_service.set_featured_video(session, actor=SYSTEM, collection_id=source, video_id=moved)
        collection_service.set_featured_video(session, actor=SYSTEM, collection_id=target, video_id=deleted)
    mark = audit_mark()
    with session_scope() as session:
        service.bulk(session, actor=SYSTEM, action="move", video_ids=[moved], value=target)
        service.bulk(session, actor=SYSTEM, action="delete", video_ids=[deleted])
    assert load_collection(source).featured_video_id is None
    assert load_collection(target).featured_video_id is None
    cleared = [e for e in events_since(mark) if e.action == "collection.feature_video"]
    assert {e.entity_id for e in cleared} == {str(source), str(target)}


def test_publishing_a_published_video_again_changes_nothing() -> None:
    video_id = make_published_video()
    published_at = load_video(video_id).published_at
    mark = audit_mark()
    with session_scope() as session:
        service.publish(session, actor=SYSTEM, video_id=video_id)
    assert load_video(video_id).published_at == published_at
    assert events_since(mark) == []


def test_a_performer_in_public_videos_cannot_be_deleted() -> None:
    performer = make_performer(name="Kept Star")
    video_id = make_published_video(performers=[performer])
    with session_scope() as session, pytest.raises(RuleViolation, match="appears in public videos"):
        performer_service.delete_performer(session, actor=SYSTEM, performer_id=performer)
    assert load_performer(performer).deleted_at is None
    with session_scope() as session:
        service.unpublish(session, actor=SYSTEM, video_id=video_id)
        performer_service.delete_performer(session, actor=SYSTEM, performer_id=performer)
    assert load_performer(performer).deleted_at is not None
