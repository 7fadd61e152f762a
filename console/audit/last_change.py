"""Who last changed a row, and when: the newest audit event on it. A stale save's Conflict names both, so the
conflict panel can say "Changed by Dana 4 minutes ago" (one query; the services used to repeat it each). Staff are
named by name (their e-mail showed where the claim line beside it said "Demo Ads")."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.audit.models import AuditEvent
from console.staff.models import Staff


@dataclass(frozen=True)
class LastChange:
    by: str | None = None
    at: datetime | None = None


def last_change(
    session: Session,
    entity: str,
    entity_id: int | str,
    *,
    ignore: Collection[str] = (),
    only: Collection[str] = (),
) -> LastChange:
    """The newest event on `entity` #`entity_id`, leaving out the actions in `ignore` (reads, intake), or taking
    only those in `only` (a row audited under another entity's id, as a production under its video's); empty when
    there is none."""
    # The staff member by name, as the claim lines and headers name them; the stored label (the e-mail at the time)
    # for the system, the platform or an account that is gone.
    query = (
        select(func.coalesce(Staff.name, AuditEvent.actor_label), AuditEvent.occurred_at)
        .outerjoin(Staff, (Staff.id == AuditEvent.actor_id) & (AuditEvent.actor_kind == "staff"))
        .where(AuditEvent.entity == entity, AuditEvent.entity_id == str(entity_id))
    )
    if ignore:
        query = query.where(AuditEvent.action.not_in(list(ignore)))
    if only:
        query = query.where(AuditEvent.action.in_(list(only)))
    row = session.execute(query.order_by(AuditEvent.id.desc()).limit(1)).first()
    return LastChange(row[0], row[1]) if row is not None else LastChange()
