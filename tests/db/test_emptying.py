"""The emptying after every test (tests/conftest.py `clean_db`, tests/emptying.py): no table keeps a row, every id
starts at 1 again, and an emptying that leaves something behind is an error rather than a leak into the next test."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import Connection, insert, inspect, text
from sqlalchemy.engine import Engine

from console.ads.models import Advertiser
from console.db import utcnow
from console.models import metadata
from tests import emptying
from tests.conftest import IS_POSTGRES, _empty_database


def _row_counts(conn: Connection) -> dict[str, int]:
    """Rows in every table the database has (read from the database itself, not from the emptying's queries)."""
    names = [n for n in inspect(conn).get_table_names() if n != "alembic_version"]
    return {name: conn.exec_driver_sql(f'SELECT count(*) FROM "{name}"').scalar_one() for name in names}


def _called_sequences(conn: Connection) -> list[str]:
    if not IS_POSTGRES:
        return []
    names = conn.exec_driver_sql("SELECT relname FROM pg_class WHERE relkind = 'S' ORDER BY relname").scalars().all()
    return [n for n in names if conn.exec_driver_sql(f'SELECT is_called FROM "{n}"').scalar_one()]


def _fill(engine: Engine, make_staff: Callable[..., tuple[int, str]]) -> None:
    """Rows of every kind the emptying must handle: behind append-only and retention triggers (the audit events of
    a staff account), in a table with no sequence, more than BIG rows in one table, a sequence moved by a rolled-back
    insert into a table left empty."""
    make_staff("admin")
    with engine.begin() as conn:
        conn.execute(
            text(
                "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < :rows)"
                " INSERT INTO insights_members_daily (day, dimension, key, value)"
                " SELECT :day, 'signups', CAST(n AS VARCHAR(40)), n FROM g"
            ),
            {"rows": emptying.BIG + 10, "day": date(2026, 1, 1)},
        )
    with engine.connect() as conn:
        conn.execute(insert(Advertiser.__table__).values(name="Gone", status="active", created_at=utcnow(), version=1))
        conn.rollback()


def test_every_table_the_database_has_is_looked_at(cleaner: tuple[Engine, str]) -> None:
    engine, _ = cleaner
    with engine.connect() as conn:
        assert {t.name for t in metadata.sorted_tables} <= set(emptying.tables(conn))
        assert "alembic_version" not in emptying.tables(conn)  # the revision stays


def test_the_emptying_leaves_no_row_and_restarts_every_id(
    cleaner: tuple[Engine, str], make_staff: Callable[..., tuple[int, str]]
) -> None:
    engine, filled_sql = cleaner
    _fill(engine, make_staff)
    with engine.connect() as conn:
        before = {name: rows for name, rows in _row_counts(conn).items() if rows}
        assert {"staff", "audit_events", "insights_members_daily"} <= set(before)
        assert before["insights_members_daily"] == emptying.BIG + 10
        if IS_POSTGRES:
            assert {"staff_id_seq", "audit_events_id_seq", "advertisers_id_seq"} <= set(_called_sequences(conn))

    _empty_database(engine, filled_sql)

    with engine.connect() as conn:
        assert {name: rows for name, rows in _row_counts(conn).items() if rows} == {}
        assert _called_sequences(conn) == []
        ad_id = conn.execute(
            insert(Advertiser.__table__).values(name="First", status="active", created_at=utcnow(), version=1)
        ).inserted_primary_key[0]
        conn.commit()
    assert ad_id == 1
    assert make_staff("admin")[0] == 1


@pytest.mark.skipif(not IS_POSTGRES, reason="SQLite empties every table with DELETE, no pass finds anything to check")
def test_an_emptying_that_leaves_rows_is_an_error_naming_them(
    cleaner: tuple[Engine, str], make_staff: Callable[..., tuple[int, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, filled_sql = cleaner
    make_staff("admin")

    def finds_but_keeps(conn: Connection, sql: str) -> list[str]:
        filled, moved = emptying.leftovers(conn, sql)
        return sorted(filled) + sorted(moved)

    with monkeypatch.context() as patched:
        patched.setattr(emptying, "_empty_postgres_once", finds_but_keeps)
        with pytest.raises(emptying.NotEmptied, match="staff") as raised:
            emptying.empty_postgres(engine, filled_sql)
    assert "audit_events" in str(raised.value) and "public.staff_id_seq" in str(raised.value)
    emptying.empty_postgres(engine, filled_sql)  # the real one: nothing is left
    with engine.connect() as conn:
        assert emptying.leftovers(conn, filled_sql) == ({}, {})
