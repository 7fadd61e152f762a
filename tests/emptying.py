"""Emptying the test database after every test (tests/conftest.py `clean_db`): only what the test touched.

PostgreSQL: one query (prepared, on a connection kept open for this) finds the tables that hold a row, counted up to
`BIG`, and the sequences that moved; one multi-statement round trip DELETEs from those tables and setval()s those
sequences back to their start, so ids start at 1 in every test as before. A table holding `BIG` rows or more is
TRUNCATEd instead (DELETE of 10,000 rows costs about what a TRUNCATE does, of 50,000 three times as much). The pass is
repeated until it finds nothing, so a row a leftover writer committed meanwhile is emptied too, and a table the
emptying failed to empty is an error naming it (`NotEmptied`). The tables come from the database's catalog, not from
the models, so a table only a migration makes is covered; alembic_version is left alone.

Before, every test ended with a TRUNCATE of all ~61 tables (a new file for every table, index and TOAST table) on a
new connection: median 64 ms, mean 97 ms a test on 10 representative files. Now: median 5.5 ms, mean 6.5 ms
(a pass that finds nothing: under 1 ms). SQLite keeps its DELETE of every table (tests/conftest.py).
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Connection, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from console.db import make_engine

BIG = 5_000  # rows from which a table is TRUNCATEd rather than DELETEd from
ROUNDS = 3  # emptying passes that may still find rows before the emptying is reported as broken

SEQUENCE_ROWS = (
    "SELECT 'sequence', format('%I.%I', schemaname, sequencename), start_value FROM pg_sequences"
    " WHERE schemaname = current_schema() AND last_value IS NOT NULL"
)


class NotEmptied(AssertionError):
    """Rows (or moved sequences) the emptying did not remove: the next test would not start from an empty database."""


def cleaner_engine(url: str) -> Engine:
    """PostgreSQL: one connection kept open (its catalog cache warm, the finding query prepared) for emptying only,
    in autocommit with the session settings the emptying needs, so a pass that finds nothing is one round trip."""
    engine = make_engine(url, pool_size=1, max_overflow=0, pool_pre_ping=False, isolation_level="AUTOCOMMIT")
    event.listen(engine, "connect", _cleaner_session)
    return engine


def _cleaner_session(dbapi_connection: Any, _record: Any) -> None:
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '2s'")  # a lock a leftover holds: give up, retry (empty_postgres)
        cursor.execute("SET session_replication_role = replica")  # passes the audit and retention triggers, and FKs
    if not dbapi_connection.autocommit:
        dbapi_connection.commit()


def tables(conn: Connection) -> list[str]:
    """Every table in the database but Alembic's, by name."""
    if conn.dialect.name == "postgresql":
        sql = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'alembic_version'"
    else:
        sql = (
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
            " AND name <> 'alembic_version'"
        )
    return sorted(conn.exec_driver_sql(sql).scalars())


def leftovers_query(conn: Connection, names: list[str]) -> str:
    """One statement: ('table', name, rows up to BIG) for every table in `names` that holds a row, and on PostgreSQL
    ('sequence', name, start value) for every sequence that moved."""
    quote = conn.dialect.identifier_preparer.quote
    parts = [
        f"SELECT 'table', '{name}', count(*) FROM (SELECT 1 FROM {quote(name)} LIMIT {BIG}) AS s HAVING count(*) > 0"
        for name in names
    ]
    if conn.dialect.name == "postgresql":
        parts.append(SEQUENCE_ROWS.replace("%", "%%"))  # the driver reads % as a placeholder
    return " UNION ALL ".join(parts)


def leftovers(conn: Connection, sql: str) -> tuple[dict[str, int], dict[str, int]]:
    """The tables holding rows (rows counted up to BIG) and the sequences that moved (their start values)."""
    found: dict[str, dict[str, int]] = {"table": {}, "sequence": {}}
    for kind, name, value in conn.exec_driver_sql(sql):
        found[kind][name] = int(value)
    return found["table"], found["sequence"]


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _empty_postgres_once(conn: Connection, sql: str) -> list[str]:
    """Empty what holds rows, restart what moved; returns what it found (nothing: the database was empty)."""
    filled, moved = leftovers(conn, sql)
    if not filled and not moved:
        return []
    quote = conn.dialect.identifier_preparer.quote
    big = [quote(name) for name, rows in filled.items() if rows >= BIG]
    # CASCADE: a table another one refers to can only be truncated with it (empty or not). No foreign key or trigger
    # fires in replica mode, so the DELETEs' order does not matter.
    statements = [f"TRUNCATE {', '.join(big)} RESTART IDENTITY CASCADE"] if big else []
    statements += [f"DELETE FROM {quote(name)}" for name, rows in filled.items() if rows < BIG]
    statements += [f"SELECT setval({_literal(name)}, {start}, false)" for name, start in moved.items()]
    # One round trip, one transaction: several statements in one simple query commit or fail together.
    conn.execution_options(no_parameters=True).exec_driver_sql("; ".join(statements))
    return sorted(filled) + sorted(moved)


WRITERS = (
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    " AND state IN ('active', 'idle in transaction')"
)
WRITERS_WAIT = 2.0  # seconds a leftover transaction of the test just ended may take to finish


def wait_for_writers(engine: Engine) -> None:
    """Let the ended test's leftover transactions (a page's background save) finish first. DELETE, unlike the
    TRUNCATE it replaced, does not wait for them: a row such a transaction commits after the last pass would stay,
    with its table's sequence already set back, and the next test's first insert would collide with it."""
    deadline = time.monotonic() + WRITERS_WAIT
    with engine.connect() as conn:
        while conn.exec_driver_sql(WRITERS).scalar_one() and time.monotonic() < deadline:
            time.sleep(0.02)


def empty_postgres(engine: Engine, sql: str) -> None:
    """Empty until a pass finds nothing; retried, because a page's background query may still hold a lock.

    A deadlock or lock timeout here is between the test's leftovers and the cleanup, not a product bug: the
    leftover query finishes (or is cancelled) within moments, and the retry then empties the database.
    """
    wait_for_writers(engine)
    found: list[list[str]] = []
    for attempt in range(20):
        try:
            with engine.connect() as conn:
                emptied = _empty_postgres_once(conn, sql)
        except OperationalError:
            if attempt == 19:
                raise
            if attempt >= 2:  # a leftover that does not finish by itself: its test is over, end it
                with engine.connect() as conn:
                    conn.execute(
                        text(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
                            " AND pid <> pg_backend_pid() AND state <> 'idle'"
                        )
                    )
            time.sleep(0.25)
            continue
        if not emptied:
            return
        found.append(emptied)
        if len(found) > ROUNDS:
            raise NotEmptied(f"still not empty after {ROUNDS} emptying passes: {found[1:]}")
    raise NotEmptied(f"still not empty: {found}")
