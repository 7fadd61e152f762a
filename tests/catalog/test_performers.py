"""Performers: profile create/update/conflict, directory search, social links, photos, soft delete, videos_of."""

from __future__ import annotations

from typing import Any

import pytest

from console.actor import SYSTEM, Actor
from console.catalog import performers as ps
from console.catalog import service
from console.catalog.models import Performer, Photo
from console.catalog.performers import PerformerFilter
from console.db import session_scope
from console.errors import Conflict, NotFound, ValidationFailed
from console.paging import PageRequest
from tests.catalog.factories import (
    CDN,
    audit_mark,
    events_since,
    load_performer,
    make_performer,
    make_video,
)


def create(data: dict[str, Any], actor: Actor = SYSTEM) -> Performer:
    with session_scope() as session:
        return ps.create_performer(session, actor=actor, data=data)


def refused_create(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as exc, session_scope() as session:
        ps.create_performer(session, actor=SYSTEM, data=data)
    return exc.value.errors


def form(performer_id: int, **changes: Any) -> tuple[dict[str, Any], int]:
    p = load_performer(performer_id)
    data = ps.performer_view(p)
    data.update(changes)
    return data, p.version


def update(performer_id: int, actor: Actor = SYSTEM, **changes: Any) -> Performer:
    data, version = form(performer_id, **changes)
    with session_scope() as session:
        return ps.update_performer(session, actor=actor, performer_id=performer_id, data=data, expected_version=version)


def names(search: str | None = None, include_inactive: bool = True, size: int = 100, page: int = 1) -> list[str]:
    with session_scope() as session:
        result = ps.list_performers(
            session,
            actor=SYSTEM,
            flt=PerformerFilter(search=search, include_inactive=include_inactive),
            page=PageRequest(page=page, size=size),
        )
        return [p.name for p in result.rows]


def set_link(performer_id: int, platform: str, handle: str, url: str | None = None) -> None:
    with session_scope() as session:
        ps.set_social_link(session, actor=SYSTEM, performer_id=performer_id, platform=platform, handle=handle, url=url)


def links(performer_id: int) -> list[tuple[str, str, str | None]]:
    with session_scope() as session:
        return [(x.platform, x.handle, x.url) for x in ps.links_of(session, actor=SYSTEM, performer_id=performer_id)]


def add_photo(performer_id: int, url: str, *, primary: bool = False) -> int:
    with session_scope() as session:
        return ps.add_photo(
            session, actor=SYSTEM, url=url, photo_type="profile", performer_id=performer_id, primary=primary
        ).id


def photos(performer_id: int) -> list[tuple[int, bool]]:
    with session_scope() as session:
        return [(p.id, p.is_primary) for p in ps.photos_of(session, actor=SYSTEM, performer_id=performer_id)]


def delete(performer_id: int) -> Performer:
    with session_scope() as session:
        return ps.delete_performer(session, actor=SYSTEM, performer_id=performer_id)


def restore(performer_id: int) -> Performer:
    with session_scope() as session:
        return ps.restore_performer(session, actor=SYSTEM, performer_id=performer_id)


# --- profile ------------------------------------------------------------------------------------------------


def test_create_cleans_and_audits(content: Actor) -> None:
    mark = audit_mark()
    p = create(
        {"name": "  Zoë O'Neil ", "bio": "<i>Bio</i>", "cover_photo_url": f"{CDN}/cover.jpg", "is_active": False},
        actor=content,
    )
    assert (p.name, p.slug, p.bio, p.cover_photo_url) == ("Zoë O'Neil", "zoe-oneil", "<i>Bio</i>", f"{CDN}/cover.jpg")
    assert (p.is_active, p.version, p.video_count, p.profile_photo_url) == (False, 1, 0, None)
    events = events_since(mark)
    assert [(e.action, e.entity_id, e.actor_label) for e in events] == [("performer.create", str(p.id), content.label)]
    assert events[0].after["name"] == "Zoë O'Neil"


def test_create_reports_every_problem_at_once() -> None:
    mark = audit_mark()
    errors = refused_create(
        {
            "name": " ",
            "profile_photo_url": "javascript:alert(1)",
            "cover_photo_url": "http://cdn.example.com/c.jpg",
            "bio": "b" * 10_001,
        }
    )
    assert set(errors) == {"name", "profile_photo_url", "cover_photo_url", "bio"}  # no name: slug "performer"
    assert "too long" in refused_create({"name": "n" * 201})["name"]
    assert events_since(mark) == []
    assert names() == []


def test_slug_is_unique_among_live_performers() -> None:
    make_performer("Alice Example")
    # a slug made from the name is made free with a suffix; a typed one must be free
    assert create({"name": "Alice Example"}).slug == "alice-example-2"
    assert refused_create({"name": "Someone", "slug": "alice-example"}) == {
        "slug": "is already used by another performer"
    }


def test_update_audits_once_and_checks_the_version(actor_with: Any) -> None:
    alice, bob = actor_with("content"), actor_with("content")
    performer_id = make_performer("Original Name")
    stale, stale_version = form(performer_id, bio="Alice's bio")
    mark = audit_mark()
    p = update(performer_id, actor=bob, bio="Bob's bio")
    assert (p.bio, p.version, p.slug) == ("Bob's bio", 2, "original-name")
    events = events_since(mark)
    assert [(e.action, e.before["bio"], e.after["bio"]) for e in events] == [("performer.update", None, "Bob's bio")]

    mark = audit_mark()
    with pytest.raises(Conflict) as exc, session_scope() as session:
        ps.update_performer(session, actor=alice, performer_id=performer_id, data=stale, expected_version=stale_version)
    assert (exc.value.current["bio"], exc.value.current["version"]) == ("Bob's bio", 2)
    assert load_performer(performer_id).bio == "Bob's bio"
    update(performer_id)  # no change: no event, no new version
    assert events_since(mark) == []
    assert load_performer(performer_id).version == 2

    with pytest.raises(ValidationFailed) as vexc:
        update(performer_id, profile_photo_url="javascript:alert(1)")
    assert set(vexc.value.errors) == {"profile_photo_url"}


def test_missing_performer() -> None:
    with pytest.raises(NotFound), session_scope() as session:
        ps.get_performer(session, actor=SYSTEM, performer_id=4242)
    with pytest.raises(NotFound), session_scope() as session:
        ps.update_performer(session, actor=SYSTEM, performer_id=4242, data={"name": "x"}, expected_version=None)
    with pytest.raises(NotFound):
        set_link(4242, "instagram", "ghost")


# --- directory search ---------------------------------------------------------------------------------------


def test_search_by_name_substring_case_insensitive() -> None:
    for name in ("Alice Example", "Malice Aforethought", "Bob Builder", "100% Amy", "Under_Score"):
        make_performer(name)
    make_performer("Inactive Alicia", is_active=False)
    gone = make_performer("Deleted Alice")
    delete(gone)

    assert names("alic") == ["Alice Example", "Inactive Alicia", "Malice Aforethought"]
    assert names("ALICE") == ["Alice Example", "Malice Aforethought"]
    assert names("alic", include_inactive=False) == ["Alice Example", "Malice Aforethought"]
    assert names("%") == ["100% Amy"]
    assert names("_") == ["Under_Score"]
    assert names("builder") == ["Bob Builder"]
    assert names("nobody") == []
    assert len(names()) == 6
    assert names(size=2, page=2) == ["Bob Builder", "Inactive Alicia"]
    with pytest.raises(ValidationFailed):
        names("x" * 201)


# --- social links -------------------------------------------------------------------------------------------


def test_social_links_one_per_platform_replace_and_remove() -> None:
    performer_id = make_performer()
    mark = audit_mark()
    set_link(performer_id, "instagram", "@alice", "https://instagram.com/alice")
    set_link(performer_id, "twitter", "alice_x")
    assert links(performer_id) == [("instagram", "alice", "https://instagram.com/alice"), ("twitter", "alice_x", None)]

    set_link(performer_id, "instagram", "alice.new", "https://instagram.com/alice.new")
    assert links(performer_id) == [
        ("instagram", "alice.new", "https://instagram.com/alice.new"),
        ("twitter", "alice_x", None),
    ]
    events = events_since(mark)
    assert [e.action for e in events] == ["performer.social_link"] * 3
    assert events[0].before is None
    assert events[2].before == {"platform": "instagram", "handle": "alice", "url": "https://instagram.com/alice"}
    assert events[2].after == {"platform": "instagram", "handle": "alice.new", "url": "https://instagram.com/alice.new"}

    mark = audit_mark()
    with session_scope() as session:
        ps.remove_social_link(session, actor=SYSTEM, performer_id=performer_id, platform="twitter")
    assert links(performer_id) == [("instagram", "alice.new", "https://instagram.com/alice.new")]
    with session_scope() as session:  # already gone: nothing to record
        ps.remove_social_link(session, actor=SYSTEM, performer_id=performer_id, platform="twitter")
    events = events_since(mark)
    assert [(e.action, e.after) for e in events] == [("performer.social_link_remove", None)]
    assert events[0].before["handle"] == "alice_x"


@pytest.mark.parametrize(
    ("platform", "handle", "url", "fields"),
    [
        ("instagram", "alice", "javascript:alert(1)", {"url"}),
        ("instagram", "alice", "JAVASCRIPT:alert(1)", {"url"}),
        ("instagram", "alice", "data:text/html,hi", {"url"}),
        ("instagram", "alice", "http://instagram.com/alice", {"url"}),
        ("instagram", "alice", "instagram.com/alice", {"url"}),
        ("instagram", "two words", None, {"handle"}),
        ("instagram", "", None, {"handle"}),
        ("instagram", "@", None, {"handle"}),
        ("instagram", "h" * 101, None, {"handle"}),
        ("myspace", "alice", None, {"platform"}),
        ("myspace", "", "javascript:x", {"platform", "handle", "url"}),
    ],
)
def test_social_link_validation(platform: str, handle: str, url: str | None, fields: set[str]) -> None:
    performer_id = make_performer()
    mark = audit_mark()
    with pytest.raises(ValidationFailed) as exc:
        set_link(performer_id, platform, handle, url)
    assert set(exc.value.errors) == fields
    assert links(performer_id) == []
    assert events_since(mark) == []


# --- photos -------------------------------------------------------------------------------------------------


def test_primary_photo_switches_and_profile_photo_follows() -> None:
    performer_id = make_performer()
    first = add_photo(performer_id, f"{CDN}/p1.jpg", primary=True)
    assert load_performer(performer_id).profile_photo_url == f"{CDN}/p1.jpg"
    second = add_photo(performer_id, f"{CDN}/p2.jpg")
    assert load_performer(performer_id).profile_photo_url == f"{CDN}/p1.jpg"
    third = add_photo(performer_id, f"{CDN}/p3.jpg", primary=True)
    assert photos(performer_id) == [(third, True), (first, False), (second, False)]
    assert load_performer(performer_id).profile_photo_url == f"{CDN}/p3.jpg"

    mark = audit_mark()
    with session_scope() as session:
        ps.set_primary_photo(session, actor=SYSTEM, photo_id=second)
    assert photos(performer_id) == [(second, True), (first, False), (third, False)]
    assert load_performer(performer_id).profile_photo_url == f"{CDN}/p2.jpg"
    with session_scope() as session:  # already primary: nothing recorded
        ps.set_primary_photo(session, actor=SYSTEM, photo_id=second)
    assert [(e.action, e.entity, e.entity_id) for e in events_since(mark)] == [
        ("photo.primary", "performer", str(performer_id))
    ]


def test_removing_photos() -> None:
    performer_id = make_performer()
    keep = add_photo(performer_id, f"{CDN}/keep.jpg")
    primary = add_photo(performer_id, f"{CDN}/primary.jpg", primary=True)
    mark = audit_mark()
    with session_scope() as session:
        ps.remove_photo(session, actor=SYSTEM, photo_id=keep)
    assert photos(performer_id) == [(primary, True)]
    assert load_performer(performer_id).profile_photo_url == f"{CDN}/primary.jpg"

    with session_scope() as session:
        ps.remove_photo(session, actor=SYSTEM, photo_id=primary)
        ps.remove_photo(session, actor=SYSTEM, photo_id=primary)  # twice: recorded once
    assert photos(performer_id) == []
    with session_scope() as session:
        removed = session.get(Photo, primary)
        assert removed is not None and removed.deleted_at is not None and removed.is_primary is False
    # The profile must not keep showing a photo that was removed.
    assert load_performer(performer_id).profile_photo_url is None
    assert [e.action for e in events_since(mark)] == ["photo.remove", "photo.remove"]
    with pytest.raises(NotFound), session_scope() as session:
        ps.set_primary_photo(session, actor=SYSTEM, photo_id=primary)


def test_removing_a_primary_photo_keeps_a_profile_url_set_by_hand() -> None:
    performer_id = make_performer()
    photo = add_photo(performer_id, f"{CDN}/gallery.jpg", primary=True)
    update(performer_id, profile_photo_url=f"{CDN}/hand-picked.jpg")
    with session_scope() as session:
        ps.remove_photo(session, actor=SYSTEM, photo_id=photo)
    assert load_performer(performer_id).profile_photo_url == f"{CDN}/hand-picked.jpg"


def test_photo_validation_and_video_photos() -> None:
    performer_id = make_performer()
    for kwargs, fields in (
        ({"url": "javascript:alert(1)", "photo_type": "profile", "performer_id": performer_id}, {"url"}),
        ({"url": "", "photo_type": "profile", "performer_id": performer_id}, {"url"}),
        ({"url": f"{CDN}/x.jpg", "photo_type": "selfie", "performer_id": performer_id}, {"photo_type"}),
        ({"url": f"{CDN}/x.jpg", "photo_type": "profile"}, {"photo"}),
    ):
        with pytest.raises(ValidationFailed) as exc, session_scope() as session:
            ps.add_photo(session, actor=SYSTEM, **kwargs)  # type: ignore[arg-type]
        assert set(exc.value.errors) == fields
    assert photos(performer_id) == []

    video_id = make_video()
    mark = audit_mark()
    with session_scope() as session:
        a = ps.add_photo(session, actor=SYSTEM, url=f"{CDN}/s1.jpg", photo_type="video_still", video_id=video_id)
        b = ps.add_photo(
            session, actor=SYSTEM, url=f"{CDN}/s2.jpg", photo_type="video_still", video_id=video_id, primary=True
        )
        a_id, b_id = a.id, b.id
    with session_scope() as session:
        stills = ps.photos_of(session, actor=SYSTEM, video_id=video_id)
        assert [(p.id, p.is_primary) for p in stills] == [(b_id, True), (a_id, False)]
    assert [(e.action, e.entity, e.entity_id) for e in events_since(mark)] == [
        ("photo.add", "video", str(video_id)),
        ("photo.add", "video", str(video_id)),
    ]


# --- soft delete, restore, videos ---------------------------------------------------------------------------


def test_soft_delete_and_restore() -> None:
    performer_id = make_performer("Alice Example")
    mark = audit_mark()
    assert delete(performer_id).deleted_at is not None
    assert names() == []
    delete(performer_id)  # already deleted: nothing recorded
    assert [e.action for e in events_since(mark)] == ["performer.delete"]

    newcomer = make_performer("Alice Example")  # the slug is free while the first one is deleted
    with pytest.raises(ValidationFailed) as exc:
        restore(performer_id)
    assert set(exc.value.errors) == {"slug"}
    assert load_performer(performer_id).deleted_at is not None

    delete(newcomer)
    mark = audit_mark()
    assert restore(performer_id).deleted_at is None
    restore(performer_id)  # already live
    assert [e.action for e in events_since(mark)] == ["performer.restore"]
    assert names() == ["Alice Example"]


def test_videos_of_lists_live_linked_videos_newest_first() -> None:
    performer_id = make_performer()
    other = make_performer()
    first, second, deleted = (make_video(title=f"Film {i}") for i in range(3))
    unrelated = make_video(title="Unrelated")
    with session_scope() as session:
        for video_id in (first, second, deleted):
            service.set_performers(session, actor=SYSTEM, video_id=video_id, performer_ids=[performer_id])
        service.set_performers(session, actor=SYSTEM, video_id=unrelated, performer_ids=[other])
        service.bulk(session, actor=SYSTEM, action="delete", video_ids=[deleted])
    with session_scope() as session:
        listed = [v.id for v in ps.videos_of(session, actor=SYSTEM, performer_id=performer_id)]
    assert listed == [second, first]
    assert load_performer(performer_id).video_count == 2
