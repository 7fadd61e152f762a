"""Creating and editing a video (version-checked) and setting its performers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.last_change import last_change
from console.audit.service import record
from console.catalog.gate import publish_blockers
from console.catalog.models import Performer, Video, VideoPerformer
from console.catalog.service.counters import _recount_collections, _recount_performers
from console.catalog.service.fields import video_view
from console.catalog.service.validation import _clean, check_performer_ids
from console.db import utcnow
from console.errors import Conflict, NotFound, RuleViolation
from console.staff.permissions import Permission, require


def _locked_video(session: Session, video_id: int, expected_version: int | None) -> Video:
    video = session.execute(select(Video).where(Video.id == video_id).with_for_update()).scalar_one_or_none()
    if video is None:
        raise NotFound(f"Video #{video_id} does not exist.")
    if expected_version is not None and video.version != expected_version:
        last = last_change(session, "video", video_id)
        raise Conflict(
            f"“{video.title}” was changed by {last.by or 'someone else'} while you edited it. "
            "Your input is kept: compare it with the saved version and save again.",
            current=video_view(video),
            changed_by=last.by,
            changed_at=last.at,
        )
    return video


def create_video(
    session: Session,
    *,
    actor: Actor,
    data: dict[str, Any],
    season_id: int | None = None,
    episode_number: int | None = None,
) -> Video:
    """Create a draft. `season_id`/`episode_number` make it an episode: only series.add_episode passes them,
    after checking the season and the number (the audit event then records both)."""
    require(actor, Permission.CATALOG_EDIT)
    values = _clean(session, data, current=None, season_id=season_id)
    video = Video(**values, state="draft", season_id=season_id, episode_number=episode_number)
    session.add(video)
    session.flush()
    _recount_collections(session, {video.collection_id})
    after = video_view(video)
    if season_id is not None:
        after.update(season_id=season_id, episode_number=episode_number)
    record(session, actor, "video.create", "video", video.id, after=after)
    return video


def update_video(
    session: Session, *, actor: Actor, video_id: int, data: dict[str, Any], expected_version: int | None
) -> Video:
    require(actor, Permission.CATALOG_EDIT)
    video = _locked_video(session, video_id, expected_version)
    if video.deleted_at is not None:
        raise RuleViolation("This video is deleted; restore it before editing.")
    values = _clean(session, data, current=video)
    before = video_view(video)
    old_collection = video.collection_id
    for name, value in values.items():
        setattr(video, name, value)
    if video_view(video) == before:
        return video
    session.flush()
    _recount_collections(session, {old_collection, video.collection_id})
    if video.state in ("published", "scheduled"):
        reasons = publish_blockers(session, video)
        if reasons:
            raise RuleViolation("This change would break a public video: " + "; ".join(reasons) + ".")
    record(session, actor, "video.update", "video", video.id, before, video_view(video))
    return video


def set_performers(
    session: Session, *, actor: Actor, video_id: int, performer_ids: list[int], expected_version: int | None = None
) -> Video:
    """Replace the linked performers; the list order is the billing order."""
    require(actor, Permission.CATALOG_EDIT)
    video = _locked_video(session, video_id, expected_version)
    ids = [int(p) for p in performer_ids]
    live: set[int] = set()
    if ids and len(ids) <= 10:
        query = select(Performer.id).where(Performer.id.in_(ids), Performer.deleted_at.is_(None))
        live = set(session.execute(query).scalars())
    check_performer_ids(ids, live)
    current = session.execute(select(VideoPerformer).where(VideoPerformer.video_id == video.id)).scalars().all()
    before_ids = [vp.performer_id for vp in sorted(current, key=lambda vp: vp.billing_order)]
    if before_ids == ids:
        return video
    for vp in current:
        session.delete(vp)
    session.flush()
    for order, performer_id in enumerate(ids, start=1):
        session.add(VideoPerformer(video_id=video.id, performer_id=performer_id, billing_order=order))
    video.updated_at = utcnow()  # bumps the version: the editor's copy is now stale
    session.flush()
    _recount_performers(session, set(before_ids) | set(ids))
    if video.state in ("published", "scheduled"):
        reasons = publish_blockers(session, video)
        if reasons:
            raise RuleViolation("This change would break a public video: " + "; ".join(reasons) + ".")
    record(session, actor, "video.performers", "video", video.id, {"performers": before_ids}, {"performers": ids})
    return video
