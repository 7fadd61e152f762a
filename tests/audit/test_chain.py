"""The audit chain: writing in the caller's transaction, linking, canonical hashing, tamper detection,
the append-only triggers, concurrent writers, filtered reading and `run.py audit verify`."""

from __future__ import annotations

import hashlib
import importlib.util
import itertools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy import create_engine, delete, select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from console import cli
from console.actor import SYSTEM, Actor, anonymous
from console.audit import service
from console.audit.canonical import GENESIS, canonical_json, chain_hash, iso_utc, normalise
from console.audit.models import AuditEvent
from console.audit.service import AuditFilter, count_events, hash_payload, list_events, record, verify
from console.db import session_scope
from console.errors import Forbidden, ValidationFailed
from console.paging import PageRequest
from tests.conftest import AS_APP_ROLE, IS_POSTGRES, TEST_URL

# Who refuses a change to an event: the triggers, or (connected as the least-privilege role) the grants before them.
REFUSED = "permission denied for table audit_events" if AS_APP_ROLE else "append-only"
MIGRATION = Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0001_foundation.py"


def _migration_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("_migration_0001_for_tests", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def staff(label: str, *roles: str, staff_id: int = 1) -> Actor:
    return Actor(kind="staff", label=label, staff_id=staff_id, roles=frozenset(roles or ("admin",)))


READER = staff("reader@test.example", "admin", staff_id=999)


def write_events(n: int, *, per_transaction: int = 1, action: str = "test.event") -> list[int]:
    """n events, `per_transaction` per unit of work; returns their ids."""
    ids: list[int] = []
    written = 0
    while written < n:
        with session_scope() as session:
            rows = []
            for _ in range(min(per_transaction, n - written)):
                rows.append(record(session, SYSTEM, action, "thing", written, after={"n": written}))
                written += 1
            session.flush()
            ids.extend(r.id for r in rows)
    return ids


def all_rows() -> list[AuditEvent]:
    with session_scope() as session:
        return list(session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars())


def verify_now(**kwargs: Any) -> service.VerifyResult:
    with session_scope() as session:
        return verify(session, **kwargs)


@contextmanager
def triggers_off(engine: Engine) -> Iterator[None]:
    """Lift the append-only triggers (as someone with DDL rights could) and put them back afterwards."""
    with engine.begin() as conn:
        if IS_POSTGRES:
            conn.exec_driver_sql("ALTER TABLE audit_events DISABLE TRIGGER USER")
        else:
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_events_no_update")
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_events_no_delete")
    try:
        yield
    finally:
        with engine.begin() as conn:
            if IS_POSTGRES:
                conn.exec_driver_sql("ALTER TABLE audit_events ENABLE TRIGGER USER")
            else:
                conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_events_no_update")
                conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_events_no_delete")
                for statement in _migration_module().SQLITE_APPEND_ONLY:
                    conn.exec_driver_sql(statement)


def tamper(engine: Engine, row_id: int, **values: Any) -> None:
    with triggers_off(engine), engine.begin() as conn:
        result = conn.execute(update(AuditEvent).where(AuditEvent.id == row_id).values(**values))
        assert result.rowcount == 1


def remove(engine: Engine, row_id: int) -> None:
    with triggers_off(engine), engine.begin() as conn:
        result = conn.execute(delete(AuditEvent).where(AuditEvent.id == row_id))
        assert result.rowcount == 1


def assert_update_refused(row_id: int) -> None:
    with pytest.raises(DBAPIError) as caught, session_scope() as session:
        session.execute(text("UPDATE audit_events SET action = 'x.y' WHERE id = :id"), {"id": row_id})
    assert REFUSED in str(caught.value)


# --- record(): one row, in the caller's transaction ---------------------------------------------------------


def test_record_writes_one_row_in_the_callers_transaction(engine: Engine) -> None:
    outsider = create_engine(TEST_URL, poolclass=NullPool)  # plain engine: reads without taking the write lock
    try:
        with session_scope() as session:
            row = record(session, SYSTEM, "thing.create", "thing", 7, before=None, after={"a": 1}, reason="because")
            assert count_events(session) == 1  # autoflush: visible inside the transaction
            with outsider.connect() as conn:
                assert conn.execute(text("SELECT count(*) FROM audit_events")).scalar_one() == 0
        with outsider.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM audit_events")).scalar_one() == 1
    finally:
        outsider.dispose()
    [stored] = all_rows()
    assert stored.id == row.id
    assert (stored.action, stored.entity, stored.entity_id, stored.reason) == ("thing.create", "thing", "7", "because")
    assert (stored.actor_kind, stored.actor_label, stored.actor_id) == ("system", "system", None)
    assert stored.after == {"a": 1} and stored.before is None
    assert stored.prev_hash == GENESIS
    assert stored.occurred_at.tzinfo is not None


def test_record_rolls_back_with_the_callers_transaction(engine: Engine) -> None:
    with pytest.raises(RuntimeError), session_scope() as session:
        record(session, SYSTEM, "thing.create", "thing", 1, after={"a": 1})
        record(session, SYSTEM, "thing.update", "thing", 1, after={"a": 2})
        session.flush()
        assert count_events(session) == 2
        raise RuntimeError("the caller fails after recording")
    with session_scope() as session:
        assert count_events(session) == 0
    # The next writer starts the chain afresh: nothing of the rolled-back head leaks into it.
    [first] = write_events(1)
    with session_scope() as session:
        row = session.get(AuditEvent, first)
        assert row is not None and row.prev_hash == GENESIS
    assert verify_now() == service.VerifyResult(ok=True, checked=1)


def test_rolled_back_savepoint_does_not_leave_a_dangling_link(engine: Engine) -> None:
    with session_scope() as session:
        first = record(session, SYSTEM, "thing.a", "thing", 1)
        session.flush()
        savepoint = session.begin_nested()
        record(session, SYSTEM, "thing.b", "thing", 2)
        session.flush()
        savepoint.rollback()
        third = record(session, SYSTEM, "thing.c", "thing", 3)
        assert third.prev_hash == first.hash
    rows = all_rows()
    assert [r.action for r in rows] == ["thing.a", "thing.c"]
    assert verify_now().ok


def test_record_truncates_long_identifiers_and_keeps_client_info(engine: Engine) -> None:
    from console.actor import ClientInfo

    actor = Actor(
        kind="staff",
        label="ann@test.example",
        staff_id=5,
        roles=frozenset({"admin"}),
        client=ClientInfo(ip="203.0.113.9", user_agent="Agent/" + "x" * 600),
    )
    with session_scope() as session:
        record(session, actor, "thing.create", "thing", "k" * 100)
    [row] = all_rows()
    assert row.entity_id == "k" * 64
    assert row.ip == "203.0.113.9"
    assert row.user_agent is not None and len(row.user_agent) == 512
    assert (row.actor_kind, row.actor_id, row.actor_label) == ("staff", 5, "ann@test.example")
    assert verify_now().ok


def test_naive_datetime_is_refused_and_nothing_written(engine: Engine) -> None:
    with pytest.raises(ValueError, match="naive"), session_scope() as session:
        record(session, SYSTEM, "thing.create", "thing", 1, after={"when": datetime(2024, 1, 1, 12, 0)})
    with session_scope() as session:
        assert count_events(session) == 0


# --- the chain ----------------------------------------------------------------------------------------------


def test_chain_links_each_event_to_the_previous_one(engine: Engine) -> None:
    write_events(3, per_transaction=1)
    write_events(4, per_transaction=4)
    write_events(2, per_transaction=2)
    rows = all_rows()
    assert len(rows) == 9
    assert rows[0].prev_hash == GENESIS
    for previous, current in itertools.pairwise(rows):
        assert current.prev_hash == previous.hash
    assert len({r.hash for r in rows}) == 9
    for row in rows:
        assert len(row.hash) == 64 and int(row.hash, 16) >= 0
        assert row.hash == chain_hash(row.prev_hash, hash_payload(row))


def test_verify_is_ok_on_a_long_chain_written_in_many_transactions(engine: Engine) -> None:
    write_events(60, per_transaction=7)
    write_events(15, per_transaction=1)
    write_events(45, per_transaction=45)
    assert verify_now() == service.VerifyResult(ok=True, checked=120)
    # Small batches cross batch boundaries (and expunge between them) without false alarms.
    assert verify_now(batch=7) == service.VerifyResult(ok=True, checked=120)


def test_verify_on_an_empty_chain_is_ok() -> None:
    assert verify_now() == service.VerifyResult(ok=True, checked=0)


# --- canonical JSON -----------------------------------------------------------------------------------------


def test_canonical_json_sorts_keys_without_whitespace() -> None:
    value = {"b": 1, "a": {"d": [3, {"z": 1, "y": 2}], "c": None}, "aa": True}
    assert canonical_json(value) == '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"aa":true,"b":1}'
    assert canonical_json({"a": 1, "b": 2}) == canonical_json({"b": 2, "a": 1})


def test_canonical_json_datetimes_are_utc_iso_with_z() -> None:
    aware = datetime(2024, 1, 2, 3, 4, 5, 6, tzinfo=UTC)
    plus_two = datetime(2024, 1, 2, 5, 4, 5, 6, tzinfo=timezone(timedelta(hours=2)))
    assert canonical_json({"t": aware}) == '{"t":"2024-01-02T03:04:05.000006Z"}'
    assert canonical_json({"t": plus_two}) == '{"t":"2024-01-02T03:04:05.000006Z"}'
    assert canonical_json({"t": datetime(2024, 1, 2, tzinfo=UTC)}) == '{"t":"2024-01-02T00:00:00.000000Z"}'
    assert iso_utc(plus_two) == "2024-01-02T03:04:05.000006Z"


def test_canonical_json_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="naive"):
        canonical_json({"t": datetime(2024, 1, 2, 3, 4, 5)})
    with pytest.raises(ValueError, match="naive"):
        canonical_json([{"deep": [datetime(2024, 1, 2)]}])
    with pytest.raises(ValueError, match="naive"):
        iso_utc(datetime(2024, 1, 2))


def test_canonical_json_decimals_and_floats_are_strings() -> None:
    assert canonical_json({"amount": Decimal("12.50")}) == '{"amount":"12.50"}'
    assert canonical_json({"f": 1.5, "g": [0.1, 2.0]}) == '{"f":"1.5","g":["0.1","2.0"]}'
    # Integers and booleans stay what they are.
    assert canonical_json({"i": 3, "b": False, "big": 12345678901234567890}) == (
        '{"b":false,"big":12345678901234567890,"i":3}'
    )
    assert normalise({"f": 0.25, "d": Decimal("1E+2")}) == {"f": "0.25", "d": "1E+2"}


def test_canonical_json_keeps_unicode_unescaped() -> None:
    assert canonical_json({"name": "Zoë 東京 🎬"}) == '{"name":"Zoë 東京 🎬"}'


def test_canonical_json_refuses_unknown_types() -> None:
    with pytest.raises(TypeError, match="object"):
        canonical_json({"x": object()})


def test_chain_hash_is_sha256_of_previous_hash_and_canonical_payload() -> None:
    payload = {"b": Decimal("1.0"), "a": datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC), "c": 0.5}
    expected_text = GENESIS + '{"a":"2024-05-06T07:08:09.000000Z","b":"1.0","c":"0.5"}'
    assert chain_hash(GENESIS, payload) == hashlib.sha256(expected_text.encode("utf-8")).hexdigest()
    assert chain_hash("f" * 64, payload) != chain_hash(GENESIS, payload)


RICH_BEFORE: dict[str, Any] = {
    "zeta": 1,
    "alpha": {"nested": {"b": [1, 2, {"y": None, "x": True}], "a": "ä"}, "list": ["z", "a"]},
    "b": "short key after long ones",
    "price": Decimal("19.990"),
    "when": datetime(2023, 12, 31, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=-5))),
}
RICH_AFTER: dict[str, Any] = {
    "名前": "東京タワー",
    "emoji": "🎬🔥",
    "quote": 'he said "hi"\\ and left\n',
    "ratio": 0.1,
    "big": 12345678901234567890,
    "empty": {},
    "nothing": [],
    "mixed": [Decimal("-0.00"), 1.0, "1.0", None, False, {"deep": {"deeper": [datetime(2020, 2, 29, tzinfo=UTC)]}}],
}


def test_hash_survives_a_storage_round_trip(engine: Engine) -> None:
    with session_scope() as session:
        recorded = record(
            session,
            SYSTEM,
            "thing.update",
            "thing",
            "ä-1",
            before=RICH_BEFORE,
            after=RICH_AFTER,
            reason="Grund: Prüfung ✓",
        )
        recorded_hash = recorded.hash
    write_events(2)  # later events link to the stored hash too
    with session_scope() as session:
        stored = session.execute(select(AuditEvent).order_by(AuditEvent.id).limit(1)).scalar_one()
        assert stored.hash == recorded_hash
        assert stored.before == normalise(RICH_BEFORE)
        assert stored.after == normalise(RICH_AFTER)
        assert stored.before["price"] == "19.990"
        assert stored.before["when"] == "2024-01-01T04:59:59.999999Z"
        assert stored.after["mixed"][0] == "-0.00" and stored.after["mixed"][1] == "1.0"
        assert chain_hash(stored.prev_hash, hash_payload(stored)) == recorded_hash
    assert verify_now() == service.VerifyResult(ok=True, checked=3)


# --- tampering ----------------------------------------------------------------------------------------------


def test_changed_after_is_detected_at_that_row(engine: Engine) -> None:
    ids = write_events(6, per_transaction=2)
    tamper(engine, ids[3], after={"n": 999})
    result = verify_now()
    assert result.ok is False
    assert result.first_broken_id == ids[3]
    assert result.checked == 3
    assert result.problem == "content does not match its hash"
    assert_update_refused(ids[0])  # the triggers are back


def test_changed_action_is_detected_at_that_row(engine: Engine) -> None:
    ids = write_events(5)
    tamper(engine, ids[1], action="test.innocent")
    result = verify_now(batch=2)
    assert (result.ok, result.first_broken_id) == (False, ids[1])
    assert_update_refused(ids[0])


def test_tampering_in_a_later_batch_is_detected(engine: Engine) -> None:
    ids = write_events(10, per_transaction=10)
    tamper(engine, ids[7], reason="added later")
    assert verify_now(batch=3).first_broken_id == ids[7]


def test_rehashed_row_breaks_the_link_of_the_next_one(engine: Engine) -> None:
    ids = write_events(4)
    with session_scope() as session:
        row = session.get(AuditEvent, ids[1])
        assert row is not None
        row_payload = hash_payload(row) | {"after": {"n": 12345}}
        forged_hash = chain_hash(row.prev_hash, row_payload)
        session.expunge_all()  # never let the ORM write this row
    tamper(engine, ids[1], after={"n": 12345}, hash=forged_hash)
    result = verify_now()
    assert (result.ok, result.first_broken_id) == (False, ids[2])
    assert result.problem == "link to the previous event is broken"


def test_deleted_middle_row_is_detected(engine: Engine) -> None:
    ids = write_events(5, per_transaction=5)
    remove(engine, ids[2])
    result = verify_now()
    assert result.ok is False
    assert result.first_broken_id == ids[3]
    assert result.problem == "link to the previous event is broken"
    with pytest.raises(DBAPIError, match=REFUSED), session_scope() as session:
        session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": ids[0]})


def test_deleted_first_row_is_detected(engine: Engine) -> None:
    ids = write_events(3)
    remove(engine, ids[0])
    assert verify_now().first_broken_id == ids[1]


# --- append-only triggers -----------------------------------------------------------------------------------


def test_update_through_sql_is_refused(engine: Engine) -> None:
    [row_id] = write_events(1)
    assert_update_refused(row_id)
    [row] = all_rows()
    assert row.action == "test.event"
    assert verify_now().ok


def test_update_through_the_orm_is_refused(engine: Engine) -> None:
    [row_id] = write_events(1)
    with pytest.raises(DBAPIError) as caught, session_scope() as session:
        row = session.get(AuditEvent, row_id)
        assert row is not None
        row.after = {"n": 42}
    assert REFUSED in str(caught.value)
    assert all_rows()[0].after == {"n": 0}


def test_delete_through_sql_and_orm_is_refused(engine: Engine) -> None:
    ids = write_events(2)
    with pytest.raises(DBAPIError) as caught, session_scope() as session:
        session.execute(text("DELETE FROM audit_events"))
    assert REFUSED in str(caught.value)
    with pytest.raises(DBAPIError) as caught, session_scope() as session:
        row = session.get(AuditEvent, ids[1])
        session.delete(row)
    assert REFUSED in str(caught.value)
    assert [r.id for r in all_rows()] == ids


@pytest.mark.skipif(not IS_POSTGRES, reason="TRUNCATE exists on PostgreSQL only")
def test_truncate_is_refused_on_postgresql(engine: Engine) -> None:
    ids = write_events(3)
    with pytest.raises(DBAPIError) as caught, session_scope() as session:
        session.execute(text("TRUNCATE audit_events"))
    assert REFUSED in str(caught.value)
    assert [r.id for r in all_rows()] == ids


# --- concurrent writers -------------------------------------------------------------------------------------


def test_concurrent_writers_leave_one_unforked_chain(engine: Engine) -> None:
    per_thread = 50
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        actor = staff(f"writer{n}@test.example", staff_id=n)
        try:
            start.wait(timeout=30)
            for i in range(per_thread):
                with session_scope() as session:
                    record(session, actor, "concurrent.write", "thread", n, after={"i": i})
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    rows = all_rows()
    assert len(rows) == 2 * per_thread
    assert sorted(r.entity_id or "" for r in rows).count("1") == per_thread
    assert len({r.prev_hash for r in rows}) == len(rows)  # no two events claim the same predecessor
    assert verify_now() == service.VerifyResult(ok=True, checked=2 * per_thread)


# --- list_events --------------------------------------------------------------------------------------------

T0 = datetime(2024, 3, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def sample_events(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    clock = {"now": T0}
    monkeypatch.setattr(service, "utcnow", lambda: clock["now"])
    spec = [
        ("e1", staff("alice@a.example"), "member.create", "member", 1, T0),
        ("e2", staff("alice@a.example"), "member.update", "member", 2, T0 + timedelta(days=1)),
        ("e3", staff("bob@b.example", staff_id=2), "staff.create", "staff", 1, T0 + timedelta(days=2)),
        ("e4", SYSTEM, "config.set", "system_config", "maintenance", T0 + timedelta(days=3)),
        ("e5", staff("a%b_c@x.example", staff_id=3), "member.create", "member", 3, T0 + timedelta(days=4)),
        ("e6", staff("alicia@a.example", staff_id=4), "member_create", "member", 4, T0 + timedelta(days=5)),
    ]
    ids: dict[str, int] = {}
    for name, actor, action, entity, entity_id, when in spec:
        clock["now"] = when
        with session_scope() as session:
            row = record(session, actor, action, entity, entity_id)
            session.flush()
            ids[name] = row.id
    return ids


def names_for(ids: dict[str, int], flt: AuditFilter, page: PageRequest | None = None) -> tuple[list[str], int]:
    by_id = {v: k for k, v in ids.items()}
    with session_scope() as session:
        result = list_events(session, actor=READER, flt=flt, page=page or PageRequest(1, 50))
        assert result.estimated is False
        return [by_id[r.id] for r in result.rows], result.total


def test_list_events_unfiltered_is_newest_first(sample_events: dict[str, int]) -> None:
    assert names_for(sample_events, AuditFilter()) == (["e6", "e5", "e4", "e3", "e2", "e1"], 6)
    assert names_for(sample_events, AuditFilter(), PageRequest(2, 4)) == (["e2", "e1"], 6)


def test_list_events_actor_prefix(sample_events: dict[str, int]) -> None:
    assert names_for(sample_events, AuditFilter(actor="alice@"))[0] == ["e2", "e1"]
    assert names_for(sample_events, AuditFilter(actor="ali"))[0] == ["e6", "e2", "e1"]
    assert names_for(sample_events, AuditFilter(actor="  ALICE@A.EXAMPLE "))[0] == ["e2", "e1"]
    assert names_for(sample_events, AuditFilter(actor="sys"))[0] == ["e4"]
    # LIKE wildcards in the input are literal characters, not patterns.
    assert names_for(sample_events, AuditFilter(actor="a%"))[0] == ["e5"]
    assert names_for(sample_events, AuditFilter(actor="a%b_"))[0] == ["e5"]
    assert names_for(sample_events, AuditFilter(actor="_"))[0] == []
    assert names_for(sample_events, AuditFilter(actor="lice"))[0] == []


def test_list_events_finds_staff_by_name_or_a_word_of_it(
    make_staff: Callable[..., tuple[int, str]], actor_for: Callable[[int], Actor]
) -> None:
    """A person looks for "Dana", the log stores "dana.w@…": names match from their start or any word's, case
    folded in every script (SQLite's lower() folds ASCII only), and the e-mail prefix still works."""
    dana_id, dana_email = make_staff("admin", email="dana.w@test.example", name="Dana Whitfield")
    alvaro_id, _ = make_staff("admin", email="a.nunez@test.example", name="Álvaro Núñez")
    other_id, _ = make_staff("admin", email="zed@test.example", name="Zed Danaher")
    ids = {}
    for who, staff_id in (("dana", dana_id), ("alvaro", alvaro_id), ("other", other_id)):
        with session_scope() as session:
            row = record(session, actor_for(staff_id), "member.update", "member", 1)
            session.flush()
            ids[who] = row.id

    def found(typed: str) -> set[str]:
        by_id = {v: k for k, v in ids.items()}
        with session_scope() as session:
            rows = list_events(session, actor=READER, flt=AuditFilter(actor=typed), page=PageRequest(1, 50)).rows
        return {by_id[r.id] for r in rows if r.id in by_id}

    assert found("Dana") == {"dana", "other"}  # "Danaher" is a word that starts with it
    assert found("dana w") == {"dana"}
    assert found("whit") == {"dana"}
    assert found("ÁLVARO") == found("álv") == found("núñez") == {"alvaro"}
    assert found("dana.w@") == {"dana"} and dana_email.startswith("dana.w@")
    assert found("a.n") == {"alvaro"}  # the stored label's prefix
    assert found("nobody here") == set()
    assert found("%") == set()  # no wildcard through the name match either


def test_list_events_action_prefix(sample_events: dict[str, int]) -> None:
    assert names_for(sample_events, AuditFilter(action="member."))[0] == ["e5", "e2", "e1"]
    assert names_for(sample_events, AuditFilter(action="member.c"))[0] == ["e5", "e1"]
    assert names_for(sample_events, AuditFilter(action="member_"))[0] == ["e6"]
    assert names_for(sample_events, AuditFilter(action="create"))[0] == []


def test_list_events_entity_and_entity_id(sample_events: dict[str, int]) -> None:
    assert names_for(sample_events, AuditFilter(entity="member"))[0] == ["e6", "e5", "e2", "e1"]
    assert names_for(sample_events, AuditFilter(entity="mem"))[0] == []  # exact, not a prefix
    assert names_for(sample_events, AuditFilter(entity_id="1"))[0] == ["e3", "e1"]
    assert names_for(sample_events, AuditFilter(entity="member", entity_id="1"))[0] == ["e1"]
    assert names_for(sample_events, AuditFilter(entity="system_config", entity_id="maintenance"))[0] == ["e4"]
    # as the Entity column writes it (QA: "Member" and "#1" found nothing; only the stored "member", "1" did)
    assert names_for(sample_events, AuditFilter(entity="Member"))[0] == ["e6", "e5", "e2", "e1"]
    assert names_for(sample_events, AuditFilter(entity=" MEMBER ", entity_id="#1"))[0] == ["e1"]
    assert names_for(sample_events, AuditFilter(entity="Setting", entity_id="maintenance"))[0] == ["e4"]


def test_entity_words_find_every_code_they_stand_for() -> None:
    from console.audit.words import entity_codes

    assert entity_codes("Case") == ["Case", "case", "moderation_case"]  # both read "Case" in the list
    assert entity_codes("2257 record") == ["2257 record", "legal_record"]
    assert entity_codes("legal_record") == ["legal_record"]
    assert entity_codes("new_thing") == ["new_thing"]  # not in the words: as stored


def test_list_events_date_range(sample_events: dict[str, int]) -> None:
    day = timedelta(days=1)
    assert names_for(sample_events, AuditFilter(since=T0 + day, until=T0 + 3 * day)) == (["e3", "e2"], 2)
    assert names_for(sample_events, AuditFilter(since=T0 + 4 * day))[0] == ["e6", "e5"]
    assert names_for(sample_events, AuditFilter(until=T0 + day))[0] == ["e1"]
    assert names_for(sample_events, AuditFilter(until=T0))[0] == []  # the end is exclusive
    other_zone = (T0 + 2 * day).astimezone(timezone(timedelta(hours=9)))
    assert names_for(sample_events, AuditFilter(since=other_zone))[0] == ["e6", "e5", "e4", "e3"]


def test_list_events_combined_filters(sample_events: dict[str, int]) -> None:
    flt = AuditFilter(actor="alice", action="member.", entity="member", since=T0 + timedelta(hours=1))
    assert names_for(sample_events, flt) == (["e2"], 1)


def test_list_events_validates_the_filter(sample_events: dict[str, int]) -> None:
    with session_scope() as session:
        with pytest.raises(ValidationFailed) as caught:
            list_events(
                session, actor=READER, flt=AuditFilter(since=T0, until=T0 - timedelta(days=1)), page=PageRequest()
            )
        assert "until" in caught.value.errors
        with pytest.raises(ValidationFailed) as caught:
            list_events(session, actor=READER, flt=AuditFilter(actor="x" * 255), page=PageRequest())
        assert "actor" in caught.value.errors


@pytest.mark.parametrize("role", ["moderator", "content", "compliance", "ads", "finance", "executive"])
def test_list_events_refuses_roles_without_audit_read(
    role: str, make_staff: Callable[..., tuple[int, str]], actor_for: Callable[[int], Actor]
) -> None:
    staff_id, _ = make_staff(role)
    actor = actor_for(staff_id)
    with session_scope() as session:
        with pytest.raises(Forbidden):
            list_events(session, actor=actor, flt=AuditFilter(), page=PageRequest())
        with pytest.raises(Forbidden):
            service.events_for(session, actor=actor, entity="staff", entity_id=staff_id)


def test_list_events_refuses_anonymous_and_allows_admin(admin: Actor) -> None:
    with session_scope() as session:
        with pytest.raises(Forbidden):
            list_events(session, actor=anonymous(), flt=AuditFilter(), page=PageRequest())
        page = list_events(session, actor=admin, flt=AuditFilter(entity="staff"), page=PageRequest())
        assert [r.action for r in page.rows] == ["staff.create"]  # the admin's own creation
        assert page.rows[0].entity_id == str(admin.staff_id)


# --- `run.py audit verify` ----------------------------------------------------------------------------------


def test_cli_audit_verify_intact_chain(engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    write_events(12, per_transaction=5)
    assert cli.main(["audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert "intact" in out and "12 events" in out


def test_cli_audit_verify_reports_the_broken_event(engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    ids = write_events(8, per_transaction=3)
    tamper(engine, ids[5], action="test.hidden")
    assert cli.main(["audit", "verify"]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert f"BROKEN at event {ids[5]}" in lines[0]
    assert lines[-1] == str(ids[5])


def test_chain_survives_savepoint_rollback_and_release() -> None:
    """A bulk action keeps the head across released savepoints and re-reads it after a rolled-back one."""
    from console.audit.service import record as write
    from console.audit.service import verify as check

    with session_scope() as session:
        write(session, SYSTEM, "test.outer", "thing", 1)
        with session.begin_nested():
            write(session, SYSTEM, "test.kept", "thing", 2)
        nested = session.begin_nested()
        write(session, SYSTEM, "test.dropped", "thing", 3)
        nested.rollback()
        write(session, SYSTEM, "test.after", "thing", 4)
    with session_scope() as session:
        actions = [e.action for e in session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()]
        assert actions[-3:] == ["test.outer", "test.kept", "test.after"]
        assert check(session).ok
