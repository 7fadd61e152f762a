"""A record's life: create, amend, submit, verify (two people), reject, revoke, and delete after retention;
the public videos that depend on it go on hold when it stops being valid."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.service import record as audit
from console.catalog.models import Performer, Video, VideoPerformer
from console.compliance import holds
from console.compliance.models import (
    CHECKLIST,
    ComplianceHold,
    IdDocument,
    IdScan,
    LegalRecord,
    PerformerName,
    Production,
    ProductionPerformer,
)
from console.compliance.records.dates import _parse_date, age_on, eighteenth_birthday, retention_from
from console.compliance.records.labels import (
    CHECKLIST_LABELS,
    EARLIEST_DOB,
    LEGAL_FACTS,
    NAME_MAX,
    STATUS_LABELS,
    TEXT_LIMITS,
)
from console.compliance.records.locking import _locked, _touch
from console.compliance.records.scan_files import _remember_file
from console.compliance.records.views import record_view
from console.db import utc_today, utcnow
from console.errors import NotFound, RuleViolation, ValidationFailed
from console.staff.permissions import Permission, require
from console.validation import clean_name, clean_text


def _clean_record(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out: dict[str, Any] = {
        "legal_first_name": clean_name(data.get("legal_first_name"), "legal_first_name", errors, max_len=NAME_MAX),
        "legal_middle_name": clean_name(
            data.get("legal_middle_name"), "legal_middle_name", errors, max_len=NAME_MAX, required=False
        )
        or None,
        "legal_last_name": clean_name(data.get("legal_last_name"), "legal_last_name", errors, max_len=NAME_MAX),
        "notes": clean_text(
            data.get("notes"), "notes", errors, max_len=TEXT_LIMITS["notes"], required=False, multiline=True
        )
        or None,
    }
    dob = _parse_date(data.get("date_of_birth"), "date_of_birth", errors)
    if dob is not None:
        if dob > utc_today():
            errors["date_of_birth"] = "is in the future"
        elif dob < EARLIEST_DOB:
            errors["date_of_birth"] = f"is before {EARLIEST_DOB.isoformat()}"
        elif eighteenth_birthday(dob) > utc_today():
            errors["date_of_birth"] = (
                f"makes the performer {age_on(dob, utc_today())} today; a performer must be 18 or older"
            )
    out["date_of_birth"] = dob
    if errors:
        raise ValidationFailed(errors)
    return out


def check_record_fields(data: dict[str, Any]) -> None:
    """The identity form's checks alone, nothing read or written (ValidationFailed names the fields): a page runs
    them before it asks the staff member to accept what saving would do (a re-verification, videos on hold)."""
    _clean_record(data)


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


def completeness_problems(
    session: Session, rec: LegalRecord, documents: list[tuple[IdDocument, list[IdScan]]] | None = None
) -> list[str]:
    """What keeps the record from being complete. `documents`: the record's IDs and scans when the caller has just
    read them (the editor's view), else they are counted here."""
    problems = []
    if not rec.legal_first_name or not rec.legal_last_name:
        problems.append("the legal first and last name are required")
    if rec.date_of_birth is None:
        problems.append("the date of birth is missing")
    if documents is not None:
        examined_with_scan = any(doc.examined_on is not None and scans for doc, scans in documents)
    else:
        examined_with_scan = bool(
            session.execute(
                select(func.count(IdDocument.id.distinct()))
                .join(IdScan, IdScan.id_document_id == IdDocument.id)
                .where(IdDocument.legal_record_id == rec.id, IdDocument.examined_on.is_not(None))
            ).scalar_one()
        )
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
    today = today or utc_today()
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
