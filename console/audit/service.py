"""Writing, reading and verifying the audit chain.

`record()` appends in the caller's transaction. Writers are serialised so the chain never forks:
PostgreSQL takes a transaction-scoped advisory lock; SQLite transactions begin IMMEDIATE (db.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.canonical import GENESIS, chain_hash, iso_utc, normalise
from console.audit.models import AuditEvent
from console.db import dialect_name, utcnow
from console.errors import ValidationFailed
from console.paging import Page, PageRequest, exact_or_estimated_count
from console.staff.permissions import Permission, require

ADVISORY_LOCK_KEY = 0x41554449_54  # "AUDIT"
_HEAD_KEY = "audit_chain_head"


@event.listens_for(Session, "after_transaction_end")
def _forget_head_at_end(session: Session, transaction: Any) -> None:
    # The head is only known while the outer transaction (and its advisory lock) lives; a released
    # savepoint keeps it, so a bulk action with a savepoint per row does not re-read it every row.
    if transaction.parent is None:
        session.info.pop(_HEAD_KEY, None)


@event.listens_for(Session, "after_soft_rollback")
def _forget_head_on_rollback(session: Session, _previous: Any) -> None:
    # A rolled-back savepoint may have held events: re-read the head next time (the lock stays held).
    session.info.pop(_HEAD_KEY, None)


def _chain_head(session: Session) -> str:
    cached = session.info.get(_HEAD_KEY)
    if cached is not None:
        return str(cached)
    if dialect_name(session) == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
    head = session.execute(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).scalar_one_or_none()
    return head or GENESIS


def hash_payload(event_row: AuditEvent) -> dict[str, Any]:
    """The fields the hash covers, in their canonical form."""
    return {
        "occurred_at": iso_utc(event_row.occurred_at),
        "actor_kind": event_row.actor_kind,
        "actor_id": event_row.actor_id,
        "actor_label": event_row.actor_label,
        "action": event_row.action,
        "entity": event_row.entity,
        "entity_id": event_row.entity_id,
        "before": normalise(event_row.before),
        "after": normalise(event_row.after),
        "reason": event_row.reason,
        "ip": event_row.ip,
        "user_agent": event_row.user_agent,
    }


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: Any,
    before: Any = None,
    after: Any = None,
    reason: str | None = None,
) -> AuditEvent:
    """Append one event to the chain inside the caller's transaction (never commits)."""
    prev = _chain_head(session)
    row = AuditEvent(
        occurred_at=utcnow(),
        actor_kind=actor.kind,
        actor_id=actor.staff_id,
        actor_label=actor.label,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id)[:64],
        before=normalise(before),
        after=normalise(after),
        reason=reason,
        ip=(actor.client.ip or None) and actor.client.ip[:64],
        user_agent=(actor.client.user_agent or None) and actor.client.user_agent[:512],
        prev_hash=prev,
    )
    row.hash = chain_hash(prev, hash_payload(row))
    session.add(row)
    session.info[_HEAD_KEY] = row.hash
    return row


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_broken_id: int | None = None
    problem: str | None = None


def verify(session: Session, *, batch: int = 5000) -> VerifyResult:
    """Walk the whole chain in id order; report the first event whose link or hash does not match."""
    prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        rows = (
            session.execute(select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch))
            .scalars()
            .all()
        )
        if not rows:
            return VerifyResult(ok=True, checked=checked)
        for row in rows:
            if row.prev_hash != prev:
                return VerifyResult(False, checked, row.id, "link to the previous event is broken")
            if chain_hash(prev, hash_payload(row)) != row.hash:
                return VerifyResult(False, checked, row.id, "content does not match its hash")
            prev = row.hash
            checked += 1
            last_id = row.id
        for row in rows:
            session.expunge(row)


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    action: str | None = None
    entity: str | None = None
    entity_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _validated(flt: AuditFilter) -> AuditFilter:
    errors = {}
    for name in ("actor", "action", "entity", "entity_id"):
        value = getattr(flt, name)
        if value is not None and len(value) > 254:
            errors[name] = "is too long (254 characters at most)"
    if flt.since and flt.until and flt.since > flt.until:
        errors["until"] = "must not be before the start date"
    if errors:
        raise ValidationFailed(errors)
    return flt


def list_events(session: Session, *, actor: Actor, flt: AuditFilter, page: PageRequest) -> Page[AuditEvent]:
    """One page of events, newest first, filtered on indexed columns."""
    require(actor, Permission.AUDIT_READ)
    flt = _validated(flt)
    query = select(AuditEvent)
    if flt.actor:
        query = query.where(AuditEvent.actor_label.startswith(flt.actor.strip().lower(), autoescape=True))
    if flt.action:
        query = query.where(AuditEvent.action.startswith(flt.action.strip(), autoescape=True))
    if flt.entity:
        query = query.where(AuditEvent.entity == flt.entity.strip())
    if flt.entity_id:
        query = query.where(AuditEvent.entity_id == flt.entity_id.strip())
    if flt.since:
        query = query.where(AuditEvent.occurred_at >= flt.since)
    if flt.until:
        query = query.where(AuditEvent.occurred_at < flt.until)
    total, estimated = exact_or_estimated_count(session, query)
    rows = session.execute(query.order_by(AuditEvent.id.desc()).offset(page.offset).limit(page.size)).scalars().all()
    return Page(rows=list(rows), total=total, estimated=estimated, request=page)


def events_for(session: Session, *, actor: Actor, entity: str, entity_id: Any, limit: int = 200) -> list[AuditEvent]:
    require(actor, Permission.AUDIT_READ)
    return list(
        session.execute(
            select(AuditEvent)
            .where(AuditEvent.entity == entity, AuditEvent.entity_id == str(entity_id))
            .order_by(AuditEvent.id.desc())
            .limit(limit)
        ).scalars()
    )


def count_events(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


def iter_diff(before: Any, after: Any) -> Iterator[tuple[str, Any, Any]]:
    """Field-level differences between two JSON objects, for a readable before/after view."""
    b = before if isinstance(before, dict) else ({} if before is None else {"value": before})
    a = after if isinstance(after, dict) else ({} if after is None else {"value": after})
    for key in sorted(set(b) | set(a)):
        if b.get(key) != a.get(key) or key not in b or key not in a:
            yield key, b.get(key), a.get(key)
