"""One indexed query per tab (none loads a table), and the tab counts (bounded or estimated)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, exists, func, or_, select, union
from sqlalchemy.orm import Session, aliased

from console.actor import Actor
from console.catalog.models import Performer, Video, VideoPerformer
from console.compliance.models import ComplianceHold, IdDocument, LegalRecord, Production, ProductionPerformer
from console.compliance.worklist.rows import BLOCKABLE_STATES, DEFAULT_EXPIRY_DAYS, MAX_EXPIRY_DAYS, TabCount
from console.db import utc_today
from console.errors import ValidationFailed
from console.paging import exact_or_estimated_count
from console.staff.permissions import Permission, require


def _missing_query() -> Select[Any]:
    # performers.ix_performers_name orders the page; legal_records' unique performer_id serves the join.
    return (
        select(Performer)
        .outerjoin(LegalRecord, LegalRecord.performer_id == Performer.id)
        .where(Performer.deleted_at.is_(None), or_(LegalRecord.id.is_(None), LegalRecord.status != "verified"))
    )


def _pending_query() -> Select[Any]:
    return select(LegalRecord).where(LegalRecord.status == "pending_verification")  # ix_legal_records_status


# Aliases built once: one made per call rebuilds its column collection on every call (~1 ms each).
_CURRENT_ID = aliased(IdDocument, name="current_id")
_LINE = aliased(ProductionPerformer, name="line")
_RELIED_ID = aliased(IdDocument, name="relied_id")


def _cutoff(within_days: int, today: date | None) -> tuple[date, date]:
    if not isinstance(within_days, int) or isinstance(within_days, bool) or not 0 <= within_days <= MAX_EXPIRY_DAYS:
        raise ValidationFailed({"within_days": f"must be a whole number of days from 0 to {MAX_EXPIRY_DAYS}"})
    day = today or utc_today()
    return day, day + timedelta(days=within_days)


def _expiring_query(cutoff: date) -> Select[Any]:
    current = _CURRENT_ID
    superseded = exists().where(
        current.legal_record_id == IdDocument.legal_record_id,
        current.id != IdDocument.id,
        or_(current.expiry_date.is_(None), current.expiry_date > cutoff),
    )
    return (
        select(IdDocument)
        .join(LegalRecord, LegalRecord.id == IdDocument.legal_record_id)
        .where(
            LegalRecord.status == "verified",
            IdDocument.expiry_date.is_not(None),
            IdDocument.expiry_date <= cutoff,  # ix_id_documents_expiry
            ~superseded,
        )
    )


def _blocked_query() -> Select[Any]:
    """Not public (draft, scheduled, unpublished), and either without a dated production or with a linked
    performer lacking a verified record: the union of two narrow id sets, which both databases estimate well
    (an OR of two subqueries made PostgreSQL guess thousands of rows where there were none)."""
    # Equalities rather than IN (...): the estimated count compiles the query for EXPLAIN, where expanding IN
    # parameters cannot be bound.
    not_public = or_(*(Video.state == s for s in BLOCKABLE_STATES))
    dated = exists().where(Production.video_id == Video.id, Production.production_date.is_not(None))
    undated = select(Video.id).where(Video.deleted_at.is_(None), not_public, ~dated)
    unverified_performers = (
        select(Performer.id)
        .outerjoin(LegalRecord, LegalRecord.performer_id == Performer.id)
        .where(Performer.deleted_at.is_(None), or_(LegalRecord.id.is_(None), LegalRecord.status != "verified"))
    )
    unverified = (
        select(VideoPerformer.video_id)
        .join(Video, Video.id == VideoPerformer.video_id)
        .where(VideoPerformer.performer_id.in_(unverified_performers), Video.deleted_at.is_(None), not_public)
    )
    # A dated production whose paperwork for a linked performer is missing or wrong: no line for the performer,
    # no ID relied on, or an ID examined after the date of production.
    line, doc = _LINE, _RELIED_ID
    bad_paperwork = (
        select(Production.video_id)
        .join(Video, Video.id == Production.video_id)
        .join(VideoPerformer, VideoPerformer.video_id == Production.video_id)
        .outerjoin(line, (line.production_id == Production.id) & (line.performer_id == VideoPerformer.performer_id))
        .outerjoin(doc, doc.id == line.id_document_id)
        .where(
            Video.deleted_at.is_(None),
            not_public,
            Production.production_date.is_not(None),
            or_(
                line.id.is_(None),
                doc.id.is_(None),
                doc.examined_on.is_(None),
                doc.examined_on > Production.production_date,
            ),
        )
    )
    return select(Video).where(Video.id.in_(union(undated, unverified, bad_paperwork)))


def _holds_query(record_id: int | None = None, reason: str | None = None) -> Select[Any]:
    """Open holds (the open holds' partial index: a small set, so a contains-filter on its reason stays cheap)."""
    query = select(ComplianceHold).where(ComplianceHold.released_at.is_(None))
    if record_id is not None:
        query = query.where(ComplianceHold.legal_record_id == record_id)
    if reason:
        query = query.where(func.lower(ComplianceHold.reason).contains(reason.lower(), autoescape=True))
    return query


def _count(session: Session, query: Select[Any]) -> TabCount:
    total, estimated = exact_or_estimated_count(session, query)
    return TabCount(total, estimated)


def worklist_counts(
    session: Session, *, actor: Actor, within_days: int = DEFAULT_EXPIRY_DAYS, today: date | None = None
) -> dict[str, TabCount]:
    """How many rows each tab holds (bounded; estimated past the cap on PostgreSQL). Counts show no legal data."""
    require(actor, Permission.COMPLIANCE_READ_LEGAL)
    _, cutoff = _cutoff(within_days, today)
    return {
        "missing": _count(session, _missing_query()),
        "pending": _count(session, _pending_query()),
        "expiring": _count(session, _expiring_query(cutoff)),
        "blocked": _count(session, _blocked_query()),
        "holds": _count(session, _holds_query()),
    }
