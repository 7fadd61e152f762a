"""Compliance holds: public videos taken down, in the caller's transaction, when their 2257 paperwork stops
passing the gate. Every write that changes an input of the 2257 checks calls one of these, so editing paperwork
can never leave a video public that the gate would refuse (issue 8): a revoked or amended record holds every
video relying on it; a changed production or ID document holds the videos that the checks now refuse; the
scheduled sweep (sweep.py) holds whatever slipped through anyway.

A held video is unpublished with one `video.compliance_hold` event and stays refused by the gate until
compliance releases the hold; content staff then republish it through the gate. Hold reasons are shown to
content staff, so they carry stage names only (the gate's reasons already do).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.service import record as audit
from console.catalog.models import Season, Video
from console.compliance.models import ComplianceHold
from console.db import dialect_name, utcnow
from console.errors import NotFound, RuleViolation, ValidationFailed
from console.staff.permissions import Permission, require
from console.validation import clean_text

PUBLIC = ("published", "scheduled")
Held = dict[int, tuple[str, list[str]]]  # video id -> (title, the 2257 reasons it is or would be held for)


def _locked(session: Session, video_ids: Sequence[int], *, public_only: bool) -> list[Video]:
    if not video_ids:
        return []
    query = select(Video).where(Video.id.in_(set(video_ids)), Video.deleted_at.is_(None)).order_by(Video.id)
    if dialect_name(session) == "postgresql":
        query = query.with_for_update()
    return [video for video in session.execute(query).scalars() if video.state in PUBLIC or not public_only]


def hold_videos(
    session: Session,
    actor: Actor,
    video_ids: Sequence[int],
    *,
    reason: str | dict[int, str],
    source: str,
    legal_record_id: int | None = None,
    unpublished_too: bool = False,
) -> list[int]:
    """Unpublish each public video among `video_ids` and open a hold on it; returns the ids held.

    `reason` is one text for all, or one per video id. A video that already has an open hold (the sweep can
    find one published by hand in the database) is taken down under that hold instead of a second one.
    `unpublished_too` also holds videos that are not public (an emergency report: the gate then refuses to
    publish them until compliance releases the hold); a video already on hold is left as it is then."""
    from console.catalog.service import video_view  # the audited shape of a video

    held: list[int] = []
    videos = _locked(session, video_ids, public_only=not unpublished_too)
    if not videos:
        return held
    open_holds = {
        hold.video_id: hold
        for hold in session.execute(
            select(ComplianceHold).where(
                ComplianceHold.video_id.in_([v.id for v in videos]), ComplianceHold.released_at.is_(None)
            )
        ).scalars()
    }
    for video in videos:
        text = reason[video.id] if isinstance(reason, dict) else reason
        if video.state not in PUBLIC and video.id in open_holds:
            continue  # not public and already held: nothing changes
        before = video_view(video)
        if video.state in PUBLIC:
            video.state, video.publish_at = "unpublished", None
        hold = open_holds.get(video.id)
        if hold is None:
            hold = ComplianceHold(video_id=video.id, legal_record_id=legal_record_id, source=source, reason=text)
            session.add(hold)
        session.flush()
        after = video_view(video) | {"hold_id": hold.id, "hold_source": source}
        audit(session, actor, "video.compliance_hold", "video", video.id, before, after, reason=text)
        held.append(video.id)
    return held


def refused_public(session: Session, video_ids: Sequence[int]) -> Held:
    """The public videos among `video_ids` that the 2257 checks refuse now: {id: (title, reasons)}."""
    from console.compliance.gate_checks import PREFIX, compliance_blockers_many

    videos = [
        video
        for video in session.execute(
            select(Video).where(Video.id.in_(set(video_ids)), Video.deleted_at.is_(None)).order_by(Video.id)
        ).scalars()
        if video.state in PUBLIC
    ]
    found = compliance_blockers_many(session, videos) if videos else {}
    return {
        video.id: (video.title, [r.removeprefix(PREFIX) for r in found[video.id]])
        for video in videos
        if found.get(video.id)
    }


def hold_if_refused(
    session: Session,
    actor: Actor,
    video_ids: Sequence[int],
    *,
    source: str,
    change: str,
    legal_record_id: int | None = None,
) -> Held:
    """After a change to 2257 paperwork (already flushed): ask the checks about the public videos among
    `video_ids` and put those they refuse on hold. `change` says what changed, for the hold reason
    ("the production was changed"). Returns {video id: (title, reasons)} of the videos held."""
    refused = refused_public(session, video_ids)
    if refused:
        reasons = {vid: f"{change}: " + "; ".join(why) for vid, (_title, why) in refused.items()}
        hold_videos(session, actor, list(refused), reason=reasons, source=source, legal_record_id=legal_record_id)
    return refused


def would_hold(session: Session, change: Callable[[], tuple[Any, Held]]) -> Held:
    """What a paperwork change would put on hold, keeping nothing: `change` runs in a savepoint that is rolled back
    (its audit events with it). Raises what the change would raise (bad input, a stale version)."""
    savepoint = session.begin_nested()
    try:
        _row, held = change()
    finally:
        savepoint.rollback()
    return held


RELEASE_MAX = 500  # holds released in one go: a performer's whole catalogue after a record is re-verified


def _release_reason(reason: str) -> str:
    errors: dict[str, str] = {}
    text = clean_text(reason, "reason", errors, max_len=1000, multiline=True)
    if errors:
        raise ValidationFailed(errors)
    return text


def _under_review(session: Session, holds: Sequence[ComplianceHold]) -> None:
    """An emergency report's hold (a video reported as showing a minor, say) stays until moderation has closed the
    case: releasing it let content staff publish the video while the report was still open. Refuses the call,
    naming the videos and their cases."""
    from console.moderation.models import LIVE_CASE_STATES, ModerationCase

    reported = [hold.video_id for hold in holds if hold.source == "report"]
    if not reported:
        return
    series: dict[int, int] = {  # an episode held with its series: the report is on the series
        vid: sid
        for vid, sid in session.execute(
            select(Video.id, Season.series_id).join(Season, Season.id == Video.season_id).where(Video.id.in_(reported))
        )
    }
    targets = {*reported, *series.values()}
    open_cases: dict[int, int] = {
        target: case_id
        for target, case_id in session.execute(
            select(ModerationCase.target_id, ModerationCase.id).where(
                ModerationCase.target_type == "video",
                ModerationCase.target_id.in_(targets),
                ModerationCase.status.in_(LIVE_CASE_STATES),
            )
        )
    }
    blocked = [
        f"video #{vid} (case #{open_cases.get(vid) or open_cases[series[vid]]})"
        for vid in reported
        if vid in open_cases or series.get(vid) in open_cases
    ]
    if blocked:
        raise RuleViolation(
            "Held for an emergency report that moderation has not closed yet: "
            + ", ".join(blocked[:10])
            + (" …" if len(blocked) > 10 else "")
            + ". Release it once the case is closed."
        )


def _release(session: Session, actor: Actor, hold: ComplianceHold, text: str) -> None:
    hold.released_at, hold.released_by_id = utcnow(), actor.staff_id
    session.flush()
    before: dict[str, Any] = {"hold_id": hold.id, "released_at": None}
    after: dict[str, Any] = {"hold_id": hold.id, "released_at": hold.released_at}
    audit(session, actor, "video.compliance_release", "video", hold.video_id, before, after, reason=text)


def release_hold(session: Session, *, actor: Actor, hold_id: int, reason: str) -> ComplianceHold:
    """Compliance lifts a hold (the video stays unpublished; content staff republish it through the gate)."""
    require(actor, Permission.COMPLIANCE_VERIFY)
    text = _release_reason(reason)
    hold = session.execute(
        select(ComplianceHold).where(ComplianceHold.id == hold_id).with_for_update()
    ).scalar_one_or_none()
    if hold is None:
        raise NotFound(f"Hold #{hold_id} does not exist.")
    if hold.released_at is not None:
        raise RuleViolation("This hold was already released.")
    _under_review(session, [hold])
    _release(session, actor, hold, text)
    return hold


def release_holds(session: Session, *, actor: Actor, hold_ids: Sequence[int], reason: str) -> list[int]:
    """Lift several holds with one reason (an event per video, as one by one): the ids released, in id order. A
    hold someone released meanwhile is left out rather than refusing the rest; an id that names no hold refuses the
    whole call, so a stale or forged list changes nothing."""
    require(actor, Permission.COMPLIANCE_VERIFY)
    text = _release_reason(reason)
    wanted = sorted({int(i) for i in hold_ids})
    if not wanted:
        raise ValidationFailed({"holds": "Select at least one hold"})
    if len(wanted) > RELEASE_MAX:
        raise ValidationFailed({"holds": f"At most {RELEASE_MAX:,} holds at a time"})
    found = list(
        session.execute(
            select(ComplianceHold).where(ComplianceHold.id.in_(wanted)).order_by(ComplianceHold.id).with_for_update()
        ).scalars()
    )
    missing = sorted(set(wanted) - {hold.id for hold in found})
    if missing:
        raise NotFound(f"Hold #{missing[0]} does not exist.")
    _under_review(session, [hold for hold in found if hold.released_at is None])
    released = []
    for hold in found:
        if hold.released_at is None:
            _release(session, actor, hold, text)
            released.append(hold.id)
    return released
