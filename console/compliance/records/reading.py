"""Reading legal records (audited): one performer's record, the compliance badges of many, a record's
history, a scan, and who may read legal data."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, aliased

from console.actor import Actor
from console.audit.models import AuditEvent
from console.audit.service import record as audit
from console.catalog.models import Performer
from console.compliance import vault
from console.compliance.models import IdDocument, IdScan, LegalRecord, PerformerName
from console.compliance.records.labels import READ_ACTIONS
from console.errors import NotFound
from console.staff.models import Staff
from console.staff.permissions import Permission, can, require


@dataclass(frozen=True)
class RecordDetail:
    performer: Performer
    record: LegalRecord | None
    names: list[PerformerName]
    documents: list[tuple[IdDocument, list[IdScan]]]
    # Who entered, amended and verified the record and who examined each ID, by name (staff id -> name): read in
    # the same statements as the record and the IDs.
    staff: dict[int, str] = field(default_factory=dict)


# Built once: an alias made per call rebuilds its column collection on every read (~1 ms each on the record page).
_ENTERED, _AMENDED, _VERIFIED = (
    aliased(Staff, name="entered_by"),
    aliased(Staff, name="amended_by"),
    aliased(Staff, name="verified_by"),
)
# The record page's three reads, built once with their parameters bound per call: building a select and its cache
# key on every call was ~30% of the audited read's time (the statements never change).
_RECORD = (
    select(Performer, LegalRecord, _ENTERED.name, _AMENDED.name, _VERIFIED.name)
    .outerjoin(LegalRecord, LegalRecord.performer_id == Performer.id)
    .outerjoin(_ENTERED, _ENTERED.id == LegalRecord.entered_by_id)
    .outerjoin(_AMENDED, _AMENDED.id == LegalRecord.amended_by_id)
    .outerjoin(_VERIFIED, _VERIFIED.id == LegalRecord.verified_by_id)
    .where(Performer.id == bindparam("performer_id"))
)
_NAMES = select(PerformerName).where(PerformerName.legal_record_id == bindparam("record_id")).order_by(PerformerName.id)
_IDS = (  # each ID with its scans and its examiner's name, one statement
    select(IdDocument, IdScan, Staff.name)
    .outerjoin(IdScan, IdScan.id_document_id == IdDocument.id)
    .outerjoin(Staff, Staff.id == IdDocument.examined_by_id)
    .where(IdDocument.legal_record_id == bindparam("record_id"))
    .order_by(IdDocument.id, IdScan.id)
)


def view_record(session: Session, *, actor: Actor, performer_id: int) -> RecordDetail:
    """The whole legal record of a performer. Audited: every view of legal data is an event."""
    require(actor, Permission.COMPLIANCE_READ_LEGAL)
    found = session.execute(_RECORD, {"performer_id": performer_id}).first()
    if found is None:
        raise NotFound(f"Performer #{performer_id} does not exist.")
    performer, rec = found[0], found[1]
    names: list[PerformerName] = []
    documents: list[tuple[IdDocument, list[IdScan]]] = []
    staff: dict[int, str] = {}
    if rec is not None:
        for staff_id, name in zip((rec.entered_by_id, rec.amended_by_id, rec.verified_by_id), found[2:], strict=True):
            if staff_id is not None and name is not None:
                staff[staff_id] = name
        names = list(session.execute(_NAMES, {"record_id": rec.id}).scalars())
        scans: dict[int, list[IdScan]] = {}
        docs: list[IdDocument] = []
        for doc, scan, examiner in session.execute(_IDS, {"record_id": rec.id}):
            if doc.id not in scans:
                docs.append(doc)
                scans[doc.id] = []
                if examiner is not None and doc.examined_by_id is not None:
                    staff[doc.examined_by_id] = examiner
            if scan is not None:
                scans[doc.id].append(scan)
        documents = [(d, scans[d.id]) for d in docs]
        audit(session, actor, "legal_record.view", "legal_record", rec.id, reason=f"performer #{performer_id}")
    return RecordDetail(performer, rec, names, documents, staff)


def compliance_badges(session: Session, *, actor: Actor, performer_ids: list[int]) -> dict[int, bool]:
    """Compliant (verified record) or not, per performer: what every catalog role may see instead of legal data."""
    require(actor, Permission.CATALOG_READ)
    if not performer_ids:
        return {}
    verified = set(
        session.execute(
            select(LegalRecord.performer_id).where(
                LegalRecord.performer_id.in_(performer_ids), LegalRecord.status == "verified"
            )
        ).scalars()
    )
    return {pid: pid in verified for pid in performer_ids}


def record_history(
    session: Session, *, actor: Actor, record_id: int, limit: int = 300, include_reads: bool = True
) -> list[AuditEvent]:
    """The record's amendment history (previous values in each event's `before`), newest first.
    `include_reads=False` leaves out views and downloads, so heavy reading cannot push amendments past `limit`."""
    require(actor, Permission.COMPLIANCE_READ_LEGAL)
    query = select(AuditEvent).where(AuditEvent.entity == "legal_record", AuditEvent.entity_id == str(record_id))
    if not include_reads:
        query = query.where(AuditEvent.action.not_in(READ_ACTIONS))
    return list(session.execute(query.order_by(AuditEvent.id.desc()).limit(limit)).scalars())


def read_scan(session: Session, *, actor: Actor, scan_id: int, purpose: str = "view") -> tuple[bytes, str, str]:
    """Decrypt a scan for a viewer or a download: (bytes, content type, file name). Audited."""
    require(actor, Permission.COMPLIANCE_READ_LEGAL)
    scan = session.get(IdScan, scan_id)
    if scan is None:
        raise NotFound(f"Scan #{scan_id} does not exist.")
    doc = session.get(IdDocument, scan.id_document_id)
    assert doc is not None
    data = vault.load(scan.storage_name, scan.sha256)
    action = "legal_record.scan_download" if purpose == "download" else "legal_record.scan_view"
    audit(
        session, actor, action, "legal_record", doc.legal_record_id, after={"scan_id": scan.id, "document_id": doc.id}
    )
    name = f"record-{doc.legal_record_id}-id-{doc.id}-scan-{scan.id}.{vault.EXTENSIONS[scan.content_type]}"
    return data, scan.content_type, name


def can_read_legal(actor: Actor) -> bool:
    return can(actor, Permission.COMPLIANCE_READ_LEGAL)
