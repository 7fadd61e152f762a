"""Video services: create/update validation, slugs, DB constraints, versions and conflicts, audit, search, paging."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from console.actor import SYSTEM, Actor
from console.catalog import performers as performer_service
from console.catalog import service
from console.catalog.models import Video
from console.catalog.service import VideoFilter
from console.db import session_scope
from console.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from console.paging import PageRequest
from tests.catalog.factories import (
    CDN,
    audit_mark,
    editor_form,
    events_since,
    load_collection,
    load_performer,
    load_video,
    make_collection,
    make_performer,
    make_performers,
    make_publishable_video,
    make_video,
    unique,
    video_count,
)
from tests.conftest import staff_name

ActorWith = Callable[..., Actor]


def create(data: dict[str, Any], actor: Actor = SYSTEM) -> int:
    with session_scope() as session:
        return service.create_video(session, actor=actor, data=data).id


def update(video_id: int, actor: Actor = SYSTEM, **changes: Any) -> Video:
    data, version = editor_form(video_id, **changes)
    with session_scope() as session:
        return service.update_video(session, actor=actor, video_id=video_id, data=data, expected_version=version)


def refused_create(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as exc, session_scope() as session:
        service.create_video(session, actor=SYSTEM, data=data)
    return exc.value.errors


def bulk(action: str, ids: list[int], value: Any = None) -> service.BulkResult:
    with session_scope() as session:
        return service.bulk(session, actor=SYSTEM, action=action, video_ids=ids, value=value)


def found(actor: Actor = SYSTEM, **flt: Any) -> set[int]:
    with session_scope() as session:
        page = service.list_videos(session, actor=actor, flt=VideoFilter(**flt), page=PageRequest(size=200))
        assert page.total == len(page.rows)
        return {v.id for v in page.rows}


# --- create -------------------------------------------------------------------------------------------------


def test_create_stores_cleaned_values_and_one_audit_event(content: Actor) -> None:
    collection_id = make_collection()
    mark = audit_mark()
    video_id = create(
        {
            "title": "  Summer Nights  ",
            "collection_id": str(collection_id),
            "description": "A film.",
            "duration_seconds": "1:02:03",
            "monetization": "tvod",
            "rental_price_cents": "4,99",
            "genres": "Drama, drama, Comedy, ",
            "qualities": "4k, 720p",
            "country": "de",
            "release_date": "2024-05-17",
            "hls_url": f"{CDN}/a/master.m3u8",
            "performer_count": "2",
        },
        actor=content,
    )
    video = load_video(video_id)
    assert video.title == "Summer Nights"
    assert video.slug == "summer-nights"
    assert video.collection_id == collection_id
    assert video.duration_seconds == 3723
    assert video.rental_price_cents == 499
    assert video.genres == ["Drama", "Comedy"]
    assert video.qualities == ["720p", "4k"]
    assert video.country == "DE"
    assert video.release_year == 2024
    assert video.performer_count == 2
    assert video.state == "draft"
    assert video.published_at is None
    assert video.version == 1
    assert load_collection(collection_id).video_count == 1

    events = events_since(mark)
    assert [(e.action, e.entity, e.entity_id) for e in events] == [("video.create", "video", str(video_id))]
    assert events[0].actor_label == content.label
    assert events[0].before is None
    assert events[0].after["title"] == "Summer Nights"
    assert events[0].after["state"] == "draft"


def test_create_reports_every_problem_at_once_and_writes_nothing() -> None:
    mark = audit_mark()
    errors = refused_create(
        {
            "title": "   ",
            "hls_url": "javascript:alert(1)",
            "thumbnail_url": "http://cdn.example.com/t.jpg",
            "poster_url": "data:image/png;base64,AAAA",
            "trailer_url": "/relative/trailer.mp4",
            "duration_seconds": "abc",
            "collection_id": 987654,
            "monetization": "tvod",
            "performer_count": 0,
        }
    )
    assert set(errors) == {
        "title",  # (no slug error: an empty title gives the slug "video")
        "hls_url",
        "thumbnail_url",
        "poster_url",
        "trailer_url",
        "duration_seconds",
        "collection_id",
        "rental_price_cents",
        "performer_count",
    }
    assert errors["title"] == "is required"
    assert errors["hls_url"] == "must be an https:// address"
    assert errors["collection_id"] == "is not a collection"
    assert "tvod" in errors["rental_price_cents"]

    errors = refused_create(
        {
            "title": "x" * 501,
            "performer_count": 11,
            "monetization": "ppv",
            "kind": "documentary",
            "access_level": "GOLD",
            "country": "XX",
            "release_year": 1800,
            "release_date": "2024-13-01",
            "qualities": "8k",
            "duration_seconds": "100:00:01",
            "purchase_price_cents": "1.999",
            "file_size_bytes": -1,
        }
    )
    assert set(errors) == {
        "title",
        "performer_count",
        "ppv_price_cents",
        "kind",
        "access_level",
        "country",
        "release_year",
        "release_date",
        "qualities",
        "duration_seconds",
        "purchase_price_cents",
        "file_size_bytes",
    }
    assert "too long" in errors["title"]
    assert errors["performer_count"] == "must be a whole number from 1 to 10"

    assert video_count() == 0
    assert events_since(mark) == []


@pytest.mark.parametrize("count", [0, 11, -1, "two", "2.5", 2.5, 10.9, True, float("inf"), float("nan")])
def test_performer_count_must_be_1_to_10(count: Any) -> None:
    assert "performer_count" in refused_create({"title": "Count", "performer_count": count})


@pytest.mark.parametrize("count", [1, 10, "7", " 7 ", 3.0])
def test_performer_count_within_range_is_accepted(count: Any) -> None:
    expected = int(count.strip()) if isinstance(count, str) else int(count)
    assert load_video(create({"title": unique("Count"), "performer_count": count})).performer_count == expected


def test_title_of_500_characters_is_accepted() -> None:
    assert len(load_video(create({"title": "y" * 500})).title) == 500


def test_tvod_accepts_a_purchase_price_instead_of_a_rental_price() -> None:
    video = load_video(create({"title": "Buy it", "monetization": "tvod", "purchase_price_cents": "9.99"}))
    assert (video.rental_price_cents, video.purchase_price_cents) == (None, 999)


def test_html_and_script_are_stored_verbatim() -> None:
    title = '<script>alert("x")</script> & <b>Bold</b>'
    description = '<img src=x onerror=alert(1)> \'; DROP TABLE videos; -- <a href="javascript:alert(1)">x</a>'
    video = load_video(create({"title": title, "description": description}))
    assert video.title == title
    assert video.description == description
    assert video.slug == "script-alert-x-script-b-bold-b"


def test_slug_is_generated_from_the_title_or_taken_as_given() -> None:
    assert load_video(create({"title": "Zoë's Night Out!"})).slug == "zoes-night-out"
    assert load_video(create({"title": "Other", "slug": " Custom-Slug-2 "})).slug == "custom-slug-2"
    assert "slug" in refused_create({"title": "Bad slug", "slug": "not a slug!"})
    assert load_video(create({"title": "日本語のタイトル"})).slug == "ri-ben-yu-notaitoru"  # transliterated
    assert load_video(create({"title": "Привет, мир"})).slug == "privet-mir"
    assert load_video(create({"title": "\U0001f3ac\U0001f37f"})).slug == "video"  # nothing to transliterate


def test_episode_without_a_season_is_a_validation_error_not_a_database_error() -> None:
    errors = refused_create({"title": "Lonely episode", "kind": "episode"})
    assert set(errors) == {"kind"}
    assert video_count() == 0


def test_thumbnail_may_be_an_uploaded_local_file_but_other_media_may_not() -> None:
    local = "/media/thumbnails/" + "ab" * 16 + ".webp"
    assert load_video(create({"title": "Local thumb", "thumbnail_url": local})).thumbnail_url == local
    assert set(refused_create({"title": "Local poster", "poster_url": local})) == {"poster_url"}


# --- slugs --------------------------------------------------------------------------------------------------


def test_slug_is_unique_among_live_videos_and_reusable_after_soft_delete() -> None:
    first = create({"title": "Same Title"})
    # a slug made from the title is made free with a suffix; a typed one must be free
    assert load_video(create({"title": "Same Title"})).slug == "same-title-2"
    assert load_video(create({"title": "Same  title!"})).slug == "same-title-3"
    assert refused_create({"title": "Different", "slug": "same-title"}) == {"slug": "is already used by another video"}

    other = create({"title": "Another"})
    with pytest.raises(ValidationFailed) as exc:
        update(other, slug="same-title")
    assert exc.value.errors == {"slug": "is already used by another video"}
    assert load_video(other).slug == "another"

    assert bulk("delete", [first]).changed == [first]
    second = create({"title": "Same Title"})
    assert load_video(second).slug == "same-title"

    result = bulk("restore", [first])
    assert result.changed == []
    assert "same-title" in result.refused[first]
    assert f"#{second}" in result.refused[first]
    assert load_video(first).deleted_at is not None

    bulk("delete", [second])
    assert bulk("restore", [first]).changed == [first]
    assert load_video(first).deleted_at is None


def test_updating_a_video_keeps_its_own_slug() -> None:
    video_id = create({"title": "Keep my slug"})
    video = update(video_id, title="A new title", slug="keep-my-slug")
    assert (video.title, video.slug) == ("A new title", "keep-my-slug")


# --- database constraints (the migration really has them) ---------------------------------------------------


@pytest.mark.parametrize(
    "values",
    [
        {"performer_count": 11},
        {"performer_count": 0},
        {"state": "scheduled"},  # without publish_at
        {"state": "published"},  # without published_at
        {"state": "archived"},
        {"kind": "documentary"},
        {"kind": "episode"},  # without a season
        {"access_level": "GOLD"},
        {"monetization": "free"},
        {"rental_price_cents": -1},
        {"ppv_price_cents": -5},
        {"duration_seconds": -1},
    ],
    ids=lambda v: "-".join(f"{k}={val}" for k, val in v.items()),
)
def test_check_constraints_refuse_direct_inserts(values: dict[str, Any]) -> None:
    with pytest.raises(IntegrityError), session_scope() as session:
        session.add(Video(title="Direct", slug=unique("direct").replace(" ", "-"), **values))
        session.flush()
    assert video_count() == 0


def test_a_direct_insert_satisfying_the_constraints_is_accepted() -> None:
    with session_scope() as session:
        session.add(Video(title="Direct", slug="direct", performer_count=10, state="draft"))
    assert video_count() == 1


def test_live_slug_unique_index_is_partial() -> None:
    with session_scope() as session:
        session.add(Video(title="One", slug="dup"))
    with pytest.raises(IntegrityError), session_scope() as session:
        session.add(Video(title="Two", slug="dup"))
        session.flush()
    with session_scope() as session:
        one = session.execute(select(Video).where(Video.slug == "dup")).scalar_one()
        one.deleted_at = one.created_at
    with session_scope() as session:
        session.add(Video(title="Two", slug="dup"))
    assert video_count() == 2


# --- update, versions, conflicts ----------------------------------------------------------------------------


def test_update_writes_one_audit_event_with_before_and_after(content: Actor) -> None:
    collection_id = make_collection()
    video_id = create({"title": "Before", "collection_id": collection_id})
    mark = audit_mark()
    video = update(video_id, actor=content, title="After", slug="before", duration_seconds="10:00")
    assert video.version == 2
    events = events_since(mark)
    assert [e.action for e in events] == ["video.update"]
    event = events[0]
    assert (event.entity, event.entity_id, event.actor_label) == ("video", str(video_id), content.label)
    assert event.before["title"] == "Before"
    assert event.after["title"] == "After"
    assert event.before["duration_seconds"] is None
    assert event.after["duration_seconds"] == 600
    assert (event.before["version"], event.after["version"]) == (1, 2)


def test_update_without_changes_writes_nothing() -> None:
    video_id = create({"title": "Same", "duration_seconds": 60, "genres": ["Drama"]})
    mark = audit_mark()
    video = update(video_id)
    assert video.version == 1
    assert events_since(mark) == []


def test_update_validates_like_create() -> None:
    video_id = create({"title": "Valid"})
    with pytest.raises(ValidationFailed) as exc:
        update(video_id, title="", hls_url="javascript:alert(1)", performer_count=11)
    assert {"title", "hls_url", "performer_count"} <= set(exc.value.errors)
    assert load_video(video_id).title == "Valid"


def test_stale_expected_version_raises_conflict_naming_the_last_editor(actor_with: ActorWith) -> None:
    alice, bob = actor_with("content"), actor_with("content")
    video_id = create({"title": "Original"}, actor=alice)
    alice_form, read_version = editor_form(video_id, title="Alice's edit")
    bob_form, _ = editor_form(video_id, title="Bob's edit")

    with session_scope() as session:
        service.update_video(session, actor=bob, video_id=video_id, data=bob_form, expected_version=read_version)
    mark = audit_mark()
    with pytest.raises(Conflict) as exc, session_scope() as session:
        service.update_video(session, actor=alice, video_id=video_id, data=alice_form, expected_version=read_version)
    assert exc.value.changed_by == staff_name(bob)
    assert staff_name(bob) in exc.value.message
    assert exc.value.current["title"] == "Bob's edit"
    assert exc.value.current["version"] == read_version + 1
    assert load_video(video_id).title == "Bob's edit"
    assert events_since(mark) == []

    # Alice reloads and saves again: accepted.
    alice_form, version = editor_form(video_id, title="Alice's edit")
    with session_scope() as session:
        service.update_video(session, actor=alice, video_id=video_id, data=alice_form, expected_version=version)
    assert load_video(video_id).title == "Alice's edit"


def test_set_performers_and_publish_also_check_the_version() -> None:
    video_id = make_publishable_video()
    version = load_video(video_id).version
    update(video_id, title="Bumped")
    performer = make_performer()
    with pytest.raises(Conflict), session_scope() as session:
        service.set_performers(
            session, actor=SYSTEM, video_id=video_id, performer_ids=[performer], expected_version=version
        )
    with pytest.raises(Conflict), session_scope() as session:
        service.publish(session, actor=SYSTEM, video_id=video_id, expected_version=version)
    assert load_video(video_id).state == "draft"


def test_update_of_a_missing_or_deleted_video() -> None:
    with pytest.raises(NotFound), session_scope() as session:
        service.update_video(session, actor=SYSTEM, video_id=424242, data={"title": "x"}, expected_version=None)
    with pytest.raises(NotFound), session_scope() as session:
        service.get_video(session, actor=SYSTEM, video_id=424242)
    video_id = create({"title": "Deleted"})
    bulk("delete", [video_id])
    with pytest.raises(RuleViolation):
        update(video_id, title="Edited after delete")
    assert load_video(video_id).title == "Deleted"


def test_changing_collection_recounts_both_collections() -> None:
    a, b = make_collection(), make_collection()
    video_id = create({"title": "Mover", "collection_id": a})
    assert (load_collection(a).video_count, load_collection(b).video_count) == (1, 0)
    update(video_id, collection_id=b)
    assert (load_collection(a).video_count, load_collection(b).video_count) == (0, 1)


# --- performers of a video ----------------------------------------------------------------------------------


def test_set_performers_replaces_in_billing_order_with_one_audit_event() -> None:
    video_id = make_video(performer_count=3)
    p1, p2, p3 = make_performers(3)
    mark = audit_mark()
    with session_scope() as session:
        video = service.set_performers(session, actor=SYSTEM, video_id=video_id, performer_ids=[p3, p1, p2])
        assert video.version == 2  # the editor's copy is stale now
    with session_scope() as session:
        linked = service.performers_of(session, actor=SYSTEM, video_id=video_id)
    assert [(p.id, order) for p, order in linked] == [(p3, 1), (p1, 2), (p2, 3)]
    assert [load_performer(p).video_count for p in (p1, p2, p3)] == [1, 1, 1]
    events = events_since(mark)
    assert [e.action for e in events] == ["video.performers"]
    assert events[0].before == {"performers": []}
    assert events[0].after == {"performers": [p3, p1, p2]}

    mark = audit_mark()
    with session_scope() as session:
        service.set_performers(session, actor=SYSTEM, video_id=video_id, performer_ids=[p3, p1, p2])
    assert events_since(mark) == []  # the same list: nothing to record

    with session_scope() as session:
        service.set_performers(session, actor=SYSTEM, video_id=video_id, performer_ids=[p2])
    assert [load_performer(p).video_count for p in (p1, p2, p3)] == [0, 1, 0]


def test_set_performers_validation() -> None:
    video_id = make_video()
    ids = make_performers(11)
    gone = make_performer()
    with session_scope() as session:
        performer_service.delete_performer(session, actor=SYSTEM, performer_id=gone)
    for performer_ids, message in (
        ([ids[0], ids[0]], "twice"),
        (ids, "at most 10"),
        ([ids[0], 999999], "999999"),
        ([gone], str(gone)),
    ):
        with pytest.raises(ValidationFailed) as exc, session_scope() as session:
            service.set_performers(session, actor=SYSTEM, video_id=video_id, performer_ids=performer_ids)
        assert message in exc.value.errors["performers"]
    with session_scope() as session:
        assert service.performers_of(session, actor=SYSTEM, video_id=video_id) == []


# --- search and filters -------------------------------------------------------------------------------------


def test_search_by_title_slug_and_performer_name_case_insensitive() -> None:
    alice = make_performer("Alice Wonder")
    night = create({"title": "Summer Nights"})
    slugged = create({"title": "Untitled cut", "slug": "zebra-crossing-final"})
    with_alice = create({"title": "Plain title", "performer_count": 1})
    with session_scope() as session:
        service.set_performers(session, actor=SYSTEM, video_id=with_alice, performer_ids=[alice])

    assert found(search="NIGHT") == {night}
    assert found(search="mer nig") == {night}
    assert found(search="zebra-crossing-final") == {slugged}
    assert found(search="ZEBRA-Crossing-Final") == {slugged}
    assert found(search="alice") == {with_alice}
    assert found(search="WONDER") == {with_alice}
    assert found(search="  nights  ") == {night}
    assert found(search="no such thing") == set()
    assert found(search="") == {night, slugged, with_alice}


def test_search_treats_percent_and_underscore_literally() -> None:
    percent = create({"title": "100% Real"})
    plain = create({"title": "100 Really"})
    underscore = create({"title": "snake_case story"})
    other = create({"title": "snakeXcase story"})
    backslash = create({"title": r"back\slash"})
    assert found(search="00%") == {percent}
    assert found(search="100%") == {percent}
    assert found(search="e_c") == {underscore}
    assert found(search="snake_case") == {underscore}
    assert found(search="%%%") == set()
    assert found(search="___") == set()
    assert found(search="k\\s") == {backslash}
    assert found(search="100") == {percent, plain}
    assert found(search="snake") == {underscore, other}


def test_search_combines_with_filters_sorting_and_paging() -> None:
    a, b = make_collection(), make_collection()
    in_a = [create({"title": f"Night {i}", "collection_id": a}) for i in range(5)]
    create({"title": "Night in B", "collection_id": b})
    create({"title": "Day in A", "collection_id": a})
    seen: list[int] = []
    with session_scope() as session:
        for number in (1, 2, 3):
            page = service.list_videos(
                session,
                actor=SYSTEM,
                flt=VideoFilter(search="night", collection_id=a),
                page=PageRequest(page=number, size=2),
            )
            assert (page.total, page.last_page) == (5, 3)
            seen.extend(v.id for v in page.rows)
        page = service.list_videos(
            session,
            actor=SYSTEM,
            flt=VideoFilter(search="NIGHT", collection_id=a),
            page=PageRequest(size=10, sort="title", descending=True),
        )
        titles = [v.title for v in page.rows]
    assert seen == sorted(in_a, reverse=True)  # newest first
    assert titles == [f"Night {i}" for i in (4, 3, 2, 1, 0)]


def test_search_by_a_deleted_video_only_with_include_deleted() -> None:
    video_id = create({"title": "Gone girl"})
    bulk("delete", [video_id])
    assert found(search="gone") == set()
    assert found(search="gone", include_deleted=True) == {video_id}


def test_filters() -> None:
    a, b = make_collection(), make_collection()
    alice = make_performer()
    movie_a = create({"title": "Movie A", "collection_id": a, "access_level": "PREMIUM"})
    live_b = create({"title": "Live B", "collection_id": b, "kind": "live", "is_featured": True})
    series = create({"title": "Series", "kind": "series", "access_level": "BASIC"})
    with session_scope() as session:
        service.set_performers(session, actor=SYSTEM, video_id=movie_a, performer_ids=[alice])
    published = make_publishable_video(a)
    with session_scope() as session:
        service.publish(session, actor=SYSTEM, video_id=published)
    everything = {movie_a, live_b, series, published}

    assert found() == everything
    assert found(collection_id=a) == {movie_a, published}
    assert found(collection_id=b) == {live_b}
    assert found(kind="live") == {live_b}
    assert found(kind="series") == {series}
    assert found(kind="movie") == {movie_a, published}
    assert found(state="published") == {published}
    assert found(state="draft") == {movie_a, live_b, series}
    assert found(state="scheduled") == set()
    assert found(access_level="PREMIUM") == {movie_a}
    assert found(access_level="FREE") == {live_b, published}
    assert found(featured=True) == {live_b}
    assert found(featured=False) == everything - {live_b}
    assert found(has_performers=True) == {movie_a, published}
    assert found(has_performers=False) == {live_b, series}
    assert found(collection_id=a, has_performers=True, state="draft") == {movie_a}
    assert found(search="movie", collection_id=b) == set()


@pytest.mark.parametrize(
    ("flt", "field"),
    [
        ({"kind": "documentary"}, "kind"),
        ({"state": "archived"}, "state"),
        ({"access_level": "GOLD"}, "access_level"),
        ({"search": "x" * 201}, "search"),
        ({"search": "ab"}, "search"),  # too short for the trigram indexes
    ],
)
def test_bad_filters_are_validation_errors(flt: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationFailed) as exc, session_scope() as session:
        service.list_videos(session, actor=SYSTEM, flt=VideoFilter(**flt), page=PageRequest())
    assert set(exc.value.errors) == {field}


def test_paging_visits_every_row_once_newest_first() -> None:
    ids = [create({"title": f"Paged {i:02d}"}) for i in range(7)]
    seen: list[int] = []
    with session_scope() as session:
        for number in range(1, 5):
            page = service.list_videos(session, actor=SYSTEM, flt=VideoFilter(), page=PageRequest(page=number, size=2))
            assert page.total == 7
            assert page.last_page == 4
            seen.extend(v.id for v in page.rows)
        assert len(page.rows) == 1
    assert seen == sorted(ids, reverse=True)


def test_paging_sorted_by_title() -> None:
    titles = ["delta", "Alpha", "charlie", "Bravo", "echo"]
    for t in titles:
        create({"title": t})
    seen: list[str] = []
    with session_scope() as session:
        for number in (1, 2, 3):
            page = service.list_videos(
                session, actor=SYSTEM, flt=VideoFilter(), page=PageRequest(page=number, size=2, sort="title")
            )
            seen.extend(v.title for v in page.rows)
    assert seen == ["Alpha", "Bravo", "charlie", "delta", "echo"]  # the same in binary and linguistic order
