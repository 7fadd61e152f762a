"""Bulk actions: per-row results, one audit event per changed row, refusals with reasons, limits, permissions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from console.actor import SYSTEM, Actor
from console.audit.service import verify
from console.catalog import collections as collection_service
from console.catalog import service
from console.catalog.service import BULK_MAX, BulkResult
from console.db import session_scope, utcnow
from console.errors import Forbidden, ValidationFailed
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

ActorWith = Callable[..., Actor]


def bulk(action: str, ids: list[int], value: Any = None, actor: Actor = SYSTEM) -> BulkResult:
    with session_scope() as session:
        return service.bulk(session, actor=actor, action=action, video_ids=ids, value=value)


def chain_ok() -> bool:
    with session_scope() as session:
        return verify(session).ok


def test_publish_of_a_mixed_selection(content: Actor) -> None:
    good1 = make_publishable_video()
    incomplete = make_video(title="Incomplete", performer_count=1)
    good2 = make_publishable_video()
    published = make_published_video()
    missing = 999_999
    mark = audit_mark()

    result = bulk("publish", [good2, missing, incomplete, published, good1, good1], actor=content)

    assert result.changed == [good1, good2]
    assert result.unchanged == [published]
    assert result.refused == {
        incomplete: "HLS manifest URL is missing; thumbnail is missing; no collection is chosen; "
        "0 performer(s) linked but the performer count says 1; 2257: no date of production is recorded",
        missing: "does not exist",
    }
    assert [load_video(v).state for v in (good1, good2, incomplete, published)] == [
        "published",
        "published",
        "draft",
        "published",
    ]
    events = events_since(mark)
    assert sorted((e.action, int(e.entity_id), e.reason, e.actor_label) for e in events) == [
        ("video.publish", good1, "bulk", content.label),
        ("video.publish", good2, "bulk", content.label),
    ]
    assert chain_ok()


def test_schedule_and_unpublish() -> None:
    a, b = make_publishable_video(), make_published_video()
    draft = make_video()
    at = utcnow() + timedelta(days=2)
    result = bulk("schedule", [a], value=at)
    assert result.changed == [a]
    assert (load_video(a).state, load_video(a).publish_at) == ("scheduled", at)

    mark = audit_mark()
    result = bulk("unpublish", [a, b, draft])
    assert (result.changed, result.unchanged, result.refused) == ([a, b], [draft], {})
    assert {load_video(v).state for v in (a, b)} == {"unpublished"}
    assert load_video(a).publish_at is None
    assert sorted(int(e.entity_id) for e in events_since(mark) if e.action == "video.unpublish") == [a, b]
    assert len(events_since(mark)) == 2


@pytest.mark.parametrize(
    "value",
    [None, "tomorrow", utcnow().replace(tzinfo=None) + timedelta(days=1), utcnow() - timedelta(minutes=1)],
    ids=["none", "text", "naive", "past"],
)
def test_bulk_schedule_needs_a_future_aware_time(value: Any) -> None:
    video_id = make_publishable_video()
    with pytest.raises(ValidationFailed) as exc:
        bulk("schedule", [video_id], value=value)
    assert set(exc.value.errors) == {"publish_at"}
    assert load_video(video_id).state == "draft"


def test_move_updates_collection_counts_and_audits_each_moved_row() -> None:
    source, target = make_collection(), make_collection()
    moving = [make_video(collection_id=source) for _ in range(3)]
    published = make_published_video(source)
    already = make_video(collection_id=target)
    assert (load_collection(source).video_count, load_collection(target).video_count) == (4, 1)

    mark = audit_mark()
    result = bulk("move", [*moving, published, already], value=target)
    assert result.changed == sorted([*moving, published])
    assert result.unchanged == [already]
    assert result.refused == {}
    assert (load_collection(source).video_count, load_collection(target).video_count) == (0, 5)
    assert load_video(published).state == "published"
    events = events_since(mark)
    assert len(events) == 4
    for event in events:
        assert event.action == "video.move"
        assert (event.before["collection_id"], event.after["collection_id"]) == (source, target)


def test_move_to_a_missing_or_deleted_collection_is_refused() -> None:
    home = make_collection()
    video_id = make_video(collection_id=home)
    gone = make_collection()
    with session_scope() as session:
        collection_service.delete_collection(session, actor=SYSTEM, collection_id=gone)
    mark = audit_mark()
    for target in (gone, 424242, None):
        with pytest.raises(ValidationFailed) as exc:
            bulk("move", [video_id], value=target)
        assert set(exc.value.errors) == {"collection_id"}
    assert load_video(video_id).collection_id == home
    assert events_since(mark) == []


def test_access_level() -> None:
    free, premium = make_video(), make_video(access_level="PREMIUM")
    mark = audit_mark()
    result = bulk("access_level", [free, premium], value="PREMIUM")
    assert (result.changed, result.unchanged) == ([free], [premium])
    assert load_video(free).access_level == "PREMIUM"
    events = events_since(mark)
    assert [(e.action, e.before["access_level"], e.after["access_level"]) for e in events] == [
        ("video.access_level", "FREE", "PREMIUM")
    ]
    for bad in ("GOLD", "premium", None):
        with pytest.raises(ValidationFailed):
            bulk("access_level", [free], value=bad)


def test_feature_and_unfeature() -> None:
    plain, featured = make_video(), make_video(is_featured=True)
    mark = audit_mark()
    result = bulk("feature", [plain, featured])
    assert (result.changed, result.unchanged) == ([plain], [featured])
    assert load_video(plain).is_featured is True
    result = bulk("unfeature", [plain, featured])
    assert (result.changed, result.unchanged) == ([plain, featured], [])
    assert not load_video(plain).is_featured and not load_video(featured).is_featured
    result = bulk("unfeature", [plain])
    assert (result.changed, result.unchanged) == ([], [plain])
    assert [e.action for e in events_since(mark)] == ["video.feature", "video.unfeature", "video.unfeature"]


def test_delete_and_restore() -> None:
    collection_id = make_collection()
    performer = make_performer()
    published = make_published_video(collection_id, performers=[performer])
    scheduled = make_publishable_video(collection_id)
    bulk("schedule", [scheduled], value=utcnow() + timedelta(days=1))
    draft = make_video(collection_id=collection_id)
    assert load_collection(collection_id).video_count == 3
    assert load_performer(performer).video_count == 1

    mark = audit_mark()
    result = bulk("delete", [published, scheduled, draft])
    assert result.changed == sorted([published, scheduled, draft])
    for video_id in (published, scheduled, draft):
        assert load_video(video_id).deleted_at is not None
    assert (load_video(published).state, load_video(scheduled).state) == ("unpublished", "unpublished")
    assert load_video(scheduled).publish_at is None
    assert load_collection(collection_id).video_count == 0
    assert load_performer(performer).video_count == 0  # counts only live videos, like set_performers does
    assert [e.action for e in events_since(mark)] == ["video.delete"] * 3

    result = bulk("delete", [draft])
    assert (result.changed, result.unchanged) == ([], [draft])

    mark = audit_mark()
    result = bulk("restore", [published, draft])
    assert result.changed == sorted([published, draft])
    assert load_video(published).deleted_at is None
    assert load_video(published).state == "unpublished"  # restoring does not republish
    assert load_collection(collection_id).video_count == 2
    assert load_performer(performer).video_count == 1
    assert [e.action for e in events_since(mark)] == ["video.restore"] * 2
    assert bulk("restore", [draft]).unchanged == [draft]
    assert chain_ok()


def test_bulk_permissions(actor_with: ActorWith) -> None:
    collection_id = make_collection()
    video_id = make_publishable_video()
    mark = audit_mark()
    for role in ("moderator", "compliance", "finance", "ads", "executive"):
        actor = actor_with(role)
        mark = audit_mark()
        for action, value in (
            ("publish", None),
            ("unpublish", None),
            ("schedule", utcnow() + timedelta(days=1)),
            ("move", collection_id),
            ("access_level", "BASIC"),
            ("feature", None),
            ("delete", None),
            ("restore", None),
        ):
            with pytest.raises(Forbidden):
                bulk(action, [video_id], value=value, actor=actor)
        assert events_since(mark) == []
    video = load_video(video_id)
    assert (video.state, video.collection_id == collection_id, video.access_level) == ("draft", False, "FREE")
    assert (video.is_featured, video.deleted_at) == (False, None)


def test_selection_limits() -> None:
    with pytest.raises(ValidationFailed) as exc:
        bulk("feature", list(range(1, BULK_MAX + 2)))
    assert "5,000" in exc.value.errors["selection"]
    with pytest.raises(ValidationFailed) as exc:
        bulk("feature", [])
    assert set(exc.value.errors) == {"selection"}
    with pytest.raises(ValidationFailed) as exc:
        bulk("explode", [1])
    assert set(exc.value.errors) == {"action"}

    video_id = make_video()
    ids = [video_id, *range(video_id + 1, video_id + BULK_MAX), video_id]  # 5,001 entries, 5,000 distinct
    result = bulk("feature", ids)
    assert result.changed == [video_id]
    assert len(result.refused) == BULK_MAX - 1
    assert set(result.refused.values()) == {"does not exist"}


def test_restore_into_a_deleted_collection_is_refused() -> None:
    doomed, refuge = make_collection(), make_collection()
    video_id = make_publishable_video(doomed)
    bulk("delete", [video_id])
    with session_scope() as session:
        collection_service.delete_collection(session, actor=SYSTEM, collection_id=doomed)

    result = bulk("restore", [video_id])
    assert result.changed == []
    assert "collection" in result.refused[video_id]
    assert load_video(video_id).deleted_at is not None  # no live video in a deleted collection

    assert bulk("move", [video_id], value=refuge).changed == [video_id]  # the way out the message points to
    assert bulk("restore", [video_id]).changed == [video_id]
    assert load_collection(refuge).video_count == 1
