"""Writing, reading and verifying the audit chain.

`record()` appends in the caller's transaction. Writers are serialised so the chain never forks:
PostgreSQL takes a transaction-scoped advisory lock; SQLite transactions begin IMMEDIATE (db.py).
"""

from __future__ import annotations

import weakref
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, get_args

from sqlalchemy import ColumnElement, event, func, inspect, or_, select, text
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.canonical import GENESIS, chain_hash, iso_utc, normalise
from console.audit.checkpoints import Checkpoint
from console.audit.models import JOB_ACTIONS, READ_ACTIONS, AuditEvent
from console.audit.words import entity_codes
from console.db import PREASSIGN_FROM, dialect_name, preassign_ids, utcnow
from console.errors import ValidationFailed
from console.paging import Page, PageRequest, exact_or_estimated_count
from console.staff.models import Staff
from console.staff.permissions import Permission, require
from console.validation import text_problem

ADVISORY_LOCK_KEY = 0x41554449_54  # "AUDIT"
_HEAD_KEY = "audit_chain_head"
_SAVED_KEY = "audit_chain_head_at_savepoint"  # savepoint -> the head when it began


@event.listens_for(Session, "after_transaction_create")
def _remember_head_at_savepoint(session: Session, transaction: Any) -> None:
    # What a rollback to this savepoint returns the chain to: the head as it was when the savepoint began
    # (begin_nested() flushes first, so every event recorded before it outlives the savepoint).
    if transaction.nested:
        saved = session.info.setdefault(_SAVED_KEY, weakref.WeakKeyDictionary())
        saved[transaction] = session.info.get(_HEAD_KEY)


@event.listens_for(Session, "after_transaction_end")
def _forget_head_at_end(session: Session, transaction: Any) -> None:
    # The head is only known while the outer transaction (and its advisory lock) lives; a released
    # savepoint keeps it, so a bulk action with a savepoint per row does not re-read it every row.
    if transaction.parent is None:
        session.info.pop(_HEAD_KEY, None)
        session.info.pop(_SAVED_KEY, None)


@event.listens_for(Session, "after_soft_rollback")
def _rewind_head_on_rollback(session: Session, previous: Any) -> None:
    # A rollback undoes everything since the innermost savepoint at or above `previous` (or the whole
    # transaction): the head goes back to what it was when that savepoint began, so a dry run or an import
    # with a rolled-back savepoint per row does not re-read it every row. Unknown then: read it next time
    # (the advisory lock stays held until the outer transaction ends).
    boundary = previous
    while boundary is not None and not boundary.nested and boundary.parent is not None:
        boundary = boundary.parent
    saved = session.info.get(_SAVED_KEY)
    head = saved.get(boundary) if saved is not None and boundary is not None and boundary.nested else None
    if head is None:
        session.info.pop(_HEAD_KEY, None)
    else:
        session.info[_HEAD_KEY] = head


@event.listens_for(Session, "before_flush")
def _number_new_events(session: Session, _context: Any, _instances: Any) -> None:
    # Many events in one flush (a bulk action, an import): their ids come from the sequence in one query, in
    # the order they were recorded, which is the chain's order. record() holds the advisory lock by then, so
    # no other writer can take ids in between: the chain stays in id order.
    if len(session.new) < PREASSIGN_FROM:
        return
    new = [row for row in session.new if isinstance(row, AuditEvent) and row.id is None]
    new.sort(key=lambda row: inspect(row).insert_order)
    preassign_ids(session, new)


# Built once (every audited change or read runs them): see compliance/records/reading.py.
_LOCK_CHAIN = text("SELECT pg_advisory_xact_lock(:key)")
_HEAD = select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)


def _chain_head(session: Session) -> str:
    cached = session.info.get(_HEAD_KEY)
    if cached is not None:
        return str(cached)
    if dialect_name(session) == "postgresql":
        session.execute(_LOCK_CHAIN, {"key": ADVISORY_LOCK_KEY})
    head = session.execute(_HEAD).scalar_one_or_none()
    return head or GENESIS


def hash_payload(event_row: AuditEvent, *, normalised: bool = False) -> dict[str, Any]:
    """The fields the hash covers, in their canonical form. `normalised=True` when before/after already are
    (record() has just normalised them, and normalise() is idempotent): they are not converted again."""
    before, after = event_row.before, event_row.after
    return {
        "occurred_at": iso_utc(event_row.occurred_at),
        "actor_kind": event_row.actor_kind,
        "actor_id": event_row.actor_id,
        "actor_label": event_row.actor_label,
        "action": event_row.action,
        "entity": event_row.entity,
        "entity_id": event_row.entity_id,
        "before": before if normalised else normalise(before),
        "after": after if normalised else normalise(after),
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
    row.hash = chain_hash(prev, hash_payload(row, normalised=True))
    session.add(row)
    session.info[_HEAD_KEY] = row.hash
    return row


@dataclass(frozen=True)
class VerifyResult:
    """The verdict (`ok`, how many events were `checked`, the first broken event and what is wrong with it), the
    head that was verified and what the check against the checkpoints saw. Equality compares the verdict only."""

    ok: bool
    checked: int
    first_broken_id: int | None = None
    problem: str | None = None
    head_id: int | None = field(default=None, compare=False)
    head_hash: str | None = field(default=None, compare=False)
    checkpoints: int = field(default=0, compare=False)  # checkpoints of this database compared with the chain
    notes: list[str] = field(default_factory=list, compare=False)  # about the checkpoint file, not the chain
    anchored: bool = field(default=False, compare=False)  # the verified head was appended as a checkpoint


def _missing(checkpoint: Checkpoint, last_id: int, checked: int, next_id: int | None = None) -> str:
    head = f"event {checkpoint.id:,} of checkpoint {checkpoint.at} is missing"
    if next_id is None:
        return (
            f"{head}: the chain ends at event {last_id:,} with {checked:,} events, the checkpoint counted "
            f"{checkpoint.count:,} (the newest events were deleted)"
        )
    return f"{head}: the chain goes from event {last_id:,} to event {next_id:,} (events were deleted)"


def verify(session: Session, *, batch: int = 5000, checkpoints: Sequence[Checkpoint] = ()) -> VerifyResult:
    """Walk the whole chain in id order; report the first event whose link or hash does not match, or the first
    checkpoint (audit/checkpoints.py) whose event is missing or differs: the one thing the chain alone cannot show
    is that its newest events were deleted."""
    expected = deque(sorted(checkpoints, key=lambda c: c.id))
    prev = GENESIS
    checked = 0
    last_id = 0

    def broken(row_id: int, problem: str) -> VerifyResult:
        return VerifyResult(False, checked, row_id, problem, last_id or None, prev, len(checkpoints))

    while True:
        rows = (
            session.execute(select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch))
            .scalars()
            .all()
        )
        if not rows:
            break
        for row in rows:
            if expected and expected[0].id < row.id:
                return broken(expected[0].id, _missing(expected[0], last_id, checked, row.id))
            if row.prev_hash != prev:
                return broken(row.id, "link to the previous event is broken")
            if chain_hash(prev, hash_payload(row)) != row.hash:
                return broken(row.id, "content does not match its hash")
            while expected and expected[0].id == row.id:
                checkpoint = expected.popleft()
                if checkpoint.hash != row.hash:
                    rewritten = f"event {row.id:,} differs from checkpoint {checkpoint.at} (the chain was rewritten)"
                    return broken(row.id, rewritten)
            prev = row.hash
            checked += 1
            last_id = row.id
        for row in rows:
            session.expunge(row)
    if expected:
        return broken(expected[0].id, _missing(expected[0], last_id, checked))
    counted = max(checkpoints, key=lambda c: c.count, default=None)
    if counted is not None and counted.count > checked:
        return broken(
            counted.id, f"the chain holds {checked:,} events, checkpoint {counted.at} counted {counted.count:,}"
        )
    return VerifyResult(True, checked, None, None, last_id or None, prev if checked else None, len(checkpoints))


@dataclass(frozen=True)
class Head:
    id: int
    hash: str


def chain_head(session: Session) -> Head | None:
    """The newest event (what a checkpoint anchors); None on an empty chain."""
    row = session.execute(select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).one_or_none()
    return None if row is None else Head(int(row.id), str(row.hash))


def count_through(session: Session, head_id: int, *, after: int = 0) -> int:
    """Events with after < id <= head_id (an index range on the primary key)."""
    query = select(func.count()).select_from(AuditEvent).where(AuditEvent.id > after, AuditEvent.id <= head_id)
    return int(session.execute(query).scalar_one())


CheckpointState = Literal["matches", "missing", "differs"]


def checkpoint_state(session: Session, checkpoint: Checkpoint) -> CheckpointState:
    """Whether the checkpointed event is still there with the same hash (one primary-key lookup)."""
    stored = session.execute(select(AuditEvent.hash).where(AuditEvent.id == checkpoint.id)).scalar_one_or_none()
    if stored is None:
        return "missing"
    return "matches" if stored == checkpoint.hash else "differs"


EventKind = Literal["changes", "jobs", "reads", "all"]
EVENT_KINDS: tuple[EventKind, ...] = get_args(EventKind)


def is_read(action: str) -> bool:
    """Whether an event records a read (models.READ_ACTIONS) rather than a change."""
    return action in READ_ACTIONS


def kind_clause(kind: EventKind) -> ColumnElement[bool] | None:
    """The WHERE term for one kind of event, None for all. An exact IN / NOT IN on `action`: PostgreSQL and SQLite
    read reads and jobs through ix_audit_events_action_id and walk the primary key backwards for changes (the usual
    case, newest first, stops after one page). Changes are neither reads nor routine job runs (models.JOB_ACTIONS)."""
    if kind == "reads":
        return AuditEvent.action.in_(sorted(READ_ACTIONS))
    if kind == "jobs":
        return AuditEvent.action.in_(sorted(JOB_ACTIONS))
    if kind == "changes":
        return AuditEvent.action.not_in(sorted(READ_ACTIONS | JOB_ACTIONS))
    return None


@dataclass(frozen=True)
class AuditFilter:
    """`kind` is "all" here (a service caller asks for what it means); the audit page starts at "changes"."""

    kind: EventKind = "all"
    actor: str | None = None
    action: str | None = None
    entity: str | None = None
    entity_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _validated(flt: AuditFilter) -> AuditFilter:
    errors = {}
    if flt.kind not in EVENT_KINDS:
        errors["kind"] = "must be changes, jobs, reads or all"
    for name in ("actor", "action", "entity", "entity_id"):
        value = getattr(flt, name)
        if value is not None and len(value) > 254:
            errors[name] = "is too long (254 characters at most)"
        elif value is not None and (problem := text_problem(value)) is not None:
            errors[name] = problem
    if flt.since and flt.until and flt.since > flt.until:
        errors["until"] = "must not be before the start date"
    if errors:
        raise ValidationFailed(errors)
    return flt


STAFF_NAME_MATCHES = 200


def staff_labels_named(session: Session, typed: str) -> list[str]:
    """The labels (e-mails) of the staff whose name, or a word of it, starts with `typed`: the log stores the
    label, a person looks for "Dana". Staff are few, so they are matched here, which folds case in every script
    alike (SQLite's lower() folds ASCII only)."""
    folded = typed.casefold()
    if not folded:
        return []
    found = []
    for name, email in session.execute(select(Staff.name, Staff.email).order_by(Staff.id)):
        words = name.casefold()
        if words.startswith(folded) or any(word.startswith(folded) for word in words.split()):
            found.append(email)
    return found[:STAFF_NAME_MATCHES]


def list_events(session: Session, *, actor: Actor, flt: AuditFilter, page: PageRequest) -> Page[AuditEvent]:
    """One page of events, newest first, filtered on indexed columns."""
    require(actor, Permission.AUDIT_READ)
    flt = _validated(flt)
    query = select(AuditEvent)
    if (kind := kind_clause(flt.kind)) is not None:
        query = query.where(kind)
    if flt.actor:
        typed = flt.actor.strip()
        by_label = AuditEvent.actor_label.startswith(typed.lower(), autoescape=True)
        named = staff_labels_named(session, typed)
        query = query.where(or_(by_label, AuditEvent.actor_label.in_(named)) if named else by_label)
    if flt.action:
        query = query.where(AuditEvent.action.startswith(flt.action.strip(), autoescape=True))
    if flt.entity:  # as the Entity column writes it ("Case", "2257 record") or as stored ("moderation_case")
        query = query.where(AuditEvent.entity.in_(entity_codes(flt.entity)))
    if flt.entity_id:  # "#48", as the Entity column writes it, is 48
        query = query.where(AuditEvent.entity_id == flt.entity_id.strip().removeprefix("#"))
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
