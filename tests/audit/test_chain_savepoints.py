"""The chain head across savepoints (rolled back ones rewind it without a query), hashing of already normalised
values, and ids taken from the sequence for many events in one flush."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError

from console.actor import SYSTEM
from console.audit.canonical import normalise
from console.audit.models import AuditEvent
from console.audit.service import hash_payload, record, verify
from console.db import PREASSIGN_FROM, get_engine, session_scope


@contextmanager
def head_reads() -> Iterator[list[str]]:
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "FROM audit_events" in statement and "ORDER BY audit_events.id DESC" in statement:
            seen.append(statement)

    event.listen(get_engine(), "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(get_engine(), "before_cursor_execute", note)


def chain() -> list[AuditEvent]:
    with session_scope() as session:
        return list(session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars())


def test_a_rolled_back_savepoint_rewinds_the_head_without_reading_it() -> None:
    with head_reads() as reads, session_scope() as session:
        first = record(session, SYSTEM, "test.first", "thing", 1)
        for n in range(5):  # a dry run: every row in a savepoint that is rolled back
            savepoint = session.begin_nested()
            record(session, SYSTEM, "test.dropped", "thing", n)
            session.flush()
            savepoint.rollback()
        kept = record(session, SYSTEM, "test.kept", "thing", 2)
        assert kept.prev_hash == first.hash
    assert len(reads) == 1
    assert [e.action for e in chain()] == ["test.first", "test.kept"]
    with session_scope() as session:
        assert verify(session).ok


def test_nested_savepoints_rewind_to_the_right_head() -> None:
    with head_reads() as reads, session_scope() as session:
        first = record(session, SYSTEM, "test.a", "thing", 1)
        outer = session.begin_nested()
        second = record(session, SYSTEM, "test.b", "thing", 2)
        with session.begin_nested():  # released: its event belongs to `outer` now
            third = record(session, SYSTEM, "test.c", "thing", 3)
        inner = session.begin_nested()
        record(session, SYSTEM, "test.d", "thing", 4)
        inner.rollback()
        after_inner = record(session, SYSTEM, "test.e", "thing", 5)
        outer.rollback()
        after_outer = record(session, SYSTEM, "test.f", "thing", 6)
    assert third.prev_hash == second.hash
    assert after_inner.prev_hash == third.hash  # c was kept inside outer: e follows c, not d
    assert after_outer.prev_hash == first.hash
    assert len(reads) == 1
    assert [e.action for e in chain()] == ["test.a", "test.f"]
    with session_scope() as session:
        assert verify(session).ok


def test_a_failed_flush_inside_a_savepoint_rewinds_the_head() -> None:
    with session_scope() as session:
        first = record(session, SYSTEM, "test.first", "thing", 1)
        session.flush()
        savepoint = session.begin_nested()
        clash = record(session, SYSTEM, "test.clash", "thing", 2)
        clash.hash = first.hash  # the unique hash makes the flush fail inside the savepoint
        with pytest.raises(IntegrityError):
            session.flush()
        savepoint.rollback()
        after = record(session, SYSTEM, "test.after", "thing", 3)
        assert after.prev_hash == first.hash
    with session_scope() as session:
        assert verify(session).ok


def test_a_rollback_of_the_whole_transaction_forgets_the_head() -> None:
    with session_scope() as session:
        record(session, SYSTEM, "test.kept", "thing", 1)
    with pytest.raises(RuntimeError), session_scope() as session:
        savepoint = session.begin_nested()
        record(session, SYSTEM, "test.gone", "thing", 2)
        savepoint.commit()
        raise RuntimeError("roll back everything")
    with session_scope() as session:
        after = record(session, SYSTEM, "test.after", "thing", 3)
    kept, stored_after = chain()
    assert stored_after.id == after.id and after.prev_hash == kept.hash


TRICKY: list[Any] = [
    None,
    {"a": 1.5, "b": [1e16, float("nan"), float("inf"), -0.0], "c": Decimal("1.10")},
    {"nul": "a\x00b", "key\x00": "v", 3: "int key", "nested": {"z": [{"y": None, "x": True}]}},
    {"when": datetime(2024, 2, 29, 12, 0, tzinfo=UTC), "day": date(2024, 1, 1), "set": {"b", "a"}},
    ["list", 1, 2.25, {"k": "ä"}],
    "plain",
    42,
]


@pytest.mark.parametrize("value", TRICKY)
def test_hashing_normalised_values_skips_no_conversion(value: Any) -> None:
    row = AuditEvent(
        occurred_at=datetime(2024, 1, 1, tzinfo=UTC),
        actor_kind="system",
        actor_id=None,
        actor_label="system",
        action="test.x",
        entity="thing",
        entity_id="1",
        before=normalise(value),
        after=normalise({"wrapped": value}),
        reason=None,
        ip=None,
        user_agent=None,
    )
    assert hash_payload(row, normalised=True) == hash_payload(row)


def test_many_events_in_one_flush_keep_the_chain_in_id_order() -> None:
    count = PREASSIGN_FROM * 2 + 3
    with session_scope() as session:
        record(session, SYSTEM, "test.before", "thing", 0)
        session.flush()
        rows = [record(session, SYSTEM, "test.many", "thing", n, after={"n": n}) for n in range(count)]
        session.flush()
        ids = [r.id for r in rows]
    assert ids == sorted(ids) and len(set(ids)) == count
    stored = chain()
    assert [e.after for e in stored[1:]] == [{"n": n} for n in range(count)]
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(stored))
    with session_scope() as session:
        assert verify(session).ok
