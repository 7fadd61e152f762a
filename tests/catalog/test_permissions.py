"""Every catalog service checks the actor's permission itself (pages only hide buttons)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.actor import SYSTEM, Actor
from console.catalog import collections as cs
from console.catalog import performers as ps
from console.catalog import service
from console.catalog.models import Collection, Performer, Photo, SocialMediaLink, Video, VideoPerformer
from console.catalog.performers import PerformerFilter
from console.catalog.service import VideoFilter
from console.db import session_scope, utcnow
from console.errors import Forbidden
from console.paging import PageRequest
from tests.catalog.factories import (
    CDN,
    audit_mark,
    events_since,
    make_collection,
    make_performer,
    make_publishable_video,
)

ActorWith = Callable[..., Actor]


@dataclass(frozen=True)
class World:
    collection: int
    video: int
    performer: int
    photo: int


@pytest.fixture
def world() -> World:
    collection = make_collection()
    performer = make_performer()
    video = make_publishable_video(collection, performers=[performer])
    with session_scope() as session:
        photo = ps.add_photo(session, actor=SYSTEM, url=f"{CDN}/p.jpg", photo_type="profile", performer_id=performer)
        ps.set_social_link(session, actor=SYSTEM, performer_id=performer, platform="instagram", handle="x", url=None)
        return World(collection, video, performer, photo.id)


Op = Callable[[Session, Actor, World], Any]

EDIT_OPS: dict[str, Op] = {
    "create_video": lambda s, a, w: service.create_video(s, actor=a, data={"title": "Nope"}),
    "update_video": lambda s, a, w: service.update_video(
        s, actor=a, video_id=w.video, data={"title": "Nope"}, expected_version=None
    ),
    "set_performers": lambda s, a, w: service.set_performers(s, actor=a, video_id=w.video, performer_ids=[]),
    "bulk_feature": lambda s, a, w: service.bulk(s, actor=a, action="feature", video_ids=[w.video]),
    "bulk_move": lambda s, a, w: service.bulk(s, actor=a, action="move", video_ids=[w.video], value=w.collection),
    "bulk_delete": lambda s, a, w: service.bulk(s, actor=a, action="delete", video_ids=[w.video]),
    "create_collection": lambda s, a, w: cs.create_collection(s, actor=a, data={"name": "Nope"}),
    "update_collection": lambda s, a, w: cs.update_collection(
        s, actor=a, collection_id=w.collection, data={"name": "Nope"}, expected_version=None
    ),
    "reorder_collections": lambda s, a, w: cs.reorder_collections(s, actor=a, ordered_ids=[w.collection]),
    "set_featured_video": lambda s, a, w: cs.set_featured_video(
        s, actor=a, collection_id=w.collection, video_id=w.video
    ),
    "delete_collection": lambda s, a, w: cs.delete_collection(s, actor=a, collection_id=w.collection),
    "create_performer": lambda s, a, w: ps.create_performer(s, actor=a, data={"name": "Nope"}),
    "update_performer": lambda s, a, w: ps.update_performer(
        s, actor=a, performer_id=w.performer, data={"name": "Nope"}, expected_version=None
    ),
    "set_social_link": lambda s, a, w: ps.set_social_link(
        s, actor=a, performer_id=w.performer, platform="tiktok", handle="nope", url=None
    ),
    "remove_social_link": lambda s, a, w: ps.remove_social_link(
        s, actor=a, performer_id=w.performer, platform="instagram"
    ),
    "add_photo": lambda s, a, w: ps.add_photo(
        s, actor=a, url=f"{CDN}/nope.jpg", photo_type="profile", performer_id=w.performer, primary=True
    ),
    "set_primary_photo": lambda s, a, w: ps.set_primary_photo(s, actor=a, photo_id=w.photo),
    "remove_photo": lambda s, a, w: ps.remove_photo(s, actor=a, photo_id=w.photo),
    "delete_performer": lambda s, a, w: ps.delete_performer(s, actor=a, performer_id=w.performer),
    "restore_performer": lambda s, a, w: ps.restore_performer(s, actor=a, performer_id=w.performer),
}

PUBLISH_OPS: dict[str, Op] = {
    "publish": lambda s, a, w: service.publish(s, actor=a, video_id=w.video),
    "schedule": lambda s, a, w: service.schedule(s, actor=a, video_id=w.video, publish_at=utcnow() + timedelta(days=1)),
    "unpublish": lambda s, a, w: service.unpublish(s, actor=a, video_id=w.video),
    "publish_due": lambda s, a, w: service.publish_due(s, actor=a),
    "bulk_publish": lambda s, a, w: service.bulk(s, actor=a, action="publish", video_ids=[w.video]),
    "bulk_unpublish": lambda s, a, w: service.bulk(s, actor=a, action="unpublish", video_ids=[w.video]),
}

READ_OPS: dict[str, Op] = {
    "list_videos": lambda s, a, w: service.list_videos(s, actor=a, flt=VideoFilter(), page=PageRequest()),
    "get_video": lambda s, a, w: service.get_video(s, actor=a, video_id=w.video),
    "performers_of": lambda s, a, w: service.performers_of(s, actor=a, video_id=w.video),
    "list_collections": lambda s, a, w: cs.list_collections(s, actor=a),
    "list_performers": lambda s, a, w: ps.list_performers(s, actor=a, flt=PerformerFilter(), page=PageRequest()),
    "get_performer": lambda s, a, w: ps.get_performer(s, actor=a, performer_id=w.performer),
    "videos_of": lambda s, a, w: ps.videos_of(s, actor=a, performer_id=w.performer),
    "photos_of": lambda s, a, w: ps.photos_of(s, actor=a, performer_id=w.performer),
    "links_of": lambda s, a, w: ps.links_of(s, actor=a, performer_id=w.performer),
}


def snapshot() -> tuple[Any, ...]:
    """Everything the operations above could change."""
    with session_scope() as session:

        def rows(model: Any) -> int:
            return int(session.execute(select(func.count()).select_from(model)).scalar_one())

        versions = tuple(
            tuple(session.execute(select(m.id, m.version).order_by(m.id)).all()) for m in (Video, Collection, Performer)
        )
        flags = tuple(session.execute(select(Photo.id, Photo.is_primary, Photo.deleted_at).order_by(Photo.id)).all())
        return (versions, flags, rows(VideoPerformer), rows(SocialMediaLink), rows(Photo))


def assert_all_forbidden(ops: dict[str, Op], permission: str, actor: Actor, world: World) -> None:
    before, mark = snapshot(), audit_mark()
    for name, op in ops.items():
        with pytest.raises(Forbidden) as exc, session_scope() as session:
            op(session, actor, world)
        assert permission in exc.value.message, name
        assert snapshot() == before, name
    assert events_since(mark) == []


@pytest.mark.parametrize("role", ["moderator", "compliance", "finance", "ads", "executive"])
def test_editing_needs_catalog_edit(role: str, world: World, actor_with: ActorWith) -> None:
    assert_all_forbidden(EDIT_OPS, "catalog.edit", actor_with(role), world)


@pytest.mark.parametrize("role", ["moderator", "compliance", "finance", "ads", "executive"])
def test_publishing_needs_catalog_publish(role: str, world: World, actor_with: ActorWith) -> None:
    assert_all_forbidden(PUBLISH_OPS, "catalog.publish", actor_with(role), world)


@pytest.mark.parametrize("role", ["ads", "finance", "executive"])
def test_roles_without_catalog_read_cannot_even_look(role: str, world: World, actor_with: ActorWith) -> None:
    actor = actor_with(role)
    for name, op in READ_OPS.items():
        with pytest.raises(Forbidden) as exc, session_scope() as session:
            op(session, actor, world)
        assert "catalog.read" in exc.value.message, name


@pytest.mark.parametrize("role", ["moderator", "compliance", "content"])
def test_catalog_readers_can_look(role: str, world: World, actor_with: ActorWith) -> None:
    actor = actor_with(role)
    with session_scope() as session:
        for op in READ_OPS.values():
            op(session, actor, world)
        assert service.get_video(session, actor=actor, video_id=world.video).id == world.video


@pytest.mark.parametrize("role", ["content", "admin"])
def test_content_and_admin_may_do_everything(role: str, world: World, actor_with: ActorWith) -> None:
    actor = actor_with(role)
    mark = audit_mark()
    with session_scope() as session:
        service.publish(session, actor=actor, video_id=world.video)
        service.bulk(session, actor=actor, action="feature", video_ids=[world.video])
        cs.set_featured_video(session, actor=actor, collection_id=world.collection, video_id=world.video)
        ps.set_social_link(session, actor=actor, performer_id=world.performer, platform="tiktok", handle="ok", url=None)
        ps.set_primary_photo(session, actor=actor, photo_id=world.photo)
    assert [e.action for e in events_since(mark)] == [
        "video.publish",
        "video.feature",
        "collection.feature_video",
        "performer.social_link",
        "photo.primary",
    ]
    assert {e.actor_label for e in events_since(mark)} == {actor.label}
