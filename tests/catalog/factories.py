"""Helpers for catalog tests: build collections, performers and videos through the real services.

Every helper opens its own `session_scope()` (commits on success), so tests see exactly what a page
would see after a click. The system actor is used unless a test passes its own.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import func, select

from console.actor import SYSTEM, Actor
from console.audit.models import AuditEvent
from console.catalog import collections as collection_service
from console.catalog import gate, series, service
from console.catalog import performers as performer_service
from console.catalog.models import Collection, Performer, Video
from console.compliance.fixtures import compliant_video
from console.db import session_scope

CDN = "https://cdn.example.com"
_seq = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix} {next(_seq)}"


# --- collections and performers -----------------------------------------------------------------------------


def make_collection(name: str | None = None, *, actor: Actor = SYSTEM, **data: Any) -> int:
    with session_scope() as session:
        c = collection_service.create_collection(
            session, actor=actor, data={"name": name or unique("Collection"), **data}
        )
        return c.id


def make_performer(name: str | None = None, *, actor: Actor = SYSTEM, **data: Any) -> int:
    with session_scope() as session:
        p = performer_service.create_performer(session, actor=actor, data={"name": name or unique("Performer"), **data})
        return p.id


def make_performers(n: int, *, prefix: str = "Performer") -> list[int]:
    return [make_performer(unique(prefix)) for _ in range(n)]


# --- videos -------------------------------------------------------------------------------------------------


def video_data(**overrides: Any) -> dict[str, Any]:
    """Editor input for a minimal valid draft (no media, no collection)."""
    data: dict[str, Any] = {"title": unique("Video")}
    data.update(overrides)
    return data


def complete_data(collection_id: int, **overrides: Any) -> dict[str, Any]:
    """Editor input for a video that passes the catalog gate once its performers are linked."""
    n = next(_seq)
    data: dict[str, Any] = {
        "title": f"Complete video {n}",
        "collection_id": collection_id,
        "hls_url": f"{CDN}/v{n}/master.m3u8",
        "thumbnail_url": f"{CDN}/v{n}/thumb.jpg",
        "duration_seconds": "1:02:03",
        "performer_count": 1,
    }
    data.update(overrides)
    return data


def make_video(*, actor: Actor = SYSTEM, **data: Any) -> int:
    with session_scope() as session:
        return service.create_video(session, actor=actor, data=video_data(**data)).id


def make_publishable_video(
    collection_id: int | None = None,
    *,
    performers: int | list[int] = 1,
    actor: Actor = SYSTEM,
    **overrides: Any,
) -> int:
    """A complete draft video with its performers linked: publish() would accept it."""
    if collection_id is None:
        collection_id = make_collection()
    performer_ids = make_performers(performers) if isinstance(performers, int) else list(performers)
    with session_scope() as session:
        data = complete_data(collection_id, performer_count=len(performer_ids), **overrides)
        video = service.create_video(session, actor=actor, data=data)
        service.set_performers(session, actor=actor, video_id=video.id, performer_ids=performer_ids)
        compliant_video(session, video.id)  # 2257 paperwork through the compliance services
        assert gate.publish_blockers(session, video) == []
        return video.id


def make_published_video(collection_id: int | None = None, **kwargs: Any) -> int:
    video_id = make_publishable_video(collection_id, **kwargs)
    with session_scope() as session:
        service.publish(session, actor=SYSTEM, video_id=video_id)
    return video_id


def attach_episode(video_id: int, season_id: int, number: int) -> None:
    """make_publishable_video makes movies; move the video into the season as an episode (test setup only)."""
    with session_scope() as session:
        video = service.get_video(session, actor=SYSTEM, video_id=video_id)
        video.kind, video.season_id, video.episode_number = "episode", season_id, number


def make_series(episodes: int = 2) -> tuple[int, int, list[int]]:
    """A draft series with one season of publishable draft episodes: (series id, season id, episode ids)."""
    collection_id = make_collection()
    series_id = make_publishable_video(collection_id, kind="series")
    with session_scope() as session:
        season_id = series.add_season(session, actor=SYSTEM, series_id=series_id).id
    ids = []
    for number in range(1, episodes + 1):
        video_id = make_publishable_video(collection_id)
        attach_episode(video_id, season_id, number)
        ids.append(video_id)
    return series_id, season_id, ids


def load_video(video_id: int) -> Video:
    with session_scope() as session:
        video = session.get(Video, video_id)
        assert video is not None
        return video


def load_collection(collection_id: int) -> Collection:
    with session_scope() as session:
        c = session.get(Collection, collection_id)
        assert c is not None
        return c


def load_performer(performer_id: int) -> Performer:
    with session_scope() as session:
        p = session.get(Performer, performer_id)
        assert p is not None
        return p


def editor_form(video_id: int, **changes: Any) -> tuple[dict[str, Any], int]:
    """What the editor sends back: every editable field as stored, plus `changes`; and the version it read."""
    video = load_video(video_id)
    data = {name: getattr(video, name) for name in service.EDITABLE}
    data.update(changes)
    return data, video.version


def video_count() -> int:
    with session_scope() as session:
        return int(session.execute(select(func.count()).select_from(Video)).scalar_one())


# --- audit --------------------------------------------------------------------------------------------------


def audit_mark() -> int:
    """The id of the newest audit event (0 when none): events after it are what a test caused."""
    with session_scope() as session:
        return int(session.execute(select(func.coalesce(func.max(AuditEvent.id), 0))).scalar_one())


def events_since(mark: int, *, entity: str | None = None) -> list[AuditEvent]:
    with session_scope() as session:
        query = select(AuditEvent).where(AuditEvent.id > mark).order_by(AuditEvent.id)
        if entity is not None:
            query = query.where(AuditEvent.entity == entity)
        return list(session.execute(query).scalars())


# --- gate checks --------------------------------------------------------------------------------------------


@contextmanager
def extra_check(check: gate.Check) -> Iterator[str]:
    """Register a publish-gate check for the duration of a block, then neutralise it again.

    The gate has no unregister; re-registering the same (unique) name with a check that never refuses
    leaves later tests unaffected.
    """
    name = f"test-check-{next(_seq)}"
    gate.register_check(name, check)
    try:
        yield name
    finally:
        gate.register_check(name, lambda _session, _video: [])
