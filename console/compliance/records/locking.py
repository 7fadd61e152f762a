"""The version-checked lock on a record (a stale edit names who changed it) and the touch an amendment
gives it (retention restarts, the amender is remembered)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.last_change import last_change
from console.compliance.models import LegalRecord
from console.compliance.records.dates import retention_from
from console.compliance.records.labels import READ_ACTIONS
from console.compliance.records.views import record_view
from console.db import utcnow
from console.errors import Conflict, NotFound


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
        last = last_change(session, "legal_record", record_id, ignore=READ_ACTIONS)  # not who last looked at it
        raise Conflict(
            f"This record was changed by {last.by or 'someone else'} while you edited it. Your input is kept: "
            "compare it with the saved version and save again.",
            current=record_view(rec),
            changed_by=last.by,
            changed_at=last.at,
        )
    return rec
