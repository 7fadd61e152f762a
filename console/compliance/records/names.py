"""A performer's other names (aliases, maiden names, stage names) on the record."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.service import record as audit
from console.compliance.models import NAME_KINDS, PerformerName
from console.compliance.records.dates import _parse_date
from console.compliance.records.labels import NAME_KIND_LABELS, TEXT_LIMITS
from console.compliance.records.locking import _locked, _touch
from console.errors import NotFound, ValidationFailed
from console.staff.permissions import Permission, require
from console.validation import clean_text, legal_name_problem

LEGAL_NAME_KINDS = ("maiden", "previous_legal")


def add_name(session: Session, *, actor: Actor, record_id: int, data: dict[str, Any]) -> PerformerName:
    require(actor, Permission.COMPLIANCE_EDIT)
    rec = _locked(session, record_id, None)
    errors: dict[str, str] = {}
    name = clean_text(data.get("name"), "name", errors, max_len=TEXT_LIMITS["name"])
    kind = str(data.get("kind") or "")
    if kind not in NAME_KINDS:
        errors["kind"] = "must be one of: " + ", ".join(NAME_KIND_LABELS.values())
    elif kind in LEGAL_NAME_KINDS and "name" not in errors and (problem := legal_name_problem(name)) is not None:
        errors["name"] = problem  # a name someone was legally known by: the legal names' rule
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
