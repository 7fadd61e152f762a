"""Declarative base, the one MetaData, engines and the unit of work.

House rule: callers own the transaction. A click handler or CLI command opens
`with session_scope() as session:` and passes `session` to services, which never commit.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Integer, MetaData, create_engine, event, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import NullPool
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

# Portable column types (DESIGN.md "Two databases, one model").
JSONType = JSON().with_variant(JSONB(), "postgresql")
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")  # SQLite only auto-increments INTEGER PRIMARY KEY


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both databases (SQLite stores naive UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def utc_today() -> date:
    """Today in UTC, the console's one calendar (`date.today()` is the server's local day, a day off for hours on a
    server not set to UTC)."""
    return utcnow().date()


class Base(DeclarativeBase):
    metadata = metadata


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy emit BEGIN itself (see _sqlite_begin) instead of pysqlite's implicit handling.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    # IMMEDIATE takes the write lock up front: a transaction that reads the audit chain's head and
    # then appends to it can never be overtaken by another writer (no forked chain, no BUSY upgrade).
    conn.exec_driver_sql("BEGIN IMMEDIATE")


POOL_SIZE, MAX_OVERFLOW = 10, 10  # PostgreSQL connections kept, and more when busy


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            from pathlib import Path

            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    if kwargs.get("poolclass") is not NullPool:
        kwargs.setdefault("pool_size", POOL_SIZE)
        kwargs.setdefault("max_overflow", MAX_OVERFLOW)
        kwargs.setdefault("pool_use_lifo", True)
    return create_engine(url, **kwargs)


_lock = threading.Lock()
_engine: Engine | None = None
_session_factory: sessionmaker[Session] | None = None


def configure(url: str | None = None) -> Engine:
    """(Re)bind the process-wide engine; tests and the CLI call this with an explicit URL."""
    global _engine, _session_factory
    from console.config import get_settings

    with _lock:
        if _engine is not None:
            _engine.dispose()
        settings = get_settings()
        options: dict[str, Any] = {"poolclass": NullPool} if settings.db_pool == "null" else {}
        _engine = make_engine(url or settings.effective_database_url, **options)
        _session_factory = sessionmaker(bind=_engine, expire_on_commit=False)
        return _engine


def get_engine() -> Engine:
    if _engine is None:
        return configure()
    return _engine


@contextmanager
def owner_engine() -> Iterator[Engine]:
    """An engine for DDL and maintenance (dropping and building indexes, VACUUM): the tables' owner's,
    CONSOLE_MIGRATION_DATABASE_URL, when it is set (the console may run as a role that owns nothing); else the
    console's own engine."""
    from console.config import get_settings

    url = get_settings().migration_database_url
    if not url:
        yield get_engine()
        return
    engine = make_engine(url, poolclass=NullPool)
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def session_scope() -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any exception."""
    if _session_factory is None:
        configure()
    assert _session_factory is not None
    session = _session_factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def dialect_name(session: Session) -> str:
    return session.get_bind().dialect.name


PREASSIGN_FROM = 50  # rows of one table in one flush: from this many, they get their ids up front


def preassign_ids(session: Session, rows: Sequence[Any]) -> None:
    """PostgreSQL: give new ORM rows (all of one model, in insert order, `id` unset) their primary keys from the
    table's sequence in one query. Rows that arrive with their ids need no INSERT ... RETURNING, so SQLAlchemy
    sends them as one pipelined executemany instead of building huge multi-row statements, which psycopg
    rewrites placeholder by placeholder in Python. A no-op on SQLite and below PREASSIGN_FROM rows."""
    if len(rows) < PREASSIGN_FROM or dialect_name(session) != "postgresql":
        return
    table = rows[0].__table__.name
    found = session.connection().execute(
        text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
        {"table": table, "n": len(rows)},
    )
    for row, new_id in zip(rows, sorted(found.scalars()), strict=True):
        row.id = new_id


def json_list_contains(session: Session, column: Any, value: str) -> Any:
    """SQL condition: the JSON list in `column` holds `value` (JSONB @> on PostgreSQL, json_each on SQLite)."""
    import json as _json

    from sqlalchemy import cast, exists, literal, literal_column, select

    if dialect_name(session) == "postgresql":
        return column.op("@>")(cast(literal(_json.dumps([value])), JSONB))
    return exists(
        select(literal_column("1")).select_from(func.json_each(column)).where(literal_column("value") == value)
    )
