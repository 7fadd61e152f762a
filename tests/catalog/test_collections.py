"""Collections: create/update validation, uniqueness, versions, reorder, featured video, delete only when empty."""

from __future__ import annotations

from typing import Any

import pytest

from console.actor import SYSTEM, Actor
from console.catalog import collections as cs
from console.catalog import service
from console.catalog.models import Collection
from console.db import session_scope
from console.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from tests.catalog.factories import (
    audit_mark,
    events_since,
    load_collection,
    make_collection,
    make_video,
)


def create(data: dict[str, Any], actor: Actor = SYSTEM) -> Collection:
    with session_scope() as session:
        return cs.create_collection(session, actor=actor, data=data)


def refused_create(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as exc, session_scope() as session:
        cs.create_collection(session, actor=SYSTEM, data=data)
    return exc.value.errors


def form(collection_id: int, **changes: Any) -> tuple[dict[str, Any], int]:
    c = load_collection(collection_id)
    data = cs.collection_view(c)
    data.update(changes)
    return data, c.version


def update(collection_id: int, actor: Actor = SYSTEM, **changes: Any) -> Collection:
    data, version = form(collection_id, **changes)
    with session_scope() as session:
        return cs.update_collection(
            session, actor=actor, collection_id=collection_id, data=data, expected_version=version
        )


def live_order() -> list[int]:
    with session_scope() as session:
        return [c.id for c in cs.list_collections(session, actor=SYSTEM)]


def reorder(ids: list[int]) -> int:
    with session_scope() as session:
        return cs.reorder_collections(session, actor=SYSTEM, ordered_ids=ids)


def delete(collection_id: int) -> Collection:
    with session_scope() as session:
        return cs.delete_collection(session, actor=SYSTEM, collection_id=collection_id)


def feature(collection_id: int, video_id: int | None) -> Collection:
    with session_scope() as session:
        return cs.set_featured_video(session, actor=SYSTEM, collection_id=collection_id, video_id=video_id)


# --- create and update --------------------------------------------------------------------------------------


def test_create_cleans_values_orders_last_and_audits(content: Actor) -> None:
    first = make_collection()
    mark = audit_mark()
    c = create(
        {
            "name": "  Summer Nights  ",
            "color_primary": "#ff6b6b",
            "thumbnail_url": "https://cdn.example.com/c.jpg",
            "description": "<b>hot</b>",
        },
        actor=content,
    )
    assert (c.name, c.slug, c.color_primary, c.color_accent) == ("Summer Nights", "summer-nights", "#FF6B6B", "#4FC3F7")
    assert c.description == "<b>hot</b>"
    assert c.sort_order == load_collection(first).sort_order + 1
    assert (c.version, c.video_count, c.is_active, c.deleted_at) == (1, 0, True, None)
    events = events_since(mark)
    assert [(e.action, e.entity, e.entity_id, e.actor_label) for e in events] == [
        ("collection.create", "collection", str(c.id), content.label)
    ]
    assert events[0].after["name"] == "Summer Nights"


def test_create_reports_every_problem_at_once() -> None:
    mark = audit_mark()
    errors = refused_create(
        {
            "name": "",
            "color_primary": "red",
            "color_accent": "#12345",
            "thumbnail_url": "javascript:alert(1)",
            "banner_url": "http://cdn.example.com/b.jpg",
        }
    )
    # no slug error: an empty name makes no slug, the service falls back to "collection" (the name is refused)
    assert set(errors) == {"name", "color_primary", "color_accent", "thumbnail_url", "banner_url"}
    assert errors["color_primary"] == "must be a colour like #FF6B6B"
    assert "too long" in refused_create({"name": "n" * 121})["name"]
    assert refused_create({"name": "Bad slug", "slug": "Bad Slug!"}).keys() == {"slug"}
    assert events_since(mark) == []
    assert live_order() == []


@pytest.mark.parametrize("colour", ["#GGGGGG", "FF6B6B", "#FFF", "#FF6B6B00", "rgb(1,2,3)"])
def test_bad_hex_colours_are_refused(colour: str) -> None:
    assert refused_create({"name": "Colourful", "color_accent": colour}) == {
        "color_accent": "must be a colour like #FF6B6B"
    }


def test_duplicate_name_or_slug_is_refused() -> None:
    make_collection("Summer")
    assert refused_create({"name": "Summer"}) == {"name": "is already used by another collection"}
    assert refused_create({"name": "Winter", "slug": "summer"}) == {"slug": "is already used by another collection"}
    # a slug made from the name is made free with a suffix; a typed one must be free (above)
    assert create({"name": "SUMMER"}).slug == "summer-2"
    other = make_collection("Winter")
    with pytest.raises(ValidationFailed) as exc:
        update(other, name="Summer", slug="winter")
    assert exc.value.errors == {"name": "is already used by another collection"}
    assert load_collection(other).name == "Winter"


def test_soft_deleted_name_and_slug_are_reusable() -> None:
    old = make_collection("Reuse me")
    delete(old)
    new = create({"name": "Reuse me"})
    assert (new.name, new.slug) == ("Reuse me", "reuse-me")
    assert new.id != old


def test_update_audits_once_and_checks_the_version(actor_with: Any) -> None:
    alice, bob = actor_with("content"), actor_with("content")
    collection_id = make_collection("Before")
    stale, stale_version = form(collection_id, name="Alice's name", slug="before")
    mark = audit_mark()
    c = update(collection_id, actor=bob, name="Bob's name", slug="before", color_accent="#000000")
    assert (c.name, c.color_accent, c.version) == ("Bob's name", "#000000", 2)
    events = events_since(mark)
    assert [e.action for e in events] == ["collection.update"]
    assert (events[0].before["name"], events[0].after["name"]) == ("Before", "Bob's name")

    mark = audit_mark()
    with pytest.raises(Conflict) as exc, session_scope() as session:
        cs.update_collection(
            session, actor=alice, collection_id=collection_id, data=stale, expected_version=stale_version
        )
    assert exc.value.current["name"] == "Bob's name"
    assert exc.value.current["version"] == 2
    assert load_collection(collection_id).name == "Bob's name"

    update(collection_id)  # nothing changed
    assert events_since(mark) == []
    assert load_collection(collection_id).version == 2


def test_deleted_collection_cannot_be_updated() -> None:
    collection_id = make_collection()
    data, _ = form(collection_id, name="Ghost")
    delete(collection_id)
    with pytest.raises(NotFound), session_scope() as session:
        cs.update_collection(session, actor=SYSTEM, collection_id=collection_id, data=data, expected_version=None)
    with pytest.raises(NotFound):
        delete(collection_id)


# --- reorder ------------------------------------------------------------------------------------------------


def test_reorder_must_list_every_live_collection_once() -> None:
    a, b, c = make_collection(), make_collection(), make_collection()
    assert live_order() == [a, b, c]
    mark = audit_mark()
    for bad in ([a, b], [a, b, c, c], [a, b, b], [a, b, c, 999], []):
        with pytest.raises(ValidationFailed) as exc:
            reorder(bad)
        assert set(exc.value.errors) == {"order"}
    assert live_order() == [a, b, c]
    assert events_since(mark) == []

    assert reorder([c, a, b]) == 3
    assert live_order() == [c, a, b]
    events = events_since(mark)
    assert [(e.action, e.entity_id) for e in events] == [
        ("collection.reorder", str(c)),
        ("collection.reorder", str(a)),
        ("collection.reorder", str(b)),
    ]
    assert (events[0].before, events[0].after) == ({"sort_order": 3}, {"sort_order": 1})

    mark = audit_mark()
    assert reorder([c, a, b]) == 0
    assert events_since(mark) == []

    delete(a)
    with pytest.raises(ValidationFailed):
        reorder([c, a, b])  # the deleted one may not be listed any more
    assert reorder([b, c]) == 2
    assert live_order() == [b, c]


# --- featured video -----------------------------------------------------------------------------------------


def test_featured_video_must_be_a_live_video_of_that_collection() -> None:
    home, elsewhere = make_collection(), make_collection()
    inside = make_video(collection_id=home)
    outside = make_video(collection_id=elsewhere)
    removed = make_video(collection_id=home)
    with session_scope() as session:
        service.bulk(session, actor=SYSTEM, action="delete", video_ids=[removed])

    mark = audit_mark()
    for video_id in (outside, removed, 987654):
        with pytest.raises(ValidationFailed) as exc:
            feature(home, video_id)
        assert exc.value.errors == {"featured_video_id": "must be a video in this collection"}
    assert load_collection(home).featured_video_id is None
    assert events_since(mark) == []

    assert feature(home, inside).featured_video_id == inside
    assert feature(home, inside).featured_video_id == inside  # again: no change
    events = events_since(mark)
    assert [(e.action, e.before["featured_video_id"], e.after["featured_video_id"]) for e in events] == [
        ("collection.feature_video", None, inside)
    ]
    assert feature(home, None).featured_video_id is None
    assert len(events_since(mark)) == 2


# --- delete -------------------------------------------------------------------------------------------------


def test_delete_is_refused_while_live_videos_remain() -> None:
    doomed, refuge = make_collection("Doomed"), make_collection("Refuge")
    videos = [make_video(collection_id=doomed) for _ in range(2)]
    feature(doomed, videos[0])
    mark = audit_mark()
    with pytest.raises(RuleViolation) as exc:
        delete(doomed)
    assert "“Doomed” still holds 2 videos" in exc.value.message
    assert "Move them" in exc.value.message
    assert load_collection(doomed).deleted_at is None
    assert events_since(mark) == []

    with session_scope() as session:
        service.bulk(session, actor=SYSTEM, action="move", video_ids=videos[:1], value=refuge)
    with pytest.raises(RuleViolation) as exc:
        delete(doomed)
    assert "still holds 1 video." in exc.value.message

    with session_scope() as session:
        service.bulk(session, actor=SYSTEM, action="delete", video_ids=videos[1:])  # deleted videos do not count
    mark = audit_mark()
    deleted = delete(doomed)
    assert deleted.deleted_at is not None
    assert deleted.featured_video_id is None
    assert [e.action for e in events_since(mark)] == ["collection.delete"]
    assert live_order() == [refuge]
    with session_scope() as session:
        assert doomed in [c.id for c in cs.list_collections(session, actor=SYSTEM, include_deleted=True)]
    assert load_collection(refuge).video_count == 1
