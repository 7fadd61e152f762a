"""Catalog demo and scale seeds, and the scheduler's tick (publishing through the gate as the system)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from console.actor import SYSTEM
from console.audit.models import AuditEvent
from console.audit.service import verify
from console.catalog import collections as collection_service
from console.catalog import performers as performer_service
from console.catalog import scheduler
from console.catalog import service as video_service
from console.catalog.models import Collection, Performer, SocialMediaLink, Video, VideoPerformer
from console.compliance.fixtures import compliant_video
from console.db import session_scope, utcnow


def _count(model) -> int:  # type: ignore[no-untyped-def]
    with session_scope() as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def test_scale_catalog_loads_consistent_rows() -> None:
    from console.catalog.demo import scale_catalog

    summary = scale_catalog(videos=300, performers=60)
    assert summary["videos"] == 300 and summary["performers"] == 60
    assert _count(Video) == 300 and _count(Performer) == 60 and _count(Collection) == 7
    assert _count(SocialMediaLink) == summary["social_links"] > 0
    assert _count(VideoPerformer) == summary["video_performers"]
    with session_scope() as session:
        mismatched = session.execute(
            select(func.count())
            .select_from(Video)
            .where(
                Video.performer_count
                != select(func.count()).where(VideoPerformer.video_id == Video.id).scalar_subquery()
            )
        ).scalar_one()
        assert mismatched == 0  # every generated video passes the catalog gate's count rule
        total = sum(c.video_count for c in session.execute(select(Collection)).scalars())
        assert total == 300


def test_catalog_demo_goes_through_the_services_and_keeps_the_chain() -> None:
    from console.catalog.demo import seed_catalog_demo

    seed_catalog_demo(videos=30, performers=12)
    assert _count(Video) == 30 and _count(Performer) == 12
    with session_scope() as session:
        actions = dict(session.execute(select(AuditEvent.action, func.count()).group_by(AuditEvent.action)).all())
        assert actions["video.create"] == 30 and actions["performer.create"] == 12
        assert actions.get("video.publish", 0) > 0
        published = session.execute(select(Video).where(Video.state == "published")).scalars().all()
        assert all(v.thumbnail_url and v.hls_url for v in published)
        assert verify(session).ok
    assert seed_catalog_demo().startswith("Catalog demo data already present")


def _publishable(session, title: str) -> Video:  # type: ignore[no-untyped-def]
    collection = session.execute(select(Collection)).scalars().first() or collection_service.create_collection(
        session, actor=SYSTEM, data={"name": "Tick"}
    )
    performer = performer_service.create_performer(session, actor=SYSTEM, data={"name": f"{title} Star"})
    video = video_service.create_video(
        session,
        actor=SYSTEM,
        data={
            "title": title,
            "collection_id": collection.id,
            "hls_url": "https://cdn.example.com/a.m3u8",
            "thumbnail_url": "https://cdn.example.com/a.jpg",
            "performer_count": 1,
        },
    )
    video_service.set_performers(session, actor=SYSTEM, video_id=video.id, performer_ids=[performer.id])
    compliant_video(session, video.id)
    return video


def test_scheduler_tick_publishes_due_videos_and_refuses_blocked_ones() -> None:
    with session_scope() as session:
        due = _publishable(session, "Due Now")
        video_service.schedule(session, actor=SYSTEM, video_id=due.id, publish_at=utcnow() + timedelta(minutes=5))
        later = _publishable(session, "Later")
        video_service.schedule(session, actor=SYSTEM, video_id=later.id, publish_at=utcnow() + timedelta(days=2))
        blocked = _publishable(session, "Blocked")
        video_service.schedule(session, actor=SYSTEM, video_id=blocked.id, publish_at=utcnow() + timedelta(minutes=5))
        due_id, later_id, blocked_id = due.id, later.id, blocked.id
    with session_scope() as session:  # time passes; meanwhile the blocked video loses its performer link
        for vid in (due_id, blocked_id):
            session.get(Video, vid).publish_at = utcnow() - timedelta(seconds=1)  # type: ignore[union-attr]
        for link in session.execute(select(VideoPerformer).where(VideoPerformer.video_id == blocked_id)).scalars():
            session.delete(link)
    refused = scheduler.tick()
    assert list(refused) == [blocked_id] and "performer" in refused[blocked_id]
    with session_scope() as session:
        assert session.get(Video, due_id).state == "published"  # type: ignore[union-attr]
        assert session.get(Video, later_id).state == "scheduled"  # type: ignore[union-attr]
        assert session.get(Video, blocked_id).state == "draft"  # type: ignore[union-attr]
        event = session.execute(
            select(AuditEvent).where(AuditEvent.action == "video.publish", AuditEvent.entity_id == str(due_id))
        ).scalar_one()
        assert event.actor_kind == "system"
    assert scheduler.tick() == {}  # nothing left to do
