"""The 2257 checks of the publishing gate. `console.catalog.gate` loads this module before it answers, so
the editor, bulk publish, import and the scheduler cannot publish without them.

Reasons name performers by stage name only: content staff see them, and legal data is not theirs to see.
A video costs two indexed round trips, and so do 1,000 (the batch form bulk publish and the import use).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from console.catalog.gate import register_check
from console.catalog.models import Performer, Video, VideoPerformer
from console.compliance.models import ComplianceHold, IdDocument, IdScan, LegalRecord, Production, ProductionPerformer
from console.compliance.records.dates import eighteenth_birthday
from console.compliance.records.labels import STATUS_LABELS

PREFIX = "2257: "


CHUNK = 1_000


def compliance_blockers(session: Session, video: Video) -> list[str]:
    return compliance_blockers_many(session, [video])[video.id]


def compliance_blockers_many(session: Session, videos: Sequence[Video]) -> dict[int, list[str]]:
    """The 2257 reasons for many videos in two round trips per 1,000: each video's open hold and production,
    then one row per linked performer with their record, the production line, the ID relied on and whether a
    copy is on file (column selects, no ORM objects)."""
    found: dict[int, list[str]] = {}
    for start in range(0, len(videos), CHUNK):
        found.update(_chunk(session, videos[start : start + CHUNK]))
    return found


def _chunk(session: Session, videos: Sequence[Video]) -> dict[int, list[str]]:
    ids = [video.id for video in videos]
    open_hold = (
        select(ComplianceHold.id)
        .where(ComplianceHold.video_id == Video.id, ComplianceHold.released_at.is_(None))
        .order_by(ComplianceHold.id)
        .limit(1)
        .correlate(Video)
        .scalar_subquery()
    )
    heads = {
        row[0]: row[1:]
        for row in session.execute(
            select(
                Video.id, Production.id, Production.production_date, ComplianceHold.created_at, ComplianceHold.reason
            )
            .select_from(Video)
            .outerjoin(Production, Production.video_id == Video.id)
            .outerjoin(ComplianceHold, ComplianceHold.id == open_hold)
            .where(Video.id.in_(ids))
        ).tuples()
    }
    has_copy = exists().where(IdScan.id_document_id == IdDocument.id)
    cast: dict[int, list[Any]] = {}
    for row in session.execute(
        select(
            VideoPerformer.video_id,
            Performer.name,
            LegalRecord.id,
            LegalRecord.status,
            LegalRecord.date_of_birth,
            ProductionPerformer.id,
            ProductionPerformer.legal_record_id,
            IdDocument.id,
            IdDocument.legal_record_id,
            IdDocument.examined_on,
            IdDocument.expiry_date,
            has_copy,
        )
        .select_from(VideoPerformer)
        .join(Performer, Performer.id == VideoPerformer.performer_id)
        .outerjoin(LegalRecord, LegalRecord.performer_id == Performer.id)
        .outerjoin(Production, Production.video_id == VideoPerformer.video_id)
        .outerjoin(
            ProductionPerformer,
            (ProductionPerformer.production_id == Production.id)
            & (ProductionPerformer.performer_id == VideoPerformer.performer_id),
        )
        .outerjoin(IdDocument, IdDocument.id == ProductionPerformer.id_document_id)
        # Soft-deleted performers count too: deleting a profile does not take them out of the footage.
        .where(VideoPerformer.video_id.in_(ids))
        .order_by(VideoPerformer.video_id, VideoPerformer.billing_order, Performer.id)
    ).tuples():
        cast.setdefault(row[0], []).append(row[1:])
    out: dict[int, list[str]] = {}
    for video in videos:
        _production_id, production_date, held_since, hold_reason = heads.get(video.id, (None, None, None, None))
        out[video.id] = [
            PREFIX + r for r in _reasons(video, production_date, held_since, hold_reason, cast.get(video.id, []))
        ]
    return out


def _reasons(
    video: Video, production_date: date | None, held_since: Any, hold_reason: str | None, rows: list[Any]
) -> list[str]:
    reasons: list[str] = []
    if held_since is not None:
        reasons.append(f"on compliance hold since {held_since:%Y-%m-%d} ({hold_reason}); compliance must release it")
    if video.kind == "series":
        # A series is a container with no footage of its own: its episodes are the depictions checked here.
        return reasons
    if production_date is None:
        reasons.append("no date of production is recorded")
    for name, rec_id, status, dob, line_id, line_rec, doc_id, doc_rec, examined_on, expiry, copy in rows:
        if rec_id is None:
            reasons.append(f"{name} has no legal record")
            continue
        if status != "verified":
            reasons.append(f"{name}'s legal record is {STATUS_LABELS[status].lower()}, not verified")
        if production_date is None:
            continue
        if dob is None:
            reasons.append(f"{name}'s date of birth is not recorded")
        elif production_date < dob:  # a wrong date, not a minor: say which dates disagree
            reasons.append(f"the date of production is before {name}'s date of birth: one of the two dates is wrong")
        elif production_date < eighteenth_birthday(dob):
            reasons.append(f"{name} was under 18 on the date of production")
        if line_id is None:
            reasons.append(f"the production does not record which ID was relied on for {name}")
            continue
        if line_rec != rec_id:
            reasons.append(f"the production relies on a legal record that is not {name}'s")
        if doc_id is None:
            reasons.append(f"the production does not record which ID was relied on for {name}")
        elif doc_rec != rec_id:
            reasons.append(f"the ID relied on for {name} belongs to another record")
        elif examined_on is None or examined_on > production_date:
            reasons.append(f"the ID relied on for {name} was examined after the date of production")
        elif expiry is not None and expiry < examined_on:
            reasons.append(f"the ID relied on for {name} had expired when it was examined")
        elif not copy:
            reasons.append(f"no copy of the ID relied on for {name} is on file")
    return reasons


def is_compliant(session: Session, video: Video) -> bool:
    return not compliance_blockers(session, video)


register_check("compliance_2257", compliance_blockers, batch=compliance_blockers_many)
