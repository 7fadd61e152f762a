"""Step 2, after the catalog demo (`seed_compliance_demo`): the custodian, records for everyone else, the
problem cases, a production for every remaining video, and one revocation (its videos go on hold)."""

from __future__ import annotations

import random
import time
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.actor import SYSTEM, Actor
from console.catalog import service as video_service
from console.catalog.models import Collection, Performer, Video, VideoPerformer
from console.compliance import productions, records
from console.compliance.demo.identities import _identity
from console.compliance.demo.paperwork import (
    _ensure_verified,
    _enter,
    _has_production,
    _production_date,
    _record_of,
    _save_production,
    _verify,
)
from console.compliance.demo.planning import Plan, _clerk, _plan
from console.compliance.demo.values import CASES, CUSTODIAN
from console.compliance.models import ComplianceHold, Custodian, LegalRecord, Production
from console.db import session_scope, utc_today


def _public_performers(session: Session) -> set[int]:
    return set(
        session.execute(
            select(VideoPerformer.performer_id)
            .join(Video, Video.id == VideoPerformer.video_id)
            .where(Video.state.in_(("published", "scheduled")), Video.deleted_at.is_(None), Video.kind != "series")
            .distinct()
        ).scalars()
    )


def _videos_of(session: Session, performer_id: int) -> list[Video]:
    return list(
        session.execute(
            select(Video)
            .join(VideoPerformer, VideoPerformer.video_id == Video.id)
            .where(VideoPerformer.performer_id == performer_id, Video.deleted_at.is_(None), Video.kind != "series")
            .order_by(Video.id)
        ).scalars()
    )


def _case_video(session: Session, performer: Performer) -> Video:
    """A draft for a problem case whose performer the catalog demo cast in nothing."""
    collection_id = session.execute(select(func.min(Collection.id))).scalar_one_or_none()
    video = video_service.create_video(
        session,
        actor=SYSTEM,
        data={
            "title": f"{performer.name}: Casting Day",
            "collection_id": collection_id,
            "description": "Casting session footage, waiting for its 2257 paperwork.",
            "hls_url": f"https://stream.example.com/v/casting-{performer.id}/master.m3u8",
            "thumbnail_url": f"https://img.example.com/thumbs/casting-{performer.id}.jpg",
            "performer_count": 1,
        },
    )
    video_service.set_performers(session, actor=SYSTEM, video_id=video.id, performer_ids=[performer.id])
    return video


def _dated_videos(session: Session, performer: Performer) -> tuple[Video, list[Video]]:
    """The performer's first video without a production (created if there is none) and the others."""
    videos = [v for v in _videos_of(session, performer.id) if not _has_production(session, v.id)]
    if not videos:
        videos = [_case_video(session, performer)]
    return videos[0], videos[1:]


def _later(day: date, rng: random.Random, today: date) -> date:
    return min(day + timedelta(days=rng.randrange(20, 200)), today - timedelta(days=1))


def _case(session: Session, performer: Performer, case: str, clerk: Actor, today: date) -> None:
    ident = _identity(performer.id, performer.name, today)
    rng = random.Random(performer.id)
    if case == "no_record":
        return
    if case == "incomplete_no_id":
        _enter(session, performer, ident, clerk, documents=[])
        return
    if case == "incomplete_no_scan":
        _enter(session, performer, ident, clerk, scans=False)
        return
    if case in ("pending", "pending_system"):
        actor = clerk if case == "pending" else SYSTEM
        rec, _ = _enter(session, performer, ident, actor)
        records.submit_for_verification(session, actor=actor, record_id=rec.id, expected_version=None)
        return
    if case == "rejected":
        rec, _ = _enter(session, performer, ident, clerk)
        records.submit_for_verification(session, actor=clerk, record_id=rec.id, expected_version=None)
        records.reject_record(
            session,
            actor=SYSTEM,
            record_id=rec.id,
            reason="The date of birth entered does not match the passport scan; examine the original again.",
            expected_version=None,
        )
        return
    first, others = _dated_videos(session, performer)
    if case == "under_age":
        # Produced the day before the performer's 18th birthday: one day too early, and the gate says so.
        day = min(today - timedelta(days=120), (first.release_date or today) - timedelta(days=21))
        while True:
            birthday = day + timedelta(days=1)
            try:
                ident.dob = birthday.replace(year=birthday.year - 18)
                break
            except ValueError:  # born on 29 February: pick the shoot a day earlier
                day -= timedelta(days=1)
        passport = dict(ident.documents[0])
        passport.update(
            examined_on=day - timedelta(days=3),
            issue_date=day - timedelta(days=700),
            expiry_date=day - timedelta(days=700) + timedelta(days=5 * 365),
        )
        rec, docs = _enter(session, performer, ident, clerk, documents=[passport])
        _verify(session, rec, clerk)
        _save_production(session, first, day, clerk, {performer.id: docs[0].id})
        for video in others:  # shot after the birthday: these pass
            _save_production(session, video, _later(day, rng, today), clerk)
        return
    if case == "examined_after":
        # The ID was examined 45 days after the shoot it is relied on for.
        day = min(today - timedelta(days=120), (first.release_date or today) - timedelta(days=21))
        examined = day + timedelta(days=45)
        passport = dict(ident.documents[0])
        passport.update(
            examined_on=examined,
            issue_date=examined - timedelta(days=400),
            expiry_date=examined - timedelta(days=400) + timedelta(days=3652),
        )
        rec, docs = _enter(session, performer, ident, clerk, documents=[passport])
        _verify(session, rec, clerk)
        _save_production(session, first, day, clerk, {performer.id: docs[0].id})
        for video in others:  # shot after the examination: these pass
            _save_production(session, video, _later(examined, rng, today), clerk)
        return
    raise ValueError(f"unknown demo case {case!r}")


def _revoke_one(session: Session, plan: Plan, clerk: Actor) -> int | None:
    """Revoke the verified record behind the fewest public videos (at least one): they go on hold."""
    counts = session.execute(
        select(VideoPerformer.performer_id, func.count())
        .join(Video, Video.id == VideoPerformer.video_id)
        .join(LegalRecord, LegalRecord.performer_id == VideoPerformer.performer_id)
        .where(
            Video.state == "published",
            Video.deleted_at.is_(None),
            Video.kind != "series",
            LegalRecord.status == "verified",
        )
        .group_by(VideoPerformer.performer_id)
    ).all()
    candidates = sorted((count, pid) for pid, count in counts if pid not in plan.cases and pid != plan.expiring)
    if not candidates:
        return None
    rec = _record_of(session, candidates[0][1])
    assert rec is not None
    records.revoke_record(
        session,
        actor=clerk,
        record_id=rec.id,
        reason="The issuing authority reported the passport relied on as stolen; a new ID must be examined.",
        expected_version=None,
    )
    return rec.performer_id


def seed_compliance_demo() -> str:
    """Step 2 (after the catalog demo): custodian, every remaining record, the problem cases, productions for
    every remaining video, one revocation. Through the services, so the audit chain holds every event."""
    started = time.perf_counter()
    today = utc_today()
    with session_scope() as session:
        if session.get(Custodian, 1) is not None:
            return "Compliance demo data already present; nothing added."
        clerk = _clerk(session)
        productions.set_custodian(session, actor=clerk, data=CUSTODIAN, expected_version=None)
        plan = _plan(session)
        public = _public_performers(session)
        ids = list(
            session.execute(select(Performer.id).where(Performer.deleted_at.is_(None)).order_by(Performer.id)).scalars()
        )
        # A reserved performer already in a public video (a catalog seeded before this area) is just verified.
        cases = {pid: case for pid, case in plan.cases.items() if pid not in public}
        for pid in ids:
            if pid not in cases:
                _ensure_verified(session, pid, plan, today)
        order = {case: k for k, case in enumerate(CASES)}
        for pid, case in sorted(cases.items(), key=lambda item: order[item[1]]):
            performer = session.get(Performer, pid)
            assert performer is not None
            _case(session, performer, case, clerk, today)
        missing = session.execute(
            select(Video)
            .where(
                Video.deleted_at.is_(None),
                Video.kind != "series",
                ~select(Production.id).where(Production.video_id == Video.id).exists(),
            )
            .order_by(Video.id)
        ).scalars()
        dated = 0
        for video in list(missing):
            _save_production(session, video, _production_date(video, today), clerk)
            dated += 1
        revoked = _revoke_one(session, plan, clerk)
        held = session.execute(
            select(func.count()).select_from(ComplianceHold).where(ComplianceHold.released_at.is_(None))
        ).scalar_one()
        total = session.execute(select(func.count()).select_from(LegalRecord)).scalar_one()
    problems = f"{len(cases)} problem cases" + (", one revoked record" if revoked else "")
    return (
        f"Seeded 2257 records: {total} legal records, {problems}, {held} video(s) on hold, "
        f"{dated} more productions, the custodian of records ({time.perf_counter() - started:.1f} s)."
    )
