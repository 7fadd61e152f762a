"""ID documents and their scans: add, amend (with a preview of what it would hold), scan upload into the
vault, delete after retention."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.service import record as audit
from console.compliance import holds, vault
from console.compliance.models import ID_TYPES, IdDocument, IdScan, Production, ProductionPerformer
from console.compliance.records.dates import _parse_date
from console.compliance.records.labels import ID_TYPE_LABELS, TEXT_LIMITS
from console.compliance.records.lifecycle import _stage_name
from console.compliance.records.locking import _locked, _touch
from console.compliance.records.scan_files import _remember_file
from console.compliance.records.views import document_view
from console.db import utc_today
from console.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from console.members.countries import COUNTRIES
from console.staff.permissions import Permission, require
from console.validation import clean_text


def _clean_document(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    doc_type = str(data.get("doc_type") or "")
    if doc_type not in ID_TYPES:
        errors["doc_type"] = "must be one of: " + ", ".join(ID_TYPE_LABELS.values())
    number = clean_text(data.get("number"), "number", errors, max_len=TEXT_LIMITS["number"])
    country = str(data.get("issuing_country") or "").strip().upper()
    if not country:
        errors["issuing_country"] = "is required: pick the country from the list"
    elif country not in COUNTRIES:
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
    today = utc_today()
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
    if rec.retention_until > (today or utc_today()):
        raise RuleViolation(
            f"ID copies are kept with the record until {rec.retention_until.isoformat()} (28 CFR 75.4); "
            "this one cannot be deleted before then."
        )
    raise RuleViolation("Delete the whole record once its retention period has ended.")
