"""Bulk actions on many videos: one audit event per changed row, refusals reported per row."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.service import record
from console.catalog.gate import publish_blockers, publish_blockers_many
from console.catalog.models import ACCESS_LEVELS, Collection, Season, Video, VideoPerformer
from console.catalog.rules import publish_at_problem
from console.catalog.service.counters import _recount_collections, _recount_performers
from console.catalog.service.fields import BULK_MAX, video_view
from console.catalog.service.publishing import PublishRefused, _make_public
from console.db import utcnow
from console.errors import RuleViolation, ValidationFailed
from console.staff.permissions import Permission, require


@dataclass
class BulkResult:
    changed: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)


BULK_ACTIONS = ("publish", "unpublish", "schedule", "move", "access_level", "feature", "unfeature", "delete", "restore")


def bulk(session: Session, *, actor: Actor, action: str, video_ids: list[int], value: Any = None) -> BulkResult:
    """Apply one action to many videos, row by row (one audit event per changed row, refusals reported)."""
    if action not in BULK_ACTIONS:
        raise ValidationFailed({"action": "is not a bulk action"})
    needed = Permission.CATALOG_PUBLISH if action in ("publish", "unpublish", "schedule") else Permission.CATALOG_EDIT
    require(actor, needed)
    ids = sorted({int(i) for i in video_ids})
    if not ids:
        raise ValidationFailed({"selection": "select at least one video"})
    if len(ids) > BULK_MAX:
        raise ValidationFailed({"selection": f"at most {BULK_MAX:,} videos at a time"})
    if action == "move":
        errors: dict[str, str] = {}
        target = session.execute(
            select(Collection).where(Collection.id == value, Collection.deleted_at.is_(None))
        ).scalar_one_or_none()
        if target is None:
            errors["collection_id"] = "is not a collection"
            raise ValidationFailed(errors)
    if action == "access_level" and value not in ACCESS_LEVELS:
        raise ValidationFailed({"access_level": "must be FREE, BASIC or PREMIUM"})
    if action == "schedule" and (problem := publish_at_problem(value, utcnow())) is not None:
        raise ValidationFailed({"publish_at": problem})
    result = BulkResult()
    videos = {v.id: v for v in session.execute(select(Video).where(Video.id.in_(ids)).with_for_update()).scalars()}
    touched_collections: set[int | None] = set()
    gate_answers: dict[int, list[str]] = {}
    with_series = any(v.kind == "series" for v in videos.values())
    if action in ("publish", "schedule"):
        # One gate question for the whole selection (the rows are locked, and publishing one video does not
        # change what the gate says about another — except a series about its episodes: when the selection
        # holds a series, its series rows go first and episodes ask the gate again at their turn).
        asking = [v for v in videos.values() if not (action == "publish" and v.state == "published")]
        gate_answers = publish_blockers_many(session, asking)
    for video_id in _row_order(ids, videos, action) if with_series else ids:
        video = videos.get(video_id)
        if video is None:
            result.refused[video_id] = "does not exist"
            continue
        if with_series and video.kind == "episode":
            gate_answers.pop(video_id, None)
        try:
            if action in NEEDS_SAVEPOINT:
                with session.begin_nested():
                    changed = _bulk_one(session, actor, video, action, value, touched_collections)
            else:  # these refuse before they change anything: no savepoint round trips per row
                changed = _bulk_one(
                    session, actor, video, action, value, touched_collections, gate_answers.get(video_id)
                )
        except PublishRefused as exc:
            result.refused[video_id] = "; ".join(exc.reasons)
            continue
        except RuleViolation as exc:
            result.refused[video_id] = exc.message
            continue
        (result.changed if changed else result.unchanged).append(video_id)
    _recount_collections(session, touched_collections)
    if action in ("delete", "restore") and result.changed:  # performers count live videos only
        linked = select(VideoPerformer.performer_id).where(VideoPerformer.video_id.in_(result.changed))
        _recount_performers(session, set(session.execute(linked).scalars()))
    return result


def _row_order(ids: list[int], videos: dict[int, Video], action: str) -> list[int]:
    """Series first when publishing (their episodes then pass the series check), last when deleting (their
    episodes deleted in the same selection are no longer live by then)."""
    last = action == "delete"
    return sorted(ids, key=lambda i: ((i in videos and videos[i].kind == "series") == last, i))


def _refuse_series_with_live_episodes(session: Session, series: Video) -> None:
    """A series is deleted only once none of its episodes is public or scheduled: deleting it by mistake must not
    take dozens of episodes off the platform without anyone asking for it. Unpublishing them is one click away
    (the seasons page's "Unpublish all episodes", or a bulk unpublish)."""
    live = session.execute(
        select(func.count())
        .select_from(Video)
        .join(Season, Season.id == Video.season_id)
        .where(
            Season.series_id == series.id,
            Video.deleted_at.is_(None),
            Video.state.in_(("published", "scheduled")),
        )
    ).scalar_one()
    if live:
        episodes = f"{live} episode{'s are' if live != 1 else ' is'}"
        raise RuleViolation(
            f"the series “{series.title}” cannot be deleted while {episodes} published or scheduled; unpublish "
            "them first (Seasons page → Unpublish all episodes), then delete the series"
        )


# Actions that can refuse a row after changing it (the gate re-check after a move), so they need a savepoint.
NEEDS_SAVEPOINT = frozenset({"move"})


def _drop_as_featured(session: Session, actor: Actor, video: Video) -> None:
    """A video leaving its collection (moved or deleted) stops being that collection's featured video."""
    if video.collection_id is None:
        return
    collection = session.get(Collection, video.collection_id)
    if collection is not None and collection.featured_video_id == video.id:
        collection.featured_video_id = None
        session.flush()
        record(
            session,
            actor,
            "collection.feature_video",
            "collection",
            collection.id,
            {"featured_video_id": video.id},
            {"featured_video_id": None},
            reason="featured video left the collection",
        )


def _bulk_one(
    session: Session,
    actor: Actor,
    video: Video,
    action: str,
    value: Any,
    touched: set[int | None],
    known_blockers: list[str] | None = None,
) -> bool:
    if action in ("publish", "schedule"):
        if video.state == "published" and action == "publish":
            return False
        at = value if action == "schedule" else None
        _make_public(session, actor, video, at=at, reason="bulk", known_blockers=known_blockers)
        return True
    if action == "unpublish":
        if video.state not in ("published", "scheduled"):
            return False
        before = video_view(video)
        video.state, video.publish_at = "unpublished", None
        session.flush()
        record(session, actor, "video.unpublish", "video", video.id, before, video_view(video), reason="bulk")
        return True
    before = video_view(video)
    if action == "move":
        if video.collection_id == value:
            return False
        touched |= {video.collection_id, value}
        _drop_as_featured(session, actor, video)
        video.collection_id = value
        name = "video.move"
    elif action == "access_level":
        if video.access_level == value:
            return False
        video.access_level = value
        name = "video.access_level"
    elif action in ("feature", "unfeature"):
        wanted = action == "feature"
        if video.is_featured == wanted:
            return False
        video.is_featured = wanted
        name = f"video.{action}"
    elif action == "delete":
        if video.deleted_at is not None:
            return False
        if video.kind == "series":
            _refuse_series_with_live_episodes(session, video)
        video.deleted_at = utcnow()
        if video.state in ("published", "scheduled"):
            video.state, video.publish_at = "unpublished", None
        touched.add(video.collection_id)
        _drop_as_featured(session, actor, video)
        name = "video.delete"
    else:  # restore
        if video.deleted_at is None:
            return False
        _check_restorable(session, video)
        video.deleted_at = None
        touched.add(video.collection_id)
        name = "video.restore"
    session.flush()
    if video.state in ("published", "scheduled") and action == "move":
        reasons = publish_blockers(session, video)
        if reasons:
            raise PublishRefused(video.title, reasons)
    record(session, actor, name, "video", video.id, before, video_view(video), reason="bulk")
    return True


def _check_restorable(session: Session, video: Video) -> None:
    """A deleted video comes back only when its slug, its episode number and its collection are still free."""
    clash = session.execute(
        select(Video.id).where(Video.slug == video.slug, Video.deleted_at.is_(None), Video.id != video.id)
    ).first()
    if clash:
        raise RuleViolation(f"slug “{video.slug}” is now used by video #{clash[0]}; change one slug first")
    if video.season_id is not None:
        taken = session.execute(
            select(Video.id, Video.title).where(
                Video.season_id == video.season_id,
                Video.episode_number == video.episode_number,
                Video.deleted_at.is_(None),
                Video.id != video.id,
            )
        ).first()
        if taken:
            raise RuleViolation(
                f"episode {video.episode_number} of its season is now “{taken.title}”; renumber one first"
            )
    home = session.get(Collection, video.collection_id) if video.collection_id is not None else None
    if home is not None and home.deleted_at is not None:  # delete_collection refuses to orphan live videos
        raise RuleViolation(f"its collection “{home.name}” is deleted; move it to another collection first")
