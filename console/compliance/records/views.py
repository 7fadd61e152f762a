"""A record and an ID document as audited and shown, and the legal name as the index orders it."""

from __future__ import annotations

from typing import Any

from console.compliance.models import IdDocument, LegalRecord


def legal_name(rec: LegalRecord) -> str:
    """`Last, First Middle` — the order the index is kept in."""
    given = " ".join(p for p in (rec.legal_first_name, rec.legal_middle_name) if p)
    return f"{rec.legal_last_name}, {given}"


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
