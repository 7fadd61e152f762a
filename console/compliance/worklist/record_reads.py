"""Small reads for the record editor: staff names, a record's version, its public dependants, its holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.catalog.models import Video
from console.compliance.models import ComplianceHold, LegalRecord
from console.compliance.records import dependants
from console.errors import NotFound
from console.staff.permissions import Permission, require


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
