"""Publishing, scheduling and taking down videos: every way a video becomes public goes through
`_make_public()`, which asks the gate first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.service import record
from console.catalog.gate import publish_blockers
from console.catalog.models import Season, Video
from console.catalog.rules import publish_at_problem
from console.catalog.service.editing import _locked_video
from console.catalog.service.fields import video_view
from console.db import dialect_name, utcnow
from console.errors import NotFound, RuleViolation, ValidationFailed
from console.staff.permissions import Permission, require


class PublishRefused(RuleViolation):
    def __init__(self, title: str, reasons: list[str]) -> None:
        super().__init__(f"“{title}” cannot be published: " + "; ".join(reasons) + ".")
        self.reasons = reasons


def _make_public(
    session: Session,
    actor: Actor,
    video: Video,
    *,
    at: datetime | None,
    reason: str | None,
    known_blockers: list[str] | None = None,
) -> None:
    """Publish now (at=None) or schedule; the one place where a video becomes public. `known_blockers` is the
    gate's answer for this video when the caller asked it for many at once (bulk publish) in this transaction."""
    reasons = publish_blockers(session, video) if known_blockers is None else known_blockers
    if reasons:
        raise PublishRefused(video.title, reasons)
    before = video_view(video)
    now = utcnow()
    if at is None or at <= now:
        video.state, video.published_at, video.publish_at = "published", now, None
        action = "video.publish"
    else:
        video.state, video.publish_at = "scheduled", at
        action = "video.schedule"
    session.flush()
    record(session, actor, action, "video", video.id, before, video_view(video), reason=reason)


def publish(
    session: Session, *, actor: Actor, video_id: int, expected_version: int | None = None, reason: str | None = None
) -> Video:
    require(actor, Permission.CATALOG_PUBLISH)
    video = _locked_video(session, video_id, expected_version)
    if video.state == "published":
        return video  # already public: nothing changes, nothing to audit
    _make_public(session, actor, video, at=None, reason=reason)
    return video


def schedule(
    session: Session, *, actor: Actor, video_id: int, publish_at: datetime, expected_version: int | None = None
) -> Video:
    require(actor, Permission.CATALOG_PUBLISH)
    if (problem := publish_at_problem(publish_at, utcnow())) is not None:
        raise ValidationFailed({"publish_at": problem})
    video = _locked_video(session, video_id, expected_version)
    _make_public(session, actor, video, at=publish_at, reason=None)
    return video


def unpublish(
    session: Session, *, actor: Actor, video_id: int, expected_version: int | None = None, reason: str | None = None
) -> Video:
    require(actor, Permission.CATALOG_PUBLISH)
    return _unpublish(session, actor, video_id, expected_version, reason)


@dataclass(frozen=True)
class TakenDown:
    """What a moderation take-down unpublished: the video, and for a series the episodes that went with it, each
    with the time it was scheduled for (None: it was public), so an overturned decision can put it back as it was."""

    video: Video
    episodes: list[tuple[int, datetime | None]]
    video_was_live: bool = True  # False: a series already unpublished, whose live episodes alone went down

    @property
    def episode_ids(self) -> list[int]:
        return [episode_id for episode_id, _ in self.episodes]


def take_down(session: Session, *, actor: Actor, video_id: int, reason: str) -> TakenDown:
    """Moderation's unpublish (a reported video): the same change and event as unpublish, for moderators, who
    may take videos down but not publish them. A series goes down with its public and scheduled episodes (an event
    each): viewers reach the episodes without the series page, and a moderator cannot unpublish them one by one
    (that is content staff's `unpublish_episodes`)."""
    require(actor, Permission.MODERATION_ACT)
    video = _locked_video(session, video_id, None)
    was_live = video.state in ("published", "scheduled")
    _unpublish_locked(session, actor, video, reason)
    episodes = [] if video.kind != "series" else _unpublish_live_episodes(session, actor, video, _why(video, reason))
    if not was_live and not episodes:  # nothing changed: no decision an overturned appeal would "reverse"
        raise RuleViolation(
            f"“{video.title}” is not on the platform ({video.state}): there is nothing to take down. "
            "If the case is handled, resolve it."
        )
    return TakenDown(video, episodes, was_live)


def _why(series: Video, reason: str) -> str:
    return f"taken down with the series “{series.title}”: {reason}"


def _unpublish(
    session: Session, actor: Actor, video_id: int, expected_version: int | None, reason: str | None
) -> Video:
    return _unpublish_locked(session, actor, _locked_video(session, video_id, expected_version), reason)


def _unpublish_locked(session: Session, actor: Actor, video: Video, reason: str | None) -> Video:
    """Unpublish a video already read FOR UPDATE (nothing changes unless it is published or scheduled)."""
    if video.state not in ("published", "scheduled"):
        return video
    before = video_view(video)
    video.state, video.publish_at = "unpublished", None
    session.flush()
    record(session, actor, "video.unpublish", "video", video.id, before, video_view(video), reason=reason)
    return video


def unpublish_episodes(session: Session, *, actor: Actor, series_id: int, reason: str | None = None) -> list[int]:
    """Take every published or scheduled episode of a series off the platform (one audit event per episode), the
    step before deleting the series. Returns the ids unpublished (none: nothing changes)."""
    require(actor, Permission.CATALOG_PUBLISH)
    series = session.get(Video, series_id)
    if series is None:
        raise NotFound(f"Video #{series_id} does not exist.")
    if series.kind != "series":
        raise RuleViolation(f"“{series.title}” is a {series.kind}, not a series: it has no episodes.")
    why = reason or f"all episodes of the series “{series.title}” unpublished"
    return [episode_id for episode_id, _ in _unpublish_live_episodes(session, actor, series, why)]


def _unpublish_live_episodes(
    session: Session, actor: Actor, series: Video, why: str
) -> list[tuple[int, datetime | None]]:
    """Each public or scheduled episode unpublished (an event each): (id, the time it was scheduled for or None)."""
    episodes = session.execute(
        select(Video)
        .join(Season, Season.id == Video.season_id)
        .where(Season.series_id == series.id, Video.deleted_at.is_(None), Video.state.in_(("published", "scheduled")))
        .order_by(Video.id)
        .with_for_update(of=Video)
    ).scalars()
    done: list[tuple[int, datetime | None]] = []
    for video in episodes:
        before = video_view(video)
        done.append((video.id, video.publish_at if video.state == "scheduled" else None))
        video.state, video.publish_at = "unpublished", None
        session.flush()
        record(session, actor, "video.unpublish", "video", video.id, before, video_view(video), reason=why)
    return done


def republish_after_appeal(
    session: Session, *, actor: Actor, video_id: int, reason: str, scheduled_for: datetime | None = None
) -> Video:
    """Put back a video moderation took down, once the decision is overturned: through the same gate as any
    publish (PublishRefused names what now blocks it). `scheduled_for`: it was scheduled then; still ahead, it is
    scheduled for that time again, passed, it is published now."""
    require(actor, Permission.MODERATION_APPEALS)
    video = _locked_video(session, video_id, None)
    if video.state in ("published", "scheduled"):
        return video
    at = scheduled_for if scheduled_for is not None and scheduled_for > utcnow() else None
    _make_public(session, actor, video, at=at, reason=reason)
    return video


def publish_due(session: Session, *, actor: Actor, now: datetime | None = None, limit: int = 500) -> dict[int, str]:
    """The scheduler: publish scheduled videos whose time has come, through the same gate. Returns refusals."""
    require(actor, Permission.CATALOG_PUBLISH)
    now = now or utcnow()
    query = (
        select(Video)
        .where(Video.state == "scheduled", Video.deleted_at.is_(None), Video.publish_at <= now)
        .order_by(Video.publish_at)
        .limit(limit)
    )
    if dialect_name(session) == "postgresql":
        query = query.with_for_update(skip_locked=True)
    refused: dict[int, str] = {}
    for video in session.execute(query).scalars().all():
        reasons = publish_blockers(session, video)
        if reasons:
            before = video_view(video)
            video.state, video.publish_at = "draft", None
            session.flush()
            record(
                session,
                actor,
                "video.schedule_refused",
                "video",
                video.id,
                before,
                video_view(video),
                reason="; ".join(reasons),
            )
            refused[video.id] = "; ".join(reasons)
            continue
        _make_public(session, actor, video, at=None, reason="scheduled time reached")
    return refused
