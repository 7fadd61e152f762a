"""Scan files follow the transaction: a stored scan's file goes when its (sub)transaction rolls back, a
deleted record's files leave the disk only once the deletion is committed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from console.compliance import vault


def _remember_file(session: Session, key: str, name: str) -> None:
    """Note a scan file written or deleted, with the (sub)transaction it belongs to (innermost savepoint or root)."""
    session.info.setdefault(key, []).append((name, session.get_nested_transaction() or session.get_transaction()))


def _inside(transaction: Any, boundary: Any) -> bool:
    while transaction is not None:
        if transaction is boundary:
            return True
        transaction = transaction.parent
    return False


@event.listens_for(Session, "after_commit")
def _files_after_commit(session: Session) -> None:
    # Also fired when a savepoint is released: nothing is durable until the outer transaction commits.
    if session.get_nested_transaction() is not None:
        return
    # Scans of a record deleted after its retention period leave the disk only once the deletion is durable.
    for name, _ in session.info.pop("after_commit_discard", []):
        vault.discard(name)
    session.info.pop("after_rollback_discard", None)


@event.listens_for(Session, "after_soft_rollback")
def _files_after_rollback(session: Session, previous: Any) -> None:
    # Only what the rolled-back savepoint (or the whole transaction) did is undone: a scan it stored has no row,
    # so its file goes; a deletion it made did not happen, so that file stays. Earlier work in the transaction
    # is untouched (after_rollback would fire for any savepoint and cannot tell which one).
    boundary = previous
    while boundary is not None and not boundary.nested and boundary.parent is not None:
        boundary = boundary.parent
    for key in ("after_rollback_discard", "after_commit_discard"):
        pending = session.info.get(key)
        if not pending:
            continue
        session.info[key] = [(name, txn) for name, txn in pending if not _inside(txn, boundary)]
        if key == "after_rollback_discard":
            for name, txn in pending:
                if _inside(txn, boundary):
                    vault.discard(name)
