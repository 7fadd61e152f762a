"""Legal records: create, amend, other names, ID documents and scans, two-person verification, revocation,
retention-bound deletion. Reads of legal data are audited; only compliance/admin may read them.

Every event about a record (its names, IDs and scans included) is written with entity `legal_record` and
the record's id, so the record's amendment history is one indexed query. Previous values travel in the
event's `before`, which is what 28 CFR 75 asks of an amended record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.models import AuditEvent
from console.audit.service import record as audit
from console.catalog.models import Performer, Video, VideoPerformer
from console.compliance import holds, vault
from console.compliance.models import (
    CHECKLIST,
    ID_TYPES,
    NAME_KINDS,
    ComplianceHold,
    IdDocument,
    IdScan,
    LegalRecord,
    PerformerName,
    Production,
    ProductionPerformer,
)
from console.config import get_settings
from console.db import utcnow
from console.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from console.members.countries import COUNTRIES
from console.staff.permissions import Permission, can, require
from console.validation import clean_text

STATUS_LABELS = {
    "incomplete": "Incomplete",
    "pending_verification": "Pending verification",
    "verified": "Verified",
    "rejected": "Rejected",
    "revoked": "Revoked",
}
NAME_KIND_LABELS = {
    "stage": "Stage name",
    "maiden": "Maiden name",
    "alias": "Alias",
    "nickname": "Nickname",
    "previous_legal": "Previous legal name",
}
ID_TYPE_LABELS = {
    "passport": "Passport",
    "drivers_licence": "Driver licence",
    "state_id": "State ID",
    "national_id": "National ID card",
    "other_government_id": "Other government photo ID",
}
CHECKLIST_LABELS = {
    "id_examined": "I examined the original government photo ID",
    "name_matches": "The legal name matches the ID",
    "dob_matches": "The date of birth matches the ID",
    "photo_matches": "The photo on the ID matches the performer",
}
LEGAL_FACTS = ("legal_first_name", "legal_middle_name", "legal_last_name", "date_of_birth")
EARLIEST_DOB = date(1900, 1, 1)
READ_ACTIONS = ("legal_record.view", "legal_record.scan_view", "legal_record.scan_download")

NAME_MAX = 120  # each legal name
# The longest text each field takes, for forms that show a counter (console.ui.forms.limit_lengths).
TEXT_LIMITS = {
    "legal_first_name": NAME_MAX,
    "legal_middle_name": NAME_MAX,
    "legal_last_name": NAME_MAX,
    "notes": 5000,
    "reason": 1000,
    "name": 255,  # another name
    "number": 64,
    "issuing_state": 64,
}


def _remember_file(session: Session, key: str, name: str) -> None:
    """Note a scan file written or deleted, with the (sub)transaction it belongs to (innermost savepoint or root)."""
    session.info.setdefault(key, []).append((name, session.get_nested_transaction() or session.get_transaction()))


def _inside(transaction: Any, boundary: Any) -> bool:
    while transaction is not None:
        if transaction is boundary:
            return True
        transaction = transaction.parent
    return False


@event.listens_for(Session, "after_commit")
def _files_after_commit(session: Session) -> None:
    # Also fired when a savepoint is released: nothing is durable until the outer transaction commits.
    if session.get_nested_transaction() is not None:
        return
    # Scans of a record deleted after its retention period leave the disk only once the deletion is durable.
    for name, _ in session.info.pop("after_commit_discard", []):
        vault.discard(name)
    session.info.pop("after_rollback_discard", None)


@event.listens_for(Session, "after_soft_rollback")
def _files_after_rollback(session: Session, previous: Any) -> None:
    # Only what the rolled-back savepoint (or the whole transaction) did is undone: a scan it stored has no row,
    # so its file goes; a deletion it made did not happen, so that file stays. Earlier work in the transaction
    # is untouched (after_rollback would fire for any savepoint and cannot tell which one).
    boundary = previous
    while boundary is not None and not boundary.nested and boundary.parent is not None:
        boundary = boundary.parent
    for key in ("after_rollback_discard", "after_commit_discard"):
        pending = session.info.get(key)
        if not pending:
            continue
        session.info[key] = [(name, txn) for name, txn in pending if not _inside(txn, boundary)]
        if key == "after_rollback_discard":
            for name, txn in pending:
                if _inside(txn, boundary):
                    vault.discard(name)


# --- small helpers ------------------------------------------------------------------------------------------


def legal_name(rec: LegalRecord) -> str:
    """`Last, First Middle` — the order the index is kept in."""
    given = " ".join(p for p in (rec.legal_first_name, rec.legal_middle_name) if p)
    return f"{rec.legal_last_name}, {given}"


def eighteenth_birthday(dob: date) -> date:
    """The day the performer turns 18. Born on 29 February: 1 March in a non-leap year (the later, safer day)."""
    try:
        return dob.replace(year=dob.year + 18)
    except ValueError:
        return date(dob.year + 18, 3, 1)


def age_on(dob: date, day: date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def retention_from(moment: datetime) -> date:
    """Seven years (the setting) after creation or last amendment (28 CFR 75.4)."""
    years = get_settings().records_retention_years
    start = moment.date()
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return date(start.year + years, 3, 1)


def record_view(rec: LegalRecord) -> dict[str, Any]:
    return {
        "id": rec.id,
        "performer_id": rec.performer_id,
        "legal_first_name": rec.legal_first_name,
        "legal_middle_name": rec.legal_middle_name,
        "legal_last_name": rec.legal_last_name,
        "date_of_birth": rec.date_of_birth,
        "status": rec.status,
        "status_reason": rec.status_reason,
        "notes": rec.notes,
        "verified_by_id": rec.verified_by_id,
        "verified_by_label": rec.verified_by_label,
        "verified_at": rec.verified_at,
        "checklist": dict(rec.checklist or {}),
        "retention_until": rec.retention_until,
        "version": rec.version,
    }


def document_view(doc: IdDocument) -> dict[str, Any]:
    return {
        "id": doc.id,
        "doc_type": doc.doc_type,
        "number": doc.number,
        "issuing_country": doc.issuing_country,
        "issuing_state": doc.issuing_state,
        "issue_date": doc.issue_date,
        "expiry_date": doc.expiry_date,
        "examined_by_id": doc.examined_by_id,
        "examined_by_label": doc.examined_by_label,
        "examined_on": doc.examined_on,
    }


def _parse_date(value: Any, field: str, errors: dict[str, str], *, required: bool = False) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[field] = "is required"
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        errors[field] = "is not a date (YYYY-MM-DD)"
        return None


def _touch(rec: LegalRecord, actor: Actor) -> None:
    """An amendment: restart the retention clock and remember who amended (for the two-person rule)."""
    now = utcnow()
    rec.amended_at = now
    rec.amended_by_id = actor.staff_id
    rec.retention_until = max(rec.retention_until, retention_from(now))


def _locked(session: Session, record_id: int, expected_version: int | None) -> LegalRecord:
    rec = session.execute(select(LegalRecord).where(LegalRecord.id == record_id).with_for_update()).scalar_one_or_none()
    if rec is None:
        raise NotFound(f"Legal record #{record_id} does not exist.")
    if expected_version is not None and rec.version != expected_version:
        who = session.execute(
            select(AuditEvent.actor_label)
            .where(
                AuditEvent.entity == "legal_record",
                AuditEvent.entity_id == str(record_id),
                AuditEvent.action.not_in(READ_ACTIONS),  # who changed it, not who last looked at it
            )
            .order_by(AuditEvent.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        raise Conflict(
            f"This record was changed by {who or 'someone else'} while you edited it. Your input is kept: "
            "compare it with the saved version and save again.",
            current=record_view(rec),
            changed_by=who,
        )
    return rec


# --- reading ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordDetail:
    performer: Performer
    record: LegalRecord | None
    names: list[PerformerName]
    documents: list[tuple[IdDocument, list[IdScan]]]


def view_record(session: Session, *, actor: Actor, performer_id: int) -> RecordDetail:
    """The whole legal record of a performer. Audited: every view of legal data is an event."""
    require(actor, Permission.COMPLIANCE_READ_LEGAL)
    performer = session.get(Performer, performer_id)
    if performer is None:
        raise NotFound(f"Performer #{performer_id} does not exist.")
    rec = session.execute(select(LegalRecord).where(LegalRecord.performer_id == performer_id)).scalar_one_or_none()
    names: list[PerformerName] = []
    documents: list[tuple[IdDocument, list[IdScan]]] = []
    if rec is not None:
        names = list(
            session.execute(
                select(PerformerName).where(PerformerName.legal_record_id == rec.id).order_by(PerformerName.id)
            ).scalars()
        )
        docs = list(
            session.execute(
                select(IdDocument).where(IdDocument.legal_record_id == rec.id).order_by(IdDocument.id)
            ).scalars()
        )
        scans: dict[int, list[IdScan]] = {d.id: [] for d in docs}
        if docs:
            for scan in session.execute(
                select(IdScan).where(IdScan.id_document_id.in_(list(scans))).order_by(IdScan.id)
            ).scalars():
                scans[scan.id_document_id].append(scan)
        documents = [(d, scans[d.id]) for d in docs]
        audit(session, actor, "legal_record.view", "legal_record", rec.id, reason=f"performer #{performer_id}")
    return RecordDetail(performer, rec, names, documents)


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


# --- writing: the record ------------------------------------------------------------------------------------


def _clean_record(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out: dict[str, Any] = {
        "legal_first_name": clean_text(data.get("legal_first_name"), "legal_first_name", errors, max_len=NAME_MAX),
        "legal_middle_name": clean_text(
            data.get("legal_middle_name"), "legal_middle_name", errors, max_len=NAME_MAX, required=False
        )
        or None,
        "legal_last_name": clean_text(data.get("legal_last_name"), "legal_last_name", errors, max_len=NAME_MAX),
        "notes": clean_text(
            data.get("notes"), "notes", errors, max_len=TEXT_LIMITS["notes"], required=False, multiline=True
        )
        or None,
    }
    dob = _parse_date(data.get("date_of_birth"), "date_of_birth", errors)
    if dob is not None:
        if dob > date.today():
            errors["date_of_birth"] = "is in the future"
        elif dob < EARLIEST_DOB:
            errors["date_of_birth"] = f"is before {EARLIEST_DOB.isoformat()}"
    out["date_of_birth"] = dob
    if errors:
        raise ValidationFailed(errors)
    return out


def create_record(session: Session, *, actor: Actor, performer_id: int, data: dict[str, Any]) -> LegalRecord:
    require(actor, Permission.COMPLIANCE_EDIT)
    performer = session.get(Performer, performer_id)
    if performer is None or performer.deleted_at is not None:
        raise NotFound(f"Performer #{performer_id} does not exist.")
    values = _clean_record(data)
    if session.execute(select(LegalRecord.id).where(LegalRecord.performer_id == performer_id)).first():
        raise RuleViolation(f"{performer.name} already has a legal record; open it and amend it instead.")
    now = utcnow()
    rec = LegalRecord(
        performer_id=performer_id,
        status="incomplete",
        checklist={},
        entered_by_id=actor.staff_id,
        amended_by_id=actor.staff_id,
        created_at=now,
        amended_at=now,
        retention_until=retention_from(now),
        **values,
    )
    session.add(rec)
    session.flush()
    audit(session, actor, "legal_record.create", "legal_record", rec.id, after=record_view(rec))
    return rec


def dependants(session: Session, rec: LegalRecord, *, public_only: bool = True) -> list[Video]:
    """Videos that rely on this record: the performer is linked to them, or a production relied on the record."""
    linked = select(VideoPerformer.video_id).where(VideoPerformer.performer_id == rec.performer_id)
    relied = (
        select(Production.video_id)
        .join(ProductionPerformer, ProductionPerformer.production_id == Production.id)
        .where(ProductionPerformer.legal_record_id == rec.id)
    )
    query = select(Video).where(Video.id.in_(linked.union(relied)), Video.deleted_at.is_(None)).order_by(Video.id)
    if public_only:
        query = query.where(Video.state.in_(("published", "scheduled")))
    return list(session.execute(query).scalars())


def _stage_name(session: Session, rec: LegalRecord) -> str:
    return session.execute(select(Performer.name).where(Performer.id == rec.performer_id)).scalar_one()


def _hold_dependants(session: Session, actor: Actor, rec: LegalRecord, reason: str) -> list[int]:
    """Take down every public video relying on the record, in the caller's transaction; list them as held."""
    ids = [v.id for v in dependants(session, rec)]
    return holds.hold_videos(session, actor, ids, reason=reason, source="record", legal_record_id=rec.id)


def amend_record(
    session: Session, *, actor: Actor, record_id: int, data: dict[str, Any], expected_version: int | None
) -> tuple[LegalRecord, list[int]]:
    """Amend name/DOB/notes. Changing a legal fact of a verified or pending record needs a fresh second-person
    verification: the record goes back to pending and public videos relying on it are put on hold.
    Returns the record and the ids of videos put on hold."""
    require(actor, Permission.COMPLIANCE_EDIT)
    rec = _locked(session, record_id, expected_version)
    values = _clean_record(data)
    before = record_view(rec)
    facts_changed = any(getattr(rec, k) != values[k] for k in LEGAL_FACTS)
    for name, value in values.items():
        setattr(rec, name, value)
    if record_view(rec) == before:
        return rec, []
    held: list[int] = []
    if facts_changed and rec.status in ("verified", "pending_verification"):
        was_verified = rec.status == "verified"
        rec.status = "pending_verification"
        rec.verified_by_id, rec.verified_by_label, rec.verified_at, rec.checklist = None, None, None, {}
        rec.status_reason = "legal facts amended; needs a new verification"
        if was_verified:
            held = _hold_dependants(
                session, actor, rec, f"{_stage_name(session, rec)}'s legal record was amended; awaiting re-verification"
            )
    _touch(rec, actor)
    session.flush()
    audit(session, actor, "legal_record.amend", "legal_record", rec.id, before, record_view(rec))
    return rec, held


def submit_for_verification(
    session: Session, *, actor: Actor, record_id: int, expected_version: int | None
) -> LegalRecord:
    """Ready for a second person: complete legal name, DOB, and at least one examined ID with a scan."""
    require(actor, Permission.COMPLIANCE_EDIT)
    rec = _locked(session, record_id, expected_version)
    if rec.status == "verified":
        raise RuleViolation("This record is already verified.")
    if rec.status == "pending_verification":
        return rec
    missing = completeness_problems(session, rec)
    if missing:
        raise RuleViolation("The record cannot go to verification yet: " + "; ".join(missing) + ".")
    before = record_view(rec)
    rec.status, rec.status_reason = "pending_verification", None
    session.flush()
    audit(session, actor, "legal_record.submit", "legal_record", rec.id, before, record_view(rec))
    return rec


def completeness_problems(session: Session, rec: LegalRecord) -> list[str]:
    problems = []
    if not rec.legal_first_name or not rec.legal_last_name:
        problems.append("the legal first and last name are required")
    if rec.date_of_birth is None:
        problems.append("the date of birth is missing")
    examined_with_scan = session.execute(
        select(func.count(IdDocument.id.distinct()))
        .join(IdScan, IdScan.id_document_id == IdDocument.id)
        .where(IdDocument.legal_record_id == rec.id, IdDocument.examined_on.is_not(None))
    ).scalar_one()
    if not examined_with_scan:
        problems.append("no examined government photo ID with a scanned copy is on file")
    return problems


def verify_record(
    session: Session, *, actor: Actor, record_id: int, checklist: dict[str, bool], expected_version: int | None
) -> LegalRecord:
    """Second-person verification: the verifier confirms every checklist item and did not enter or amend it."""
    require(actor, Permission.COMPLIANCE_VERIFY)
    rec = _locked(session, record_id, expected_version)
    if rec.status != "pending_verification":
        raise RuleViolation(
            f"Only a record pending verification can be verified (this one is {STATUS_LABELS[rec.status].lower()})."
        )
    if not actor.is_system and actor.staff_id in {rec.entered_by_id, rec.amended_by_id}:
        raise RuleViolation(
            "You entered or last amended this record: a second person must verify it (two people per record)."
        )
    unchecked = [CHECKLIST_LABELS[k] for k in CHECKLIST if not checklist.get(k)]
    if unchecked:
        raise ValidationFailed({"checklist": "confirm every item: " + "; ".join(unchecked)})
    missing = completeness_problems(session, rec)
    if missing:
        raise RuleViolation("The record cannot be verified: " + "; ".join(missing) + ".")
    before = record_view(rec)
    rec.status, rec.status_reason = "verified", None
    rec.verified_by_id, rec.verified_by_label, rec.verified_at = actor.staff_id, actor.label[:255], utcnow()
    rec.checklist = {k: True for k in CHECKLIST}
    session.flush()
    audit(session, actor, "legal_record.verify", "legal_record", rec.id, before, record_view(rec))
    return rec


def _reason(reason: str | None) -> str:
    errors: dict[str, str] = {}
    text = clean_text(reason, "reason", errors, max_len=TEXT_LIMITS["reason"], multiline=True)
    if errors:
        raise ValidationFailed(errors)
    return text


def reject_record(
    session: Session, *, actor: Actor, record_id: int, reason: str, expected_version: int | None
) -> LegalRecord:
    require(actor, Permission.COMPLIANCE_VERIFY)
    text = _reason(reason)
    rec = _locked(session, record_id, expected_version)
    if rec.status != "pending_verification":
        raise RuleViolation("Only a record pending verification can be rejected.")
    before = record_view(rec)
    rec.status, rec.status_reason = "rejected", text
    session.flush()
    audit(session, actor, "legal_record.reject", "legal_record", rec.id, before, record_view(rec), reason=text)
    return rec


def revoke_record(
    session: Session, *, actor: Actor, record_id: int, reason: str, expected_version: int | None
) -> tuple[LegalRecord, list[int]]:
    """Withdraw a verified record. In the same transaction every public video relying on it is put on hold."""
    require(actor, Permission.COMPLIANCE_VERIFY)
    text = _reason(reason)
    rec = _locked(session, record_id, expected_version)
    if rec.status != "verified":
        raise RuleViolation("Only a verified record can be revoked.")
    before = record_view(rec)
    rec.status, rec.status_reason = "revoked", text
    rec.verified_by_id, rec.verified_by_label, rec.verified_at, rec.checklist = None, None, None, {}
    session.flush()
    audit(session, actor, "legal_record.revoke", "legal_record", rec.id, before, record_view(rec), reason=text)
    # The hold reason is shown to content staff: it names the stage name only. The officer's own words, which
    # may carry legal details, stay in the record's revoke event above.
    held = _hold_dependants(session, actor, rec, f"{_stage_name(session, rec)}'s legal record was revoked")
    return rec, held


def delete_record(session: Session, *, actor: Actor, record_id: int, today: date | None = None) -> None:
    """Destroy a record with its names, IDs and scans — only once its retention period has passed."""
    require(actor, Permission.COMPLIANCE_EDIT)
    rec = _locked(session, record_id, None)
    today = today or date.today()
    if rec.retention_until > today:
        raise RuleViolation(
            f"This record must be kept until {rec.retention_until.isoformat()} (28 CFR 75.4: seven years after "
            "its creation or last amendment); it cannot be deleted before then."
        )
    if session.execute(select(ProductionPerformer.id).where(ProductionPerformer.legal_record_id == rec.id)).first():
        raise RuleViolation("Productions still cite this record; it is part of their records and cannot be deleted.")
    before = record_view(rec)
    docs = list(session.execute(select(IdDocument).where(IdDocument.legal_record_id == rec.id)).scalars())
    stored = []
    for doc in docs:
        for scan in session.execute(select(IdScan).where(IdScan.id_document_id == doc.id)).scalars():
            stored.append(scan.storage_name)
            session.delete(scan)
    session.flush()
    for doc in docs:
        session.delete(doc)
    for name in session.execute(select(PerformerName).where(PerformerName.legal_record_id == rec.id)).scalars():
        session.delete(name)
    for hold in session.execute(select(ComplianceHold).where(ComplianceHold.legal_record_id == rec.id)).scalars():
        session.delete(hold)  # its events stay in the audit log
    session.flush()
    session.delete(rec)
    session.flush()
    audit(session, actor, "legal_record.delete", "legal_record", record_id, before, None, reason="retention ended")
    for storage_name in stored:
        _remember_file(session, "after_commit_discard", storage_name)


# --- other names --------------------------------------------------------------------------------------------


def add_name(session: Session, *, actor: Actor, record_id: int, data: dict[str, Any]) -> PerformerName:
    require(actor, Permission.COMPLIANCE_EDIT)
    rec = _locked(session, record_id, None)
    errors: dict[str, str] = {}
    name = clean_text(data.get("name"), "name", errors, max_len=TEXT_LIMITS["name"])
    kind = str(data.get("kind") or "")
    if kind not in NAME_KINDS:
        errors["kind"] = "must be one of: " + ", ".join(NAME_KIND_LABELS.values())
    used_from = _parse_date(data.get("used_from"), "used_from", errors)
    used_to = _parse_date(data.get("used_to"), "used_to", errors)
    if used_from and used_to and used_from > used_to:
        errors["used_to"] = "is before “used from”"
    if (
        not errors
        and session.execute(
            select(PerformerName.id).where(
                PerformerName.legal_record_id == rec.id, PerformerName.name == name, PerformerName.kind == kind
            )
        ).first()
    ):
        errors["name"] = "is already listed with this kind"
    if errors:
        raise ValidationFailed(errors)
    row = PerformerName(legal_record_id=rec.id, name=name, kind=kind, used_from=used_from, used_to=used_to)
    session.add(row)
    _touch(rec, actor)
    session.flush()
    after = {"name_id": row.id, "name": name, "kind": kind, "used_from": used_from, "used_to": used_to}
    audit(session, actor, "legal_record.name_add", "legal_record", rec.id, None, after)
    return row


def remove_name(session: Session, *, actor: Actor, name_id: int) -> None:
    """Remove a wrongly entered name; the audit event keeps it (an amendment, not an erasure)."""
    require(actor, Permission.COMPLIANCE_EDIT)
    row = session.get(PerformerName, name_id)
    if row is None:
        raise NotFound(f"Name #{name_id} does not exist.")
    rec = _locked(session, row.legal_record_id, None)
    before = {"name_id": row.id, "name": row.name, "kind": row.kind, "used_from": row.used_from, "used_to": row.used_to}
    session.delete(row)
    _touch(rec, actor)
    session.flush()
    audit(session, actor, "legal_record.name_remove", "legal_record", rec.id, before, None)


# --- ID documents and scans ---------------------------------------------------------------------------------


def _clean_document(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    doc_type = str(data.get("doc_type") or "")
    if doc_type not in ID_TYPES:
        errors["doc_type"] = "must be one of: " + ", ".join(ID_TYPE_LABELS.values())
    number = clean_text(data.get("number"), "number", errors, max_len=TEXT_LIMITS["number"])
    country = str(data.get("issuing_country") or "").strip().upper()
    if country not in COUNTRIES:
        errors["issuing_country"] = "must be a two-letter country code (US, GB, ...)"
    state = (
        clean_text(
            data.get("issuing_state"), "issuing_state", errors, max_len=TEXT_LIMITS["issuing_state"], required=False
        )
        or None
    )
    issue_date = _parse_date(data.get("issue_date"), "issue_date", errors)
    expiry_date = _parse_date(data.get("expiry_date"), "expiry_date", errors)
    examined_on = _parse_date(data.get("examined_on"), "examined_on", errors, required=True)
    today = date.today()
    if issue_date and issue_date > today:
        errors["issue_date"] = "is in the future"
    if issue_date and expiry_date and expiry_date < issue_date:
        errors["expiry_date"] = "is before the issue date"
    if examined_on and examined_on > today:
        errors["examined_on"] = "is in the future; record the day the ID was actually examined"
    if examined_on and issue_date and examined_on < issue_date:
        errors["examined_on"] = "is before the ID was issued"
    if examined_on and expiry_date and expiry_date < examined_on:
        errors.setdefault(  # dates in the wrong order ("before the issue date") is the clearer message
            "expiry_date", "the ID had already expired when it was examined; an expired ID cannot be relied on"
        )
    if errors:
        raise ValidationFailed(errors)
    return {
        "doc_type": doc_type,
        "number": number,
        "issuing_country": country,
        "issuing_state": state,
        "issue_date": issue_date,
        "expiry_date": expiry_date,
        "examined_on": examined_on,
    }


def add_document(session: Session, *, actor: Actor, record_id: int, data: dict[str, Any]) -> IdDocument:
    """Record an examined ID. The examiner is the signed-in staff member (or the name given for older exams)."""
    require(actor, Permission.COMPLIANCE_EDIT)
    rec = _locked(session, record_id, None)
    values = _clean_document(data)
    doc = IdDocument(
        legal_record_id=rec.id, examined_by_id=actor.staff_id, examined_by_label=actor.label[:255], **values
    )
    session.add(doc)
    _touch(rec, actor)
    session.flush()
    audit(session, actor, "legal_record.id_add", "legal_record", rec.id, None, document_view(doc))
    return doc


def _dependant_videos_of_document(session: Session, document_id: int) -> list[int]:
    """Videos whose production relies on this ID document (any state; the hold check keeps the public ones)."""
    return list(
        session.execute(
            select(Production.video_id)
            .join(ProductionPerformer, ProductionPerformer.production_id == Production.id)
            .where(ProductionPerformer.id_document_id == document_id)
        ).scalars()
    )


def amend_document(
    session: Session, *, actor: Actor, document_id: int, data: dict[str, Any], expected_version: int | None
) -> tuple[IdDocument, holds.Held]:
    """Correct an examined ID (type, number, issuer, dates). The examiner stays who examined it. Public videos
    whose productions rely on it and that the 2257 checks now refuse (examined after the shoot, expired when
    examined) are put on hold in the same transaction. Returns the document and {video id: (title, reasons)}."""
    require(actor, Permission.COMPLIANCE_EDIT)
    doc = session.get(IdDocument, document_id)
    if doc is None:
        raise NotFound(f"ID document #{document_id} does not exist.")
    rec = _locked(session, doc.legal_record_id, None)
    if expected_version is not None and doc.version != expected_version:
        raise Conflict(
            "This ID was changed by someone else while you edited it. Your input is kept: compare and save again.",
            current=document_view(doc) | {"version": doc.version},
        )
    values = _clean_document(data)
    before = document_view(doc)
    for name, value in values.items():
        setattr(doc, name, value)
    if document_view(doc) == before:
        return doc, {}
    _touch(rec, actor)
    session.flush()
    audit(session, actor, "legal_record.id_amend", "legal_record", rec.id, before, document_view(doc))
    held = holds.hold_if_refused(
        session,
        actor,
        _dependant_videos_of_document(session, doc.id),
        source="id_document",
        change=f"the ID relied on for {_stage_name(session, rec)} was amended",
        legal_record_id=rec.id,
    )
    return doc, held


def preview_amend_document(
    session: Session, *, actor: Actor, document_id: int, data: dict[str, Any], expected_version: int | None
) -> holds.Held:
    """What amend_document would put on hold, keeping nothing (holds.would_hold)."""
    return holds.would_hold(
        session,
        lambda: amend_document(
            session, actor=actor, document_id=document_id, data=data, expected_version=expected_version
        ),
    )


def add_scan(session: Session, *, actor: Actor, document_id: int, data: bytes, filename: str) -> IdScan:
    """Check the upload by content, encrypt it to disk, record its SHA-256. A failed transaction removes the file."""
    require(actor, Permission.COMPLIANCE_EDIT)
    doc = session.get(IdDocument, document_id)
    if doc is None:
        raise NotFound(f"ID document #{document_id} does not exist.")
    rec = _locked(session, doc.legal_record_id, None)
    stored = vault.store(data, filename)
    try:
        scan = IdScan(
            id_document_id=doc.id,
            storage_name=stored.storage_name,
            content_type=stored.content_type,
            original_name=(filename or "")[:255] or None,
            size_bytes=stored.size_bytes,
            sha256=stored.sha256,
            uploaded_by_id=actor.staff_id,
        )
        session.add(scan)
        _touch(rec, actor)
        session.flush()
        after = {
            "scan_id": scan.id,
            "document_id": doc.id,
            "content_type": scan.content_type,
            "size_bytes": scan.size_bytes,
            "sha256": scan.sha256,
        }
        audit(session, actor, "legal_record.scan_add", "legal_record", rec.id, None, after)
    except Exception:
        vault.discard(stored.storage_name)
        raise
    _remember_file(session, "after_rollback_discard", stored.storage_name)
    return scan


def delete_document(session: Session, *, actor: Actor, document_id: int, today: date | None = None) -> None:
    require(actor, Permission.COMPLIANCE_EDIT)
    doc = session.get(IdDocument, document_id)
    if doc is None:
        raise NotFound(f"ID document #{document_id} does not exist.")
    rec = _locked(session, doc.legal_record_id, None)
    if rec.retention_until > (today or date.today()):
        raise RuleViolation(
            f"ID copies are kept with the record until {rec.retention_until.isoformat()} (28 CFR 75.4); "
            "this one cannot be deleted before then."
        )
    raise RuleViolation("Delete the whole record once its retention period has ended.")


def can_read_legal(actor: Actor) -> bool:
    return can(actor, Permission.COMPLIANCE_READ_LEGAL)
