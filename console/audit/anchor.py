"""Anchoring the audit chain outside the database: verify against the checkpoint file, write checkpoints.

- `verify_and_anchor()` (`audit verify`, the audit page's worker): walk the chain, compare it with every checkpoint
  of this database, and when all is well append the verified head as a new checkpoint.
- `checkpoint_head()` (the periodic job, every CONSOLE_AUDIT_CHECKPOINT_MINUTES): append the current head when it
  moved since the last checkpoint; if the last checkpointed event is gone or changed, write nothing and log an
  error (the next verification reports it too).
- `last_status()`: the newest checkpoint and whether the database still matches it, for the audit page.

Every checkpoint written is also logged (logger `console.audit.anchor`), a second copy for log shipping.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from sqlalchemy.orm import Session

from console.audit.checkpoints import (
    Checkpoint,
    CheckpointFileError,
    CheckpointLog,
    append_checkpoint,
    database_identity,
    last_checkpoint,
    now_text,
    read_checkpoints,
)
from console.audit.service import (
    CheckpointState,
    VerifyResult,
    chain_head,
    checkpoint_state,
    count_through,
    verify,
)
from console.config import get_settings
from console.db import session_scope

log = logging.getLogger(__name__)
State = CheckpointState | Literal["none"]  # "none": no checkpoint of this database yet


def _where() -> tuple[Path, str]:
    settings = get_settings()
    return settings.checkpoint_path, database_identity(settings.effective_database_url)


def _write(path: Path, checkpoint: Checkpoint) -> Checkpoint:
    append_checkpoint(path, checkpoint)
    log.info(
        "audit checkpoint: event %s hash %s count %s at %s (%s, %s)",
        checkpoint.id,
        checkpoint.hash,
        checkpoint.count,
        checkpoint.at,
        checkpoint.source,
        checkpoint.db,
    )
    return checkpoint


def _notes(found: CheckpointLog, path: Path) -> list[str]:
    notes = []
    if not found.mine:
        notes.append(f"no checkpoint yet for this database in {path}")
    if others := found.other_databases:
        notes.append(f"{others:,} checkpoint{'s' if others > 1 else ''} of other databases in {path} not checked")
    if bad := len(found.bad_lines):
        shown = ", ".join(str(n) for n in found.bad_lines[:10]) + (" …" if bad > 10 else "")
        what = f"{bad:,} lines of {path} are not checkpoints" if bad > 1 else f"a line of {path} is not a checkpoint"
        notes.append(f"{what} (skipped: line {shown})")
    return notes


def verify_and_anchor(*, source: str = "verify", batch: int = 5000) -> VerifyResult:
    """Verify the chain against every checkpoint of this database; if intact and not empty, checkpoint the
    verified head (`anchored`; when the file cannot be written, a note says why). Raises CheckpointFileError when
    the file cannot be read: the chain is not verified against nothing."""
    path, db = _where()
    found = read_checkpoints(path, db)
    with session_scope() as session:
        result = verify(session, batch=batch, checkpoints=found.mine)
    notes = _notes(found, path)
    if not result.ok:
        log.error("audit chain verification failed at event %s: %s", result.first_broken_id, result.problem)
    elif result.head_id is not None and result.head_hash is not None:
        try:
            _write(path, Checkpoint(result.head_id, result.head_hash, result.checked, now_text(), db, source))
        except CheckpointFileError as exc:  # the verdict stands; the missing checkpoint is said, not hidden
            log.error("audit checkpoint not written: %s", exc.message)
            return replace(result, notes=[*notes, f"the checkpoint was not written: {exc.message}"])
        return replace(result, notes=notes, anchored=True)
    return replace(result, notes=notes)


@dataclass(frozen=True)
class CheckpointStatus:
    checkpoint: Checkpoint | None  # the newest checkpoint of this database (None: no checkpoint yet)
    state: State
    written: Checkpoint | None = None  # what checkpoint_head() appended, if anything


def last_status() -> CheckpointStatus:
    """The newest checkpoint of this database and whether its event is still there with the same hash."""
    path, db = _where()
    checkpoint = last_checkpoint(path, db)
    if checkpoint is None:
        return CheckpointStatus(None, "none")
    with session_scope() as session:
        return CheckpointStatus(checkpoint, checkpoint_state(session, checkpoint))


def _next_checkpoint(session: Session, last: Checkpoint | None, db: str) -> Checkpoint | None:
    """The head as a checkpoint (time and source still to set), or None when it has not moved since `last`."""
    head = chain_head(session)
    if head is None or (last is not None and (last.id, last.hash) == (head.id, head.hash)):
        return None
    if last is not None and head.id > last.id:
        # The last checkpoint still matches, so everything up to it is counted already: count only the rest.
        return Checkpoint(head.id, head.hash, last.count + count_through(session, head.id, after=last.id), "", db)
    return Checkpoint(head.id, head.hash, count_through(session, head.id), "", db)


def checkpoint_head(*, source: str = "periodic") -> CheckpointStatus:
    """Append the head when it moved since the last checkpoint. Nothing is written on an empty chain, when the head
    is the last checkpoint, or when the last checkpoint no longer matches (logged as an error: the newest events
    were deleted or rewritten; a new checkpoint must not paper over it)."""
    path, db = _where()
    last = last_checkpoint(path, db)
    with session_scope() as session:
        state: State = "none" if last is None else checkpoint_state(session, last)
        new = _next_checkpoint(session, last, db) if state in ("none", "matches") else None
    if last is not None and state != "matches":
        log.error(
            "audit checkpoint not written: event %s of checkpoint %s is %s in the database (%s)",
            last.id,
            last.at,
            state,
            "the newest events were deleted" if state == "missing" else "the chain was rewritten",
        )
    if new is None:
        return CheckpointStatus(last, state)
    written = _write(path, replace(new, at=now_text(), source=source))
    return CheckpointStatus(written, "matches", written)


async def run_forever() -> None:
    from nicegui import run

    interval = get_settings().audit_checkpoint_minutes * 60
    while True:
        try:
            await run.io_bound(checkpoint_head)
        except Exception:  # a failed round must not stop later ones; operators see it in the log
            log.exception("audit checkpoint failed; retrying at the next interval")
        await asyncio.sleep(interval)


def start() -> None:
    if get_settings().audit_checkpoint_minutes > 0:
        from nicegui import background_tasks

        background_tasks.create(run_forever(), name="audit-checkpoints")
