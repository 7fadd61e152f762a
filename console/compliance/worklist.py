"""The compliance worklist: what the 2257 desk has to do, one server-paged list per tab.

- missing: performers (not deleted) without a verified legal record, with the record's status;
- pending: records waiting for a second person's verification, oldest first, with who entered them;
- expiring: IDs of verified records whose expiry date is within N days (default 60) or already passed,
  unless the same record holds another ID valid beyond the window (that one is the current ID);
- blocked: videos not yet public (draft, scheduled, unpublished) that lack a date of production, have a
  linked performer without a verified record, or whose production lacks the ID relied on for a performer (or
  relies on one examined after the date of production) — found in SQL; the gate's reasons are computed only
  for the rows on the page. Under-age at production is left to the gate's reasons (date arithmetic differs by
  database);
- holds: open compliance holds with the record, the performer and the reason.

Every list needs COMPLIANCE_READ_LEGAL. Lists that show legal data write one `compliance.worklist_view`
event per page of rows (not per row), naming the records shown. Counts use the bounded/estimated count of
console.paging, so a tab label never costs a full scan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, exists, or_, select, union
from sqlalchemy.orm import Session, aliased

from console.actor import Actor
from console.audit.service import record as audit
from console.catalog.models import Performer, Video, VideoPerformer
from console.compliance.gate_checks import compliance_blockers
from console.compliance.models import ComplianceHold, IdDocument, LegalRecord, Production, ProductionPerformer
from console.compliance.records import dependants, legal_name
from console.errors import NotFound, ValidationFailed
from console.paging import Page, PageRequest, exact_or_estimated_count, fetch_page
from console.staff.models import Staff
from console.staff.permissions import Permission, require

TABS = ("missing", "pending", "expiring", "blocked", "holds")
TAB_LABELS = {
    "missing": "Without a verified record",
    "pending": "Pending verification",
    "expiring": "IDs expiring",
    "blocked": "Videos blocked",
    "holds": "Videos on hold",
}
DEFAULT_EXPIRY_DAYS = 60
MAX_EXPIRY_DAYS = 3650
VIEW_ACTION = "compliance.worklist_view"
BLOCKABLE_STATES = ("draft", "scheduled", "unpublished")


# --- rows -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MissingRow:
    performer_id: int
    stage_name: str
    record_id: int | None
    status: str | None  # None: no record at all
    legal_name: str | None
    amended_at: datetime | None


@dataclass(frozen=True)
class PendingRow:
    record_id: int
    performer_id: int
    stage_name: str
    legal_name: str
    date_of_birth: date | None
    entered_by: str | None
    amended_by: str | None
    created_at: datetime
    amended_at: datetime


@dataclass(frozen=True)
class ExpiringRow:
    document_id: int
    record_id: int
    performer_id: int
    stage_name: str
    legal_name: str
    doc_type: str
    issuing_country: str
    expiry_date: date
    days_left: int  # negative: expired that many days ago


@dataclass(frozen=True)
class BlockedRow:
    video_id: int
    title: str
    state: str
    performer_count: int
    reasons: list[str]


@dataclass(frozen=True)
class HoldRow:
    hold_id: int
    video_id: int
    title: str
    video_state: str
    record_id: int | None  # None: the hold came from a production, the sweep or another cause with no one record
    performer_id: int | None
    stage_name: str | None
    legal_name: str | None
    record_status: str | None
    reason: str
    created_at: datetime
    source: str = "record"


@dataclass(frozen=True)
class TabCount:
    total: int
    estimated: bool

    def label(self) -> str:
        return f"~{self.total:,}" if self.estimated else f"{self.total:,}"


# --- queries (each indexed; none loads a table) ---------------------------------------------------------------


def _missing_query() -> Select[Any]:
    # performers.ix_performers_name orders the page; legal_records' unique performer_id serves the join.
    return (
        select(Performer)
        .outerjoin(LegalRecord, LegalRecord.performer_id == Performer.id)
        .where(Performer.deleted_at.is_(None), or_(LegalRecord.id.is_(None), LegalRecord.status != "verified"))
    )


def _pending_query() -> Select[Any]:
    return select(LegalRecord).where(LegalRecord.status == "pending_verification")  # ix_legal_records_status


def _cutoff(within_days: int, today: date | None) -> tuple[date, date]:
    if not isinstance(within_days, int) or isinstance(within_days, bool) or not 0 <= within_days <= MAX_EXPIRY_DAYS:
        raise ValidationFailed({"within_days": f"must be a whole number of days from 0 to {MAX_EXPIRY_DAYS}"})
    day = today or date.today()
    return day, day + timedelta(days=within_days)


def _expiring_query(cutoff: date) -> Select[Any]:
    current = aliased(IdDocument)
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
    line = aliased(ProductionPerformer)
    doc = aliased(IdDocument)
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


def _holds_query(record_id: int | None = None) -> Select[Any]:
    query = select(ComplianceHold).where(ComplianceHold.released_at.is_(None))
    if record_id is not None:
        query = query.where(ComplianceHold.legal_record_id == record_id)
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


# --- helpers for one page of rows -----------------------------------------------------------------------------


def _page(
    session: Session, query: Select[Any], order: Sequence[tuple[Any, bool]], page: PageRequest
) -> tuple[list[Any], int, bool]:
    total, estimated = exact_or_estimated_count(session, query)
    return fetch_page(session, query, order, page, total, estimated=estimated), total, estimated


def _records_of(session: Session, performer_ids: list[int]) -> dict[int, LegalRecord]:
    if not performer_ids:
        return {}
    rows = session.execute(select(LegalRecord).where(LegalRecord.performer_id.in_(performer_ids))).scalars()
    return {r.performer_id: r for r in rows}


def _performer_names(session: Session, performer_ids: list[int]) -> dict[int, str]:
    if not performer_ids:
        return {}
    rows = session.execute(select(Performer.id, Performer.name).where(Performer.id.in_(performer_ids))).all()
    return {row.id: row.name for row in rows}


def _staff_labels(session: Session, ids: list[int]) -> dict[int, str]:
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    rows = session.execute(select(Staff.id, Staff.name).where(Staff.id.in_(wanted))).all()
    return {row.id: row.name for row in rows}


def _audit_view(session: Session, actor: Actor, tab: str, page: PageRequest, record_ids: list[int]) -> None:
    """One event per page of rows shown (not one per row), naming every record on it."""
    audit(
        session,
        actor,
        VIEW_ACTION,
        "compliance_worklist",
        tab,
        after={"tab": tab, "page": page.page, "size": page.size, "record_ids": sorted(set(record_ids))},
    )


# --- the tabs ---------------------------------------------------------------------------------------------------


def list_missing(session: Session, *, actor: Actor, page: PageRequest) -> Page[MissingRow]:
    require(actor, Permission.COMPLIANCE_READ_LEGAL)
    performers, total, estimated = _page(
        session, _missing_query(), [(Performer.name, False), (Performer.id, False)], page
    )
    records = _records_of(session, [p.id for p in performers])
    rows = []
    for p in performers:
        rec = records.get(p.id)
        rows.append(
            MissingRow(
                performer_id=p.id,
                stage_name=p.name,
                record_id=rec.id if rec else None,
                status=rec.status if rec else None,
                legal_name=legal_name(rec) if rec else None,
                amended_at=rec.amended_at if rec else None,
            )
        )
    _audit_view(session, actor, "missing", page, [r.record_id for r in rows if r.record_id is not None])
    return Page(rows, total, estimated, page)


def list_pending(session: Session, *, actor: Actor, page: PageRequest) -> Page[PendingRow]:
    """Records waiting for verification, oldest first (ids grow with creation; the status index orders them)."""
    require(actor, Permission.COMPLIANCE_READ_LEGAL)
    recs, total, estimated = _page(session, _pending_query(), [(LegalRecord.id, False)], page)
    names = _performer_names(session, [r.performer_id for r in recs])
    staff = _staff_labels(session, [i for r in recs for i in (r.entered_by_id, r.amended_by_id) if i is not None])
    rows = [
        PendingRow(
            record_id=r.id,
            performer_id=r.performer_id,
            stage_name=names.get(r.performer_id, f"#{r.performer_id}"),
            legal_name=legal_name(r),
            date_of_birth=r.date_of_birth,
            entered_by=staff.get(r.entered_by_id) if r.entered_by_id else None,
            amended_by=staff.get(r.amended_by_id) if r.amended_by_id else None,
            created_at=r.created_at,
            amended_at=r.amended_at,
        )
        for r in recs
    ]
    _audit_view(session, actor, "pending", page, [r.record_id for r in rows])
    return Page(rows, total, estimated, page)


def list_expiring(
    session: Session,
    *,
    actor: Actor,
    page: PageRequest,
    within_days: int = DEFAULT_EXPIRY_DAYS,
    today: date | None = None,
) -> Page[ExpiringRow]:
    """IDs of verified records expiring within `within_days` (or expired), soonest first."""
    require(actor, Permission.COMPLIANCE_READ_LEGAL)
    day, cutoff = _cutoff(within_days, today)
    docs, total, estimated = _page(
        session, _expiring_query(cutoff), [(IdDocument.expiry_date, False), (IdDocument.id, False)], page
    )
    recs: dict[int, LegalRecord] = {}
    if docs:
        recs = {
            r.id: r
            for r in session.execute(
                select(LegalRecord).where(LegalRecord.id.in_({d.legal_record_id for d in docs}))
            ).scalars()
        }
    names = _performer_names(session, [r.performer_id for r in recs.values()])
    rows = []
    for d in docs:
        rec = recs[d.legal_record_id]
        assert d.expiry_date is not None
        rows.append(
            ExpiringRow(
                document_id=d.id,
                record_id=rec.id,
                performer_id=rec.performer_id,
                stage_name=names.get(rec.performer_id, f"#{rec.performer_id}"),
                legal_name=legal_name(rec),
                doc_type=d.doc_type,
                issuing_country=d.issuing_country,
                expiry_date=d.expiry_date,
                days_left=(d.expiry_date - day).days,
            )
        )
    _audit_view(session, actor, "expiring", page, [r.record_id for r in rows])
    return Page(rows, total, estimated, page)


def list_blocked(session: Session, *, actor: Actor, page: PageRequest) -> Page[BlockedRow]:
    """Videos the gate would refuse for 2257 reasons; the reasons (stage names only) for this page's rows."""
    require(actor, Permission.COMPLIANCE_READ_LEGAL)
    videos, total, estimated = _page(session, _blocked_query(), [(Video.created_at, True), (Video.id, True)], page)
    rows = [
        BlockedRow(
            video_id=v.id,
            title=v.title,
            state=v.state,
            performer_count=v.performer_count,
            reasons=compliance_blockers(session, v),
        )
        for v in videos
    ]
    _audit_view(session, actor, "blocked", page, [])
    return Page(rows, total, estimated, page)


def list_holds(session: Session, *, actor: Actor, page: PageRequest, record_id: int | None = None) -> Page[HoldRow]:
    """Open holds, oldest first; `record_id` narrows them to the holds one record caused."""
    require(actor, Permission.COMPLIANCE_READ_LEGAL)
    holds, total, estimated = _page(
        session, _holds_query(record_id), [(ComplianceHold.created_at, False), (ComplianceHold.id, False)], page
    )
    videos: dict[int, Video] = {}
    recs: dict[int, LegalRecord] = {}
    if holds:
        videos = {
            v.id: v for v in session.execute(select(Video).where(Video.id.in_({h.video_id for h in holds}))).scalars()
        }
        recs = {
            r.id: r
            for r in session.execute(
                select(LegalRecord).where(
                    LegalRecord.id.in_({h.legal_record_id for h in holds if h.legal_record_id is not None})
                )
            ).scalars()
        }
    names = _performer_names(session, [r.performer_id for r in recs.values()])
    rows = []
    for h in holds:
        video = videos[h.video_id]
        rec = recs.get(h.legal_record_id) if h.legal_record_id is not None else None
        rows.append(
            HoldRow(
                hold_id=h.id,
                video_id=video.id,
                title=video.title,
                video_state=video.state,
                record_id=rec.id if rec else None,
                performer_id=rec.performer_id if rec else None,
                stage_name=names.get(rec.performer_id, f"#{rec.performer_id}") if rec else None,
                legal_name=legal_name(rec) if rec else None,
                record_status=rec.status if rec else None,
                reason=h.reason,
                created_at=h.created_at,
                source=h.source,
            )
        )
    _audit_view(session, actor, "holds", page, [r.record_id for r in rows if r.record_id is not None])
    return Page(rows, total, estimated, page)


def list_tab(
    session: Session, *, actor: Actor, tab: str, page: PageRequest, within_days: int = DEFAULT_EXPIRY_DAYS
) -> Page[Any]:
    if tab == "missing":
        return list_missing(session, actor=actor, page=page)
    if tab == "pending":
        return list_pending(session, actor=actor, page=page)
    if tab == "expiring":
        return list_expiring(session, actor=actor, page=page, within_days=within_days)
    if tab == "blocked":
        return list_blocked(session, actor=actor, page=page)
    if tab == "holds":
        return list_holds(session, actor=actor, page=page)
    raise NotFound(f"There is no worklist tab “{tab[:40]}”.")


# --- small reads for the record editor --------------------------------------------------------------------------


def staff_names(session: Session, *, actor: Actor, ids: list[int]) -> dict[int, str]:
    """Names of the staff who entered, amended, examined or verified records."""
    require(actor, Permission.COMPLIANCE_READ_LEGAL)
    return _staff_labels(session, ids)


def record_version(session: Session, *, actor: Actor, record_id: int) -> int:
    """The record's current version (no legal data): lets the editor adopt a version its own change made."""
    require(actor, Permission.COMPLIANCE_READ_LEGAL)
    version = session.execute(select(LegalRecord.version).where(LegalRecord.id == record_id)).scalar_one_or_none()
    if version is None:
        raise NotFound(f"Legal record #{record_id} does not exist.")
    return int(version)


def public_dependants(session: Session, *, actor: Actor, record_id: int) -> list[tuple[int, str]]:
    """(id, title) of the public videos relying on a record: what a revocation or amendment would put on hold."""
    require(actor, Permission.COMPLIANCE_READ_LEGAL)
    rec = session.get(LegalRecord, record_id)
    if rec is None:
        raise NotFound(f"Legal record #{record_id} does not exist.")
    return [(v.id, v.title) for v in dependants(session, rec)]


@dataclass(frozen=True)
class RecordHold:
    hold_id: int
    video_id: int
    title: str
    video_state: str
    reason: str
    created_at: datetime


def holds_of_record(session: Session, *, actor: Actor, record_id: int, limit: int = 100) -> list[RecordHold]:
    """Open holds one record caused, oldest first, for its editor (videos only: the editor's view is audited)."""
    require(actor, Permission.COMPLIANCE_READ_LEGAL)
    rows = session.execute(
        select(ComplianceHold, Video)
        .join(Video, Video.id == ComplianceHold.video_id)
        .where(ComplianceHold.legal_record_id == record_id, ComplianceHold.released_at.is_(None))
        .order_by(ComplianceHold.created_at, ComplianceHold.id)
        .limit(limit)
    ).all()
    return [RecordHold(h.id, v.id, v.title, v.state, h.reason, h.created_at) for h, v in rows]
